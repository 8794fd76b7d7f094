# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The outside review's attacks, end to end: a hostile service and authority on 127.0.0.1.

Each class of defect is tested through ansible-playbook: the token stays home and out of output,
one task is one write, every task ends, odd answers are not trusted, and nothing is a traceback.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time
from urllib.parse import parse_qs, quote_plus

import pytest

from conftest import CLIENT_ID, CLIENT_SECRET, TENANT_ID
from hostile import Answer, HostileServer

SEED = '/deviceupdate/blue/v2/management/deployments/'
GA = '/deviceUpdate/blue/management/groups/'
# Answers name the deployment asked for, as the service does: the collection checks that they do.
NOT_CANCELED = {'isCanceled': False, 'isRetry': False}


def deployment_id_of(request):
    return request['path'][len(SEED):].split('/')[0] if request['path'].startswith(SEED) else None


def service(request):
    """The hostile ADU service: what it does depends on the deployment id or group asked for."""
    path, token = request['path'], request['headers'].get('Authorization', '')
    dep = deployment_id_of(request)
    if dep == 'echo-json':
        return Answer(400, {'error': {'code': 'BadRequest', 'message': 'you sent Authorization: %s' % token}})
    if dep == 'echo-html':
        return Answer(400, '<html><pre>%s\n%s</pre></html>' % (token, json.dumps(token)),
                      {'Content-Type': 'text/html'})
    if dep == 'drip':
        return Answer(200, json.dumps(dict(NOT_CANCELED, deploymentId=dep, pad='x' * 200)), drip=0.2)
    if dep == 'drip-headers':
        return Answer(200, dict(NOT_CANCELED, deploymentId=dep), drip=0.2, drip_headers=True)
    if dep == 'deep':
        return Answer(200, '[' * 100000 + ']' * 100000)
    if dep == 'a-list':
        return Answer(200, [dict(NOT_CANCELED, deploymentId=dep)])
    if dep in ('inf-count', 'negative-count'):
        if path.endswith('/status'):
            return Answer(200, '{"deploymentState": "Active", "devicesCompletedFailedCount": %s}'
                          % ('1e400' if dep == 'inf-count' else '-3'))
        return Answer(200, dict(NOT_CANCELED, deploymentId=dep))
    if dep == 'cancel-not-shown':
        return Answer(200, dict(NOT_CANCELED, deploymentId=dep))  # the cancel is "answered" with a deployment still running
    if dep == 'huge-error':
        return Answer(400, {'error': {'code': 'Big', 'message': 'x' * (5 * 1024 * 1024)}})
    if dep == 'bidi':
        return Answer(400, {'error': {'code': 'Odd', 'message': 'evil\u202etxt.exe\u200b done'}})
    if dep in ('someone-else', 'someone-else-present'):  # an answer about another deployment, already canceled
        return Answer(200, dict(NOT_CANCELED, deploymentId='someone-else-entirely', isCanceled=True,
                                updateId={'provider': 'Contoso', 'name': 'Gateway', 'version': '1'},
                                startDateTime='2026-11-25T08:00:00+00:00', deviceGroupDefinition=['canary']))
    if dep == 'empty-200':
        return Answer(200, b'')
    if dep == 'put-other':  # never there; a PUT "succeeds" with another update and group
        if request['method'] == 'PUT':
            return Answer(200, dict(NOT_CANCELED, deploymentId=dep, deviceGroupDefinition=['other'],
                                    updateId={'provider': 'Evil', 'name': 'Rootkit', 'version': '6.6.6'},
                                    startDateTime='2026-11-25T08:00:00+00:00'))
        return Answer(404, {'type': 'about:blank', 'title': 'Not Found', 'status': 404, 'traceId': 't'})
    if dep == 'flood-devices' and path.endswith('/devicestates'):  # endless pages of many devices
        page = int(parse_qs(request['query']).get('page', ['0'])[0])
        items = [{'deviceId': 'dev-%d-%d' % (page, i), 'deviceState': 'Failed'} for i in range(50000)]
        return Answer(200, {'value': items, 'nextLink': SEED + 'flood-devices/devicestates?page=%d' % (page + 1)})
    if dep == 'flood-devices':
        return Answer(200, dict(NOT_CANCELED, deploymentId=dep))
    if path.startswith(GA):
        return ga_service(request)
    return Answer(404, {'type': 'about:blank', 'title': 'Not Found', 'status': 404, 'traceId': 't'})


