# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What cost a new user time in 1.2, end to end: each test failed on 1.2.0."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import socket
import time

from azure.storage.blob import BlobServiceClient

from test_ga import DEPLOYMENT, ga_task
from test_updates import build, update_task


def test_a_missing_group_is_named_once(runner, emulator):
    """1: 'group fleet-uk not found in group fleet-uk of instance blue' named the group twice."""
    args = dict(runner.connection(), group_id='fleet-uk')
    play = runner.play([{'name': 'list', 'adu.device_update.adu_deployment_info': args}])
    assert play.rc != 0
    assert play.result['msg'].startswith('group fleet-uk not found in instance blue ('), play.result['msg']


def test_idempotent_ga_reruns_say_what_they_found(runner, emulator):
    """2: a rerun said 'canceled in 0 of 2 subgroup(s)'; it says no failed devices, or already canceled."""
    assert runner.play([ga_task(runner, state='retried')]).rc == 0
    retried = runner.play([ga_task(runner, state='retried')])
    assert retried.rc == 0 and retried.result['changed'] is False, retried.output
    assert retried.result['msg'].startswith('deployment %s: no failed devices to retry in any of its 3 subgroup(s) ('
                                            % DEPLOYMENT), retried.result['msg']
    assert runner.play([ga_task(runner)]).rc == 0
    again = runner.play([ga_task(runner)])
    assert again.rc == 0 and again.result['changed'] is False
    assert again.result['msg'] == 'deployment %s: already canceled in all 3 subgroup(s)' % DEPLOYMENT


def _closed_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def test_a_storage_that_refuses_the_connection_fails_at_once_naming_host_and_port(runner, emulator, tmp_path):
    """4: a closed storage port took 86 s to fail."""
    path, _url, _files = build(emulator, tmp_path)
    (tmp_path / 'gateway-2026.12.3.swu').write_bytes(b'firmware image ' * 1000)
    port = _closed_port()
    task = update_task(runner, source={'manifest_path': path, 'files_dir': str(tmp_path)},
                       storage={'account_url': 'http://127.0.0.1:%d/devstoreaccount1' % port, 'container': 'builds',
                                'account_key': 'S2V5S2V5S2V5S2V5S2V5S2V5'})
    started = time.time()
    play = runner.play([task])
    took = time.time() - started
    assert play.rc != 0 and took < 10 + 5, (took, play.output)  # the play's own start-up on top of the task
    assert 'the connection to 127.0.0.1 port %d was refused' % port in play.result['msg'], play.result['msg']


def test_check_mode_without_azure_storage_blob_fails_as_the_real_run_does(runner, emulator, tmp_path):
    """5: check mode with source and no azure-storage-blob said changed and no error."""
    path, _url, _files = build(emulator, tmp_path)
    (tmp_path / 'gateway-2026.12.3.swu').write_bytes(b'firmware image ' * 1000)
    shadow = tmp_path / 'no-blob'
    (shadow / 'azure' / 'storage' / 'blob').mkdir(parents=True)
    (shadow / 'azure' / '__init__.py').write_text('')
    (shadow / 'azure' / 'storage' / '__init__.py').write_text('')
    (shadow / 'azure' / 'storage' / 'blob' / '__init__.py').write_text('raise ImportError("no azure-storage-blob")\n')
    task = update_task(runner, source={'manifest_path': path, 'files_dir': str(tmp_path)},
                       storage={'account_url': 'http://127.0.0.1:1/devstoreaccount1', 'container': 'builds',
                                'account_key': 'S2V5S2V5S2V5S2V5S2V5S2V5'})
    env = {'PYTHONPATH': '%s:%s' % (shadow, os.environ.get('PYTHONPATH', ''))}
    for check in (True, False):
        play = runner.play([task], check=check, env=env)
        assert play.rc != 0 and 'azure-storage-blob' in play.result['msg'], play.output
    assert emulator.journal == []


def test_a_bad_source_manifest_path_is_named_as_the_option_it_is(runner, emulator, tmp_path):
    """6: 'manifest_path: cannot read ...' named a top-level option the task did not give."""
    task = update_task(runner, source={'manifest_path': str(tmp_path / 'missing.json'), 'files_dir': str(tmp_path)},
                       storage={'account_url': 'http://127.0.0.1:1/devstoreaccount1', 'container': 'builds',
                                'account_key': 'S2V5S2V5S2V5S2V5S2V5S2V5'})
    play = runner.play([task])
    assert play.rc != 0 and play.result['msg'].startswith('source.manifest_path: cannot read '), play.result['msg']


