# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checked-in, self-checking playbooks (tests/e2e/playbooks) against the emulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys

from conftest import CLIENT_ID, CLIENT_SECRET, STATIC_TOKEN, TENANT_ID, adu_calls

PLAYBOOKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'playbooks')


def test_idempotence_playbook(emulator, tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path), ANSIBLE_LOCALHOST_WARNING='false')
    proc = subprocess.run(
        ['ansible-playbook', '-i', 'localhost,', os.path.join(PLAYBOOKS, 'idempotence.yml'),
         '-e', 'ansible_python_interpreter=%s' % sys.executable, '-e', 'adu_endpoint=%s' % emulator.url,
         '-e', 'adu_ca_path=%s' % emulator.ca_path, '-e', 'adu_access_token=%s' % STATIC_TOKEN],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'All assertions passed' in proc.stdout
    assert adu_calls(emulator).count(('POST', 'cancel')) == 1
    assert ('POST', 'retry') not in adu_calls(emulator)


EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'docs',
                        'examples')


def run_example(emulator, tmp_path, name, *extra, inventory='inventory.ini', expect_rc=0):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path), ANSIBLE_LOCALHOST_WARNING='false',
               AZURE_TENANT_ID=TENANT_ID, AZURE_CLIENT_ID=CLIENT_ID, AZURE_CLIENT_SECRET=CLIENT_SECRET,
               AZURE_AUTHORITY_HOST=emulator.url)
    cmd = ['ansible-playbook', '-i', os.path.join(EXAMPLES, inventory), os.path.join(EXAMPLES, name),
           '-e', 'adu_endpoint=%s' % emulator.url, '-e', 'adu_ca_path=%s' % emulator.ca_path,
           '-e', 'adu_instance=blue'] + list(extra)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == expect_rc, proc.stdout + proc.stderr
    return proc.stdout


def test_rollout_example_deploys_the_canary_then_the_fleet(emulator, tmp_path):
    args = ('-e', 'firmware_version=2026.11.25', '-e', 'rollback_version=2026.10.1', '-e', 'poll_delay=0.2')
    run_example(emulator, tmp_path, 'rollout.yml', *args)
    created = [(e['group_id'], e['deployment_id']) for e in emulator.requests('ga_create')]
    assert created == [('canary', 'canary-2026.11.25'), ('fleet', 'fleet-2026.11.25')]
    second = run_example(emulator, tmp_path, 'rollout.yml', *args)
    assert 'changed=0' in second and len(emulator.requests('ga_create')) == 2


def imported(emulator, version):
    """The firmware version in the instance's catalog, as if imported: the emulator, as the service, deploys only
    updates it holds."""
    emulator.store.catalog.add('blue', {'updateId': {'provider': 'Contoso', 'name': 'Gateway', 'version': version}})


def test_rollout_example_stops_at_a_canary_without_devices(emulator, tmp_path):
    imported(emulator, '2026.12.01')
    emulator.store.device_groups['canary'] = {'device_classes': {'c' * 40: {'totalDevices': 0}}}
    args = ('-e', 'firmware_version=2026.12.01', '-e', 'rollback_version=2026.10.1', '-e', 'poll_delay=0.2',
            '-e', 'canary_timeout=1')
    out = run_example(emulator, tmp_path, 'rollout.yml', *args, expect_rc=2)
    assert 'did not settle within 1 s' in out and '0 targeted' in out
    assert [e['group_id'] for e in emulator.requests('ga_create')] == ['canary']  # the fleet is not touched


def test_rollout_example_stops_at_a_failing_canary(emulator, tmp_path):
    imported(emulator, '2026.12.02')
    emulator.store.device_groups['canary'] = {'device_classes': {'c' * 40: {
        'totalDevices': 5, 'devicesCompletedSucceededCount': 3, 'devicesCompletedFailedCount': 2}}}
    args = ('-e', 'firmware_version=2026.12.02', '-e', 'rollback_version=2026.10.1', '-e', 'poll_delay=0.2')
    out = run_example(emulator, tmp_path, 'rollout.yml', *args, expect_rc=2)
    assert 'The canary did not pass' in out and '5 device(s) targeted, 2 failed' in out
    assert [e['group_id'] for e in emulator.requests('ga_create')] == ['canary']


def test_emergency_stop_example_cancels_one_deployment_per_host(emulator, tmp_path):
    out = run_example(emulator, tmp_path, 'emergency_stop.yml', '--forks', '4',
                      inventory='emergency_stop_inventory.yml')
    assert 'changed=1' in out and 'failed=0' in out
    assert sorted(e['deployment_id'] for e in emulator.requests('cancel')) == [
        'dpokluda-test.2020-1111-1124-8', 'rollout-2026-11-failing', 'rollout-2026-11-healthy']
    assert len(emulator.requests('ga_cancel')) == 2  # the GA host: both device classes of its deployment
    again = run_example(emulator, tmp_path, 'emergency_stop.yml', inventory='emergency_stop_inventory.yml')
    assert 'changed=1' not in again and len(emulator.requests('cancel')) == 3


