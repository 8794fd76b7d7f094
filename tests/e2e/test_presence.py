# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deployments as code end to end: state present and absent on both APIs, and which devices failed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from conftest import adu_calls

UPDATE = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'}
OLD = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.10.1'}
FLEET = 'fleet-eu'
DC_FAILING = 'c61300e6b3da62926c23d92519ea3f2e73116e71'  # 2 of 6 devices fail (seed device_groups)
DC_BUSY = 'd72411f7c4eb73a37d34e03620fb4f3f84227f82'


def writes(emulator):
    return [c for c in adu_calls(emulator) if c[0] in ('PUT', 'POST', 'DELETE')]


def seed_present(runner, deployment_id='rollout-canary', **options):
    args = dict(update=UPDATE, device_group='canary', start_date_time='2026-11-25T08:00:00Z')
    args.update(options)
    return runner.task('present', deployment_id, **args)


def ga(runner, state, deployment_id='fw-2026-11-25', module='adu_deployment', **options):
    args = dict(runner.connection(), group_id=FLEET, deployment_id=deployment_id, **options)
    if module == 'adu_deployment':
        args['state'] = state
    return {'name': '%s %s' % (module, state), 'adu.device_update.' + module: args}


def test_seed_present_creates_once_then_reports_ok(runner, emulator):
    play = runner.play([seed_present(runner)], diff=True)
    assert play.rc == 0, play.output
    result = play.result
    assert result['changed'] is True and result['msg'] == 'deployment rollout-canary created'
    assert result['deployment']['start_date_time'] == '2026-11-25T08:00:00+00:00'
    assert result['diff']['before'] == {} and result['diff']['after']['update'] == UPDATE
    put = emulator.requests('create')
    assert len(put) == 1
    again = runner.play([seed_present(runner), seed_present(runner, start_date_time='2026-11-25T09:00:00+01:00')])
    assert again.rc == 0, again.output
    assert [r['changed'] for r in again.results] == [False, False]  # the same instant, written otherwise
    assert len(emulator.requests('create')) == 1


def test_seed_create_body_is_the_recorded_shape(runner, emulator, tmp_path):
    bodies = []
    original = type(emulator.store).create_deployment

    def spy(store, instance, spec):
        bodies.append(spec)
        return original(store, instance, spec)
    type(emulator.store).create_deployment = spy
    try:
        play = runner.play([seed_present(runner, 'shape-check')])
    finally:
        type(emulator.store).create_deployment = original
    assert play.rc == 0, play.output
    assert bodies == [{'deploymentId': 'shape-check', 'deploymentType': 'Complete',
                       'startDateTime': '2026-11-25T08:00:00Z', 'deviceGroupType': 'DeviceGroupDefinitions',
                       'deviceGroupDefinition': ['canary'], 'updateId': UPDATE}]


def test_check_mode_reads_only_and_predicts(runner, emulator):
    play = runner.play([seed_present(runner), runner.task('absent', 'dpokluda-test.2020-1111-1124-8')],
                       check=True, diff=True)
    assert play.rc == 0, play.output
    created, deleted = play.results
    assert created['changed'] is True and 'would be created' in created['msg']
    assert deleted['changed'] is True and 'would be deleted' in deleted['msg'] and 'canceled first' in deleted['msg']
    assert deleted['diff']['after'] == {} and deleted['diff']['before']['update'] is not None
    assert writes(emulator) == []


def test_a_differing_field_fails_with_no_write_naming_each_field(runner, emulator):
    assert runner.play([seed_present(runner)]).rc == 0
    emulator.journal[:] = []
    play = runner.play([seed_present(runner, update=dict(UPDATE, version='9.9'),
                                     start_date_time='2026-12-01T00:00:00Z')])
    assert play.rc != 0
    msg = play.result['msg']
    assert 'differs from the task in update:' in msg and "'version': '9.9'" in msg
    assert 'start_date_time: it has 2026-11-25T08:00:00+00:00, the task wants 2026-12-01T00:00:00Z' in msg
    assert 'use a new deployment_id' in msg
    assert writes(emulator) == []


def test_a_canceled_deployment_that_matches_is_ok_with_a_warning(runner, emulator):
    assert runner.play([seed_present(runner), runner.task('canceled', 'rollout-canary')]).rc == 0
    play = runner.play([seed_present(runner)])
    assert play.rc == 0 and play.result['changed'] is False
    assert any('canceled' in w for w in play.result.get('warnings', [])), play.result


