# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The staged rollout's arithmetic."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.adu.device_update.plugins.filter.rollout import (
    ring_figures,
    ring_verdict,
    rollout_rings,
    rollout_story,
)

RING = {'max_failed_percentage': 5, 'min_succeeded_percentage': 95}


def info(total, succeeded=0, failed=0, in_progress=0, state='Active', canceled=False):
    return {'deployment': {'is_canceled': canceled},
            'status': {'deployment_state': state, 'total_devices': total, 'devices_completed_succeeded_count': succeeded,
                       'devices_completed_failed_count': failed, 'devices_in_progress_count': in_progress}}


@pytest.mark.parametrize('figures, verdict', [
    ((20, 19, 1), 'passed'),          # 95% succeeded, 5% failed: both at their bounds
    ((20, 18, 1, 1), 'in_progress'),  # 90% succeeded so far
    ((20, 1, 2, 17), 'failed'),       # 10% failed: failed at once, without waiting for the rest
    ((0,), 'in_progress'),            # nobody targeted yet: the service counts a new deployment's devices late
    ((10, 10), 'passed'),
])
def test_verdicts(figures, verdict):
    assert ring_verdict(info(*figures), RING)['verdict'] == verdict


def test_a_ring_still_in_progress_at_its_timeout_fails_saying_why():
    from ansible_collections.adu.device_update.plugins.filter.rollout import timed_out  # pylint: disable=import-outside-toplevel
    assert timed_out(ring_verdict(info(0), RING), 60)['reason'] == 'no device is targeted after 60 s'
    assert timed_out(ring_verdict(info(10, 5, 0, 5), RING), 60) == dict(ring_verdict(info(10, 5, 0, 5), RING),
                                                                        verdict='failed', reason='no verdict within 60 s')


def test_canceled_and_inactive_fail_whatever_the_counts():
    assert ring_verdict(info(10, 10, canceled=True), RING)['reason'] == 'its deployment is canceled'
    assert 'inactive' in ring_verdict(info(10, 10, state='Inactive'), RING)['reason']


def test_counts_the_service_did_not_send_count_as_none():
    verdict = ring_verdict({'deployment': {}, 'status': {'total_devices': 4, 'devices_completed_succeeded_count': 4,
                                                         'devices_completed_failed_count': None}}, RING)
    assert verdict['verdict'] == 'passed' and verdict['failed_count'] == 0
    assert ring_figures(verdict) == '4 targeted, 4 succeeded (100.0%), 0 failed (0.0%), 0 in progress'


def test_rings_get_defaults_and_deployment_ids():
    given = [{'name': 'canary', 'group_id': 'g1'},
             {'name': 'broad', 'group_id': 'g2', 'deployment_id': 'own-id', 'soak': 60}]
    rings = rollout_rings(given, 'fw-12')
    assert [r['deployment_id'] for r in rings] == ['fw-12-canary', 'own-id']
    assert rings[0]['timeout'] == 3600 and rings[1]['soak'] == 60 and rings[0]['max_failed_percentage'] == 5
    assert rollout_rings([{'name': 'a', 'group_id': 'g', 'timeout': '60', 'soak': '5'}], 'fw')[0]['timeout'] == 60


@pytest.mark.parametrize('rings, name, text', [
    ([{'name': 'Canary', 'group_id': 'g'}], 'fw', 'lower-case'),
    ([{'name': 'a', 'group_id': 'g'}, {'name': 'a', 'group_id': 'h'}], 'fw', 'names two rings'),
    ([{'name': 'a', 'group_id': 'g', 'max_failed_percentage': 101}], 'fw', 'must be a number from 0 to 100'),
    ([], 'fw', 'at least one ring'),
])
def test_bad_rings_are_refused(rings, name, text):
    with pytest.raises(AnsibleFilterError, match=text):
        rollout_rings(rings, name)


def test_story_lists_every_ring_in_order():
    rings = rollout_rings([{'name': 'a', 'group_id': 'g'}, {'name': 'b', 'group_id': 'h'}], 'fw')
    story = rollout_story(rings, [{'name': 'a', 'verdict': 'passed'}])
    assert [(r['name'], r['verdict']) for r in story] == [('a', 'passed'), ('b', 'not_started')]


def test_a_ring_record_has_one_shape_started_or_not():
    from ansible_collections.adu.device_update.plugins.filter.rollout import ring_record  # pylint: disable=import-outside-toplevel
    ring = rollout_rings([{'name': 'a', 'group_id': 'g'}], 'fw')[0]
    started = ring_record(ring_verdict(info(20, 19, 1), RING), ring, 12.34)
    waiting = ring_record(None, ring)
    assert sorted(started) == sorted(waiting)
    assert started['verdict'] == 'passed' and started['seconds'] == 12.3 and started['failed_count'] == 1
    assert waiting['verdict'] == 'not_started' and waiting['total_devices'] is None and waiting['seconds'] == 0
    assert rollout_story([ring], []) == [waiting]


