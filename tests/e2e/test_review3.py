# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The third outside review's broken promises, end to end: each test failed on 1.2.0."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
from urllib.parse import quote, unquote

from conftest import CLIENT_ID, CLIENT_SECRET, TENANT_ID
from hostile import Answer, HostileServer
from test_updates import NEW, build, import_started_elsewhere, play_losing_a_race, update_task
from test_updates import import_task as import_task_of


def test_already_exists_nested_two_levels_down_is_found(runner, emulator, tmp_path):
    """The service nests errors (innererror -> innerError): the code to act on is followed to the innermost."""
    emulator.store.catalog.nested_errors = True
    play = play_losing_a_race(runner, emulator, tmp_path)
    assert play.rc == 0, play.output
    assert play.result['changed'] is False and play.result['update']['update_id'] == NEW
    assert len(emulator.requests('update_import')) == 1


def test_a_cached_token_does_not_hide_a_wrong_secret(runner, emulator):
    """The cache key holds a fingerprint of the secret: a rotated or mistyped one is asked of Azure AD."""
    from test_auth import auth_task  # pylint: disable=import-outside-toplevel
    good = auth_task(runner, emulator, tenant_id=TENANT_ID, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert runner.play([good]).rc == 0
    wrong = auth_task(runner, emulator, tenant_id=TENANT_ID, client_id=CLIENT_ID, client_secret='not-the-secret-at-all')
    play = runner.play([wrong])
    assert play.rc != 0 and 'not-the-secret-at-all' not in play.output
    assert 'credentials' in play.result['msg'] or 'invalid_client' in play.result['msg'], play.result['msg']
    emulator.journal.clear()
    again = runner.play([good])  # the right secret still finds its token in the cache: no new token request
    assert again.rc == 0, again.output
    assert 'token' not in [e['route'] for e in emulator.journal]


def _echoing_service(request):
    """A service that refuses every import, quoting the URLs it was sent percent-decoded and JSON-escaped as .NET
    writes them (+ as \\u002B, = as \\u003D, / as \\/)."""
    if request['method'] == 'POST' and request['path'].endswith('updates:import'):
        urls = [unquote(u) for u in re.findall(r'https://[^"]+', request['body'])]
        dotnet = [u.replace('+', '\\u002B').replace('=', '\\u003D').replace('/', '\\/') for u in urls]
        text = '{"error": {"code": "BadRequest", "message": "cannot fetch %s or %s"}}' % (
            ' '.join(urls), ' '.join(dotnet))
        return Answer(400, text)
    if '/operations' in request['path']:
        return Answer(200, {'value': []})
    return Answer(404, {'error': {'code': 'UpdateNotFound', 'message': 'no such update'}})


SAS_SIG = 'AbC+de/fgHIJ0123456789klmn=='


def test_a_sas_echoed_decoded_or_json_escaped_stays_masked(runner, emulator, tmp_path):
    server = HostileServer(emulator.ssl_context, _echoing_service).start()
    try:
        path, _url, _files = build(emulator, tmp_path)
        query = '?sv=2024-11-04&sr=b&sp=r&se=2026-12-09T00%3A00%3A00Z&sig=' + quote(SAS_SIG, safe='')
        task = update_task(runner, manifest_path=path, manifest_url='https://127.0.0.1:1/c/m.json' + query,
                           files=[{'filename': 'gateway-2026.12.3.swu', 'url': 'https://127.0.0.1:1/c/f.swu' + query}])
        task['adu.device_update.adu_update'].update(endpoint=server.url, retries=0)
        play = runner.play([task], verbosity=4)
    finally:
        server.stop()
    assert play.rc != 0 and 'cannot fetch' in play.result['msg'], play.output
    sig_forms = [SAS_SIG, quote(SAS_SIG, safe=''), SAS_SIG.replace('+', '\\u002B').replace('=', '\\u003D')
                 .replace('/', '\\/'), 'fgHIJ0123456789klmn']
    for form in sig_forms:
        assert form not in play.output, form


def _echoing_storage(request):
    """Blob storage that refuses every request, quoting the URL it was sent, percent-decoded."""
    text = ('<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>refused %s?%s'
            '</Message></Error>' % (request['path'], unquote(request['query'])))
    return Answer(403, text, {'Content-Type': 'application/xml', 'x-ms-error-code': 'AuthenticationFailed'})


def test_a_connection_string_with_a_sas_never_shows_its_signature(runner, emulator, tmp_path):
    """A SharedAccessSignature connection string, refused by a storage that echoes it: never its signature."""
    path, _url, _files = build(emulator, tmp_path)
    (tmp_path / 'gateway-2026.12.3.swu').write_bytes(b'firmware image ' * 1000)
    storage = HostileServer(emulator.ssl_context, _echoing_storage).start()
    connection_string = ('BlobEndpoint=%s/devstoreaccount1;SharedAccessSignature=sv=2024-11-04&ss=b&srt=sco&sp=rwl'
                         '&se=2026-12-09T00%%3A00%%3A00Z&sig=%s' % (storage.url, quote(SAS_SIG, safe='')))
    try:
        task = update_task(runner, source={'manifest_path': path, 'files_dir': str(tmp_path)},
                           storage={'connection_string': connection_string, 'container': 'builds',
                                    'ca_path': emulator.ca_path})
        play = runner.play([task], verbosity=4)
    finally:
        storage.stop()
    assert storage.requests and play.rc != 0 and 'AuthenticationFailed' in play.result['msg'], play.output
    for form in (SAS_SIG, quote(SAS_SIG, safe=''), 'fgHIJ0123456789klmn', connection_string):
        assert form not in play.output, form


class SwappingStorage:
    """Blob storage that takes blocks and commits, and swaps a build file (for a FIFO, or other bytes) at the moment
    the collection asks whether its blob exists: after the file was checked, before it is uploaded."""

    HEADERS = {'ETag': '"0x8DCAFE"', 'Last-Modified': 'Mon, 07 Dec 2026 06:00:00 GMT', 'x-ms-request-id': 'r'}

    def __init__(self, path, swap):
        self.path, self.swap, self.swapped, self.committed = path, swap, False, []

    def __call__(self, request):
        if request['method'] == 'HEAD':
            if not self.swapped and request['path'].endswith(os.path.basename(self.path)):
                self.swapped = True
                self.swap(self.path)
            return Answer(404, b'', dict(self.HEADERS, **{'x-ms-error-code': 'BlobNotFound'}))
        if request['method'] == 'PUT' and ('comp=blocklist' in request['query'] or 'comp=' not in request['query']):
            if 'restype=container' not in request['query']:
                self.committed.append(request['path'])
        return Answer(201, b'', self.HEADERS)


def _to_fifo(path):
    os.remove(path)
    os.mkfifo(path)


def _rewrite(path):
    with open(path, 'wb') as handle:
        handle.write(b'not the firmware that was hashed ' * 400)


def _swap_play(runner, emulator, tmp_path, swap):
    path, _url, _files = build(emulator, tmp_path)
    payload = tmp_path / 'gateway-2026.12.3.swu'
    payload.write_bytes(b'firmware image ' * 1000)
    storage = SwappingStorage(str(payload), swap)
    server = HostileServer(emulator.ssl_context, storage).start()
    try:
        task = update_task(runner, source={'manifest_path': path, 'files_dir': str(tmp_path)},
                           storage={'account_url': server.url + '/devstoreaccount1', 'container': 'builds',
                                    'account_key': 'S2V5S2V5S2V5S2V5S2V5S2V5', 'ca_path': emulator.ca_path})
        task['timeout'] = 30  # 1.2.0 waited on the FIFO for ever
        play = runner.play([task])
    finally:
        server.stop()
    assert storage.swapped
    return play, storage


def test_a_build_file_swapped_for_a_fifo_after_its_check_is_refused_not_waited_on(runner, emulator, tmp_path):
    play, storage = _swap_play(runner, emulator, tmp_path, _to_fifo)
    assert play.rc != 0 and 'must be a regular file' in play.result['msg'], play.output
    assert not [p for p in storage.committed if p.endswith('.swu')]


def test_a_build_file_changed_after_its_check_is_never_committed(runner, emulator, tmp_path):
    play, storage = _swap_play(runner, emulator, tmp_path, _rewrite)
    # Read once since #30: what is sent is hashed as it is read, and found not to be what the manifest states.
    msg = play.result['msg']
    assert play.rc != 0 and 'but the manifest states' in msg and 'nothing was committed to storage' in msg, play.output
    assert not [p for p in storage.committed if p.endswith('.swu')]


def test_a_rerun_never_starts_a_second_import_beside_one_that_names_no_update_yet(runner, emulator, tmp_path):
    """Another host's import has not read its manifest yet (the list shows it unnamed): the rerun waits for it to
    name its update, then follows it, rather than start another."""
    path, url, files = import_started_elsewhere(emulator, tmp_path)
    play = runner.play([update_task(runner, manifest_path=path, manifest_url=url, files=files)])
    assert play.rc == 0, play.output
    assert 'under way already' in play.result['msg'] and play.result['update']['update_id'] == NEW
    assert emulator.requests('update_import') == []


MGMT = '/deviceUpdate/blue/management/'


def _untrustworthy(request):
    """Answers about groups and log collections that do not add up or are not about what was asked."""
    path, method = request['path'], request['method']
    if path == MGMT + 'groups/fleet':
        return Answer(200, {'groupId': 'fleet', 'groupType': 'IoTHubTag', 'deviceCount': 2,
                            'createdDateTime': '2026-11-01T00:00:00Z', 'deployments': []})
    if path == MGMT + 'groups/fleet/updateCompliance':
        return Answer(200, {'totalDeviceCount': 2, 'onLatestUpdateDeviceCount': 10,
                            'newUpdatesAvailableDeviceCount': 0, 'updatesInProgressDeviceCount': 0})
    if path == MGMT + 'deviceDiagnostics/logCollections/no-id':
        return Answer(200, {'deviceList': [{'deviceId': 'd1'}], 'status': 'Succeeded'})
    if path == MGMT + 'deviceDiagnostics/logCollections/others':
        if method == 'PUT':
            return Answer(200, {'operationId': 'others', 'deviceList': [{'deviceId': 'someone-else'}],
                                'status': 'NotStarted'})
        return Answer(404, {'error': {'code': 'NotFound', 'message': 'no such log collection'}})
    return Answer(200, {'value': []})


def _against(runner, emulator, module, **options):
    server = HostileServer(emulator.ssl_context, _untrustworthy).start()
    try:
        args = dict(runner.connection(), endpoint=server.url, retries=0, **options)
        return runner.play([{'name': module, 'adu.device_update.%s' % module: args}]), server
    finally:
        server.stop()


def test_compliance_with_more_devices_on_the_latest_update_than_in_total_is_not_reported(runner, emulator):
    play, _server = _against(runner, emulator, 'adu_group_info', group_id='fleet', include=['compliance'])
    assert play.rc != 0 and 'not trusting it' in play.result['msg'], play.output
    assert '500' not in play.output


def test_a_log_collection_answer_without_its_id_is_not_taken_as_existing(runner, emulator):
    play, server = _against(runner, emulator, 'adu_log_collection', log_collection_id='no-id',
                            devices=[{'device_id': 'd1'}])
    assert play.rc != 0 and 'about no id' in play.result['msg'], play.output
    assert not server.seen('PUT')


def test_a_log_collection_started_with_other_devices_is_not_taken_as_started(runner, emulator):
    play, server = _against(runner, emulator, 'adu_log_collection', log_collection_id='others',
                            devices=[{'device_id': 'd1'}])
    assert play.rc != 0 and 'other devices (someone-else)' in play.result['msg'], play.output
    assert len(server.seen('PUT')) == 1


def test_an_api_version_the_collection_does_not_know_is_refused_before_any_request(runner, emulator, tmp_path):
    tasks = [dict(import_task_of(runner, emulator, tmp_path, api_version='2021-06-01-preview'), ignore_errors=True),
             dict(update_task(runner, update=NEW, state='absent', api_version='2027-01-01'), ignore_errors=True),
             {'adu.device_update.adu_group_info': dict(runner.connection(), api_version='2021-06-01-preview'),
              'ignore_errors': True},
             {'adu.device_update.adu_update_info': dict(runner.connection(), api_version='latest'),
              'ignore_errors': True}]
    play = runner.play(tasks)
    assert [r['msg'].split(' (')[0] for r in play.results] == [
        'api_version: must be a date like 2022-10-01 or 2026-06-01, an api-version of the GA API this collection '
        'knows'] * 4, play.output
    assert [e for e in emulator.journal if e['route'] not in ('discovery', 'token')] == []


def test_absent_in_a_group_that_does_not_exist_is_ok_with_a_warning_naming_it(runner, emulator):
    """A typo'd group_id: the deployment is absent from it, but the cleanup must not look like a success."""
    from test_presence import ga  # pylint: disable=import-outside-toplevel
    typo = ga(runner, 'absent')
    typo['adu.device_update.adu_deployment']['group_id'] = 'fleet-ue'
    play = runner.play([typo])
    assert play.rc == 0 and play.result['changed'] is False, play.output
    assert 'group fleet-ue does not exist' in play.result['msg']
    assert any('check group_id' in w for w in play.result.get('warnings', [])), play.result
    there = runner.play([ga(runner, 'absent', deployment_id='never-there')])  # the group exists: no warning
    assert there.rc == 0 and not there.result.get('warnings') and 'does not exist' not in there.result['msg']


def test_the_device_states_of_a_100000_device_deployment_come_back(runner, emulator):
    """Real fleets pass 50,000 devices: the listing is bounded for an instance's largest, not below it."""
    emulator.store.add_deployment('blue', {'deploymentId': 'fleet-wide'}, {
        'totalDevices': 100000, 'devicesCompletedFailedCount': 100000, 'devicesCompletedSucceededCount': 0,
        'devicesInProgressCount': 0, 'devicesCanceledCount': 0, 'deploymentState': 'Active'})
    emulator.page_size = 1000
    args = dict(runner.connection(), deployment_id='fleet-wide', device_state='failed')
    play = runner.play([{'name': 'failed devices', 'adu.device_update.adu_deployment_info': args, 'register': 'info'},
                        {'name': 'count', 'ansible.builtin.debug': {'msg': '{{ info.devices | length }}'}}])
    assert play.rc == 0, play.output[-3000:]
    assert int(play.result['msg']) == 100000


def test_a_poll_interval_of_zero_is_refused_before_any_ring_is_created(runner, emulator):
    """1.2.0 created the ring's deployment, then divided by zero: a deployment running ungated."""
    from test_rollout import failure, ring, rollout_play  # pylint: disable=import-outside-toplevel
    play = runner.play(rollout_play(runner, [ring('canary', 'ring-canary')], adu_rollout_poll_interval=0))
    assert play.rc != 0 and 'adu_rollout_poll_interval: must be a number from 1 to 3600' in failure(play)
    assert [e for e in emulator.journal if e['method'] != 'GET'] == []


def test_max_items_bounds_a_device_listing_with_a_message_saying_which(runner, emulator):
    emulator.store.add_deployment('blue', {'deploymentId': 'bounded'}, {
        'totalDevices': 120, 'devicesCompletedFailedCount': 120, 'devicesCompletedSucceededCount': 0,
        'devicesInProgressCount': 0, 'devicesCanceledCount': 0, 'deploymentState': 'Active'})
    args = dict(runner.connection(), deployment_id='bounded', device_state='failed', max_items=100)
    play = runner.play([{'name': 'bounded', 'adu.device_update.adu_deployment_info': args}])
    assert play.rc != 0 and 'more than max_items (100) items' in play.result['msg'], play.output
    args['max_items'] = 120
    assert len(runner.play([{'adu.device_update.adu_deployment_info': args}]).result['devices']) == 120


def test_a_paced_read_sent_again_after_a_5xx_takes_a_new_slot(runner, emulator, tmp_path):
    """1.2.0 sent a group read again after a 503 in the slot it had: 20 forks then met the service's 429."""
    answers = []

    def flaky_groups(request):
        if request['path'] == MGMT + 'groups/fleet':
            answers.append(request)
            if len(answers) < 3:
                return Answer(503, {'error': {'code': 'ServiceUnavailable', 'message': 'try again'}})
            return Answer(200, {'groupId': 'fleet', 'groupType': 'IoTHubTag', 'deviceCount': 2,
                                'createdDateTime': '2026-11-01T00:00:00Z', 'deployments': []})
        return Answer(200, {'value': []})
    server = HostileServer(emulator.ssl_context, flaky_groups).start()
    try:
        args = dict(runner.connection(), endpoint=server.url, group_id='fleet', include=['subgroups'], retries=3)
        play = runner.play([{'name': 'group', 'adu.device_update.adu_group_info': args}])
    finally:
        server.stop()
    assert play.rc == 0 and len(answers) == 3, play.output
    pacing = json.loads((tmp_path / 'cache' / 'adu.device_update' / 'writes.json').read_text())
    slots = sorted(len(v) for v in pacing.values() if isinstance(v, list))
    assert slots[-1] >= 3, pacing  # one slot per read sent: the first, and each of the two sent again