def test_an_integer_version_is_refused_with_the_users_own_value_as_the_example(runner, emulator):
    """7: version: 2026 was told to quote it, 'for example version: "42"'."""
    task = update_task(runner, update={'provider': 'Contoso', 'name': 'Gateway', 'version': 2026}, state='absent')
    play = runner.play([task])
    assert play.rc != 0
    assert play.result['msg'] == ('update.version: must be a string, not a number (YAML read 2026): quote it, for '
                                  'example version: "2026"')


def test_reading_a_deployment_a_check_run_would_create_is_not_a_failure(runner, emulator):
    """10: in check mode, adu_deployment_info failed on the deployment the same run 'created'."""
    update = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'}
    create = {'adu.device_update.adu_deployment': dict(runner.connection(), group_id='fleet-eu', state='present',
                                                       deployment_id='fw-check-only', update=update)}
    read = {'adu.device_update.adu_deployment_info': dict(runner.connection(), group_id='fleet-eu',
                                                          deployment_id='fw-check-only'), 'register': 'read'}
    play = runner.play([create, read], check=True)
    assert play.rc == 0, play.output
    assert play.result['changed'] is False and 'deployment' not in play.result
    assert 'not found' in play.result['msg'] and 'check mode' in play.result['msg']
    real = runner.play([read])  # outside check mode a missing deployment still fails
    assert real.rc != 0


def test_absent_with_source_removes_only_the_blobs_it_staged_then_is_ok(runner, emulator, azurite, tmp_path):
    """11: state absent left the staged blobs in storage."""
    path, _url, _files = build(emulator, tmp_path)
    (tmp_path / 'gateway-2026.12.3.swu').write_bytes(b'firmware image ' * 1000)
    storage = {'connection_string': azurite.connection_string, 'container': 'cleanup'}
    source = {'manifest_path': path, 'files_dir': str(tmp_path)}
    assert runner.play([update_task(runner, source=source, storage=storage)]).rc == 0
    container = BlobServiceClient.from_connection_string(azurite.connection_string).get_container_client('cleanup')
    container.upload_blob('Contoso/Gateway/2026.12.3/notes.txt', b'someone else\'s')
    gone = runner.play([update_task(runner, source=source, storage=storage, state='absent')])
    assert gone.rc == 0 and gone.result['changed'] is True, gone.output
    assert sorted(gone.result['removed_blobs']) == ['Contoso/Gateway/2026.12.3/2026.12.3.importmanifest.json',
                                                    'Contoso/Gateway/2026.12.3/gateway-2026.12.3.swu']
    assert [b.name for b in container.list_blobs()] == ['Contoso/Gateway/2026.12.3/notes.txt']
    again = runner.play([update_task(runner, source=source, storage=storage, state='absent')])
    assert again.rc == 0 and again.result['changed'] is False and again.result['removed_blobs'] == []


def test_collecting_again_from_the_devices_whose_upload_failed(runner, emulator):
    """11: adu_log_collection could not collect again only from the devices whose upload failed."""
    def collect(**options):
        args = dict(runner.connection(), wait=True, wait_interval=0.5, **options)
        return {'adu.device_update.adu_log_collection': args}
    first = runner.play([collect(log_collection_id='first', devices=[{'device_id': 'd%d' % i} for i in range(6)])])
    assert first.rc == 0, first.output
    failed = sorted(d['device_id'] for d in first.result['device_status'] if d['status'] == 'Failed')
    assert failed, first.result
    again = runner.play([collect(log_collection_id='again', from_log_collection='first', only_failed=True)])
    assert again.rc == 0, again.output
    assert sorted(d['device_id'] for d in again.result['log_collection']['device_list']) == failed
    assert 'devices whose upload failed of log collection first' in again.result['msg']
    same = runner.play([collect(log_collection_id='first', from_log_collection='first')])
    assert same.rc != 0 and 'must differ from from_log_collection' in same.result['msg']