def test_the_stop_message_says_where_why_and_what_was_not_started():
    from ansible_collections.adu.device_update.plugins.filter.rollout import ring_record, rollout_stop  # pylint: disable=import-outside-toplevel
    rings = rollout_rings([{'name': 'a', 'group_id': 'g'}, {'name': 'b', 'group_id': 'h'}, {'name': 'c', 'group_id': 'i'}],
                          'fw')
    record = ring_record(ring_verdict(info(20, 1, 2, 17), RING), rings[1], 5)
    assert rollout_stop(record, 'fw', rings, 'keep') == (
        'staged rollout fw stopped at ring b (fw-b in group h): failed devices passed 5%; 20 targeted, 1 succeeded '
        '(5.0%), 2 failed (10.0%), 17 in progress; its deployment was kept; rings not started: c')


def test_a_ring_record_counts_completed_devices_and_retries():
    from ansible_collections.adu.device_update.plugins.filter.rollout import ring_record  # pylint: disable=import-outside-toplevel
    ring = rollout_rings([{'name': 'a', 'group_id': 'g'}], 'fw')[0]
    started = ring_record(dict(ring_verdict(info(20, 12, 3, 5), RING), retries=1), ring)
    assert started['completed_count'] == 15 and started['retries'] == 1
    waiting = ring_record(None, ring)
    assert waiting['completed_count'] is None and waiting['retries'] == 0


def test_incompatible_device_classes_are_named_by_ring_and_group():
    from ansible_collections.adu.device_update.plugins.filter.rollout import rollout_incompatible  # pylint: disable=import-outside-toplevel
    update = {'provider': 'Contoso', 'name': 'Gateway', 'version': '1.0'}
    groups = [{'item': {'name': 'canary'}, 'groups': [{'group_id': 'g1', 'subgroups': [{'device_class_id': 'ok'}]}]},
              {'item': {'name': 'broad'}, 'groups': [{'group_id': 'g2', 'subgroups': [
                  {'device_class_id': 'ok'}, {'device_class_id': 'thermo'}]}]}]
    classes = [{'device_class': {'device_class_id': 'ok', 'installable_updates': [{'update_id': dict(update)}]}},
               {'device_class': {'device_class_id': 'thermo', 'installable_updates': [
                   {'update_id': dict(update, version='2.0')}]}}]
    assert rollout_incompatible(groups, classes, update) == ['ring broad (group g2): device class thermo']
    assert rollout_incompatible(groups, classes[:1], update) == ['ring broad (group g2): device class thermo']
    assert rollout_incompatible(groups[:1], classes, update) == []


def test_the_early_stop_judges_completed_devices_once_enough_completed():
    ring = rollout_rings([{'name': 'a', 'group_id': 'g', 'abort_failed_percentage': 20, 'min_completed_devices': 10,
                           'max_failed_percentage': 50, 'min_succeeded_percentage': 95}], 'fw')[0]
    early = ring_verdict(info(100, 2, 1, 97), ring)  # 1 of 3 completed failed: too few completed to judge
    assert early['verdict'] == 'in_progress'
    stopped = ring_verdict(info(100, 7, 3, 90), ring)  # 3 of 10 completed failed: 30% > 20%, 3% of targeted
    assert stopped['verdict'] == 'failed' and stopped['reason'].startswith('early stop: 3 of the 10 devices')
    at_the_line = ring_verdict(info(100, 8, 2, 90), ring)  # 2 of 10 is 20%, not more
    assert at_the_line['verdict'] == 'in_progress'
    without = rollout_rings([{'name': 'a', 'group_id': 'g'}], 'fw')[0]
    assert ring_verdict(info(100, 7, 3, 90), without)['verdict'] == 'in_progress'


def test_ring_policy_numbers_are_checked_before_any_ring():
    for ring, words in (({'retry_failed': 6}, 'retry_failed: must be a number from 0 to 5'),
                        ({'retry_failed': 1.5}, 'retry_failed: must be a number from 0 to 5'),
                        ({'min_completed_devices': 0}, 'min_completed_devices: must be a number from 1'),
                        ({'abort_failed_percentage': 101}, 'abort_failed_percentage: must be a number from 0 to 100')):
        with pytest.raises(AnsibleFilterError, match=words):
            rollout_rings([dict(name='a', group_id='g', **ring)], 'fw')


