#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench, section 11: adu_group_info over 100 groups with the emulator enforcing the service's read limits.

The emulator holds --groups groups and answers group reads and compliance reads past 30 a window with 429 (the
documented limits, 30 a minute each, with the window scaled to --window seconds; the module's write_rate_window is
the same). One adu_group_info task reads every group with its subgroups and compliance; Microsoft's SDK then reads the
same (list_groups, each group's subgroups and compliance). Printed: seconds, the floor the limits allow for the
requests made (the last request of a budget of L calls a window cannot go before floor((N-1)/L) windows), the time
over that floor, and the answers of 429. It measures and prints; it asserts nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests'))

from adu_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position
from bench_common import SDK_CLIENT, TOKEN, ratio, timed, write_json  # noqa: E402  pylint: disable=wrong-import-position

LIMIT = 30
SDK_READS = SDK_CLIENT + '''
groups = [g['groupId'] for g in client.device_management.list_groups()]
for group in groups:
    list(client.device_management.list_device_class_subgroups_for_group(group))
    client.device_management.get_update_compliance_for_group(group)
print(len(groups))
'''


def floor_seconds(counts, window):
    """The least time the limits allow for these requests: per budget, its last request's earliest start."""
    return max([((n - 1) // LIMIT) * window for n in counts.values() if n] or [0])


def run_one(emulator, command, env, window, timeout):
    emulator.journal[:] = []
    emulator.throttle(action=None, read=None, create=None, delete=None, group=(LIMIT, window),
                      compliance=(LIMIT, window), best_updates=(LIMIT, window))
    run = timed(command, env=env, timeout=timeout)
    served = [e for e in emulator.journal if e['route'] not in ('token', 'discovery')]
    counts = {}
    for entry in served:
        kind = {'groups_list': 'group', 'group_get': 'group', 'ga_subgroups': 'group', 'group_compliance':
                'compliance', 'instance_compliance': 'compliance'}.get(entry['route'])
        if kind and not entry.get('throttled'):
            counts[kind] = counts.get(kind, 0) + 1
    floor = floor_seconds(counts, window)
    return run.figures(requests=len(served), throttled=len([e for e in served if e.get('throttled')]), floor=floor,
                       over_floor=ratio(run.seconds, floor))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--groups', type=int, default=100)
    parser.add_argument('--window', type=float, default=60.0, help='seconds of the limits\' window (60: as documented)')
    parser.add_argument('--json', help='write the figures here as JSON')
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix='adu-bench-groups-')
    emulator = Emulator(cert_dir=os.path.join(work, 'ca')).start()
    try:
        emulator.store.seed['device_groups'] = dict(('g-%03d' % n, {'device_classes': {'c' * 40: {
            'totalDevices': 5}}}) for n in range(args.groups))
        emulator.reset()
        play = os.path.join(work, 'groups.yml')
        with open(play, 'w') as handle:
            json.dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': [{
                'adu.device_update.adu_group_info': {
                    'endpoint': emulator.url, 'ca_path': emulator.ca_path, 'instance': 'blue', 'access_token': TOKEN,
                    'include': ['subgroups', 'compliance'], 'write_rate_window': args.window,
                    'throttle_timeout': 60 * args.window}}]}], handle)
        env = dict(os.environ, ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_HOME=os.path.join(work, 'home'),
                   XDG_CACHE_HOME=os.path.join(work, 'cache'))
        timeout = 30 * args.window
        module = run_one(emulator, ['ansible-playbook', '-i', 'localhost,', '-c', 'local', play], env, args.window,
                         timeout)
        sdk = run_one(emulator, [sys.executable, '-c', SDK_READS, emulator.url, emulator.ca_path, TOKEN], env,
                      args.window, timeout)
        figures = {'groups': args.groups, 'window': args.window, 'module': module, 'sdk': sdk}
        print('11. Reading %d groups with subgroups and compliance, %d reads a %g s window per budget'
              % (args.groups, LIMIT, args.window))
        print('%-28s %8s %10s %10s %10s %8s' % ('', 'rc', 'seconds', 'floor', 'x floor', '429s'))
        for name, row in (('adu_group_info (a play)', module), ('SDK (a Python process)', sdk)):
            shown = (name, row['rc'], row['seconds'], row['floor'], row['over_floor'], row['throttled'])
            print('%-28s %8s %10.1f %10.1f %10s %8d' % shown)
        write_json(args.json, figures)
    finally:
        emulator.stop()


if __name__ == '__main__':
    main()
