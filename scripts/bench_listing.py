#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench, section 9: a deployment's device states at fleet scale, adu_deployment_info against Microsoft's SDK.

For each number of devices (--devices) and page size (--page-sizes), one GA deployment in a group of that many
devices; times one ansible-playbook run of adu_deployment_info (device_state any) and a Python process listing the
same device states with azure-iot-deviceupdate, each with its peak resident memory; and the module's own process
within the play (its time and peak beside the SDK process's). It measures and prints; it asserts nothing.
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
from bench_common import SDK_CLIENT, TOKEN, ModuleTimer, ratio, timed, write_json  # noqa: E402  pylint: disable=wrong-import-position

CLASS = 'b' * 40
SDK_LISTING = SDK_CLIENT + '''
print(sum(1 for _state in client.device_management.list_device_states_for_device_class_subgroup_deployment(
    'bench-fleet', sys.argv[4], 'bench-deployment')))
'''


def measure(emulator, work, devices, page_size, timer):
    emulator.store.seed['device_groups'] = {'bench-fleet': {'device_classes': {CLASS: {'totalDevices': devices}}}}
    emulator.reset()
    emulator.page_size = page_size
    emulator.store.add_ga_deployment('blue', 'bench-fleet', {
        'deploymentId': 'bench-deployment', 'update': {'updateId': {
            'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'}}},
        {CLASS: {'totalDevices': devices, 'devicesCompletedSucceededCount': devices}})
    play = os.path.join(work, 'listing.yml')
    with open(play, 'w') as handle:
        json.dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': [{
            'adu.device_update.adu_deployment_info': {
                'endpoint': emulator.url, 'ca_path': emulator.ca_path, 'instance': 'blue', 'access_token': TOKEN,
                'group_id': 'bench-fleet', 'deployment_id': 'bench-deployment', 'device_state': 'any'}}]}], handle)
    env = timer.env(dict(os.environ, ANSIBLE_HOME=os.path.join(work, 'home')))
    sdk = timed([sys.executable, '-c', SDK_LISTING, emulator.url, emulator.ca_path, TOKEN, CLASS], env=env)
    module = timed(['ansible-playbook', '-i', 'localhost,', '-c', 'local', play], env=env)
    process = timer.figures()
    return {'devices': devices, 'page_size': page_size, 'sdk': sdk.figures(listed=sdk.stdout.strip()),
            'module': module.figures(), 'ratio': ratio(module.seconds, sdk.seconds),
            'module_process': process, 'process_ratio': ratio(process['seconds'], sdk.seconds)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--devices', default='10000,100000', help='comma-separated numbers of devices')
    parser.add_argument('--page-sizes', default='50,1000', help='comma-separated page sizes of the emulator')
    parser.add_argument('--json', help='write the figures here as JSON')
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix='adu-bench-listing-')
    emulator = Emulator(cert_dir=os.path.join(work, 'ca')).start()
    timer = ModuleTimer(work)
    rows = []
    try:
        print('9. A deployment\'s device states: adu_deployment_info (a play, and the module\'s process in it) against '
              'the SDK (a Python process); target: process ratio <= 1.5')
        headings = ('devices', 'page', 'SDK s', 'play s', 'ratio', 'process s', 'ratio', 'SDK MB', 'play MB',
                    'process MB')
        print('%9s %5s %7s %7s %6s %9s %6s %7s %8s %10s' % headings)
        for devices in [int(n) for n in args.devices.split(',')]:
            for page_size in [int(n) for n in args.page_sizes.split(',')]:
                row = measure(emulator, work, devices, page_size, timer)
                rows.append(row)
                print('%9d %5d %7.2f %7.2f %6s %9s %6s %7s %8s %10s' % (
                    devices, page_size, row['sdk']['seconds'], row['module']['seconds'], row['ratio'],
                    row['module_process']['seconds'], row['process_ratio'], row['sdk']['peak_rss_mb'],
                    row['module']['peak_rss_mb'], row['module_process']['peak_rss_mb']))
                if row['module']['rc'] or row['sdk']['rc']:
                    print('  (a run failed: module rc %s, SDK rc %s)' % (row['module']['rc'], row['sdk']['rc']))
        write_json(args.json, rows)
    finally:
        emulator.stop()


if __name__ == '__main__':
    main()
