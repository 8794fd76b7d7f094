# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults end to end through ansible-playbook: each case asserts the outcome and the journal."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import socket
import sys
import time

import pytest

from conftest import adu_calls

ACTIVE = 'dpokluda-test.2020-1111-1124-8'
FAILING = 'rollout-2026-11-failing'
HTML = '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>'


def statuses(emulator, route):
    return [e['status'] for e in emulator.requests(route)]


# (id, fault on reading the deployment, task options, the deployment reads the journal must show)
RECOVERED_READS = [
    ('429-retry-after-seconds', dict(status=429, headers={'Retry-After': '1'}), {}, [429, 200]),
    ('429-retry-after-missing', dict(status=429), {}, [429, 200]),
    ('500', dict(status=500), {}, [500, 200]),
    ('502-html-from-a-proxy', dict(status=502, body=HTML), {}, [502, 200]),
    ('503', dict(status=503, headers={'Retry-After': '0'}), {}, [503, 200]),
    ('504', dict(status=504), {}, [504, 200]),
    ('connection-reset-mid-response', dict(kind='reset'), {}, ['dropped', 200]),
    ('connection-dropped', dict(kind='drop'), {}, ['dropped', 200]),
    ('truncated-body', dict(status=200, body='{"deploymentId": "dpok', content_type='application/json'), {}, [200, 200]),
    ('non-json-body', dict(status=200, body='OK', content_type='text/plain'), {}, [200, 200]),
]


@pytest.mark.parametrize('fault, options, reads', [c[1:] for c in RECOVERED_READS], ids=[c[0] for c in RECOVERED_READS])
def test_read_faults_are_retried_and_the_cancel_lands_once(runner, emulator, fault, options, reads):
    emulator.add_fault(route='get_deployment', **fault)
    play = runner.play([runner.task('canceled', ACTIVE, **options)])
    assert play.rc == 0, play.output
    assert play.result['changed'] is True
    assert statuses(emulator, 'get_deployment') == reads
    assert statuses(emulator, 'cancel') == [200]


def test_retry_after_as_an_http_date(runner, emulator):
    when = int(time.time()) + 3  # HTTP dates have whole seconds
    emulator.add_fault(route='get_deployment', status=429,
                       headers={'Retry-After': email.utils.formatdate(when, usegmt=True)})
    play = runner.play([runner.task('canceled', ACTIVE)])
    assert play.rc == 0, play.output
    assert statuses(emulator, 'get_deployment') == [429, 200]
    assert emulator.requests('get_deployment')[1]['time'] >= when - 0.05
    assert statuses(emulator, 'cancel') == [200]


def test_read_timeout_is_retried(runner, emulator):
    emulator.add_fault(route='get_deployment', kind='delay', delay=2.5)
    play = runner.play([runner.task('canceled', ACTIVE, timeout=1)])
    assert play.rc == 0, play.output
    deadline = time.time() + 5  # the timed-out request is journaled when its delay ends
    while len(emulator.requests('get_deployment')) < 2 and time.time() < deadline:
        time.sleep(0.1)
    assert len(emulator.requests('get_deployment')) == 2
    assert statuses(emulator, 'cancel') == [200]


def test_absurd_retry_after_fails_at_once_and_clearly(runner, emulator):
    emulator.add_fault(route='get_deployment', status=429, headers={'Retry-After': '86400'},
                       body={'error': {'code': 'TooManyRequests', 'message': 'slow down'}})
    start = time.time()
    play = runner.play([runner.task('canceled', ACTIVE)])
    assert time.time() - start < 30
    assert play.rc != 0
    msg = play.result['msg']
    assert 'reading deployment %s: HTTP 429' % ACTIVE in msg
    assert 'TooManyRequests' in msg and 'asked to wait 86400 s' in msg and 'beyond the retry budget' in msg
    assert statuses(emulator, 'get_deployment') == [429]
    assert emulator.requests('cancel') == []


def test_persistent_server_error_gives_up_after_the_retries(runner, emulator):
    emulator.add_fault(route='get_status', status=503, headers={'Retry-After': '0'}, times=None)
    play = runner.play([runner.task('retried', FAILING, retries=2)])
    assert play.rc != 0
    result = play.result
    assert result['status_code'] == 503 and result['error']['trace_id']
    assert 'gave up after 2 retries' in result['msg'] and 'trace_id' in result['msg']
    assert statuses(emulator, 'get_status') == [503, 503, 503]
    assert emulator.requests('retry') == []


