# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import PlanError
from ansible_collections.adu.device_update.plugins.module_utils._deployments.plan import diff_flags, plan, took_effect
from ansible_collections.adu.device_update.plugins.module_utils._deployments.wire import (
    normalize_deployment,
    normalize_status,
)


def deployment(**flags):
    return normalize_deployment(dict({'deploymentId': 'd1'}, **flags))


def status(failed):
    return normalize_status({'devicesCompletedFailedCount': failed})


# The decision table of DESIGN.md, row by row.
@pytest.mark.parametrize('state, dep, stat, force, action', [
    ('canceled', deployment(isCanceled=True), None, False, None),
    ('canceled', deployment(isCanceled=False), None, False, 'cancel'),
    ('canceled', deployment(), None, True, 'cancel'),
    ('retried', deployment(), status(0), False, None),
    ('retried', deployment(), status(0), True, 'retry'),
    ('retried', deployment(), status(3), False, 'retry'),
    ('retried', deployment(isRetry=True), status(2), False, 'retry'),
])
def test_plan_table(state, dep, stat, force, action):
    assert plan(state, dep, stat, force).action == action


def test_plan_refuses_to_retry_a_canceled_deployment():
    with pytest.raises(PlanError, match='cannot be retried'):
        plan('retried', deployment(isCanceled=True), status(5), force=True)


def test_plan_retry_needs_status():
    with pytest.raises(ValueError):
        plan('retried', deployment())


def test_diff_flags():
    assert diff_flags({'is_canceled': False}, {'is_canceled': True, 'is_retried': False}) == {
        'before': {'is_canceled': False, 'is_retried': False},
        'after': {'is_canceled': True, 'is_retried': False}}


@pytest.mark.parametrize('action, before, after, expected', [
    ('cancel', {}, {'isCanceled': True}, True),
    ('cancel', {}, {}, False),
    ('retry', {}, {'isRetry': True}, True),
    ('retry', {}, {}, False),
    ('retry', {'isRetry': True}, {'isRetry': True}, None),
])
def test_took_effect(action, before, after, expected):
    assert took_effect(action, deployment(**before), deployment(**after)) is expected
