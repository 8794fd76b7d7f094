# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ring gate through the role's filters: verdicts at the boundaries, inconsistent figures, bounds."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.adu.device_update.plugins.filter.rollout import ring_verdict, rollout_rings, timed_out
from ansible_collections.adu.device_update.plugins.module_utils._deployments.watch import failed_percentage
from ansible_collections.adu.device_update.plugins.module_utils._rollout import gate


def info(total, succeeded=0, failed=0, in_progress=0, **counts):
    status = dict({'deployment_state': 'Active', 'total_devices': total, 'devices_completed_succeeded_count': succeeded,
                   'devices_completed_failed_count': failed, 'devices_in_progress_count': in_progress}, **counts)
    return {'deployment': {}, 'status': status}


def ring(max_failed, min_succeeded):
    return {'max_failed_percentage': max_failed, 'min_succeeded_percentage': min_succeeded}


def test_one_failed_device_of_2001_fails_a_zero_percent_gate():
    verdict = ring_verdict(info(2001, 1000, 1, 1000), ring(0, 0))
    assert verdict['verdict'] == 'failed' and verdict['failed_percentage'] == 0.05


def test_1999_of_2000_never_reach_100_percent():
    verdict = ring_verdict(info(2000, 1999, 0, 1), ring(5, 100))
    assert verdict['verdict'] == 'in_progress' and verdict['succeeded_percentage'] == 99.95
    assert ring_verdict(info(2000, 2000), ring(5, 100))['verdict'] == 'passed'


@pytest.mark.parametrize('figures, counts, why', [
    ((20, 19, 1, 30), {}, 'devices_in_progress_count (30) is more than the 20 devices targeted'),
    ((20, 15, 1, 10), {}, 'add up to 26, more than the 20 devices targeted'),
    ((20, 25), {}, 'devices_completed_succeeded_count (25) is more than the 20 devices targeted'),
    ((20, 20, -1), {}, 'devices_completed_failed_count is -1, not a count'),
    ((20, 20), {'devices_canceled_count': 5}, 'add up to 25'),
])
def test_figures_that_do_not_add_up_are_no_pass(figures, counts, why):
    verdict = ring_verdict(info(*figures, **counts), ring(5, 95))
    assert verdict['verdict'] == 'in_progress' and why in verdict['inconsistency']
    failed = timed_out(verdict, 60)
    assert failed['verdict'] == 'failed' and failed['reason'].startswith('its figures do not add up after 60 s (')


def test_consistent_figures_have_no_inconsistency():
    assert ring_verdict(info(20, 19, 1), ring(5, 95))['inconsistency'] is None
    assert gate.inconsistency({}) is None


def test_the_event_source_and_the_role_share_one_denominator():
    status = {'total_devices': 10, 'devices_incompatible_count': 2, 'devices_completed_failed_count': 2}
    assert failed_percentage(dict(status, devices_completed_succeeded_count=None, devices_in_progress_count=None)) == 25.0
    assert gate.targeted(status) == 8
    assert ring_verdict({'deployment': {}, 'status': dict(status, devices_completed_succeeded_count=6)},
                        ring(20, 75))['failed_percentage'] == 25.0


@pytest.mark.parametrize('interval', [0, -1, 'often', 3601, float('nan')])
def test_poll_interval_out_of_bounds_is_refused_before_any_ring(interval):
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    with pytest.raises(AnsibleFilterError, match='adu_rollout_poll_interval: must be a number from 1 to 3600'):
        rollout_rings([{'name': 'a', 'group_id': 'g'}], 'fw', interval)
