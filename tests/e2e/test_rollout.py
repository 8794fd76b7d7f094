# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role adu.device_update.staged_rollout end to end: rings that pass, a ring that fails, reruns, check mode.

The emulator's ring-* groups play their rollouts over a few seconds (seed.json): ring-canary, ring-pilot and
ring-broad end healthy, ring-bad has 3 of 10 devices failed after a second."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

UPDATE = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'}


def rollout_play(runner, rings, name='fw', **variables):
    """A play that runs the role with module_defaults, and shows the fact adu_rollout whatever happens."""
    defaults = runner.connection('access_token')
    role_vars = dict(adu_rollout_update=UPDATE, adu_rollout_name=name, adu_rollout_poll_interval=1,
                     adu_rollout_rings=rings)
    role_vars.update(variables)
    return '''
- name: Roll out
  module_defaults:
    group/adu.device_update.adu: %s
  block:
    - name: Run the role
      ansible.builtin.include_role:
        name: adu.device_update.staged_rollout
      vars: %s
  always:
    - name: Show the rollout
      ansible.builtin.debug:
        var: adu_rollout
''' % (json.dumps(defaults), json.dumps(role_vars))


def story(play):
    shown = [r for r in play.results if 'adu_rollout' in r]
    assert shown, play.output
    return shown[-1]['adu_rollout']


def failure(play):
    """The msg of the task that failed the play."""
    failed = [r['result'] for r in play.records if r['outcome'] == 'failed']
    assert failed, play.output
    return failed[-1]['msg']


def ring(name, group, **options):
    spec = dict(name=name, group_id=group, timeout=30)
    spec.update(options)
    return spec


def writes(emulator):
    return [(e['method'], e['route'], e.get('deployment_id')) for e in emulator.journal if e['method'] != 'GET'
            and e['route'] not in ('token', 'discovery')]


def test_three_rings_pass_then_a_rerun_reads_once_per_ring(runner, emulator):
    rings = [ring('canary', 'ring-canary'), ring('pilot', 'ring-pilot', soak=1), ring('broad', 'ring-broad')]
    play = runner.play(rollout_play(runner, rings), verbosity=1)
    assert play.rc == 0, play.output
    result = story(play)
    assert result['update'] == UPDATE
    assert [r['verdict'] for r in result['rings']] == ['passed'] * 3
    broad = result['rings'][2]
    assert (broad['total_devices'], broad['succeeded_count'], broad['failed_count']) == (20, 19, 1)
    assert broad['succeeded_percentage'] == 95.0 and broad['failed_percentage'] == 5.0
    assert [w[1:] for w in writes(emulator)] == [('ga_create', 'fw-canary'), ('ga_create', 'fw-pilot'),
                                                 ('ga_create', 'fw-broad')]
    assert 'ring broad (fw-broad in group ring-broad) passed; 20 targeted, 19 succeeded (95.0%)' in play.output
    emulator.journal.clear()
    again = runner.play(rollout_play(runner, rings))
    assert again.rc == 0, again.output
    assert [r['verdict'] for r in story(again)['rings']] == ['passed'] * 3
    assert writes(emulator) == []
    statuses = [e['deployment_id'] for e in emulator.journal if e['route'] == 'ga_group_status']
    assert statuses == ['fw-canary', 'fw-pilot', 'fw-broad']  # one status read per ring
    # and no compatibility reads: the check runs before a ring is created, and every ring exists
    assert not [e for e in emulator.journal if e['route'] in ('groups_list', 'group_get', 'installable_updates')]


def test_a_failing_ring_is_canceled_and_the_rest_not_started(runner, emulator):
    rings = [ring('canary', 'ring-canary'), ring('pilot', 'ring-bad'), ring('broad', 'ring-broad')]
    play = runner.play(rollout_play(runner, rings))
    assert play.rc != 0
    msg = failure(play)
    assert msg.startswith('staged rollout fw stopped at ring pilot (fw-pilot in group ring-bad): failed '
                          'devices passed 5%; 10 targeted')
    assert '3 failed (30.0%)' in msg and 'rings not started: broad' in msg
    result = story(play)
    assert [r['verdict'] for r in result['rings']] == ['passed', 'failed', 'not_started']
    assert result['rings'][1]['failed_count'] == 3 and result['rings'][2]['total_devices'] is None
    assert ('POST', 'ga_cancel', 'fw-pilot') in writes(emulator)
    assert not [w for w in writes(emulator) if w[2] == 'fw-broad']
    emulator.journal.clear()
    again = runner.play(rollout_play(runner, rings))  # the rerun stops at the same ring
    assert again.rc != 0
    assert [r['verdict'] for r in story(again)['rings']] == ['passed', 'failed', 'not_started']
    assert 'its deployment is canceled' in failure(again)
    assert not [w for w in writes(emulator) if w[1] == 'ga_create']


