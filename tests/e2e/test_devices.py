# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Devices as inventory and the device modules (issue 33), with real ansible-inventory and ansible-playbook runs
against the emulator, whose device routes follow the REST spec's examples."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import time

import yaml

from conftest import CLIENT_ID, CLIENT_SECRET, TENANT_ID, adu_calls

GATEWAY = 'c61300e6b3da62926c23d92519ea3f2e73116e71'
SENSOR = 'd72411f7c4eb73a37d34e03620fb4f3f84227f82'


def inventory_file(tmp_path, emulator, name='fleet.adu_devices.yml', **options):
    config = {'plugin': 'adu.device_update.adu_devices', 'endpoint': emulator.url, 'ca_path': emulator.ca_path,
              'instance': 'blue', 'authority_host': emulator.url}
    config.update(options)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(config))
    return str(path)


def ansible_inventory(tmp_path, source, *args, secret=CLIENT_SECRET, extra_env=None):
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith('AZURE_'))
    env.update(AZURE_TENANT_ID=TENANT_ID, AZURE_CLIENT_ID=CLIENT_ID, AZURE_CLIENT_SECRET=secret,
               ANSIBLE_HOME=str(tmp_path / 'ansible-home'), XDG_CACHE_HOME=str(tmp_path / 'cache'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_INVENTORY_UNPARSED_FAILED='true')
    env.update(extra_env or {})
    return subprocess.run(['ansible-inventory', '-i', source] + list(args), capture_output=True, text=True, env=env,
                          timeout=300, check=False)


def listed(proc):
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return plain(json.loads(proc.stdout))


def plain(value):
    """The listing without ansible-core's marks of values never to template (what the service sent)."""
    if isinstance(value, dict):
        if set(value) == {'__ansible_unsafe'}:
            return value['__ansible_unsafe']
        return dict((k, plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def test_devices_become_hosts_with_their_vars_and_default_groups(emulator, tmp_path):
    emulator.store.device_classes[GATEWAY] = {'friendlyName': 'Gateways', 'compatProperties': {
        'manufacturer': 'contoso', 'model': 'gateway'}}
    inventory = listed(ansible_inventory(tmp_path, inventory_file(tmp_path, emulator), '--list'))
    hostvars = inventory['_meta']['hostvars']
    devices = emulator.requests('devices_list')
    assert devices and all(r['status'] == 200 for r in devices)
    # every device of the fleet, as many as the groups count
    assert len(hostvars) == sum(g['deviceCount'] for g in [
        _group(emulator, g) for g in ('canary', 'fleet', 'fleet-eu', 'ring-canary', 'ring-pilot', 'ring-bad',
                                      'ring-broad', 'dpokluda-test')])
    host = hostvars['canary-c61300e6-device-001']
    assert host['adu_device_id'] == 'canary-c61300e6-device-001' and host['adu_module_id'] is None
    assert host['adu_device_class_id'] == GATEWAY and host['adu_group_id'] == 'canary'
    assert (host['adu_manufacturer'], host['adu_model']) == ('contoso', 'gateway')
    assert set(host) >= {'adu_installed_update', 'adu_last_attempted_update', 'adu_deployment_status',
                         'adu_on_latest_update', 'adu_last_deployment_id', 'adu_last_install_result'}
    assert 'ansible_connection' not in host and 'ansible_host' not in host  # never an address to connect to
    # a device that succeeded in its deployment has its update installed, as a dict
    done = [h for h in hostvars.values() if h['adu_deployment_status'] == 'Succeeded']
    assert done and set(done[0]['adu_installed_update']) == {'provider', 'name', 'version'}
    assert done[0]['adu_last_install_result']['result_code'] == 700
    # default groups, sanitized: '-' is not allowed in a group name
    assert 'canary-c61300e6-device-001' in inventory['adu_group_canary']['hosts']
    assert 'ring-canary-c61300e6-device-001' in inventory['adu_group_ring_canary']['hosts']
    assert len(inventory['adu_class_' + GATEWAY]['hosts']) == len(
        [h for h in hostvars.values() if h['adu_device_class_id'] == GATEWAY])
    graph = ansible_inventory(tmp_path, inventory_file(tmp_path, emulator), '--graph')
    assert graph.returncode == 0 and '@adu_group_ring_pilot:' in graph.stdout, graph.stdout + graph.stderr


def _group(emulator, group_id):
    subgroups = emulator.store.ga_subgroups('blue', group_id) or []
    return {'deviceCount': sum(s['deviceCount'] for s in subgroups)}


def test_keyed_groups_compose_filter_and_modules(emulator, tmp_path):
    emulator.store.device_classes[SENSOR] = {'moduleIds': ['adu-agent'], 'compatProperties': {
        'manufacturer': 'contoso', 'model': 'sensor'}}
    source = inventory_file(tmp_path, emulator, filter="groupId eq 'ring-pilot'", include_modules=True,
                            keyed_groups=[{'key': 'adu_model', 'prefix': 'model'}],
                            compose={'ansible_connection': "'local'", 'firmware':
                                     "adu_installed_update.version | default('none')"},
                            groups={'behind': 'not adu_on_latest_update'})
    inventory = listed(ansible_inventory(tmp_path, source, '--list'))
    hostvars = inventory['_meta']['hostvars']
    assert set(h['adu_group_id'] for h in hostvars.values()) == {'ring-pilot'}
    assert [r['query'] for r in emulator.requests('devices_list')][0].endswith("filter=groupId+eq+%27ring-pilot%27") \
        or "ring-pilot" in emulator.requests('devices_list')[0]['query']
    modules = [name for name in hostvars if '/' in name]
    assert modules and all(name.endswith('/adu-agent') and hostvars[name]['adu_module_id'] == 'adu-agent'
                           for name in modules)
    assert len(modules) == len([h for h in hostvars.values() if h['adu_device_class_id'] == SENSOR and
                                h['adu_module_id'] is None])
    assert set(inventory['model_sensor']['hosts']) == set(n for n, h in hostvars.items() if h['adu_model'] == 'sensor')
    assert all(h['ansible_connection'] == 'local' and 'firmware' in h for h in hostvars.values())
    assert set(inventory['behind']['hosts']) == set(n for n, h in hostvars.items() if not h['adu_on_latest_update'])


def test_cache_sends_no_request_the_second_time(emulator, tmp_path):
    source = inventory_file(tmp_path, emulator, cache=True, cache_plugin='ansible.builtin.jsonfile',
                            cache_connection=str(tmp_path / 'inventory-cache'), cache_timeout=600)
    first = listed(ansible_inventory(tmp_path, source, '--list'))
    calls = len(adu_calls(emulator))
    assert calls >= 2
    second = listed(ansible_inventory(tmp_path, source, '--list'))
    assert len(adu_calls(emulator)) == calls and second == first
    # past cache_timeout, the service is read again
    expiring = inventory_file(tmp_path, emulator, name='expiring.adu_devices.yml', cache=True,
                              cache_plugin='ansible.builtin.jsonfile', cache_connection=str(tmp_path / 'cache2'),
                              cache_timeout=1)
    listed(ansible_inventory(tmp_path, expiring, '--list'))
    read_once = len(adu_calls(emulator))
    time.sleep(1.5)
    listed(ansible_inventory(tmp_path, expiring, '--list'))
    assert len(adu_calls(emulator)) > read_once


def test_wrong_instance_or_secret_is_one_clear_error(emulator, tmp_path):
    missing = ansible_inventory(tmp_path, inventory_file(tmp_path, emulator, instance='nowhere'), '--list')
    assert missing.returncode != 0
    assert 'adu_devices:' in missing.stderr and 'not found' in missing.stderr and 'Traceback' not in missing.stderr
    wrong = 'not-the-secret-' + CLIENT_SECRET[::-1]
    refused = ansible_inventory(tmp_path, inventory_file(tmp_path, emulator), '--list', '-vvv', secret=wrong)
    assert refused.returncode != 0 and 'adu_devices:' in refused.stderr
    assert wrong not in refused.stdout + refused.stderr and 'Traceback' not in refused.stderr


def test_device_info_reads_devices_classes_and_installable_updates(runner, emulator):
    conn = runner.connection()
    play = runner.play([
        {'adu.device_update.adu_device_info': dict(conn, filter="groupId eq 'ring-pilot'")},
        {'adu.device_update.adu_device_info': dict(conn, device_id='ring-pilot-c61300e6-device-001')},
        {'adu.device_update.adu_device_info': dict(conn, device_classes=True)},
        {'adu.device_update.adu_device_info': dict(conn, device_class_id=GATEWAY, installable_updates=True)},
        {'adu.device_update.adu_device_info': dict(conn, device_id='no-such-device'), 'ignore_errors': True},
        {'adu.device_update.adu_device_info': dict(conn, installable_updates=True), 'ignore_errors': True},
    ], check=True)
    ring, one, classes, device_class, missing, refused = play.results
    assert len(ring['devices']) == 10 and all(d['group_id'] == 'ring-pilot' for d in ring['devices'])
    assert ring['msg'].startswith('10 device(s)')
    assert one['devices'][0]['device_id'] == 'ring-pilot-c61300e6-device-001'
    assert {c['device_class_id'] for c in classes['device_classes']} >= {GATEWAY, SENSOR}
    installable = [u['update_id'] for u in device_class['device_class']['installable_updates']]
    assert {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'} in installable
    assert [r['outcome'] for r in play.records][4:] == ['failed', 'failed']
    assert 'device no-such-device not found' in missing['msg']
    assert refused['msg'].startswith('installable_updates: needs device_class_id')
    assert len(emulator.requests('devices_list')) == 1  # the refusal sent nothing


def test_device_class_name_is_idempotent_with_check_and_diff(runner, emulator):
    conn = runner.connection()
    task = {'adu.device_update.adu_device_class': dict(conn, device_class_id=GATEWAY, friendly_name='Contoso gateways')}
    checked = runner.play([task], check=True, diff=True).result
    assert checked['changed'] and checked['diff']['after'] == {'friendly_name': 'Contoso gateways'}
    assert emulator.requests('device_class_patch') == []
    first = runner.play([task], diff=True).result
    assert first['changed'] and first['device_class']['friendly_name'] == 'Contoso gateways'
    again = runner.play([task]).result
    assert not again['changed'] and len(emulator.requests('device_class_patch')) == 1
    # a class still referenced by subgroups cannot be deleted: the service's 409, named
    refused = runner.play([{'adu.device_update.adu_device_class': dict(conn, device_class_id=GATEWAY, state='absent'),
                            'ignore_errors': True}])
    assert refused.records[0]['outcome'] == 'failed' and 'HTTP 409' in refused.result['msg']
    assert 'delete them first' in refused.result['msg']
    gone = runner.play([{'adu.device_update.adu_device_class': dict(conn, device_class_id='f' * 40,
                                                                    state='absent')}]).result
    assert not gone['changed'] and gone['msg'].endswith('does not exist')


def test_group_and_subgroup_deletion_once_then_ok(runner, emulator):
    conn = runner.connection()
    subgroup = {'adu.device_update.adu_group': dict(conn, group_id='fleet-eu', device_class_id=SENSOR)}
    group = {'adu.device_update.adu_group': dict(conn, group_id='fleet-eu', state='absent')}
    checked = runner.play([subgroup, group], check=True, diff=True).results
    assert [r['changed'] for r in checked] == [True, True] and emulator.requests('subgroup_delete') == []
    assert checked[0]['diff']['before']['device_class_id'] == SENSOR and checked[0]['diff']['after'] == {}
    done = runner.play([subgroup, group]).results
    assert [r['changed'] for r in done] == [True, True]
    again = runner.play([subgroup, group]).results
    assert [r['changed'] for r in again] == [False, False] and 'does not exist' in again[1]['msg']
    assert len(emulator.requests('subgroup_delete')) == 1 and len(emulator.requests('group_delete')) == 1


def test_device_import_is_followed_to_its_end(runner, emulator):
    emulator.device_import_seconds = 1.0
    conn = runner.connection()
    checked = runner.play([{'adu.device_update.adu_device_import': dict(conn, import_type='devices')}],
                          check=True).result
    assert checked['changed'] and checked['operation'] is None and emulator.requests('device_import') == []
    done = runner.play([{'adu.device_update.adu_device_import': dict(conn, import_type='devices')}]).result
    assert done['changed'] and done['operation']['status'] == 'Succeeded'
    assert [r['status'] for r in emulator.requests('device_import')] == [202]
    emulator.device_import_seconds = 6.0  # still running when the next play starts
    started = runner.play([{'adu.device_update.adu_device_import': dict(conn, wait=False)}]).result
    assert started['operation']['status'] in ('NotStarted', 'Running')
    # an import already running is followed, not started twice
    followed = runner.play([{'adu.device_update.adu_device_import': dict(conn)}]).result
    assert not followed['changed'] and followed['operation']['status'] == 'Succeeded'
    assert len(emulator.requests('device_import')) == 2


def test_fleet_report_example(emulator, tmp_path):
    examples = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'docs',
                            'examples')
    with open(os.path.join(examples, 'fleet.adu_devices.yml')) as handle:
        config = yaml.safe_load(handle)
    del config['account']
    source = inventory_file(tmp_path, emulator, **config)
    emulator.store.device_classes[SENSOR] = {'compatProperties': {'manufacturer': 'contoso', 'model': 'sensor'}}
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith('AZURE_'))
    env.update(AZURE_TENANT_ID=TENANT_ID, AZURE_CLIENT_ID=CLIENT_ID, AZURE_CLIENT_SECRET=CLIENT_SECRET,
               AZURE_AUTHORITY_HOST=emulator.url, XDG_CACHE_HOME=str(tmp_path), ANSIBLE_LOCALHOST_WARNING='false',
               ANSIBLE_NOCOLOR='1')
    proc = subprocess.run(['ansible-playbook', '-i', os.path.join(examples, 'inventory.ini'), '-i', source,
                           os.path.join(examples, 'fleet_report.yml'), '-e', 'adu_endpoint=%s' % emulator.url,
                           '-e', 'adu_ca_path=%s' % emulator.ca_path, '-e',
                           '{"update": {"provider": "Contoso", "name": "Gateway", "version": "2026.11.25"}}'],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'device(s) are behind' in proc.stdout and '"none: ' in proc.stdout
    # the sensors' class matches no update of the catalog: named, the gateways' is not
    assert '%s cannot install Gateway 2026.11.25' % SENSOR in proc.stdout
    assert '%s cannot install' % GATEWAY not in proc.stdout
