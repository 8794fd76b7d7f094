# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""adu_deployment through ansible-playbook against the emulator: outcome and journal."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from conftest import CLIENT_ID, CLIENT_SECRET, TENANT_ID, adu_calls

ACTIVE = 'dpokluda-test.2020-1111-1124-8'
FAILING = 'rollout-2026-11-failing'
HEALTHY = 'rollout-2026-11-healthy'
CANCELED = 'rollout-2026-11-canceled'

DEPLOYMENT_KEYS = {'deployment_id', 'deployment_type', 'device_group_type', 'device_group_definition',
                   'start_date_time', 'update_id', 'is_canceled', 'is_retried', 'is_completed'}


def test_cancel_then_rerun_is_ok_without_a_second_post(runner, emulator):
    first = runner.play([runner.task('canceled', ACTIVE)])
    assert first.rc == 0, first.output
    result = first.result
    assert result['changed'] is True
    assert result['msg'] == 'deployment %s canceled' % ACTIVE
    assert DEPLOYMENT_KEYS <= set(result['deployment'])
    assert result['deployment']['is_canceled'] is True
    assert result['deployment']['update_id'] == {'provider': 'Contoso', 'name': 'Virtual-Machine',
                                                 'version': '2020.1111.1124.8'}
    assert result['ansible_facts']['adu_deployment'] == result['deployment']
    assert adu_calls(emulator) == [('GET', 'get_deployment'), ('POST', 'cancel')]
    assert emulator.store.raw('blue', ACTIVE)['deployment']['isCanceled'] is True

    emulator.journal.clear()
    second = runner.play([runner.task('canceled', ACTIVE)])
    assert second.rc == 0, second.output
    assert second.result['changed'] is False
    assert second.result['msg'] == 'deployment %s is already canceled' % ACTIVE
    assert adu_calls(emulator) == [('GET', 'get_deployment')]


def test_check_mode_reads_decides_and_sends_nothing(runner, emulator):
    play = runner.play([runner.task('canceled', ACTIVE)], check=True, diff=True)
    assert play.rc == 0, play.output
    assert play.result['changed'] is True
    assert 'would be canceled' in play.result['msg']
    assert play.result['diff'] == {'before': {'is_canceled': False, 'is_retried': False},
                                   'after': {'is_canceled': True, 'is_retried': False}}
    assert '-    "is_canceled": false' in play.stdout and '+    "is_canceled": true' in play.stdout
    assert adu_calls(emulator) == [('GET', 'get_deployment')]
    assert emulator.store.raw('blue', ACTIVE)['deployment']['isCanceled'] is False


def test_check_mode_retry_predicts_the_real_run(runner, emulator):
    checked = runner.play([runner.task('retried', FAILING)], check=True)
    assert checked.result['changed'] is True
    assert adu_calls(emulator) == [('GET', 'get_deployment'), ('GET', 'get_status')]
    real = runner.play([runner.task('retried', FAILING)], diff=True)
    assert real.result['changed'] is checked.result['changed']
    assert real.result['diff']['after']['is_retried'] is True


def test_retry_sends_one_post_and_moves_failed_devices_back(runner, emulator):
    play = runner.play([runner.task('retried', FAILING)])
    assert play.rc == 0, play.output
    result = play.result
    assert result['changed'] is True
    assert result['msg'] == 'deployment %s retried on 6 failed device(s)' % FAILING
    assert result['status']['devices_completed_failed_count'] == 6
    assert result['deployment']['is_retried'] is True
    assert adu_calls(emulator) == [('GET', 'get_deployment'), ('GET', 'get_status'), ('POST', 'retry')]
    status = emulator.store.raw('blue', FAILING)['status']
    assert (status['devicesCompletedFailedCount'], status['devicesInProgressCount']) == (0, 6)

    emulator.journal.clear()
    again = runner.play([runner.task('retried', FAILING)])
    assert again.result['changed'] is False
    assert adu_calls(emulator) == [('GET', 'get_deployment'), ('GET', 'get_status')]


def test_retry_without_failed_devices_is_a_noop_unless_forced(runner, emulator):
    plain = runner.play([runner.task('retried', HEALTHY)])
    assert plain.result['changed'] is False
    assert plain.result['msg'] == 'deployment %s has no failed devices to retry' % HEALTHY
    assert ('POST', 'retry') not in adu_calls(emulator)
    forced = runner.play([runner.task('retried', HEALTHY, force=True)])
    assert forced.result['changed'] is True
    assert adu_calls(emulator).count(('POST', 'retry')) == 1


def test_retrying_a_canceled_deployment_fails_before_any_post(runner, emulator):
    play = runner.play([runner.task('retried', CANCELED, force=True)])
    assert play.rc != 0
    assert play.records[-1]['outcome'] == 'failed'
    assert 'is canceled and cannot be retried' in play.result['msg']
    assert play.result['deployment']['is_canceled'] is True
    assert adu_calls(emulator) == [('GET', 'get_deployment')]


def test_not_found_names_deployment_instance_and_trace_id(runner, emulator):
    play = runner.play([runner.task('canceled', 'no-such-deployment')])
    result = play.result
    assert play.rc != 0
    assert result['msg'].startswith('deployment no-such-deployment not found in instance blue')
    assert result['status_code'] == 404
    assert result['error']['trace_id'].startswith('00-')
    assert result['error']['trace_id'] in result['msg']
    assert result['url'].endswith('/deviceupdate/blue/v2/management/deployments/no-such-deployment')
    assert 'Traceback' not in play.output