def test_keep_leaves_the_failing_ring_running(runner, emulator):
    play = runner.play(rollout_play(runner, [ring('pilot', 'ring-bad')], adu_rollout_on_failure='keep'))
    assert play.rc != 0, play.output and 'its deployment was kept' in play.output
    assert not [w for w in writes(emulator) if w[1] == 'ga_cancel']


def test_a_ring_without_a_verdict_fails_at_its_timeout(runner, emulator):
    # 30% failed is within 50%, 70% succeeded short of 95%: no verdict, ever.
    play = runner.play(rollout_play(runner, [ring('pilot', 'ring-bad', timeout=4, max_failed_percentage=50)]),
                       verbosity=1)
    assert play.rc != 0
    assert 'no verdict within 4 s' in failure(play)
    # At -v, a line per poll, with the figures the service reported (issue 34: a result line, not a retries line).
    assert play.output.count('"msg": "ring pilot: 10 targeted, ') >= 2
    assert 'ring pilot: 10 targeted, 7 succeeded (70.0%), 3 failed (30.0%), 0 in progress' in play.output
    assert 'FAILED - RETRYING' not in play.output
    assert story(play)['rings'][0]['verdict'] == 'failed'


def test_check_mode_reads_only_and_prints_the_plan(runner, emulator):
    first = runner.play(rollout_play(runner, [ring('canary', 'ring-canary')]))
    assert first.rc == 0, first.output
    emulator.journal.clear()
    rings = [ring('canary', 'ring-canary'), ring('pilot', 'ring-pilot'), ring('broad', 'ring-broad')]
    play = runner.play(rollout_play(runner, rings), check=True)
    assert play.rc == 0, play.output
    # issue 34: a ring check mode would create says so in its own words
    assert [r['verdict'] for r in story(play)['rings']] == ['passed', 'would_create', 'would_create']
    assert writes(emulator) == []
    assert 'canary: passed' in play.output and 'pilot: would_create' in play.output


def test_a_bad_variable_is_refused_before_any_request(runner, emulator):
    play = runner.play(rollout_play(runner, [{'name': 'canary', 'timeout': 'soon'}]))
    assert play.rc != 0 and 'group_id' in play.output
    assert [e for e in emulator.journal if e['route'] not in ('token', 'discovery')] == []
    bad_id = runner.play(rollout_play(runner, [ring('Canary!', 'ring-canary')], name='FW'))
    assert bad_id.rc != 0 and 'lower-case' in bad_id.output
    assert [e for e in emulator.journal if e['route'] not in ('token', 'discovery')] == []


def test_a_ring_someone_else_canceled_fails(runner, emulator):
    create = {'name': 'create', 'adu.device_update.adu_deployment': dict(
        runner.connection(), state='present', group_id='ring-canary', deployment_id='fw-canary', update=UPDATE)}
    cancel = {'name': 'cancel', 'adu.device_update.adu_deployment': dict(
        runner.connection(), state='canceled', group_id='ring-canary', deployment_id='fw-canary')}
    assert runner.play([create, cancel]).rc == 0
    play = runner.play(rollout_play(runner, [ring('canary', 'ring-canary'), ring('broad', 'ring-broad')]))
    assert play.rc != 0 and 'its deployment is canceled' in play.output
    assert [r['verdict'] for r in story(play)['rings']] == ['failed', 'not_started']


def test_an_update_not_imported_starts_no_ring(runner, emulator):
    play = runner.play(rollout_play(runner, [ring('canary', 'ring-canary')],
                                    adu_rollout_update=dict(UPDATE, version='9.9.9')))
    assert play.rc != 0 and 'is not imported in the instance' in play.output
    assert writes(emulator) == [] and story(play)['rings'][0]['verdict'] == 'not_started'


def test_a_ring_that_targets_no_device_fails_at_its_timeout_saying_so(runner, emulator):
    emulator.store.device_groups['ring-empty'] = {'device_classes': {'e' * 40: {'totalDevices': 0}}}
    play = runner.play(rollout_play(runner, [ring('empty', 'ring-empty', timeout=3), ring('broad', 'ring-broad')]))
    assert play.rc != 0 and 'no device is targeted after 3 s' in failure(play)
    assert [r['verdict'] for r in story(play)['rings']] == ['failed', 'not_started']


