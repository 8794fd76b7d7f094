# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Updates as code end to end: adu_update imports and deletes as long-running operations, adu_update_info reads."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import json
import time

from conftest import adu_calls

NEW = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.12.3'}
SIG = 'emu-sas-signature-0123456789abcdef'


def b64sha(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode('ascii')


def build(emulator, tmp_path, update=None, payloads=None, tamper=None):
    """A build's output: payload files and a manifest naming them, served by the emulator's blob route.
    Returns (manifest_path, manifest_url, files option). tamper: a file name whose served content differs."""
    update = update or NEW
    payloads = payloads or {'gateway-%s.swu' % update['version']: b'firmware image ' * 1000}
    files, listed = [], []
    for name, data in payloads.items():
        listed.append({'filename': name, 'sizeInBytes': len(data), 'hashes': {'sha256': b64sha(data)}})
        served = data[:-8] + b'tampered' if name == tamper else data
        files.append({'filename': name, 'url': emulator.put_blob('%s-%s' % (update['version'], name), served)})
    manifest = {'updateId': update, 'isDeployable': True, 'compatibility': [{'manufacturer': 'contoso',
                                                                             'model': 'gateway'}],
                'instructions': {'steps': [{'handler': 'microsoft/swupdate:2', 'files': sorted(payloads)}]},
                'files': listed, 'manifestVersion': '5.0', 'createdDateTime': '2026-12-03T08:00:00Z'}
    data = json.dumps(manifest, indent=2).encode('utf-8')
    path = tmp_path / ('%s.importmanifest.json' % update['version'])
    path.write_bytes(data)
    return str(path), emulator.put_blob('%s.importmanifest.json' % update['version'], data), files


def update_task(runner, register=None, **options):
    args = dict(runner.connection(), **options)
    task = {'name': 'adu_update %s' % options.get('state', 'present'), 'adu.device_update.adu_update': args}
    if register:
        task['register'] = register
    return task


def import_task(runner, emulator, tmp_path, **options):
    path, url, files = build(emulator, tmp_path)
    return update_task(runner, manifest_path=path, manifest_url=url, files=files, **options)


def test_import_then_ok_on_rerun(runner, emulator, tmp_path):
    task = import_task(runner, emulator, tmp_path, friendly_name='Gateway 2026.12.3')
    play = runner.play([task], diff=True)
    assert play.rc == 0, play.output
    result = play.result
    assert result['changed'] is True and result['msg'] == 'imported update Contoso/Gateway/2026.12.3'
    assert result['update']['update_id'] == NEW and result['update']['friendly_name'] == 'Gateway 2026.12.3'
    assert result['operation']['status'] == 'Succeeded' and result['operation']['update']['update_id'] == NEW
    assert result['diff'] == {'before': {}, 'after': {'update_id': NEW}}
    assert len(emulator.requests('update_import')) == 1
    polls = emulator.requests('update_operation')
    assert polls and all(p['api_version'] == '2022-10-01' for p in polls)
    again = runner.play([task])
    assert again.rc == 0 and again.result['changed'] is False, again.output
    assert 'nothing to do' in again.result['msg']
    calls = adu_calls(emulator)
    assert len([c for c in calls if c[1] == 'update_import']) == 1
    assert calls[-1] == ('GET', 'update_get')  # the rerun costs one GET


def test_sas_queries_never_shown(runner, emulator, tmp_path):
    task = import_task(runner, emulator, tmp_path)
    play = runner.play([task], verbosity=4)
    assert play.rc == 0, play.output
    assert play.result['changed'] is True
    assert SIG not in play.output and SIG not in json.dumps(play.records)
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in play.output  # -vvvv shows the task's arguments masked


def test_rerun_while_running_waits_for_it(runner, emulator, tmp_path):
    emulator.store.catalog.import_seconds = 6.0
    task = import_task(runner, emulator, tmp_path, wait=False)
    first = runner.play([task])
    assert first.rc == 0, first.output
    assert first.result['changed'] is True and first.result['operation']['status'] in ('NotStarted', 'Running')
    assert 'not waiting' in first.result['msg']
    waiting = dict(task)
    waiting['adu.device_update.adu_update'] = dict(task['adu.device_update.adu_update'], wait=True)
    second = runner.play([waiting])
    assert second.rc == 0, second.output
    assert second.result['changed'] is False and 'under way already' in second.result['msg']
    assert second.result['operation']['status'] == 'Succeeded' and second.result['update']['update_id'] == NEW
    assert len(emulator.requests('update_import')) == 1  # one POST in all


def import_started_elsewhere(emulator, tmp_path, seconds=6.0):
    """A build's import that another host started: (manifest_path, manifest_url, files) of the build."""
    emulator.store.catalog.import_seconds = seconds
    path, url, files = build(emulator, tmp_path)
    data = open(path, 'rb').read()
    emulator.store.catalog.start_import('blue', [{'importManifest': {'url': url, 'sizeInBytes': len(data),
                                                                     'hashes': {'sha256': b64sha(data)}},
                                                  'files': files}])
    return path, url, files


def test_found_through_the_service_list_from_another_host(runner, emulator, tmp_path):
    """An import another host started: the service's running list names it once it runs."""
    path, url, files = import_started_elsewhere(emulator, tmp_path)
    time.sleep(2.2)  # past NotStarted: the operation names its update
    play = runner.play([update_task(runner, manifest_path=path, manifest_url=url, files=files)])
    assert play.rc == 0, play.output
    assert 'under way already' in play.result['msg'] and play.result['update']['update_id'] == NEW
    assert emulator.requests('update_import') == []
    listed = emulator.requests('update_operations')
    assert listed and "status eq 'NotStarted' or status eq 'Running'" in __import__('urllib.parse').parse.unquote(
        listed[0]['query'])


def test_failed_import_names_what_to_fix(runner, emulator, tmp_path):
    path, url, files = build(emulator, tmp_path, tamper='gateway-2026.12.3.swu')
    play = runner.play([update_task(runner, manifest_path=path, manifest_url=url, files=files)])
    assert play.rc != 0
    result = play.result
    assert result['error']['innermost_code'] == 'FileHashMismatch', result
    assert 'SHA-256 does not match' in result['msg'] and result['operation']['status'] == 'Failed'
    assert result['error']['trace_id'] and result['error']['trace_id'] in result['msg']


def test_manifest_file_missing_from_files_is_refused_before_any_request(runner, emulator, tmp_path):
    path, url, files = build(emulator, tmp_path, payloads={'a.swu': b'a' * 10, 'b.swu': b'b' * 20})
    play = runner.play([update_task(runner, manifest_path=path, manifest_url=url, files=files[:1])])
    assert play.rc != 0
    assert play.result['msg'].startswith('files: the manifest at') and 'b.swu' in play.result['msg']
    assert adu_calls(emulator) == []


def test_update_disagreeing_with_manifest_is_refused(runner, emulator, tmp_path):
    path, url, files = build(emulator, tmp_path)
    play = runner.play([update_task(runner, manifest_path=path, manifest_url=url, files=files,
                                    update=dict(NEW, version='9.9.9'))])
    assert play.rc != 0 and 'must agree' in play.result['msg'] and adu_calls(emulator) == []


def play_losing_a_race(runner, emulator, tmp_path):
    """An import whose update another client imports between our GET and our POST."""
    path, url, files = build(emulator, tmp_path)
    catalog = emulator.store.catalog
    original = catalog.get
    calls = []

    def get_then_appear(instance, update_id):
        calls.append(1)
        found = original(instance, update_id)
        if len(calls) == 1:
            catalog.add(instance, {'updateId': dict(update_id)})  # the other client wins the race
        return found if len(calls) == 1 else original(instance, update_id)
    catalog.get = get_then_appear
    try:
        return runner.play([update_task(runner, manifest_path=path, manifest_url=url, files=files)])
    finally:
        catalog.get = original


def test_already_exists_race_is_ok(runner, emulator, tmp_path):
    """Another client imported the same update between our GET and our POST: a failed operation, read back ok."""
    play = play_losing_a_race(runner, emulator, tmp_path)
    assert play.rc == 0, play.output
    assert play.result['changed'] is False and 'UpdateAlreadyExists' in play.result['msg']
    assert len(emulator.requests('update_import')) == 1


def test_check_mode_sends_nothing(runner, emulator, tmp_path):
    play = runner.play([import_task(runner, emulator, tmp_path),
                        update_task(runner, update={'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.10.1'},
                                    state='absent')], check=True, diff=True)
    assert play.rc == 0, play.output
    assert [r['changed'] for r in play.results] == [True, True]
    assert play.results[0]['msg'].startswith('would import') and 'sig=' not in play.results[0]['msg']
    assert '/_files/2026.12.3.importmanifest.json' in play.results[0]['msg']  # the URL, without its query
    assert play.results[1]['diff'] == {'before': {'update_id': {'provider': 'Contoso', 'name': 'Gateway',
                                                                'version': '2026.10.1'}}, 'after': {}}
    assert [c for c in adu_calls(emulator) if c[0] != 'GET'] == []


def test_delete_then_ok(runner, emulator):
    old = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.10.1'}
    task = update_task(runner, update=old, state='absent')
    play = runner.play([task, task])
    assert play.rc == 0, play.output
    first, second = play.results
    assert first['changed'] is True and first['update'] is None and first['operation']['status'] == 'Succeeded'
    assert second['changed'] is False
    assert len(emulator.requests('update_delete')) == 1
    assert emulator.requests('update_delete_operation')  # followed at the path the service gave


def test_lost_import_answer_is_read_back_not_resent(runner, emulator, tmp_path):
    emulator.add_fault(route='update_import', kind='drop', after_apply=True)
    play = runner.play([import_task(runner, emulator, tmp_path)])
    assert len(emulator.requests('update_import')) == 1
    assert play.rc == 0, play.output
    assert 'reading back found' in play.result['msg'] and play.result['update']['update_id'] == NEW


def test_lost_delete_answer_is_read_back(runner, emulator):
    old = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.10.1'}
    emulator.add_fault(route='update_delete', kind='drop', after_apply=True)
    play = runner.play([update_task(runner, update=old, state='absent')])
    assert play.rc == 0, play.output
    assert len(emulator.requests('update_delete')) == 1 and 'found it gone' in play.result['msg']


def test_operation_location_elsewhere_is_refused(runner, emulator, tmp_path):
    emulator.add_fault(route='update_import', kind='status', status=202, body=b'',
                       headers={'Operation-Location': 'https://evil.example/deviceUpdate/blue/updates/operations/x'})
    play = runner.play([import_task(runner, emulator, tmp_path)])
    assert play.rc != 0
    assert 'another place' in play.result['msg'] and len(emulator.requests('update_import')) == 1
    assert not any('evil' in e['path'] for e in emulator.journal)


def test_wait_timeout_fails_with_the_operation(runner, emulator, tmp_path):
    emulator.store.catalog.import_seconds = 30.0
    play = runner.play([import_task(runner, emulator, tmp_path, wait_timeout=2)])
    assert play.rc != 0
    assert 'did not end within wait_timeout' in play.result['msg']
    assert play.result['operation']['status'] in ('NotStarted', 'Running')


def test_twenty_imports_with_twenty_forks_stay_within_ten_operations(runner, emulator, tmp_path):
    emulator.store.catalog.import_seconds = 2.0
    inventory = tmp_path / 'hosts.ini'
    hosts = []
    for index in range(20):
        version = '2026.12.%d' % (100 + index)
        path, url, files = build(emulator, tmp_path, update=dict(NEW, version=version))
        hosts.append("u%d ansible_connection=local manifest_path=%s manifest_url='%s' files='%s'"
                     % (index, path, url, json.dumps(files)))
    inventory.write_text('[updates]\n' + '\n'.join(hosts) + '\n')
    task = update_task(runner, manifest_path='{{ manifest_path }}', manifest_url='{{ manifest_url }}',
                       files='{{ files }}')
    play = runner.play([task], hosts='updates', inventory=str(inventory), forks=20)
    assert play.rc == 0, play.output
    assert len(emulator.requests('update_import')) == 20
    assert emulator.running_seen <= 10 and emulator.running_refused == 0


def test_update_info_reads(runner, emulator):
    def info(**options):
        return {'name': 'info', 'adu.device_update.adu_update_info': dict(runner.connection(), **options)}
    play = runner.play([info(update={'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.10.1'}),
                        info(update=NEW), info(provider='Contoso'), info(provider='Contoso', name='Gateway'),
                        info(), info(operations='running')])
    assert play.rc == 0, play.output
    one, missing, names, versions, every, running = play.results
    assert one['updates'][0]['update_id']['version'] == '2026.10.1' and one['updates'][0]['files'] == []
    assert missing['updates'] == [] and 'not found' in missing['msg']
    assert names['names'] == ['Gateway', 'Virtual-Machine'] and names['updates'] == []
    assert versions['versions'] == ['2026.10.1', '2026.11.25', '2026.9.1']
    assert len(every['updates']) == 4
    assert running['operations'] == []


def test_a_quota_reached_fails_naming_it(runner, emulator, tmp_path):
    emulator.store.catalog.quotas['versions'] = 3  # Contoso/Gateway holds 3 versions in the seed
    play = runner.play([import_task(runner, emulator, tmp_path)])
    assert play.rc != 0
    assert play.result['error']['code'] == 'UpdateQuotaExceeded'
    assert 'an instance quota is reached' in play.result['msg'] and 'state absent' in play.result['msg']
