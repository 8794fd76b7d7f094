#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench, section 8: the adu_devices inventory of a large fleet against Microsoft's SDK listing the same devices.

Seeds the emulator with --devices devices in one group, then times `ansible-inventory --list` over an adu_devices
source and a Python process listing the same devices with azure-iot-deviceupdate, each with its peak resident
memory, at the emulator's page size --page-size. It measures and prints; it asserts nothing.
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

SDK_LISTING = SDK_CLIENT + 'print(sum(1 for _device in client.device_management.list_devices()))\n'
# The inventory as a playbook run gets it: parsed by ansible-core's InventoryManager, without --list's JSON output.
PARSE_ONLY = r'''
import sys
from ansible.parsing.dataloader import DataLoader
from ansible.inventory.manager import InventoryManager
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader()
print(len(InventoryManager(loader=DataLoader(), sources=[sys.argv[1]]).hosts))
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--devices', type=int, default=100000)
    parser.add_argument('--page-size', type=int, default=1000)
    parser.add_argument('--json', help='write the figures here as JSON')
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix='adu-bench-inventory-')
    emulator = Emulator(cert_dir=os.path.join(work, 'ca')).start()
    try:
        emulator.page_size = args.page_size
        emulator.store.seed['device_groups'] = {'bench-fleet': {'device_classes': {'b' * 40: {
            'totalDevices': args.devices}}}}
        emulator.reset()
        source = os.path.join(work, 'bench.adu_devices.yml')
        with open(source, 'w') as handle:
            json.dump({'plugin': 'adu.device_update.adu_devices', 'endpoint': emulator.url,
                       'ca_path': emulator.ca_path, 'instance': 'blue', 'access_token': TOKEN}, handle)
        env = dict(os.environ, ANSIBLE_HOME=os.path.join(work, 'ansible-home'),
                   ANSIBLE_INVENTORY_UNPARSED_FAILED='true')
        sdk = timed([sys.executable, '-c', SDK_LISTING, emulator.url, emulator.ca_path, TOKEN], env=env)
        parsed = timed([sys.executable, '-c', PARSE_ONLY, source], env=env)
        inventory = timed(['ansible-inventory', '-i', source, '--list', '--output', os.path.join(work, 'out.json')],
                          env=env)
        hosts = None
        if inventory.returncode == 0:
            with open(os.path.join(work, 'out.json')) as handle:
                hosts = len(json.load(handle)['_meta']['hostvars'])
        figures = {'devices': args.devices, 'page_size': args.page_size,
                   'sdk': sdk.figures(listed=sdk.stdout.strip()),
                   'parse': parsed.figures(hosts=parsed.stdout.strip()),
                   'inventory': inventory.figures(hosts=hosts)}
        figures['ratio'] = ratio(inventory.seconds, sdk.seconds)
        figures['parse_ratio'] = ratio(parsed.seconds, sdk.seconds)
        print('8. The adu_devices inventory of %d devices (page size %d)' % (args.devices, args.page_size))
        print('%-44s %10s %14s %10s' % ('', 'seconds', 'peak RSS (MB)', 'items'))
        for name, run, items in (('SDK: list_devices (a Python process)', sdk, sdk.stdout.strip()),
                                 ('parsed as a play gets it (InventoryManager)', parsed, parsed.stdout.strip()),
                                 ('ansible-inventory --list (adu_devices)', inventory, hosts)):
            print('%-44s %10.2f %14s %10s' % (name, run.seconds, run.peak_mb, items))
        print('ratio to the SDK: %s parsed, %s listed as JSON' % (figures['parse_ratio'], figures['ratio']))
        if inventory.returncode:
            print(inventory.stderr[-2000:])
        write_json(args.json, figures)
    finally:
        emulator.stop()


if __name__ == '__main__':
    main()
