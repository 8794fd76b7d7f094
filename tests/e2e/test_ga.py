# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The GA API end to end: fan-out over subgroups, partial failure and rerun, waiting, the info module."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

GROUP = 'dpokluda-test'
DEPLOYMENT = 'test0809083849'
DC_A = '0919e3ae422a2bfa8c84ff905813e60351e456d1'  # 2 failed, 1 in progress
DC_B = '1a2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5'  # 1 failed
DC_C = '2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5d6'  # already canceled


def ga_task(runner, state='canceled', deployment_id=DEPLOYMENT, module='adu_deployment', **options):
    args = dict(runner.connection(), group_id=GROUP, **options)
    if deployment_id is not None:
        args['deployment_id'] = deployment_id
    if module == 'adu_deployment':
        args['state'] = state
    return {'name': module, 'adu.device_update.' + module: args}


def posts(emulator, route):
    return [(e['device_class_id'], e['status']) for e in emulator.requests(route)]


def test_cancel_fans_out_skipping_the_canceled_subgroup_and_reruns_ok(runner, emulator):
    play = runner.play([ga_task(runner)], diff=True)
    assert play.rc == 0, play.output
    result = play.result
    assert result['changed'] is True
    assert result['msg'] == 'deployment %s: canceled in 2 of 3 subgroup(s) (%s, %s)' % (DEPLOYMENT, DC_A, DC_B)
    assert [(s['device_class_id'], s['changed']) for s in result['subgroups']] == [(DC_A, True), (DC_B, True),
                                                                                   (DC_C, False)]
    assert all(s['deployment']['is_canceled'] for s in result['subgroups'])
    assert result['failed_subgroups'] == []
    assert result['diff']['before'][DC_A] == {'is_canceled': False, 'is_retried': False}
    assert result['diff']['after'][DC_A] == {'is_canceled': True, 'is_retried': False}
    assert posts(emulator, 'ga_cancel') == [(DC_A, 200), (DC_B, 200)]
    assert [e['route'] for e in emulator.journal if e['route'].startswith('ga_')] == [
        'ga_get_deployment', 'ga_get_subgroup', 'ga_cancel', 'ga_get_subgroup', 'ga_cancel', 'ga_get_subgroup']
    assert set(e['api_version'] for e in emulator.journal if e['route'].startswith('ga_')) == {'2022-10-01'}

    emulator.journal.clear()
    again = runner.play([ga_task(runner)])
    assert again.rc == 0 and again.result['changed'] is False
    assert emulator.requests('ga_cancel') == []


def test_check_mode_on_the_ga_api_sends_nothing(runner, emulator):
    play = runner.play([ga_task(runner)], check=True)
    assert play.rc == 0, play.output
    assert play.result['changed'] is True and 'would be canceled in 2 of 3' in play.result['msg']
    assert emulator.requests('ga_cancel') == []


def test_one_subgroup_failing_mid_fan_out_then_a_rerun_finishes_it(runner, emulator):
    emulator.add_fault(route='ga_cancel', device_class_id=DC_A, status=400,
                       body={'error': {'code': 'BadRequest', 'message': 'subgroup is busy'}})
    play = runner.play([ga_task(runner)])
    assert play.rc != 0
    result = play.result
    assert result['failed_subgroups'] == [DC_A]
    failed = result['subgroups'][0]
    assert failed['error']['code'] == 'BadRequest' and failed['error']['status_code'] == 400
    assert 'FAILED in %s' % DC_A in result['msg'] and 'subgroup is busy' in result['msg']
    assert 'succeeded or nothing to do in %s, %s' % (DC_B, DC_C) in result['msg']
    assert posts(emulator, 'ga_cancel') == [(DC_A, 400), (DC_B, 200)]

    emulator.journal.clear()
    rerun = runner.play([ga_task(runner)])
    assert rerun.rc == 0, rerun.output
    assert [(s['device_class_id'], s['changed']) for s in rerun.result['subgroups']] == [
        (DC_A, True), (DC_B, False), (DC_C, False)]
    assert posts(emulator, 'ga_cancel') == [(DC_A, 200)]


def test_retry_reads_each_subgroup_status_and_retries_only_failed_ones(runner, emulator):
    play = runner.play([ga_task(runner, state='retried', api_version='2026-06-01')])
    assert play.rc == 0, play.output
    subgroups = dict((s['device_class_id'], s) for s in play.result['subgroups'])
    assert subgroups[DC_A]['status']['devices_completed_failed_count'] == 2 and subgroups[DC_A]['changed']
    assert subgroups[DC_B]['status']['devices_completed_failed_count'] == 1 and subgroups[DC_B]['changed']
    assert subgroups[DC_C]['changed'] is False and 'skipped' in subgroups[DC_C]['msg']
    assert posts(emulator, 'ga_retry') == [(DC_A, 200), (DC_B, 200)]
    assert len(emulator.requests('ga_subgroup_status')) == 2
    assert set(e['api_version'] for e in emulator.journal if e['route'].startswith('ga_')) == {'2026-06-01'}

    emulator.journal.clear()
    again = runner.play([ga_task(runner, state='retried')])
    assert again.result['changed'] is False and emulator.requests('ga_retry') == []