def ga_service(request):
    path, query = request['path'], request['query']
    group = path[len(GA):].split('/')[0]
    base = GA + group + '/deployments'
    if path == base:  # the listing
        if group == 'loop':
            return Answer(200, {'value': [], 'nextLink': base + '?' + query})
        if group == 'http-link':
            return Answer(200, {'value': [], 'nextLink': 'http://127.0.0.1:%s%s?page=2' % (
                request['headers']['Host'].split(':')[-1], base)})
        if group == 'number-link':
            return Answer(200, {'value': [], 'nextLink': 12})
        if group == 'endless':
            page = int(parse_qs(query).get('page', ['0'])[0])
            return Answer(200, {'value': [], 'nextLink': '%s?api-version=2022-10-01&page=%d' % (base, page + 1)})
    if group == 'no-subgroups' and path == base + '/d1':  # just created: not split by device class yet
        return Answer(200, {'deploymentId': 'd1', 'groupId': group, 'deviceClassSubgroups': []})
    if group == 'other-group' and path == base + '/d1':
        return Answer(200, {'deploymentId': 'd1', 'groupId': 'not-' + group, 'deviceClassSubgroups': ['a' * 40]})
    if group == 'dotdot' and path == base + '/d1':
        return Answer(200, {'deploymentId': 'd1', 'groupId': group, 'deviceClassSubgroups': ['..', 'fine']})
    return Answer(404, {'type': 'about:blank', 'title': 'Not Found', 'status': 404, 'traceId': 't'})


@pytest.fixture
def hostile(emulator):
    server = HostileServer(emulator.ssl_context, service).start()
    yield server
    server.stop()


def connection(emulator, hostile, **extra):
    """A service principal the emulator's Azure AD knows, and the hostile server as the service."""
    return dict(endpoint=hostile.url, ca_path=emulator.ca_path, instance='blue', authority_host=emulator.url,
                tenant_id=TENANT_ID, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, retries=0, **extra)


def task(name, args, module='adu_deployment'):
    return {'name': name, 'ignore_errors': True, 'adu.device_update.' + module: args}


def results_by_name(play):
    return dict((r['task'], r['result']) for r in play.records)


def test_the_issued_token_never_shows_even_when_the_service_quotes_it(runner, emulator, hostile):
    tasks = [task(dep, dict(connection(emulator, hostile), deployment_id=dep, state='canceled'))
             for dep in ('echo-json', 'echo-html')]
    play = runner.play(tasks, verbosity=4)
    issued = list(emulator.store.tokens)
    assert issued and len(hostile.seen('GET')) == 2
    assert all(r['headers']['Authorization'] == 'Bearer ' + issued[0] for r in hostile.requests)
    for token in issued:
        assert token not in play.output and token not in json.dumps(play.records)
    results = results_by_name(play)
    assert 'you sent Authorization: Bearer ********' in results['echo-json']['msg']
    assert '********' in results['echo-html']['msg']


def authority(secret_echo):
    """A hostile Azure AD: discovery points at itself, the token endpoint echoes what it was sent."""
    def script(request):
        tenant = request['path'].split('/')[1]
        base = 'https://%s/%s' % (request['headers']['Host'], tenant)
        if request['path'].endswith('/openid-configuration'):
            return Answer(200, {'token_endpoint': base + '/oauth2/v2.0/token', 'issuer': base + '/v2.0',
                                'authorization_endpoint': base + '/oauth2/v2.0/authorize'})
        form = dict((k, v[0]) for k, v in parse_qs(request['body']).items())
        return Answer(401, {'error': 'invalid_client', 'error_description': secret_echo(form),
                            'correlation_id': 'c'})
    return script


