# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client's retry and error rules, with a scripted session (faults a real run reaches only slowly)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import socket
import threading
import time

import pytest
import requests

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError, PrivateFileError
from ansible_collections.adu.device_update.plugins.module_utils._transport.client import HttpClient
from ansible_collections.adu.device_update.plugins.module_utils._transport.failures import (
    describe_transport_error,
    parse_error_body,
)
from ansible_collections.adu.device_update.plugins.module_utils._transport.retry import Backoff, parse_retry_after


def response(status, body=None, headers=None, text=None):
    resp = requests.Response()
    resp.status_code = status
    resp._content = (text if text is not None else json.dumps(body if body is not None else {})).encode('utf-8')
    resp.headers.update(headers or {'Content-Type': 'application/json'})
    return resp


class ScriptedSession(requests.Session):
    """Answers each request with the next scripted response or exception."""

    def __init__(self, script):
        super(ScriptedSession, self).__init__()
        self.script = list(script)
        self.sent = []

    def request(self, method, url, **kwargs):  # pylint: disable=arguments-differ
        self.sent.append((method, url, kwargs))
        item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        return item


class FakeCredential:
    refreshable = True

    def __init__(self):
        self.tokens = 0

    def get_token(self, http, force_refresh=False):
        if force_refresh or not self.tokens:
            self.tokens += 1
        return 'token-%d' % self.tokens

    def invalidate(self):
        pass


def client(script, retries=3, credential=None, pacer=None):
    waits = []
    http = HttpClient(credential=credential, retries=retries, session=ScriptedSession(script), sleep=waits.append,
                      verify='/ca.pem', pacer=pacer)
    return http, waits


def test_verify_and_timeout_are_passed_per_request():
    http, _waits = client([response(200, {'a': 1})])
    assert http.request('GET', 'https://h/x', 'reading').body == {'a': 1}
    kwargs = http.session.sent[0][2]
    assert kwargs['verify'] == '/ca.pem' and kwargs['timeout'] == 30.0