def test_seed_absent_cancels_an_active_deployment_then_deletes_it(runner, emulator):
    play = runner.play([runner.task('absent', 'dpokluda-test.2020-1111-1124-8')])
    assert play.rc == 0, play.output
    assert play.result['changed'] is True and play.result['deployment'] == {}
    assert 'canceled first' in play.result['msg']
    assert writes(emulator) == [('POST', 'cancel'), ('DELETE', 'delete')]
    again = runner.play([runner.task('absent', 'dpokluda-test.2020-1111-1124-8')])
    assert again.rc == 0 and again.result['changed'] is False and again.result['msg'].endswith('is absent')
    assert len(emulator.requests('delete')) == 1


def test_seed_absent_of_a_canceled_deployment_deletes_without_a_cancel(runner, emulator):
    play = runner.play([runner.task('absent', 'rollout-2026-11-canceled')])
    assert play.rc == 0, play.output
    assert writes(emulator) == [('DELETE', 'delete')]


@pytest.mark.parametrize('route, state, expected', [('create', 'present', 'create'), ('delete', 'absent', 'delete')])
def test_lost_answers_to_put_and_delete_are_read_back_never_resent(runner, emulator, route, state, expected):
    emulator.add_fault(route=route, kind='drop', after_apply=True)
    task = seed_present(runner) if state == 'present' else runner.task('absent', 'rollout-2026-11-canceled')
    play = runner.play([task])
    assert play.rc == 0, play.output
    assert play.result['changed'] is True
    assert len(emulator.requests(expected)) == 1
    assert adu_calls(emulator)[-1] == ('GET', 'get_deployment')


def test_a_lost_put_the_service_did_not_apply_fails_saying_so(runner, emulator):
    emulator.add_fault(route='create', status=502, body='<html>bad gateway</html>')
    play = runner.play([seed_present(runner)])
    assert play.rc != 0 and play.result['action_may_have_happened'] is True
    assert 'does not show it created as declared' in play.result['msg']
    assert len(emulator.requests('create')) == 1


def test_ga_present_with_a_rollback_policy_then_absent(runner, emulator):
    policy = {'update': OLD, 'failed_percentage': 10, 'failed_count': 5}
    play = runner.play([ga(runner, 'present', update=UPDATE, rollback_policy=policy,
                           start_date_time='2021-09-02T16:29:56.5770502Z')])
    assert play.rc == 0, play.output
    created = play.result['deployment']
    assert created['rollback_policy']['failure'] == {'devices_failed_percentage': 10, 'devices_failed_count': 5}
    assert sorted(created['device_class_subgroups']) == sorted([DC_FAILING, DC_BUSY])
    again = runner.play([ga(runner, 'present', update=UPDATE, rollback_policy=policy,
                            start_date_time='2021-09-02T16:29:56.5770502+00:00')])
    assert again.rc == 0 and again.result['changed'] is False, again.output  # internalId is not a difference
    gone = runner.play([ga(runner, 'absent')])
    assert gone.rc == 0, gone.output
    assert 'its active subgroups canceled first' in gone.result['msg']
    assert sorted(w for w in writes(emulator) if w[0] != 'PUT') == [
        ('DELETE', 'ga_delete'), ('POST', 'ga_cancel'), ('POST', 'ga_cancel')]
    assert writes(emulator)[-1] == ('DELETE', 'ga_delete')


def test_ga_absent_of_one_subgroup(runner, emulator):
    assert runner.play([ga(runner, 'present', update=UPDATE)]).rc == 0
    play = runner.play([ga(runner, 'absent', device_class_id=DC_BUSY)])
    assert play.rc == 0, play.output
    assert [(e['route'], e.get('device_class_id')) for e in emulator.journal if e['method'] != 'GET'][-2:] == [
        ('ga_cancel', DC_BUSY), ('ga_delete_subgroup', DC_BUSY)]
    info = runner.play([ga(runner, None, module='adu_deployment_info')])
    assert info.result['deployment']['device_class_subgroups'] == [DC_FAILING]


