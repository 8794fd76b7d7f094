#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench, section 12: the cost of a task of each module that has nothing to do, against ansible.builtin.ping.

For each module, a loop of --items tasks that find nothing to change (a cancel of a canceled deployment, a read, an
absent update or group, a device class already so named, a manifest already written) against the same loop of
pings, in turn, --rounds times; per task, the median time between two loop items. It measures and prints; it
asserts nothing (the target is shown beside the figures).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import os
import statistics
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'scripts'))

from bench import Bench  # noqa: E402  pylint: disable=wrong-import-position
from bench_common import ratio, write_json  # noqa: E402  pylint: disable=wrong-import-position

GATEWAY = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'}
CLASS = 'c61300e6b3da62926c23d92519ea3f2e73116e71'
TARGET = 1.4


def no_op_tasks(work):
    """{module: its options for a task with nothing to do}; connection options are added by the bench."""
    return {
        'adu_deployment': {'deployment_id': 'rollout-2026-11-healthy', 'state': 'canceled'},
        'adu_deployment_info': {'deployment_id': 'rollout-2026-11-healthy'},
        'adu_update': {'update': dict(GATEWAY, version='9.9.9'), 'state': 'absent'},
        'adu_update_info': {'update': GATEWAY},
        'adu_group_info': {'group_id': 'canary', 'include': []},
        'adu_group': {'group_id': 'no-such-group'},
        'adu_device_info': {'device_id': 'canary-c61300e6-device-001'},
        'adu_device_class': {'device_class_id': CLASS, 'friendly_name': CLASS[:8]},
        'adu_log_collection': None,  # needs a collection of its own per item: not a no-op
        'adu_update_manifest': {'path': os.path.join(work, 'bench.importmanifest.json'), 'update': GATEWAY,
                                'compatibility': [{'manufacturer': 'contoso', 'model': 'gateway'}],
                                'steps': [{'handler': 'microsoft/swupdate:2', 'files': [os.path.join(work, 'f.bin')]}]},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--items', type=int, default=20)
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--modules', help='comma-separated modules to measure (default: every one)')
    parser.add_argument('--json', help='write the figures here as JSON')
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix='adu-bench-tasks-')
    with open(os.path.join(work, 'f.bin'), 'wb') as handle:
        handle.write(b'payload ' * 1024)
    bench = Bench(work)
    try:
        bench.fresh(0)
        bench.emulator.store.apply('blue', 'rollout-2026-11-healthy', 'cancel')
        bench.warm_token()
        items = list(range(args.items))
        figures = {}
        wanted = args.modules.split(',') if args.modules else None
        for module, options in sorted(no_op_tasks(work).items()):
            if options is None or wanted is not None and module not in wanted:
                continue
            connection = {} if module == 'adu_update_manifest' else bench.adu_args()
            task = {'name': 'noop', 'loop': items, 'adu.device_update.%s' % module: dict(connection, **options)}
            mine, pings = [], []
            for _round in range(args.rounds):
                mine.extend(bench.runner.item_durations(bench.play([task]), 'noop'))
                pings.extend(bench.ping(items))
            figures[module] = {'ms': round(statistics.median(mine) * 1000, 1),
                               'ping_ms': round(statistics.median(pings) * 1000, 1)}
            figures[module]['ratio'] = ratio(figures[module]['ms'], figures[module]['ping_ms'])
        print('12. Per task with nothing to do, median of %d x %d, against ansible.builtin.ping (target <= %.1f)'
              % (args.rounds, args.items, TARGET))
        print('%-22s %10s %10s %8s' % ('module', 'ms', 'ping ms', 'ratio'))
        for module, row in sorted(figures.items()):
            print('%-22s %10.1f %10.1f %8.2f' % (module, row['ms'], row['ping_ms'], row['ratio']))
        write_json(args.json, figures)
    finally:
        bench.emulator.stop()


if __name__ == '__main__':
    main()