def test_an_update_a_ring_cannot_install_is_refused_before_any_write(runner, emulator):
    thermostat = 'a' * 40
    emulator.store.device_groups['thermostats'] = {'device_classes': {thermostat: {'totalDevices': 3}}}
    emulator.store.device_classes[thermostat] = {'compatProperties': {'manufacturer': 'fabrikam',
                                                                      'model': 'thermostat'}}
    play = runner.play(rollout_play(runner, [ring('canary', 'ring-canary'), ring('thermo', 'thermostats')]))
    assert play.rc != 0
    assert 'cannot be installed by ring thermo (group thermostats): device class %s' % thermostat in failure(play)
    assert 'ring canary' not in failure(play)  # the gateways can install it
    assert writes(emulator) == [] and emulator.requests('ga_create') == []
    assert [r['verdict'] for r in story(play)['rings']] == ['not_started', 'not_started']
    assert [r['completed_count'] for r in story(play)['rings']] == [None, None]
    # the check can be turned off: then the ring is created as before, reading no device class
    read_before = len(emulator.requests('installable_updates'))
    assert read_before >= 1
    unchecked = runner.play(rollout_play(runner, [ring('canary', 'ring-canary')],
                                         adu_rollout_check_compatibility=False))
    assert unchecked.rc == 0 and len(emulator.requests('installable_updates')) == read_before
    assert len(emulator.requests('ga_create')) == 1
    assert story(unchecked)['rings'][0]['completed_count'] == story(unchecked)['rings'][0]['succeeded_count'] + \
        story(unchecked)['rings'][0]['failed_count']
    assert story(unchecked)['rings'][0]['retries'] == 0


GATEWAY = 'c61300e6b3da62926c23d92519ea3f2e73116e71'


def playing(emulator, group, total, steps):
    """A group of the gateway class whose rollout plays the steps [(after seconds, {counts})] by itself."""
    emulator.store.device_groups[group] = {'device_classes': {GATEWAY: {
        'totalDevices': total, 'devicesInProgressCount': total,
        'timeline': [{'after_seconds': after, 'status': counts} for after, counts in steps]}}}


def test_early_stop_waits_for_enough_completed_devices_then_stops_long_before_the_gate(runner, emulator):
    playing(emulator, 'ring-abort', 100, [
        (1, {'devicesInProgressCount': 97, 'devicesCompletedSucceededCount': 2, 'devicesCompletedFailedCount': 1}),
        (4, {'devicesInProgressCount': 90, 'devicesCompletedSucceededCount': 7, 'devicesCompletedFailedCount': 3})])
    play = runner.play(rollout_play(runner, [ring('abort', 'ring-abort', abort_failed_percentage=20,
                                                  min_completed_devices=10, max_failed_percentage=5)]), verbosity=1)
    assert play.rc != 0, play.output
    # one progress line per status read, at -v: the read with 1 of 3 completed failed did not stop the ring
    assert 'ring abort: 100 targeted, 2 succeeded (2.0%), 1 failed (1.0%), 97 in progress' in play.output
    assert 'FAILED - RETRYING' not in play.output
    record = story(play)['rings'][0]
    assert record['verdict'] == 'failed' and record['reason'].startswith('early stop: 3 of the 10 devices')
    assert (record['failed_count'], record['completed_count'], record['total_devices']) == (3, 10, 100)
    assert [(e['method'], e['route']) for e in emulator.journal if e['method'] == 'POST'][-1] == ('POST', 'ga_cancel')


def test_a_ring_whose_failed_devices_succeed_after_one_retry_passes(runner, emulator):
    emulator.store.settle_seconds = 1  # the retried devices succeed a second after the retry
    playing(emulator, 'ring-flaky', 10, [
        (1, {'devicesInProgressCount': 0, 'devicesCompletedSucceededCount': 7, 'devicesCompletedFailedCount': 3})])
    play = runner.play(rollout_play(runner, [ring('flaky', 'ring-flaky', retry_failed=2)]))
    assert play.rc == 0, play.output
    record = story(play)['rings'][0]
    assert (record['verdict'], record['retries'], record['succeeded_count']) == ('passed', 1, 10)
    assert len(emulator.requests('ga_retry')) == 1
    # a rerun reads the finished ring once and writes nothing
    emulator.journal.clear()
    again = runner.play(rollout_play(runner, [ring('flaky', 'ring-flaky', retry_failed=2)]))
    assert again.rc == 0 and writes(emulator) == [] and story(again)['rings'][0]['verdict'] == 'passed'


def test_a_failed_ring_is_not_retried_by_a_rerun(runner, emulator):
    playing(emulator, 'ring-bad2', 10, [
        (1, {'devicesInProgressCount': 0, 'devicesCompletedSucceededCount': 7, 'devicesCompletedFailedCount': 3})])
    rings = [ring('bad', 'ring-bad2', retry_failed=1, timeout=3)]  # the retried devices never finish here
    first = runner.play(rollout_play(runner, rings, adu_rollout_on_failure='keep'))
    assert first.rc != 0 and story(first)['rings'][0]['retries'] == 1  # retried once, failed again (no settle)
    retried = len(emulator.requests('ga_retry'))
    again = runner.play(rollout_play(runner, rings, adu_rollout_on_failure='keep'))
    assert again.rc != 0 and story(again)['rings'][0]['verdict'] == 'failed'
    assert len(emulator.requests('ga_retry')) == retried