def test_a_ring_is_retried_only_when_its_gate_tripped_on_failed_devices():
    from ansible_collections.adu.device_update.plugins.filter.rollout import (  # pylint: disable=import-outside-toplevel
        ring_after_retry, ring_retry, timed_out)
    ring = rollout_rings([{'name': 'a', 'group_id': 'g', 'retry_failed': 1}], 'fw')[0]
    failed = ring_verdict(info(10, 7, 3), ring)
    assert ring_retry(failed, ring, 0) and not ring_retry(failed, ring, 1)
    assert not ring_retry(ring_verdict(info(10, 7, 3, canceled=True), ring), ring, 0)
    assert not ring_retry(timed_out(ring_verdict(info(10, 7, 0, 3), ring), 30), ring, 0)
    # read after the retry, the same 3 failed and none in progress: the service has not taken the retry in yet
    assert ring_after_retry(failed, 3)['verdict'] == 'in_progress'
    assert ring_after_retry(ring_verdict(info(10, 8, 2), ring), 3)['verdict'] == 'failed'
    assert ring_after_retry(failed, None) == failed


def test_a_window_is_open_inside_and_says_when_it_next_opens():
    from datetime import datetime, timezone  # pylint: disable=import-outside-toplevel
    from ansible_collections.adu.device_update.plugins.filter.rollout_window import rollout_window  # pylint: disable=import-outside-toplevel
    saturday_23 = datetime(2026, 12, 12, 23, 0, tzinfo=timezone.utc).timestamp()
    night = {'days': ['sat'], 'start': '22:00', 'end': '04:00'}
    assert rollout_window(night, saturday_23)['open']
    assert rollout_window(night, saturday_23 + 4 * 3600)['open']  # 03:00 on Sunday, still Saturday's night
    closed = rollout_window(night, saturday_23 + 5 * 3600)  # 04:00 on Sunday: end is exclusive
    assert not closed['open'] and closed['next_window'] == '2026-12-19T22:00:00+00:00'
    berlin = rollout_window({'start': '09:00', 'end': '17:00', 'timezone': 'Europe/Berlin'}, saturday_23)
    assert not berlin['open'] and berlin['next_window'] == '2026-12-13T09:00:00+01:00'
    for window, words in (({'start': '9:00', 'end': '17:00'}, 'adu_rollout_window.start: must be a time of day'),
                          ({'start': '09:00', 'end': '09:00'}, 'never opens'),
                          ({'start': '09:00', 'end': '17:00', 'days': ['monday']}, 'adu_rollout_window.days'),
                          ({'start': '09:00', 'end': '17:00', 'timezone': 'Mars/Olympus'}, 'IANA time zone'),
                          ({'start': '09:00', 'end': '17:00', 'when': 'now'}, 'adu_rollout_window.when')):
        with pytest.raises(AnsibleFilterError, match=words):
            rollout_window(window, saturday_23)


def test_reports_name_every_ring_and_junit_says_failed_and_skipped():
    from xml.etree import ElementTree  # pylint: disable=import-outside-toplevel
    from ansible_collections.adu.device_update.plugins.filter.rollout import ring_record  # pylint: disable=import-outside-toplevel
    from ansible_collections.adu.device_update.plugins.filter.rollout_report import (  # pylint: disable=import-outside-toplevel
        rollout_junit, rollout_markdown)
    rings = rollout_rings([{'name': 'canary', 'group_id': 'g1'}, {'name': 'pilot', 'group_id': 'g2'},
                           {'name': 'fleet', 'group_id': 'g3'}], 'fw')
    story = {'update': {'provider': 'P', 'name': 'N', 'version': '1.0'}, 'stopped_at': 'pilot', 'message': 'why',
             'rings': [ring_record(ring_verdict(info(10, 10), RING), rings[0], 3),
                       ring_record(dict(ring_verdict(info(10, 7, 3), RING), retries=1), rings[1], 9),
                       ring_record(None, rings[2])]}
    text = rollout_markdown(story, 'fw')
    assert '| canary | g1 | fw-canary | passed | 10 | 10 | 0 |' in text and 'Stopped at ring pilot: why' in text
    assert '| pilot | g2 | fw-pilot | failed | 10 | 7 | 3 | 0 | 10 | 1 |' in text
    suite = ElementTree.fromstring(rollout_junit(story, 'fw')).find('testsuite')
    assert (suite.get('tests'), suite.get('failures'), suite.get('skipped')) == ('3', '1', '1')
    cases = dict((c.get('name'), c) for c in suite.findall('testcase'))
    assert cases['pilot'].find('failure').get('message') == 'failed devices passed 5%'
    assert '3 failed' in cases['pilot'].find('failure').text and cases['fleet'].find('skipped') is not None
