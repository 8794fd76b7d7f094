# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator on its own: routes, recorded shapes, auth, faults, journal, command line."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from adu_emulator.store import recorded_body, recorded_exchange

TOKEN = 'emu-static-access-token-for-tests'
BASE = '/deviceupdate/blue/v2/management/deployments/'
AUTH = {'Authorization': 'Bearer ' + TOKEN}


def get(emulator, path, **kwargs):
    return requests.get(emulator.url + path, verify=emulator.ca_path, timeout=5, **kwargs)


def post(emulator, path, **kwargs):
    return requests.post(emulator.url + path, verify=emulator.ca_path, timeout=5, **kwargs)


def test_deployment_has_the_recorded_shape(emulator):
    resp = get(emulator, BASE + 'dpokluda-test.2020-1111-1124-8', headers=AUTH)
    assert resp.status_code == 200
    assert resp.json() == recorded_body('v2-get-deployment')


def test_unknown_deployment_is_problem_json_with_trace_id(emulator):
    resp = get(emulator, BASE + 'nope', headers=AUTH)
    assert resp.status_code == 404
    assert resp.headers['Content-Type'].startswith('application/problem+json')
    body = resp.json()
    assert set(body) == {'type', 'title', 'status', 'traceId'} and body['traceId'].startswith('00-')


def test_no_token_is_401(emulator):
    assert get(emulator, BASE + 'dpokluda-test.2020-1111-1124-8').status_code == 401
    assert get(emulator, BASE + 'x', headers={'Authorization': 'Bearer forged'}).status_code == 401
    assert [e['authorized'] for e in emulator.journal] == [False, False]


def test_cancel_and_retry_change_state_as_the_service_does(emulator):
    resp = post(emulator, BASE + 'rollout-2026-11-failing?action=retry', headers=AUTH)
    assert resp.json()['isRetry'] is True
    status = get(emulator, BASE + 'rollout-2026-11-failing/status', headers=AUTH).json()
    assert (status['devicesCompletedFailedCount'], status['devicesInProgressCount']) == (0, 6)
    resp = post(emulator, BASE + 'dpokluda-test.2020-1111-1124-8?action=cancel', headers=AUTH)
    assert resp.json()['isCanceled'] is True
    status = get(emulator, BASE + 'dpokluda-test.2020-1111-1124-8/status', headers=AUTH).json()
    assert status['deploymentState'] == 'Canceled' and status['devicesCanceledCount'] == 2


def test_pascal_case_instance(emulator):
    body = get(emulator, '/deviceupdate/legacy/v2/management/deployments/pascal-case-deployment', headers=AUTH).json()
    assert body['DeploymentId'] == 'pascal-case-deployment' and body['IsCanceled'] is False


def test_path_segments_are_decoded_once(emulator):
    emulator.store.add_deployment('blue', {'deploymentId': 'a b:c'})
    assert get(emulator, BASE + 'a%20b%3Ac', headers=AUTH).status_code == 200
    assert emulator.journal[-1]['deployment_id'] == 'a b:c'


def test_token_flow_and_journal_holds_no_secret(emulator):
    seed_principal = emulator.store.principals[0]
    tenant = seed_principal['tenant_id']
    config = get(emulator, '/%s/v2.0/.well-known/openid-configuration' % tenant).json()
    form = {'grant_type': 'client_credentials', 'client_id': seed_principal['client_id'],
            'client_secret': seed_principal['client_secret'], 'scope': 'https://api.adu.microsoft.com/.default'}
    token = requests.post(config['token_endpoint'], data=form, verify=emulator.ca_path, timeout=5).json()['access_token']
    assert get(emulator, BASE + 'dpokluda-test.2020-1111-1124-8', headers={'Authorization': 'Bearer ' + token}).status_code == 200
    bad = requests.post(config['token_endpoint'], data=dict(form, client_secret='wrong'), verify=emulator.ca_path, timeout=5)
    assert bad.status_code == 401 and bad.json()['error'] == 'invalid_client'
    journal = json.dumps(emulator.journal)
    assert seed_principal['client_secret'] not in journal and token not in journal and 'wrong' not in journal