def test_device_class_id_acts_on_that_subgroup_only(runner, emulator):
    play = runner.play([ga_task(runner, device_class_id=DC_B)])
    assert play.rc == 0, play.output
    assert [s['device_class_id'] for s in play.result['subgroups']] == [DC_B]
    assert posts(emulator, 'ga_cancel') == [(DC_B, 200)]


def test_retrying_a_canceled_subgroup_asked_for_by_name_fails(runner, emulator):
    play = runner.play([ga_task(runner, state='retried', device_class_id=DC_C)])
    assert play.rc != 0 and 'cannot be retried' in play.result['msg']
    assert emulator.requests('ga_retry') == []


def test_fan_out_under_the_service_throttle(runner, emulator):
    emulator.throttle(action=(2, 2.0), read=(30, 2.0))
    subgroups = dict(('%040x' % i, {'totalDevices': 1, 'devicesInProgressCount': 1}) for i in range(6))
    emulator.store.add_ga_deployment('blue', GROUP, {'deploymentId': 'wide-rollout'}, subgroups)
    play = runner.play([ga_task(runner, deployment_id='wide-rollout', write_rate_limit=0, write_rate_window=2.0)])
    assert play.rc == 0, play.output
    assert sorted(dc for dc, status in posts(emulator, 'ga_cancel') if status == 200) == sorted(subgroups)
    assert any(status == 429 for _dc, status in posts(emulator, 'ga_cancel'))


@pytest.mark.parametrize('group', [False, True], ids=['preview-api', 'ga-api'])
def test_wait_polls_until_the_status_settles(runner, emulator, group):
    emulator.store.settle_seconds = 1.5
    if group:
        task = ga_task(runner, wait=True, wait_interval=0.5, wait_timeout=30)
    else:
        task = runner.task('canceled', 'dpokluda-test.2020-1111-1124-8', wait=True, wait_interval=0.5, wait_timeout=30)
    play = runner.play([task])
    assert play.rc == 0, play.output
    status = play.result['status']
    if group:
        assert [s['deployment_state'] for s in status['subgroup_status']] == ['Canceled'] * 3
        assert all(s['status']['deployment_state'] == 'Canceled' for s in play.result['subgroups'])
        reads = emulator.requests('ga_group_status')
    else:
        assert status['deployment_state'] == 'Canceled' and status['devices_in_progress_count'] == 0
        reads = emulator.requests('get_status')
    assert len(reads) >= 2  # the first reads still showed devices in progress


def test_wait_times_out_with_the_last_status(runner, emulator):
    emulator.store.settle_seconds = 120
    task = runner.task('retried', 'rollout-2026-11-failing', wait=True, wait_interval=0.5, wait_timeout=2)
    play = runner.play([task])
    assert play.rc != 0
    result = play.result
    assert 'did not settle within 2 s' in result['msg']
    assert result['status']['devices_in_progress_count'] == 6 and result['changed'] is True
    assert len(emulator.requests('retry')) == 1


def test_info_module_on_both_apis(runner, emulator):
    emulator.page_size = 1  # the GA list comes in pages: nextLink must be followed
    preview = {'name': 'preview', 'adu.device_update.adu_deployment_info': dict(
        runner.connection(), deployment_id='rollout-2026-11-failing')}
    preview_missing = {'name': 'preview without id', 'ignore_errors': True,
                       'adu.device_update.adu_deployment_info': runner.connection()}
    ga_one = ga_task(runner, module='adu_deployment_info')
    ga_list = ga_task(runner, module='adu_deployment_info', deployment_id=None)
    play = runner.play([preview, preview_missing, ga_one, ga_list], check=True)
    first, missing, one, listed = play.results
    assert first['changed'] is False and first['deployment']['deployment_id'] == 'rollout-2026-11-failing'
    assert first['status']['devices_completed_failed_count'] == 6
    assert play.records[1]['outcome'] == 'failed' and missing['msg'].startswith('deployment_id: required on the 2020-09-01 preview API')
    assert [s['device_class_id'] for s in one['subgroups']] == [DC_A, DC_B, DC_C]
    assert one['subgroups'][2]['status']['deployment_state'] == 'Canceled'
    assert [d['deployment_id'] for d in listed['deployments']] == [DEPLOYMENT, 'fw-2026-11-healthy']
    assert len(emulator.requests('ga_list')) == 2
    # two reads each for the preview deployment and the GA one, two pages of the list; nothing else
    assert [e['method'] for e in emulator.journal if e['route'] not in ('discovery', 'token')] == ['GET'] * 6


def test_ga_options_are_checked_before_any_request(runner, emulator):
    tasks = [dict(ga_task(runner, deployment_id='Upper-Case'), ignore_errors=True, name='upper'),
             dict(ga_task(runner, api_version='latest'), ignore_errors=True, name='version'),
             dict(runner.task('canceled', 'x', device_class_id=DC_A), ignore_errors=True, name='no group')]
    play = runner.play(tasks)
    msgs = [r['msg'] for r in play.results]
    assert msgs[0].startswith('deployment_id: on the GA API (group_id given) must be at most 73 lower-case')
    assert msgs[1].startswith('api_version: must be a date like 2022-10-01')
    assert msgs[2].startswith('device_class_id: is only for the GA API')
    assert emulator.journal == []