def test_download_security_needs_the_newest_api_version(runner, emulator):
    play = runner.play([ga(runner, 'present', update=UPDATE, download_security='http')])
    assert play.rc != 0 and play.result['msg'].startswith('download_security: needs the GA API with api_version '
                                                          '2026-06-01 (got 2022-10-01)')
    assert emulator.journal == []
    play = runner.play([ga(runner, 'present', update=UPDATE, download_security='http', api_version='2026-06-01')])
    assert play.rc == 0 and play.result['deployment']['download_security'] == 'http', play.output


@pytest.mark.parametrize('options, expected', [
    ({'state': 'present', 'device_group': 'canary'}, 'update: is required with state present'),
    ({'state': 'present', 'update': UPDATE}, 'device_group: is required with state present'),
    ({'state': 'present', 'update': UPDATE, 'device_group': 'canary',
      'rollback_policy': {'update': OLD, 'failed_percentage': 5, 'failed_count': 1}},
     'rollback_policy: is only on the GA API'),
    ({'state': 'present', 'update': UPDATE, 'device_group': 'canary', 'start_date_time': 'tomorrow'},
     'start_date_time: must be an ISO 8601 date and time with an offset'),
    ({'state': 'present', 'update': UPDATE, 'device_group': 'canary', 'start_date_time': '2026-11-25T08:00:00'},
     'start_date_time: must be an ISO 8601 date and time with an offset'),
    ({'state': 'present', 'update': {'provider': 'p', 'name': 'n'}, 'device_group': 'canary'},
     'update: needs provider, name and version (missing version)'),
])
def test_bad_present_options_fail_before_any_request(runner, emulator, options, expected):
    task = runner.task(options.pop('state'), 'rollout-x', **options)
    play = runner.play([task])
    assert play.rc != 0 and expected in play.result['msg'], play.result['msg']
    assert emulator.journal == []


def test_rollback_policy_ranges_and_device_class_id_with_present(runner, emulator):
    policy = {'update': OLD, 'failed_percentage': 150, 'failed_count': 1}
    bad = ga(runner, 'present', update=UPDATE, rollback_policy=policy)
    play = runner.play([bad])
    assert 'rollback_policy.failed_percentage: must be between 0 and 100' in play.result['msg']
    play = runner.play([ga(runner, 'present', update=UPDATE, device_class_id=DC_BUSY)])
    assert play.result['msg'].startswith('device_class_id: is not for state present')
    assert emulator.journal == []


def test_which_devices_failed_on_the_seed_api_across_pages(runner, emulator):
    emulator.page_size = 2
    try:
        task = {'name': 'failed', 'adu.device_update.adu_deployment_info': dict(
            runner.connection(), deployment_id='rollout-2026-11-failing', device_state='Failed')}
        play = runner.play([task])
    finally:
        emulator.page_size = 50
    assert play.rc == 0, play.output
    devices = play.result['devices']
    assert len(devices) == play.result['status']['devices_completed_failed_count'] > 0
    assert all(set(d) == {'device_id', 'device_state', 'retry_count', 'moved_on_to_new_deployment'} and
               d['device_state'] == 'Failed' for d in devices)
    assert len(emulator.requests('device_states')) > 1  # the pages were followed


def test_which_devices_failed_in_every_subgroup_of_a_group_deployment(runner, emulator):
    assert runner.play([ga(runner, 'present', update=UPDATE)]).rc == 0
    for state, expected in (('Failed', [(DC_FAILING, 'Failed')] * 2), ('any', None)):
        play = runner.play([ga(runner, None, module='adu_deployment_info', device_state=state)])
        assert play.rc == 0, play.output
        found = [(d['device_class_id'], d['device_state']) for d in play.result['devices']]
        if expected is not None:
            assert found == expected
        else:
            assert len(found) == 9 and set(dc for dc, _state in found) == {DC_FAILING, DC_BUSY}
    filters = [e['query'] for e in emulator.requests('ga_device_states')]
    assert any('filter=deviceState' in q for q in filters)


def test_retry_then_the_failed_devices_are_in_progress(runner, emulator):
    assert runner.play([seed_present(runner)]).rc == 0
    play = runner.play([
        runner.task('retried', 'rollout-canary'),
        {'name': 'left', 'adu.device_update.adu_deployment_info': dict(
            runner.connection(), deployment_id='rollout-canary', device_state='Failed')},
    ])
    assert play.rc == 0, play.output
    assert play.results[0]['changed'] is True and play.results[1]['devices'] == []
    assert json.dumps(play.results[1]['status']).count('"devices_in_progress_count": 3') == 1