def test_cleanup_example_deletes_only_old_inactive_deployments(emulator, tmp_path):
    emulator.store.ga_apply('blue', 'dpokluda-test', 'test0809083849', '0919e3ae422a2bfa8c84ff905813e60351e456d1',
                            'cancel')
    emulator.store.ga_apply('blue', 'dpokluda-test', 'test0809083849', '1a2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5',
                            'cancel')
    args = ('-e', 'group_id=dpokluda-test', '-e', 'older_than_days=30')
    checked = run_example(emulator, tmp_path, 'cleanup.yml', '--check', *args)
    assert 'changed=1' in checked and emulator.requests('ga_delete') == []
    run_example(emulator, tmp_path, 'cleanup.yml', *args)
    assert [e['deployment_id'] for e in emulator.requests('ga_delete')] == ['test0809083849']
    again = run_example(emulator, tmp_path, 'cleanup.yml', *args)
    assert 'changed=0' in again and len(emulator.requests('ga_delete')) == 1


def test_preflight_example_shows_best_updates_and_refuses_a_group_on_the_latest(emulator, tmp_path):
    out = run_example(emulator, tmp_path, 'preflight.yml', '-e', 'group=fleet-eu')
    assert '"version": "2026.11.25"' in out and 'c61300e6b3da62926c23d92519ea3f2e73116e71' in out
    emulator.store.create_ga_deployment('blue', 'ring-canary', {
        'deploymentId': 'fw', 'startDateTime': '2026-12-03T08:00:00Z', 'groupId': 'ring-canary',
        'update': {'updateId': {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'}}})
    import time  # pylint: disable=import-outside-toplevel
    time.sleep(1.5)  # its devices succeed after a second: all on the latest update
    refused = run_example(emulator, tmp_path, 'preflight.yml', '-e', 'group=ring-canary', expect_rc=2)
    assert 'group ring-canary is fully on the latest update: nothing to roll out' in refused


def test_verify_example_waits_until_the_threshold(emulator, tmp_path):
    deploy = ('-e', 'group=ring-canary')
    emulator.store.create_ga_deployment('blue', 'ring-canary', {
        'deploymentId': 'fw', 'startDateTime': '2026-12-03T08:00:00Z', 'groupId': 'ring-canary',
        'update': {'updateId': {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'}}})
    out = run_example(emulator, tmp_path, 'verify.yml', *deploy, '-e', 'delay=1', '-e', 'retries=10')
    assert 'ring-canary 3 devices, 100.0% on the latest update' in out and emulator.requests('group_compliance')


def test_triage_example_collects_the_failed_devices_logs(emulator, tmp_path):
    emulator.log_seconds = 0.5
    emulator.store.create_ga_deployment('blue', 'fleet-eu', {
        'deploymentId': 'fw-2026-11-25', 'startDateTime': '2026-12-03T08:00:00Z', 'groupId': 'fleet-eu',
        'update': {'updateId': {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'}}})
    out = run_example(emulator, tmp_path, 'triage.yml', '-e', 'group=fleet-eu', '-e', 'deployment=fw-2026-11-25',
                      '-e', 'wait_interval=0.5')
    assert len(emulator.requests('log_collection_put')) == 1 and len(emulator.requests('device_health')) == 2
    assert 'fleet-eu-c61300e6-device-001' in out


def test_build_to_rollout_example_writes_the_manifest_imports_and_rolls_out(emulator, azurite, tmp_path):
    """The whole story of docs/docsite/rst/rollout.rst in one play: manifest, stage and import, pre-flight, rings."""
    build_dir = tmp_path / 'out'
    build_dir.mkdir()
    (build_dir / 'gateway-2026.12.21.swu').write_bytes(b'Contoso Gateway firmware 2026.12.21\n' * 2000)
    args = ('-e', 'build_dir=%s' % build_dir, '-e', 'firmware_version=2026.12.21', '-e', 'poll_interval=1',
            '-e', 'storage_connection_string=%s' % azurite.connection_string, '-e', 'storage_container=to-rollout')
    first = run_example(emulator, tmp_path, 'build_to_rollout.yml', *args)
    assert 'failed=0' in first and len(emulator.requests('update_import')) == 1
    assert [e['group_id'] for e in emulator.requests('ga_create')] == ['ring-canary', 'ring-broad']
    second = run_example(emulator, tmp_path, 'build_to_rollout.yml', *args)
    assert 'changed=0' in second and 'failed=0' in second
    assert len(emulator.requests('update_import')) == 1 and len(emulator.requests('ga_create')) == 2