def test_secrets_echoed_escaped_by_the_authority_are_masked(runner, emulator, tmp_path):
    secret = 'hostile-secret-Zq9\n'
    federated = 'eyJhbGciOiJSUzI1NiJ9.federated-token-body.signature'
    (tmp_path / 'federated').write_text(federated + '\n')
    server = HostileServer(emulator.ssl_context, authority(
        lambda form: 'AADSTS7000215: got %r and %s' % (form.get('client_secret'), form.get('client_assertion')))).start()
    try:
        common = dict(endpoint=emulator.url, ca_path=emulator.ca_path, instance='blue', authority_host=server.url,
                      tenant_id=TENANT_ID, client_id=CLIENT_ID, deployment_id='d', state='canceled', retries=0)
        tasks = [task('secret', dict(common, client_secret=secret)),
                 task('federated', dict(common, federated_token_file=str(tmp_path / 'federated')))]
        play = runner.play(tasks, verbosity=4)
    finally:
        server.stop()
    sent = [parse_qs(r['body']) for r in server.seen('POST')]
    assert [bool(s.get('client_secret')) for s in sent] == [True, False]
    assert sent[1]['client_assertion'] == [federated]
    for form in (repr(secret)[1:-1], secret.strip(), federated):
        assert form not in play.output and form not in json.dumps(play.records), form
    results = results_by_name(play)
    assert 'Azure AD refused a token' in results['secret']['msg'] and '********' in results['secret']['msg']
    assert '********' in results['federated']['msg']
    assert emulator.journal == []


def test_discovery_naming_another_token_endpoint_gets_no_secret(runner, emulator):
    def script(request):
        if request['path'].endswith('/openid-configuration'):
            elsewhere = '%s/%s/oauth2/v2.0/token' % (emulator.url, TENANT_ID)  # another port
            return Answer(200, {'token_endpoint': elsewhere, 'issuer': 'x', 'authorization_endpoint': elsewhere})
        return Answer(500, {})
    server = HostileServer(emulator.ssl_context, script).start()
    try:
        args = dict(endpoint=emulator.url, ca_path=emulator.ca_path, instance='blue', authority_host=server.url,
                    tenant_id=TENANT_ID, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, deployment_id='d',
                    state='canceled', retries=0)
        play = runner.play([task('discovery', args)])
    finally:
        server.stop()
    assert play.rc == 0  # ignore_errors
    assert 'not sending credentials there' in play.result['msg'], play.result['msg']
    assert emulator.journal == []  # neither the token endpoint elsewhere nor the service was called


@pytest.mark.parametrize('group, expected, requests', [
    ('http-link', 'nextLink to another place', 1),
    ('loop', 'a nextLink already followed', 1),
    ('number-link', 'nextLink is not a string', 1),
    ('endless', 'after 100 pages', 100),
])
def test_next_links_that_leave_loop_or_lie_end_clearly(runner, emulator, hostile, group, expected, requests):
    args = dict(connection(emulator, hostile), group_id=group)
    play = runner.play([task('list', args, module='adu_deployment_info')])
    msg = play.result['msg']
    assert expected in msg and 'Traceback' not in play.output, msg
    assert len(hostile.requests) == requests
    assert all(r['path'].startswith(GA) for r in hostile.requests)


@pytest.mark.parametrize('endpoint', [
    'https://127.0.0.1\\.example.com:8443',
    'https://127.0.0.1:8443\\@evil.example.com',
    'http://[::1',
    'https://exa mple.com',
    'https://example.com:99999',
])
def test_endpoints_the_http_stack_would_read_differently_are_refused_before_any_request(runner, emulator, endpoint):
    args = dict(runner.connection(), endpoint=endpoint, deployment_id='d', state='canceled')
    play = runner.play([task('bad endpoint', args)])
    assert play.result['msg'].startswith('endpoint: must be https://host[:port]'), play.result['msg']
    assert 'Traceback' not in play.output and emulator.journal == []


def test_authority_host_with_a_backslash_is_refused(runner, emulator):
    args = dict(runner.connection(), authority_host='https://127.0.0.1\\.example.com:8443', deployment_id='d',
                state='canceled')
    play = runner.play([task('bad authority', args)])
    assert play.result['msg'].startswith('authority_host: must be https://host[:port]')
    assert emulator.journal == []