def test_pascal_case_service_keys_are_understood(runner, emulator):
    task = runner.task('retried', 'pascal-case-deployment')
    task['adu.device_update.adu_deployment']['instance'] = 'legacy'
    play = runner.play([task])
    assert play.rc == 0, play.output
    assert play.result['changed'] is True
    assert play.result['status']['devices_completed_failed_count'] == 1
    assert play.result['deployment']['deployment_id'] == 'pascal-case-deployment'
    assert play.result['deployment']['is_retried'] is True


def test_access_token_skips_azure_ad(runner, emulator):
    play = runner.play([runner.task('canceled', ACTIVE, auth='access_token')])
    assert play.rc == 0, play.output
    assert emulator.requests('token') == [] and emulator.requests('discovery') == []
    assert all(e['authorized'] for e in emulator.journal)


def test_one_token_request_per_task_with_credentials_from_the_environment(runner, emulator):
    tasks = [runner.task('retried', FAILING, auth='none', authority_host=emulator.url),
             runner.task('canceled', FAILING, auth='none', authority_host=emulator.url)]
    env = {'AZURE_TENANT_ID': TENANT_ID, 'AZURE_CLIENT_ID': CLIENT_ID, 'AZURE_CLIENT_SECRET': CLIENT_SECRET}
    play = runner.play(tasks, env=env)
    assert play.rc == 0, play.output
    assert [r['changed'] for r in play.results] == [True, True]
    assert len(emulator.requests('token')) <= 2
    assert adu_calls(emulator) == [('GET', 'get_deployment'), ('GET', 'get_status'), ('POST', 'retry'),
                                   ('GET', 'get_deployment'), ('POST', 'cancel')]


def test_secret_never_shows_at_vvv(runner, emulator):
    play = runner.play([runner.task('canceled', ACTIVE)], verbosity=3, diff=True)
    assert play.rc == 0, play.output
    assert 'client_secret' in play.output  # the option is shown, masked
    assert CLIENT_SECRET not in play.output
    issued = list(emulator.store.tokens)
    assert issued and all(token not in play.output for token in issued)


def test_wrong_secret_fails_clearly_without_showing_it(runner, emulator):
    task = runner.task('canceled', ACTIVE, client_secret='not-the-secret-123')
    play = runner.play([task], verbosity=3)
    assert play.rc != 0
    msg = play.result['msg']
    assert 'Azure AD refused a token' in msg and 'invalid_client' in msg
    assert 'not-the-secret-123' not in play.output
    assert adu_calls(emulator) == []


def test_rejected_token_names_the_credentials(runner, emulator):
    task = runner.task('canceled', ACTIVE, auth='none', access_token='expired-or-forged-token')
    play = runner.play([task])
    assert play.rc != 0
    assert play.result['status_code'] == 401
    assert 'credentials were rejected' in play.result['msg']
    assert adu_calls(emulator) == [('GET', 'get_deployment')]


def test_forbidden_names_the_role(runner, emulator):
    emulator.add_fault(route='get_deployment', status=403,
                       body={'error': {'code': 'Forbidden', 'message': 'Caller is not authorized'}})
    play = runner.play([runner.task('canceled', ACTIVE)])
    assert play.rc != 0
    assert 'Device Update Deployments Administrator' in play.result['msg']
    assert play.result['error']['code'] == 'Forbidden'


def test_throttled_read_honours_retry_after_then_succeeds(runner, emulator):
    emulator.add_fault(route='get_deployment', status=429, headers={'Retry-After': '1'}, times=2)
    play = runner.play([runner.task('canceled', ACTIVE)])
    assert play.rc == 0, play.output
    calls = [(e['route'], e['status']) for e in emulator.journal if e['route'] == 'get_deployment']
    assert calls == [('get_deployment', 429), ('get_deployment', 429), ('get_deployment', 200)]
    reads = [e['time'] for e in emulator.requests('get_deployment')]
    assert reads[1] - reads[0] >= 0.9 and reads[2] - reads[1] >= 0.9


def test_throttled_post_is_resent(runner, emulator):
    emulator.add_fault(route='cancel', status=429, headers={'Retry-After': '0'})
    play = runner.play([runner.task('canceled', ACTIVE)])
    assert play.rc == 0, play.output
    assert [e['status'] for e in emulator.requests('cancel')] == [429, 200]


@pytest.mark.parametrize('fault', [dict(kind='status', status=500), dict(kind='drop')])
def test_failed_post_is_not_resent_and_says_outcome_unknown(runner, emulator, fault):
    emulator.add_fault(route='retry', **fault)
    play = runner.play([runner.task('retried', FAILING)])
    assert play.rc != 0
    result = play.result
    assert 'may or may not have happened' in result['msg']
    assert result['action_may_have_happened'] is True
    assert len(emulator.requests('retry')) == 1


def test_server_errors_on_reads_are_retried(runner, emulator):
    emulator.add_fault(route='get_status', status=503, headers={'Retry-After': '0'})
    emulator.add_fault(route='get_deployment', kind='drop')
    play = runner.play([runner.task('retried', FAILING)])
    assert play.rc == 0, play.output
    assert [e['status'] for e in emulator.requests('get_status')] == [503, 200]
    assert [e['status'] for e in emulator.requests('get_deployment')] == ['dropped', 200]


def test_bad_input_fails_before_any_request(runner, emulator):
    task = runner.task('canceled', 'a/../b')
    play = runner.play([task, runner.task('canceled', ACTIVE, instance='blue.evil')],
                       extra_args=['-e', 'ansible_failed_task_ignore=1'])
    assert play.rc != 0
    assert play.result['msg'].startswith('deployment_id: ')
    assert emulator.journal == []