def _window(now, opens_in_hours, hours=1):
    import datetime  # pylint: disable=import-outside-toplevel
    start = datetime.datetime.fromtimestamp(now + opens_in_hours * 3600, datetime.timezone.utc)
    end = start + datetime.timedelta(hours=hours)
    return {'start': start.strftime('%H:%M'), 'end': end.strftime('%H:%M'), 'timezone': 'UTC'}


def test_a_closed_window_ends_the_play_ok_and_a_rerun_inside_it_continues(runner, emulator):
    import time  # pylint: disable=import-outside-toplevel
    rings = [ring('canary', 'ring-canary')]
    closed = runner.play(rollout_play(runner, rings, adu_rollout_window=_window(time.time(), 3)))
    assert closed.rc == 0, closed.output
    assert emulator.requests('ga_create') == [] and 'waits for its window: ring canary starts at' in closed.output
    published = [r['ansible_stats']['data']['adu_rollout'] for r in closed.results if 'ansible_stats' in r]
    assert published and published[-1]['next_window'].endswith('+00:00')
    assert published[-1]['rings'][0]['verdict'] == 'not_started'
    opened = runner.play(rollout_play(runner, rings, adu_rollout_window=_window(time.time(), -0.5)))
    assert opened.rc == 0, opened.output
    assert len(emulator.requests('ga_create')) == 1 and story(opened)['rings'][0]['verdict'] == 'passed'
    assert story(opened)['next_window'] is None


def test_the_report_files_for_ci(runner, emulator, tmp_path):
    from junitparser import JUnitXml, Failure, Skipped  # pylint: disable=import-outside-toplevel
    reports = tmp_path / 'reports' / 'fw'  # made by the role when missing
    rings = [ring('canary', 'ring-canary'), ring('bad', 'ring-bad'), ring('broad', 'ring-broad')]
    play = runner.play(rollout_play(runner, rings, adu_rollout_report_dir=str(reports)))
    assert play.rc != 0
    markdown = (reports / 'fw.md').read_text()
    assert '| canary | ring-canary | fw-canary | passed |' in markdown and 'Stopped at ring bad' in markdown
    suite = list(JUnitXml.fromfile(str(reports / 'fw.junit.xml')))[0]
    cases = dict((case.name, case) for case in suite)
    assert suite.tests == 3 and suite.failures == 1 and suite.skipped == 1
    assert cases['canary'].is_passed
    assert isinstance(cases['bad'].result[0], Failure) and '3 failed' in cases['bad'].result[0].text
    assert isinstance(cases['broad'].result[0], Skipped)


def test_a_refused_plan_still_sets_and_publishes_adu_rollout(runner, emulator):
    play = runner.play(rollout_play(runner, [ring('canary', 'ring-canary', retry_failed=9)]))
    assert play.rc != 0 and 'retry_failed: must be a number from 0 to 5' in failure(play)
    assert 'retry_failed' in story(play)['error'] and story(play)['rings'] == []
    assert [r for r in play.results if 'ansible_stats' in r]
    assert writes(emulator) == []


def test_a_ring_costs_a_read_a_create_and_one_request_per_poll(runner, emulator):
    play = runner.play(rollout_play(runner, [ring('pilot', 'ring-pilot')], adu_rollout_check_compatibility=False),
                       verbosity=1)
    assert play.rc == 0, play.output
    ring_calls = [e['route'] for e in emulator.journal if e.get('deployment_id') == 'fw-pilot']
    polls = play.output.count('"msg": "ring pilot: ')
    assert polls >= 2  # ring-pilot plays its rollout over two seconds
    # the role's read (404), adu_deployment's read before its PUT (404), the PUT, then one status read per poll
    assert ring_calls == ['ga_get_deployment', 'ga_get_deployment', 'ga_create'] + ['ga_group_status'] * polls


def test_status_only_reads_one_status_and_refuses_device_state(runner, emulator):
    args = dict(runner.connection(), group_id='dpokluda-test', deployment_id='test0809083849', status_only=True)
    play = runner.play([{'adu.device_update.adu_deployment_info': args},
                        {'adu.device_update.adu_deployment_info': dict(args, device_state='Failed'),
                         'ignore_errors': True}])
    read, refused = play.results
    assert 'deployment' not in read and read['status']['deployment_state'] and read['subgroups']
    assert refused['msg'].startswith('status_only: reads the status alone')
    assert [e['route'] for e in emulator.journal if e['route'] not in ('token', 'discovery')] == ['ga_group_status']
