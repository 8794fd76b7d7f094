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
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests'))

from adu_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

STATIC_TOKEN = 'emu-static-access-token-for-tests'
SDK_LISTING = r'''
import sys, time
from azure.core.credentials import AccessToken
from azure.iot.deviceupdate import DeviceUpdateClient
from azure.core.pipeline.policies import SansIOHTTPPolicy

class Token:
    def get_token(self, *scopes, **kwargs):
        return AccessToken(sys.argv[3], int(time.time()) + 3600)

class ToEmulator(SansIOHTTPPolicy):
    def on_request(self, request):
        request.http_request.url = request.http_request.url.replace('https://adu-emulator.test', sys.argv[1])

client = DeviceUpdateClient(endpoint='adu-emulator.test', credential=Token(), instance_id='blue',
                            connection_verify=sys.argv[2], per_call_policies=[ToEmulator()], api_version='2022-10-01')
print(sum(1 for _device in client.device_management.list_devices()))
'''
# The inventory as a playbook run gets it: parsed by ansible-core's InventoryManager, without --list's JSON output.
PARSE_ONLY = r'''
import sys
from ansible.parsing.dataloader import DataLoader
from ansible.inventory.manager import InventoryManager
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader()
print(len(InventoryManager(loader=DataLoader(), sources=[sys.argv[1]]).hosts))
'''


def timed(command, env=None):
    """(seconds, peak resident MB of this child or None, completed process): one child at a time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.time()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.time() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, (round(peak / 1024.0, 1) if peak > before else None), proc


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
                       'ca_path': emulator.ca_path, 'instance': 'blue', 'access_token': STATIC_TOKEN}, handle)
        env = dict(os.environ, ANSIBLE_HOME=os.path.join(work, 'ansible-home'),
                   ANSIBLE_INVENTORY_UNPARSED_FAILED='true')
        sdk = timed([sys.executable, '-c', SDK_LISTING, emulator.url, emulator.ca_path, STATIC_TOKEN], env=env)
        parsed = timed([sys.executable, '-c', PARSE_ONLY, source], env=env)
        inventory = timed(['ansible-inventory', '-i', source, '--list', '--output', os.path.join(work, 'out.json')],
                          env=env)
        hosts = None
        if inventory[2].returncode == 0:
            with open(os.path.join(work, 'out.json')) as handle:
                hosts = len(json.load(handle)['_meta']['hostvars'])
        figures = {'devices': args.devices, 'page_size': args.page_size,
                   'sdk': {'seconds': round(sdk[0], 2), 'peak_rss_mb': sdk[1], 'listed': sdk[2].stdout.strip(),
                           'rc': sdk[2].returncode},
                   'parse': {'seconds': round(parsed[0], 2), 'peak_rss_mb': parsed[1], 'hosts': parsed[2].stdout.strip(),
                             'rc': parsed[2].returncode},
                   'inventory': {'seconds': round(inventory[0], 2), 'peak_rss_mb': inventory[1], 'hosts': hosts,
                                 'rc': inventory[2].returncode}}
        figures['ratio'] = round(inventory[0] / sdk[0], 2) if sdk[0] else None
        figures['parse_ratio'] = round(parsed[0] / sdk[0], 2) if sdk[0] else None
        print('8. The adu_devices inventory of %d devices (page size %d)' % (args.devices, args.page_size))
        print('%-44s %10s %14s %10s' % ('', 'seconds', 'peak RSS (MB)', 'items'))
        print('%-44s %10.2f %14s %10s' % ('SDK: list_devices (a Python process)', sdk[0], sdk[1], sdk[2].stdout.strip()))
        print('%-44s %10.2f %14s %10s' % ('parsed as a play gets it (InventoryManager)', parsed[0], parsed[1],
                                          parsed[2].stdout.strip()))
        print('%-44s %10.2f %14s %10s' % ('ansible-inventory --list (adu_devices)', inventory[0], inventory[1], hosts))
        print('ratio to the SDK: %s parsed, %s listed as JSON' % (figures['parse_ratio'], figures['ratio']))
        if inventory[2].returncode:
            print(inventory[2].stderr[-2000:])
        if args.json:
            with open(args.json, 'w') as handle:
                json.dump(figures, handle, indent=2)
    finally:
        emulator.stop()


if __name__ == '__main__':
    main()