def test_answers_that_would_break_or_fool_the_module(runner, emulator, hostile):
    def seed(dep, state='canceled', **extra):
        return task(dep, dict(connection(emulator, hostile, **extra), deployment_id=dep, state=state))
    tasks = [
        seed('drip', timeout=1.5),
        seed('drip-headers', timeout=1.5),
        seed('deep'),
        seed('a-list'),
        seed('inf-count', state='retried'),
        seed('negative-count', state='retried'),
        seed('cancel-not-shown'),
        seed('huge-error'),
        seed('bidi'),
        task('dotdot', dict(connection(emulator, hostile), group_id='dotdot', deployment_id='d1', state='canceled')),
    ]
    start = time.time()
    play = runner.play(tasks)
    assert 'Traceback' not in play.output and 'MODULE FAILURE' not in play.output, play.output
    results = results_by_name(play)
    assert [r['task'] for r in play.records if r['outcome'] != 'failed'] == [], results
    msg = dict((name, r['msg']) for name, r in results.items())
    assert 'no whole answer within 1.5 s' in msg['drip'] and 'no whole answer within 1.5 s' in msg['drip-headers']
    assert 'not a JSON object' in msg['deep'] and 'not a JSON object' in msg['a-list']
    assert 'devices_completed_failed_count is not a device count' in msg['inf-count']
    assert 'devices_completed_failed_count is not a device count (-3)' in msg['negative-count']
    assert 'does not show the deployment canceled' in msg['cancel-not-shown']
    assert results['cancel-not-shown']['action_may_have_happened'] is True
    assert len(msg['huge-error']) < 1200 and '(cut)' in msg['huge-error']
    assert '\u202e' not in msg['bidi'] and '\\u202e' in msg['bidi'] and '\u200b' not in msg['bidi']
    assert 'unusable device class id' in msg['dotdot']
    posts = [(deployment_id_of(r), r['query']) for r in hostile.seen('POST')]
    assert posts == [('cancel-not-shown', 'action=cancel')]  # one write, and none on a broken answer
    assert time.time() - start < 60


def test_a_write_answered_401_is_read_back_never_sent_again(runner, emulator):
    emulator.add_fault(route='cancel', status=401, after_apply=True, body={'error': {'code': 'InvalidToken'}})
    play = runner.play([runner.task('canceled', 'dpokluda-test.2020-1111-1124-8')])
    assert play.rc == 0, play.output
    assert play.result['changed'] is True and 'confirmed' in play.result['msg']
    assert [e['status'] for e in emulator.requests('cancel')] == [401]
    assert emulator.requests('get_deployment')[-1]['status'] == 200


def test_a_device_class_listed_twice_is_acted_on_once(runner, emulator):
    dc = '%040x' % 7
    emulator.store.add_ga_deployment('blue', 'twice', {'deploymentId': 'dup'}, {dc: {'devicesCompletedFailedCount': 2}})
    emulator.store.instances['blue']['groups']['twice']['dup']['deployment']['deviceClassSubgroups'] = [dc, dc]
    args = dict(runner.connection(), group_id='twice', deployment_id='dup', state='retried')
    play = runner.play([{'name': 'retry', 'adu.device_update.adu_deployment': args}])
    assert play.rc == 0, play.output
    assert [s['device_class_id'] for s in play.result['subgroups']] == [dc]
    assert len(emulator.requests('ga_retry')) == 1


@pytest.mark.parametrize('make, expected', [
    (os.mkfifo, 'must be a regular file'),
    (lambda p: os.symlink('/dev/zero', p), 'must be a regular file'),
    (lambda p: None, 'cannot read'),
])
def test_certificate_paths_that_would_block_or_exhaust_fail_at_once(runner, emulator, tmp_path, make, expected):
    path = str(tmp_path / 'cert')
    make(path)
    args = dict(runner.connection(auth='none'), tenant_id=TENANT_ID, client_id=CLIENT_ID, client_certificate_path=path,
                authority_host=emulator.url, deployment_id='d', state='canceled')
    start = time.time()
    play = runner.play([task('cert', args)])
    assert time.time() - start < 30
    assert play.result['msg'].startswith('client_certificate_path: ') and expected in play.result['msg']
    assert emulator.journal == []


def test_a_missing_ca_path_is_an_option_error(runner, emulator, tmp_path):
    args = dict(runner.connection(), ca_path=str(tmp_path / 'nope.pem'), deployment_id='d', state='canceled')
    play = runner.play([task('ca', args)])
    assert play.result['msg'].startswith('ca_path: cannot read') and 'Traceback' not in play.output
    assert emulator.journal == []


@pytest.mark.parametrize('bad', ['evil\u202etxt', 'zero\u200bwidth', 'line\u2028sep'])
def test_ids_with_invisible_or_format_characters_are_refused(runner, emulator, bad):
    play = runner.play([task('id', dict(runner.connection(), deployment_id=bad, state='canceled'))])
    assert play.result['msg'].startswith('deployment_id: must be 1 to 256 characters')
    assert emulator.journal == []


