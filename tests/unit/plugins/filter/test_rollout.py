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