def test_connection_refused(runner, emulator):
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    task = runner.task('canceled', ACTIVE, auth='access_token', endpoint='https://127.0.0.1:%d' % port, retries=1)
    play = runner.play([task])
    assert play.rc != 0
    assert ('reading deployment %s failed: the connection to 127.0.0.1 port %d was refused after 1 retries; nothing '
            'listens there: check endpoint' % (ACTIVE, port)) in play.result['msg']
    assert play.result['status_code'] is None
    assert emulator.journal == []


def test_token_expired_mid_play_is_replaced_once(runner, emulator):
    emulator.add_fault(route='get_status', status=401, body={'error': {'code': 'InvalidToken', 'message': 'expired'}})
    play = runner.play([runner.task('retried', FAILING)])
    assert play.rc == 0, play.output
    assert [(e['route'], e['status']) for e in emulator.journal] == [
        ('discovery', 200), ('token', 200), ('get_deployment', 200), ('get_status', 401),
        ('discovery', 200), ('token', 200), ('get_status', 200), ('retry', 200)]


# A cancel or retry is never sent twice by accident.
@pytest.mark.parametrize('state, deployment_id, route', [('canceled', ACTIVE, 'cancel'), ('retried', FAILING, 'retry')])
@pytest.mark.parametrize('kind', ['drop', 'reset'])
def test_lost_response_of_a_successful_action_is_confirmed_without_a_second_post(runner, emulator, state,
                                                                                 deployment_id, route, kind):
    emulator.add_fault(route=route, kind=kind, after_apply=True)
    play = runner.play([runner.task(state, deployment_id)])
    assert play.rc == 0, play.output
    assert play.result['changed'] is True and 'confirmed' in play.result['msg']
    assert len(emulator.requests(route)) == 1
    assert adu_calls(emulator)[-1] == ('GET', 'get_deployment')


def test_action_that_did_not_happen_fails_saying_so_and_a_rerun_finishes(runner, emulator):
    emulator.add_fault(route='cancel', status=502, body=HTML)
    play = runner.play([runner.task('canceled', ACTIVE)])
    assert play.rc != 0
    msg = play.result['msg']
    assert msg.startswith('cancel of deployment %s: HTTP 502' % ACTIVE)
    assert 'may or may not have happened' in msg and 'does not show it' in msg and 'run the task again' in msg
    assert play.result['action_may_have_happened'] is True
    assert len(emulator.requests('cancel')) == 1
    rerun = runner.play([runner.task('canceled', ACTIVE)])
    assert rerun.rc == 0 and rerun.result['changed'] is True
    assert statuses(emulator, 'cancel') == [502, 200]


def test_lost_retry_of_an_already_retried_deployment_is_not_guessed(runner, emulator):
    emulator.store.raw('blue', FAILING)['deployment']['isRetry'] = True
    emulator.add_fault(route='retry', kind='drop', after_apply=True)
    play = runner.play([runner.task('retried', FAILING)])
    assert play.rc != 0
    assert 'cannot tell' in play.result['msg'] and play.result['action_may_have_happened'] is True
    assert len(emulator.requests('retry')) == 1


def test_twenty_forks_under_the_service_throttle_with_pacing_off(runner, emulator, tmp_path):
    # The real limits are 6 actions and 30 reads a minute per instance; scaled to 3 s here. With
    # pacing off, every throttled write waits a window and is sent again: slower, but each lands once.
    emulator.throttle(action=(6, 3.0), read=(30, 3.0))
    hosts = ['host%02d' % i for i in range(20)]
    for host in hosts:
        emulator.store.add_deployment('blue', {'deploymentId': 'throttled-' + host})
    inventory = tmp_path / 'hosts.ini'
    inventory.write_text(''.join('%s ansible_connection=local ansible_python_interpreter=%s\n' % (h, sys.executable)
                                 for h in hosts))
    task = runner.task('canceled', 'throttled-{{ inventory_hostname }}', write_rate_limit=0, write_rate_window=3.0)
    play = runner.play([task], hosts='all', inventory=str(inventory), forks=20)
    assert play.rc == 0, play.output
    assert sorted(r['host'] for r in play.records if r['result'].get('changed')) == hosts
    done = [e['deployment_id'] for e in emulator.requests('cancel') if e['status'] == 200]
    assert sorted(done) == sorted('throttled-' + h for h in hosts)  # exactly once each
    assert any(e.get('throttled') for e in emulator.requests('cancel'))  # the throttle really bit