def test_only_answers_about_what_was_asked_count_as_evidence(runner, emulator, hostile):
    def seed(dep, state='canceled', **extra):
        return task(dep, dict(connection(emulator, hostile), deployment_id=dep, state=state, **extra))
    present = dict(update={'provider': 'Contoso', 'name': 'Gateway', 'version': '1'}, device_group='canary',
                   start_date_time='2026-11-25T08:00:00Z')

    def ga(name, group, **extra):
        return task(name, dict(connection(emulator, hostile), group_id=group, deployment_id='d1', state='canceled',
                               **extra))
    play = runner.play([
        seed('someone-else'), seed('someone-else-present', state='present', **present), seed('empty-200'),
        seed('empty-200', state='absent'), seed('put-other', state='present', **present),
        ga('no-subgroups', 'no-subgroups'),
        ga('no-subgroups-wait', 'no-subgroups', wait=True, wait_timeout=1, wait_interval=0.3),
        ga('other-group', 'other-group'),
        task('flood-devices', dict(connection(emulator, hostile), deployment_id='flood-devices', device_state='any'),
             module='adu_deployment_info'),
    ])
    assert 'Traceback' not in play.output and 'MODULE FAILURE' not in play.output, play.output
    results = results_by_name(play)
    assert [r['task'] for r in play.records if r['outcome'] != 'failed'] == [], results
    msg = dict((name, r['msg']) for name, r in results.items())
    assert ("the service answered a request about deployment id someone-else with a body that is about deployment "
            "id 'someone-else-entirely'; not trusting it") in msg['someone-else']
    assert 'is about deployment id' in msg['someone-else-present']
    assert 'empty body where a deployment belongs' in msg['empty-200']
    assert "does not show the deployment as declared" in msg['put-other']
    assert results['put-other']['action_may_have_happened'] is True
    assert 'has no device-class subgroups yet' in msg['no-subgroups'] and 'was not canceled' in msg['no-subgroups']
    assert 'has no device-class subgroups after waiting 1 s' in msg['no-subgroups-wait']
    assert "is about group id 'not-other-group'" in msg['other-group']
    # Bounded for an instance's largest listing (a million devices), not at 50,000: the 21st page of 50,000 passes it.
    assert 'the service sent more than 1000000 items or 512 MiB in 21 pages' in msg['flood-devices']
    # Nothing was written on the strength of a wrong answer; the one PUT was sent once, never again.
    assert hostile.seen('POST') == [] and hostile.seen('DELETE') == []
    assert len(hostile.seen('PUT')) == 1


def test_assertions_and_form_encoded_secrets_echoed_by_the_authority_are_masked(runner, emulator, tmp_path):
    from test_auth import make_certificate  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
    key, cert = make_certificate()
    pem = tmp_path / 'sp.pem'
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()) + cert.public_bytes(serialization.Encoding.PEM))
    secret = 'a+b/c=d e&f-secret'
    server = HostileServer(emulator.ssl_context, authority(lambda form: 'AADSTS7000215: you sent %s %s; %s' % (
        quote_plus(form.get('client_secret') or ''), form.get('client_assertion') or '', 'x' * (5 * 1024 * 1024)))
    ).start()
    try:
        common = dict(endpoint=emulator.url, ca_path=emulator.ca_path, instance='blue', authority_host=server.url,
                      tenant_id=TENANT_ID, client_id=CLIENT_ID, deployment_id='d', state='canceled', retries=0)
        play = runner.play([task('secret', dict(common, client_secret=secret)),
                            task('certificate', dict(common, client_certificate_path=str(pem)))], verbosity=4)
    finally:
        server.stop()
    sent = [parse_qs(r['body']) for r in server.seen('POST')]
    assertion = sent[1]['client_assertion'][0]
    assert len(assertion) > 100 and sent[0]['client_secret'] == [secret]
    for form in (quote_plus(secret), assertion, assertion[:200]):
        assert form not in play.output and form not in json.dumps(play.records), form
    results = results_by_name(play)
    for name in ('secret', 'certificate'):
        assert '********' in results[name]['msg']
        # A 5 MB description is cut everywhere in the result, not only in msg.
        assert len(json.dumps(results[name]['error'])) < 2000 and '(cut)' in results[name]['error']['message']