def test_status_fault_with_retry_after_then_normal(emulator):
    emulator.add_fault(route='get_status', status=429, headers={'Retry-After': '3'}, times=1)
    first = get(emulator, BASE + 'rollout-2026-11-failing/status', headers=AUTH)
    assert first.status_code == 429 and first.headers['Retry-After'] == '3'
    assert get(emulator, BASE + 'rollout-2026-11-failing/status', headers=AUTH).status_code == 200


def test_html_fault_body(emulator):
    emulator.add_fault(route='get_deployment', status=502, body='<html>Bad Gateway</html>')
    resp = get(emulator, BASE + 'x', headers=AUTH)
    assert resp.status_code == 502 and resp.headers['Content-Type'].startswith('text/html')


def test_drop_and_reset_faults(emulator):
    emulator.add_fault(route='get_deployment', kind='drop')
    with pytest.raises(requests.exceptions.ConnectionError):
        get(emulator, BASE + 'dpokluda-test.2020-1111-1124-8', headers=AUTH)
    emulator.add_fault(route='get_deployment', kind='reset')
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError)):
        get(emulator, BASE + 'dpokluda-test.2020-1111-1124-8', headers=AUTH)


def test_lost_response_after_apply(emulator):
    emulator.add_fault(route='cancel', kind='drop', after_apply=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        post(emulator, BASE + 'dpokluda-test.2020-1111-1124-8?action=cancel', headers=AUTH)
    assert emulator.store.raw('blue', 'dpokluda-test.2020-1111-1124-8')['deployment']['isCanceled'] is True


def test_delay_fault_delays(emulator):
    emulator.add_fault(route='get_deployment', kind='delay', delay=0.5)
    start = time.time()
    assert get(emulator, BASE + 'dpokluda-test.2020-1111-1124-8', headers=AUTH).status_code == 200
    assert time.time() - start >= 0.5


def test_faults_target_one_deployment(emulator):
    emulator.add_fault(route='get_deployment', status=500, deployment_id='rollout-2026-11-healthy', times=None)
    assert get(emulator, BASE + 'dpokluda-test.2020-1111-1124-8', headers=AUTH).status_code == 200
    assert get(emulator, BASE + 'rollout-2026-11-healthy', headers=AUTH).status_code == 500
    assert get(emulator, BASE + 'rollout-2026-11-healthy', headers=AUTH).status_code == 500


def test_unknown_fault_route_is_refused(emulator):
    with pytest.raises(ValueError):
        emulator.add_fault(route='get_deploymnet')


def test_command_line_with_ready_file_and_control_api(tmp_path):
    ready = tmp_path / 'ready.json'
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    proc = subprocess.Popen([sys.executable, '-m', 'adu_emulator', '--ready-file', str(ready),
                             '--cert-dir', str(tmp_path)], env=env, stdout=subprocess.PIPE)
    try:
        deadline = time.time() + 20
        while not ready.exists() and time.time() < deadline:
            time.sleep(0.05)
        info = json.loads(ready.read_text())
        assert info['url'].startswith('https://127.0.0.1:') and os.path.exists(info['ca_path'])
        url, ca_path = info['url'], info['ca_path']
        fault = {'route': 'get_deployment', 'status': 503}
        assert requests.post(url + '/_emulator/faults', json=fault, verify=ca_path, timeout=5).status_code == 200
        assert requests.get(url + BASE + 'x', headers=AUTH, verify=ca_path, timeout=5).status_code == 503
        journal = requests.get(url + '/_emulator/journal', verify=ca_path, timeout=5).json()['journal']
        assert [(e['route'], e['status']) for e in journal] == [('get_deployment', 503)]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_throttle_answers_429_without_retry_after_as_the_service_does(emulator):
    emulator.throttle(action=(1, 30.0))
    codes = [post(emulator, BASE + "rollout-2026-11-failing?action=retry", headers=AUTH) for _attempt in range(2)]
    assert [r.status_code for r in codes] == [200, 429]
    assert 'Retry-After' not in codes[1].headers


def test_throttle_limits_actions_per_instance_with_retry_after(emulator):
    emulator.throttle(action=(2, 30.0), read=(100, 30.0), retry_after=True)
    codes = [post(emulator, BASE + "rollout-2026-11-failing?action=retry", headers=AUTH) for _attempt in range(3)]
    assert [r.status_code for r in codes] == [200, 200, 429]
    assert 1 <= int(codes[2].headers['Retry-After']) <= 30
    assert codes[2].json()['error']['code'] == 'TooManyRequests'
    assert emulator.journal[-1]['throttled'] is True
    # another instance has its own budget
    assert post(emulator, '/deviceupdate/legacy/v2/management/deployments/pascal-case-deployment?action=cancel',
                headers=AUTH).status_code == 200


def test_seed_create_echoes_as_the_recorded_exchange_and_delete_answers_200_empty(emulator):
    exchange = recorded_exchange('v2-create-deployment')
    spec = dict(exchange['request_body'], deviceGroupDefinition=['canary'])
    resp = requests.put(emulator.url + BASE + spec['deploymentId'], json=spec, headers=AUTH, verify=emulator.ca_path, timeout=5)
    assert resp.status_code == 200
    assert resp.json() == dict(exchange['body'], deviceGroupDefinition=['canary'])
    status = get(emulator, BASE + spec['deploymentId'] + '/status', headers=AUTH).json()
    assert (status['totalDevices'], status['devicesCompletedFailedCount']) == (10, 3)
    gone = requests.delete(emulator.url + BASE + spec['deploymentId'], headers=AUTH, verify=emulator.ca_path, timeout=5)
    assert (gone.status_code, gone.content) == (200, b'')
    assert get(emulator, BASE + spec['deploymentId'], headers=AUTH).status_code == 404


def test_device_states_follow_the_status_with_relative_next_links(emulator):
    emulator.page_size = 2
    try:
        url, devices = BASE + 'rollout-2026-11-failing/devicestates', []
        while url:
            page = get(emulator, url, headers=AUTH).json()
            devices.extend(page['value'])
            url = page.get('nextLink')
            assert url is None or (url.startswith('/deviceupdate/') and '$skipToken=' in url)
    finally:
        emulator.page_size = 50
    status = get(emulator, BASE + 'rollout-2026-11-failing/status', headers=AUTH).json()
    assert len(devices) == status['totalDevices']
    assert sum(d['deviceState'] == 'Failed' for d in devices) == status['devicesCompletedFailedCount']
    assert set(devices[0]) == {'deviceId', 'deviceState', 'retryCount', 'movedOnToNewDeployment'}


@pytest.mark.parametrize('token', ['[{"token":"+RID:~q0pXAJ2xZ1sBAAAAAAAAAA==#RT:1#TRC:2#ISV:2","range":{"min":"",'
                                   '"max":"FF"}}]', '2', 'not-a-token'])
def test_a_continuation_token_the_emulator_did_not_issue_is_a_400_not_a_dropped_connection(emulator, token):
    resp = get(emulator, BASE + 'rollout-2026-11-failing/devicestates', headers=AUTH, params={'$skipToken': token})
    assert resp.status_code == 400 and resp.json()['error']['code'] == 'BadRequest'
    ga = get(emulator, '/deviceUpdate/blue/management/groups/dpokluda-test/deployments', headers=AUTH,
             params={'api-version': '2022-10-01', 'skip': token})
    assert ga.status_code == 400 and ga.json()['error']['message'] == 'The continuation token is not valid.'


def test_ga_create_supersedes_the_active_deployment_and_subgroup_delete_answers_204(emulator):
    ga = '/deviceUpdate/blue/management/groups/fleet-eu/deployments/'
    spec = {'deploymentId': 'one', 'startDateTime': '2026-11-25T08:00:00Z', 'groupId': 'fleet-eu',
            'update': {'updateId': {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'}}}
    for deployment_id in ('one', 'two'):
        resp = requests.put(emulator.url + ga + deployment_id + '?api-version=2022-10-01', headers=AUTH, timeout=5,
                            json=dict(spec, deploymentId=deployment_id), verify=emulator.ca_path)
        assert resp.status_code == 200 and resp.json()['update']['updateId']['internalId']
    first = get(emulator, ga + 'one/status?api-version=2022-10-01', headers=AUTH).json()
    assert first['deploymentState'] == 'Inactive'
    dc = resp.json()['deviceClassSubgroups'][0]
    sub = '/deviceUpdate/blue/management/groups/fleet-eu/deviceClassSubgroups/%s/deployments/two' % dc
    gone = requests.delete(emulator.url + sub + '?api-version=2022-10-01', headers=AUTH, verify=emulator.ca_path, timeout=5)
    assert gone.status_code == 204 and gone.content == b''
    left = get(emulator, ga + 'two?api-version=2022-10-01', headers=AUTH).json()['deviceClassSubgroups']
    assert dc not in left and len(left) == 1
    bad = requests.put(emulator.url + ga + 'three?api-version=2022-10-01', json=dict(spec, deploymentId='three',
                       downloadSecurity='http'), headers=AUTH, verify=emulator.ca_path, timeout=5)
    assert bad.status_code == 400


def test_a_rollout_plays_over_status_reads_and_stops_when_canceled(emulator):
    emu = emulator  # a short name keeps the timeline below readable
    emu.store.add_ga_deployment('blue', 'live', {'deploymentId': 'r1'}, {'dc1': {'totalDevices': 10,
                                                                                 'devicesInProgressCount': 10}},
                                timelines={'dc1': [
                                    {'after_reads': 2, 'status': {'devicesInProgressCount': 6,
                                                                  'devicesCompletedSucceededCount': 3,
                                                                  'devicesCompletedFailedCount': 1}},
                                    {'after_reads': 3, 'status': {'devicesInProgressCount': 2,
                                                                  'devicesCompletedFailedCount': 5}}]})
    url = '/deviceUpdate/blue/management/groups/live/deployments/r1/status?api-version=2022-10-01'
    failed = [get(emulator, url, headers=AUTH).json()['subgroupStatus'][0]['devicesCompletedFailedCount']
              for _read in range(2)]
    assert failed == [0, 1]
    assert post(emulator, '/deviceUpdate/blue/management/groups/live/deviceClassSubgroups/dc1/deployments/r1:cancel'
                '?api-version=2022-10-01', headers=AUTH).status_code == 200
    after = [get(emulator, url, headers=AUTH).json()['subgroupStatus'][0] for _read in range(3)]
    assert all(s['deploymentState'] == 'Canceled' and s['devicesCompletedFailedCount'] == 1 for s in after)


def test_a_rollout_plays_over_time_on_the_seed_api(emulator):
    emu = emulator  # a short name keeps the timeline below readable
    emu.store.add_deployment('blue', {'deploymentId': 'timed'}, {'totalDevices': 4, 'devicesInProgressCount': 4,
                                                                 'devicesCompletedSucceededCount': 0},
                             timeline=[{'after_seconds': 0.3, 'status': {'devicesInProgressCount': 0,
                                                                         'devicesCompletedSucceededCount': 4}}])
    assert get(emulator, BASE + 'timed/status', headers=AUTH).json()['devicesInProgressCount'] == 4
    time.sleep(0.4)
    assert get(emulator, BASE + 'timed/status', headers=AUTH).json()['devicesCompletedSucceededCount'] == 4


UPDATES = '/deviceUpdate/blue/updates'
Q = '?api-version=2022-10-01'


def test_update_routes_answer_as_the_specification_shows(emulator):
    update = get(emulator, UPDATES + '/providers/Contoso/names/Gateway/versions/2026.10.1' + Q, headers=AUTH)
    assert update.status_code == 200 and update.json()['updateId']['version'] == '2026.10.1'
    assert not any(k.startswith('_') for k in update.json())
    missing = get(emulator, UPDATES + '/providers/Contoso/names/Gateway/versions/0.0.1' + Q, headers=AUTH)
    assert missing.status_code == 404
    providers = get(emulator, UPDATES + '/providers' + Q, headers=AUTH).json()
    assert providers == {'value': ['Contoso']}
    deleted = requests.delete(emulator.url + UPDATES + '/providers/Contoso/names/Gateway/versions/2026.10.1' + Q,
                              headers=AUTH, verify=emulator.ca_path, timeout=5)
    assert deleted.status_code == 202 and deleted.headers['Operation-Location'].startswith('/deviceUpdate/blue/operations/')
    operation = get(emulator, deleted.headers['Operation-Location'], headers=AUTH)
    assert operation.headers['Retry-After'] == '1' and operation.json()['status'] in ('NotStarted', 'Running')
    # Delete operations are not listed; the list takes one filter only.
    assert get(emulator, UPDATES + '/operations' + Q, headers=AUTH).json() == {'value': []}
    assert get(emulator, UPDATES + '/operations' + Q + '&filter=status%20eq%20%27Failed%27',
               headers=AUTH).status_code == 400


def test_an_import_fetches_what_it_names_and_fails_on_a_wrong_signature(emulator):
    url = emulator.put_blob('m.json', b'{}')
    wrong = url.replace('sig=', 'sig=x')
    body = [{'importManifest': {'url': wrong, 'sizeInBytes': 2, 'hashes': {'sha256': 'x'}}}]
    emulator.store.catalog.import_seconds = 0
    started = post(emulator, UPDATES + ':import' + Q, headers=AUTH, json=body)
    assert started.status_code == 202
    operation = get(emulator, started.headers['Operation-Location'], headers=AUTH).json()
    assert operation['status'] == 'Failed' and operation['error']['code'] == 'ImportManifestDownloadFailed'


def test_more_than_ten_running_operations_are_refused_with_429(emulator):
    emulator.store.catalog.delete_seconds = 60
    emulator.store.catalog.max_running = 2
    paths = ['/providers/Contoso/names/Gateway/versions/%s' % v for v in ('2026.9.1', '2026.10.1', '2026.11.25')]
    answers = [requests.delete(emulator.url + UPDATES + p + Q, headers=AUTH, verify=emulator.ca_path, timeout=5)
               for p in paths]
    assert [a.status_code for a in answers] == [202, 202, 429] and 'Retry-After' not in answers[2].headers


def test_groups_and_compliance_follow_the_rollouts(emulator):
    group = get(emulator, '/deviceUpdate/blue/management/groups/fleet-eu' + Q, headers=AUTH).json()
    assert group['deviceCount'] == 9 and group['subgroupsWithNewUpdatesAvailableCount'] == 2
    compliance = get(emulator, '/deviceUpdate/blue/management/groups/fleet-eu/updateCompliance' + Q, headers=AUTH)
    assert compliance.json() == {'totalDeviceCount': 9, 'onLatestUpdateDeviceCount': 0,
                                 'newUpdatesAvailableDeviceCount': 9, 'updatesInProgressDeviceCount': 0}
    assert get(emulator, '/deviceUpdate/blue/management/groups/nope' + Q, headers=AUTH).status_code == 404
    health = get(emulator, '/deviceUpdate/blue/management/deviceDiagnostics/deviceHealth' + Q, headers=AUTH)
    assert health.status_code == 400  # a filter is required


def test_the_service_s_refusals(emulator):
    """What the service refuses, the emulator refuses (issue 29): a deployment of an update never imported or to a
    group that does not exist, deleting an update an active deployment uses, deleting a group with active
    deployments, and any route of an instance it does not have."""
    ga = emulator.url + '/deviceUpdate/blue/management/groups/%s/deployments/%s?api-version=2022-10-01'
    gateway = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'}

    def put(group, deployment_id, update):
        return requests.put(ga % (group, deployment_id), headers=AUTH, timeout=5, verify=emulator.ca_path, json={
            'deploymentId': deployment_id, 'startDateTime': '2026-11-25T08:00:00Z', 'groupId': group,
            'update': {'updateId': update}})
    never = put('fleet-eu', 'fw-x', dict(gateway, version='9.9.9'))
    assert never.status_code == 400 and never.json()['error']['code'] == 'UpdateNotFound'
    nowhere = put('no-such-group', 'fw-x', gateway)
    assert nowhere.status_code == 404 and nowhere.json()['error']['code'] == 'GroupNotFound'
    assert put('fleet-eu', 'fw-ok', gateway).status_code == 200
    update = emulator.url + '/deviceUpdate/blue/updates/providers/Contoso/names/Gateway/versions/2026.11.25'
    in_use = requests.delete(update + '?api-version=2022-10-01', headers=AUTH, timeout=5, verify=emulator.ca_path)
    assert in_use.status_code == 409 and in_use.json()['error']['code'] == 'UpdateInUse'
    assert 'fleet-eu/fw-ok' in in_use.json()['error']['message']
    group = requests.delete(emulator.url + '/deviceUpdate/blue/management/groups/fleet-eu?api-version=2022-10-01',
                            headers=AUTH, timeout=5, verify=emulator.ca_path)
    assert group.status_code == 400 and 'active deployments (fw-ok)' in group.json()['error']['message']
    elsewhere = get(emulator, '/deviceUpdate/nowhere/management/groups?api-version=2022-10-01', headers=AUTH)
    assert elsewhere.status_code == 404 and elsewhere.headers['Content-Type'].startswith('application/problem+json')
    emulator.strict = False  # the switch back to the lenient emulator of 1.2
    assert put('fleet-eu', 'fw-y', dict(gateway, version='9.9.9')).status_code == 200


def test_conditional_reads_top_and_the_spec_s_log_collection_states(emulator):
    """If-None-Match with the current etag is 304 (get update, file, operation); top bounds the operations listing;
    a log collection's devices are NotStarted/Running/Succeeded/Failed with nothing sent as null; device health
    filtered by state lists the devices in that state."""
    update = '/deviceUpdate/blue/updates/providers/Contoso/names/Gateway/versions/2026.11.25?api-version=2022-10-01'
    first = get(emulator, update, headers=AUTH)
    assert first.status_code == 200 and first.json()['etag']
    again = get(emulator, update, headers=dict(AUTH, **{'If-None-Match': first.json()['etag']}))
    assert again.status_code == 304 and again.content == b''
    assert get(emulator, update, headers=dict(AUTH, **{'If-None-Match': '"stale"'})).status_code == 200
    listed = get(emulator, '/deviceUpdate/blue/updates/operations?api-version=2022-10-01&top=1', headers=AUTH)
    assert listed.status_code == 200 and len(listed.json()['value']) <= 1
    assert get(emulator, '/deviceUpdate/blue/updates/operations?api-version=2022-10-01&top=x',
               headers=AUTH).status_code == 400
    emulator.log_seconds = 60
    put = requests.put(emulator.url + '/deviceUpdate/blue/management/deviceDiagnostics/logCollections/lc1'
                       '?api-version=2022-10-01', headers=AUTH, verify=emulator.ca_path, timeout=5,
                       json={'deviceList': [{'deviceId': 'd1'}]})
    assert put.status_code == 201
    status = get(emulator, '/deviceUpdate/blue/management/deviceDiagnostics/logCollections/lc1/detailedStatus'
                 '?api-version=2022-10-01', headers=AUTH).json()
    assert status['deviceStatus'] == [{'deviceId': 'd1', 'status': 'Running'}]
    collections = get(emulator, '/deviceUpdate/blue/management/deviceDiagnostics/logCollections'
                      '?api-version=2022-10-01', headers=AUTH).json()
    assert [c['operationId'] for c in collections['value']] == ['lc1']
    unhealthy = get(emulator, "/deviceUpdate/blue/management/deviceDiagnostics/deviceHealth?api-version=2022-10-01"
                              "&filter=state eq 'unhealthy'", headers=AUTH).json()['value']
    assert unhealthy and all(h['state'] == 'unhealthy' for h in unhealthy)