def test_the_environment_is_read_once_per_host_as_requests_reads_it(monkeypatch):
    for name in ('HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
                 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy.example:3128')
    monkeypatch.setenv('NO_PROXY', 'inside.example')
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/etc/corporate-ca.pem')
    http = HttpClient(session=ScriptedSession([response(200)] * 4), sleep=lambda s: None)
    for url in ('https://h/a', 'https://h/b', 'https://inside.example/c'):
        http.request('GET', url, 'reading')
    monkeypatch.setenv('HTTPS_PROXY', 'http://elsewhere.example:8080')
    http.request('GET', 'https://h/d', 'reading')
    sent = [kwargs for _method, _url, kwargs in http.session.sent]
    assert [kwargs['proxies'].get('https') for kwargs in sent] == [
        'http://proxy.example:3128', 'http://proxy.example:3128', None, 'http://proxy.example:3128']
    assert {kwargs['verify'] for kwargs in sent} == {'/etc/corporate-ca.pem'}
    assert http.session.trust_env is False  # requests reads none of it again, nor ~/.netrc
    pinned = HttpClient(session=ScriptedSession([response(200)]), verify='/ca.pem', sleep=lambda s: None)
    pinned.request('GET', 'https://h/a', 'reading')
    assert pinned.session.sent[0][2]['verify'] == '/ca.pem'  # ca_path wins over the environment's bundle


def test_get_retries_5xx_and_429_honouring_retry_after():
    http, waits = client([response(503), response(429, headers={'Retry-After': '7'}), response(200, {'ok': True})])
    assert http.request('GET', 'https://h/x', 'reading').body == {'ok': True}
    assert len(waits) == 2 and 0.5 <= waits[0] <= 1.0 and 7 <= waits[1] <= 7.7


def test_get_gives_up_after_retries():
    http, waits = client([response(500)] * 3, retries=2)
    with pytest.raises(AduError) as err:
        http.request('GET', 'https://h/x', 'reading x')
    assert err.value.status_code == 500 and 'gave up after 2 retries' in err.value.message
    assert len(waits) == 2 and not err.value.action_unknown


def test_retry_after_beyond_budget_fails_at_once():
    http, waits = client([response(429, headers={'Retry-After': '86400'})])
    with pytest.raises(AduError) as err:
        http.request('GET', 'https://h/x', 'reading x')
    assert waits == [] and 'beyond the retry budget' in err.value.message and 'throttled' in err.value.message


def test_post_resent_on_429_and_refused_connection_only():
    refused = requests.exceptions.ConnectionError(
        requests.packages.urllib3.exceptions.NewConnectionError(None, 'refused'))
    http, waits = client([response(429, headers={'Retry-After': '0'}), refused, response(200, {'isCanceled': True})])
    assert http.request('POST', 'https://h/x?action=cancel', 'cancel', safe_to_repeat=False).body['isCanceled']
    assert len(http.session.sent) == 3 and len(waits) == 1  # Retry-After: 0 sleeps nothing


@pytest.mark.parametrize('failure', [
    response(500), response(502), response(504),
    requests.exceptions.ReadTimeout('read timed out'),
    requests.exceptions.ConnectionError(ConnectionResetError(104, 'reset')),
    requests.exceptions.ChunkedEncodingError('incomplete'),
])
def test_post_with_unknown_outcome_is_never_resent(failure):
    http, waits = client([failure, response(200)])
    with pytest.raises(AduError) as err:
        http.request('POST', 'https://h/x?action=retry', 'retry of deployment d', safe_to_repeat=False)
    assert len(http.session.sent) == 1 and waits == []
    assert err.value.action_unknown and 'may or may not have happened' in err.value.message


def test_post_refused_by_service_is_not_unknown():
    http, _waits = client([response(400, {'error': {'code': 'BadRequest', 'message': 'nope'}})])
    with pytest.raises(AduError) as err:
        http.request('POST', 'https://h/x', 'cancel', safe_to_repeat=False)
    assert not err.value.action_unknown and 'BadRequest' in err.value.message


def test_401_refreshes_the_token_once_then_fails():
    cred = FakeCredential()
    http, _waits = client([response(401), response(401)], credential=cred)
    with pytest.raises(AduError) as err:
        http.request('GET', 'https://h/x', 'reading')
    assert cred.tokens == 2 and 'credentials were rejected' in err.value.message
    auth = [sent[2]["headers"]["Authorization"] for sent in http.session.sent]
    assert auth == ['Bearer token-1', 'Bearer token-2']


def html():
    return response(200, text='<html>proxy</html>', headers={'Content-Type': 'text/html'})


def test_non_json_read_is_retried_then_succeeds():
    http, waits = client([html(), response(200, {'ok': True})])
    assert http.request('GET', 'https://h/x', 'reading').body == {'ok': True}
    assert len(waits) == 1


def test_non_json_read_fails_when_retries_run_out():
    http, _waits = client([html()] * 4, retries=3)
    with pytest.raises(AduError, match='not a JSON object.*proxy') as err:
        http.request('GET', 'https://h/x', 'reading')
    assert not err.value.action_unknown and len(http.session.sent) == 4


def test_non_json_answer_to_a_post_is_an_unknown_outcome():
    http, _waits = client([html(), response(200)])
    with pytest.raises(AduError, match='may or may not have happened') as err:
        http.request('POST', 'https://h/x', 'cancel', safe_to_repeat=False)
    assert err.value.action_unknown and len(http.session.sent) == 1


def test_refused_connection_is_described_and_retried(unused_port):
    http = HttpClient(retries=1, sleep=lambda s: None, timeout=2)
    with pytest.raises(AduError) as err:
        http.request('GET', 'http://127.0.0.1:%d/x' % unused_port, 'reading x')
    assert 'the connection to 127.0.0.1 port %d was refused after 1 retries' % unused_port in err.value.message
    assert 'check endpoint' in err.value.message and http.request_count == 2


def test_refused_connection_is_retried_for_a_few_seconds_only(unused_port):
    """The default 5 retries of a read would back off for about 24 s; a refusal gives up within 3 s."""
    slept = []
    http = HttpClient(retries=5, sleep=slept.append, timeout=2)
    with pytest.raises(AduError):
        http.request('GET', 'http://127.0.0.1:%d/x' % unused_port, 'reading x')
    assert slept and sum(slept) <= 3.0 and max(slept) <= 1.0 and http.request_count == len(slept) + 1


@pytest.fixture
def unused_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_describe_transport_error_timeout():
    assert describe_transport_error(requests.exceptions.ReadTimeout('x'), 5) == 'no answer within 5 s'


@pytest.mark.parametrize('header, expected', [('5', 5.0), ('0', 0.0), ('-3', 0.0), ('1.5', 1.5), ('soon', None), (None, None)])
def test_parse_retry_after_seconds(header, expected):
    assert parse_retry_after(header) == expected


def test_parse_retry_after_http_date():
    now = time.time()
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= parse_retry_after(header, now=now) <= 31
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0


def test_backoff_is_bounded_and_jittered():
    backoff = Backoff(retries=10, max_total_wait=10, sleep=lambda s: None, rand=lambda: 1.0)
    waits = []
    while True:
        wait = backoff.next_wait()
        if wait is None:
            break
        backoff.wait(wait)
        waits.append(wait)
    assert waits == [1.0, 2.0, 4.0] and backoff.waited <= 10
    low = Backoff(retries=1, rand=lambda: 0.0)
    assert low.next_wait() == 0.5


def test_parse_error_body_problem_json(recorded):
    rec = recorded('v2-deployment-not-found')
    error = parse_error_body(json.dumps(rec['body']), rec['content_type'], {})
    assert error == {'code': 'Not Found', 'message': 'Not Found', 'trace_id': rec['body']['traceId']}


def test_parse_error_body_error_object_and_header_trace():
    error = parse_error_body(json.dumps({'error': {'code': 'Throttled', 'message': 'slow down'}}), 'application/json',
                             {'x-ms-correlation-request-id': 'corr-1'})
    assert error == {'code': 'Throttled', 'message': 'slow down', 'trace_id': 'corr-1'}


def test_parse_error_body_html():
    error = parse_error_body('<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html', {})
    assert error['code'] is None and error['message'].startswith('non-JSON response (text/html): <html>')


def test_describe_tls_failure_with_a_string_reason():
    inner = requests.packages.urllib3.exceptions.SSLError('certificate verify failed')
    outer = requests.exceptions.SSLError(requests.packages.urllib3.exceptions.MaxRetryError(None, '/x', 'a str reason'))
    outer.__context__ = inner
    assert describe_transport_error(outer) == 'the TLS handshake failed'


def test_throttling_without_retry_after_backs_off_across_a_one_minute_window():
    backoff = Backoff(retries=5, sleep=lambda s: None, rand=lambda: 0.0)  # the shortest waits jitter allows
    total = 0.0
    while True:
        wait = backoff.next_wait(throttled=True)
        if wait is None:
            break
        backoff.wait(wait)
        total += wait
    assert total >= 60


def test_the_token_goes_only_to_the_validated_origin():
    http, _waits = client([response(200)], credential=FakeCredential())
    http.origin = ('https', 'h', 443)
    for url in ('http://h/x', 'https://h:8443/x', 'https://other/x', 'https://h\\.other/x'):
        with pytest.raises(AduError, match='not sending the bearer token'):
            http.request('GET', url, 'reading')
    assert http.session.sent == []
    http.request('GET', 'https://h:443/x', 'reading')
    assert len(http.session.sent) == 1


def test_a_write_answered_401_is_never_sent_again():
    cred = FakeCredential()
    http, _waits = client([response(401), response(200)], credential=cred)
    with pytest.raises(AduError) as err:
        http.request('POST', 'https://h/x?action=cancel', 'cancel', safe_to_repeat=False)
    assert len(http.session.sent) == 1 and err.value.action_unknown


class RecordingPacer:
    window = 60.0

    def __init__(self):
        self.calls = []

    def acquire(self, operation, not_before=None):
        self.calls.append(('acquire', operation, not_before is not None))
        return len(self.calls)

    def sent(self, operation, ticket):
        self.calls.append(('sent', operation, ticket))

    def throttled(self, operation, until):
        self.calls.append(('throttled', operation, until > 0))


def test_a_throttled_write_takes_a_new_slot_a_window_later_and_is_not_limited_by_retries():
    http, _waits = client([response(429)] * 3 + [response(200, {'isCanceled': True})], retries=1, pacer=RecordingPacer())
    http.request('POST', 'https://h/x', 'cancel', safe_to_repeat=False, pace='deployment_action')
    assert [c[:2] for c in http.pacer.calls] == [('acquire', 'deployment_action'), ('sent', 'deployment_action')] + [
        ('throttled', 'deployment_action'), ('acquire', 'deployment_action'), ('sent', 'deployment_action')] * 3
    assert [c[2] for c in http.pacer.calls if c[0] == 'acquire'] == [False, True, True, True]


def test_a_paced_read_sent_again_after_a_5xx_takes_a_new_slot_each_time():
    http, waits = client([response(503), response(502), response(200, {'value': []})], retries=3, pacer=RecordingPacer())
    assert http.request('GET', 'https://h/groups', 'reading groups', pace='group_read').body == {'value': []}
    acquired = [c for c in http.pacer.calls if c[0] == 'acquire']
    assert len(acquired) == 3 and [c[2] for c in acquired] == [False, True, True]
    assert waits == []  # the slot's time keeps the retry's wait, no sleep on top


def test_a_paced_read_that_keeps_failing_still_ends_at_its_retries():
    http, _waits = client([response(503)] * 3, retries=2, pacer=RecordingPacer())
    with pytest.raises(AduError) as err:
        http.request('GET', 'https://h/groups', 'reading groups', pace='group_read')
    assert 'gave up after 2 retries' in err.value.message and len(http.session.sent) == 3


class BrokenBookkeeping(RecordingPacer):
    def sent(self, operation, ticket):
        raise PrivateFileError('write pacing directory /x can be read or written by other users')


def test_a_fault_in_the_pacing_bookkeeping_after_a_write_never_hides_that_it_was_sent():
    http, _waits = client([response(200, {'isCanceled': True})], pacer=BrokenBookkeeping())
    answer = http.request('POST', 'https://h/x', 'cancel', safe_to_repeat=False, pace='deployment_action')
    assert answer.body == {'isCanceled': True}


def test_secrets_are_masked_in_errors():
    http, _waits = client([response(400, {'error': {'code': 'Bad', 'message': 'got Bearer token-1'}})],
                          credential=FakeCredential())
    with pytest.raises(AduError) as err:
        http.request('GET', 'https://h/x', 'reading')
    assert 'token-1' not in err.value.message and '********' in err.value.message


@pytest.fixture
def dripping_server():
    """A server that sends its headers one byte every 0.1 s, forever."""
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(4)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _address = server.accept()
            except OSError:
                return
            try:
                conn.recv(65536)
                conn.sendall(b'HTTP/1.1 200 OK\r\n')
                while not stop.is_set():
                    conn.sendall(b'X')
                    time.sleep(0.1)
            except OSError:
                pass
            finally:
                conn.close()
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d' % server.getsockname()[1]
    stop.set()
    server.close()


def test_dripped_headers_end_at_the_deadline_also_in_a_thread(dripping_server):
    """The event source reads in executor threads, where no SIGALRM comes: a timer cuts the connection."""
    outcome = {}

    def read():
        http = HttpClient(retries=0, timeout=1.0)
        start = time.time()
        try:
            http.request('GET', dripping_server + '/x', 'reading x')
        except AduError as exc:
            outcome['msg'] = exc.message
        outcome['took'] = time.time() - start
    worker = threading.Thread(target=read)
    worker.start()
    worker.join(15)
    assert not worker.is_alive(), 'the request was still blocked after 15 s'
    assert 'no whole answer within 1.0 s' in outcome['msg'] and outcome['took'] < 3
