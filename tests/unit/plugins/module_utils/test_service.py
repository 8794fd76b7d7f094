# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError, PlanError
from ansible_collections.adu.device_update.plugins.module_utils._deployments.actions import ActionService, Desired
from ansible_collections.adu.device_update.plugins.module_utils._deployments.target_ga import GroupActionService
from ansible_collections.adu.device_update.plugins.module_utils._deployments.wire import (
    normalize_deployment,
    normalize_status,
)


def deployment(**flags):
    return normalize_deployment(dict({'deploymentId': 'd1'}, **flags))


def status(failed):
    return normalize_status({'devicesCompletedFailedCount': failed})


class FakeApi:
    """Records calls; answers from dicts. The real API is exercised end to end."""

    def __init__(self, dep, stat=None):
        self.dep, self.stat, self.calls = dep, stat, []

    @staticmethod
    def describe(deployment_id):
        return 'deployment %s' % deployment_id

    def get_deployment(self, deployment_id):
        self.calls.append(('get', deployment_id))
        return self.dep

    def get_status(self, deployment_id):
        self.calls.append(('status', deployment_id))
        return self.stat

    def act(self, deployment_id, action):
        self.calls.append((action, deployment_id))
        return dict(self.dep, is_canceled=self.dep['is_canceled'] or action == 'cancel',
                    is_retried=self.dep['is_retried'] or action == 'retry')


def test_service_calls_only_what_the_decision_needs():
    api = FakeApi(deployment(isCanceled=True))
    result = ActionService(api).ensure('canceled', Desired('d1'))
    assert result['changed'] is False and api.calls == [('get', 'd1')]
    assert 'status' not in result

    api = FakeApi(deployment(), status(2))
    result = ActionService(api).ensure('retried', Desired('d1'))
    assert api.calls == [('get', 'd1'), ('status', 'd1'), ('retry', 'd1')]
    assert result['deployment']['is_retried'] is True and result['status']['devices_completed_failed_count'] == 2


def test_service_check_mode_never_acts_but_reports_the_same_change():
    api = FakeApi(deployment(), status(2))
    result = ActionService(api, check_mode=True).ensure('retried', Desired('d1'))
    assert result['changed'] is True and api.calls == [('get', 'd1'), ('status', 'd1')]
    assert result['diff']['after']['is_retried'] is True and result['deployment']['is_retried'] is False


class LostResponseApi(FakeApi):
    """The action's answer is lost; `applied` says whether the service acted before that."""

    def __init__(self, dep, stat=None, applied=True):
        super(LostResponseApi, self).__init__(dep, stat)
        self.applied = applied

    def act(self, deployment_id, action):
        self.calls.append((action, deployment_id))
        if self.applied:
            self.dep = dict(self.dep, is_canceled=self.dep['is_canceled'] or action == 'cancel',
                            is_retried=self.dep['is_retried'] or action == 'retry')
        raise AduError('%s of deployment %s: HTTP 502' % (action, deployment_id), 502, action_unknown=True)


def test_lost_response_confirmed_by_reading_back_without_a_second_post():
    api = LostResponseApi(deployment(), status(2), applied=True)
    result = ActionService(api).ensure('retried', Desired('d1'))
    assert result['changed'] is True and 'confirmed' in result['msg']
    assert api.calls == [('get', 'd1'), ('status', 'd1'), ('retry', 'd1'), ('get', 'd1')]


def test_lost_response_not_confirmed_fails_without_a_second_post():
    api = LostResponseApi(deployment(), applied=False)
    with pytest.raises(AduError, match='does not show it') as err:
        ActionService(api).ensure('canceled', Desired('d1'))
    assert err.value.action_unknown
    assert api.calls == [('get', 'd1'), ('cancel', 'd1'), ('get', 'd1')]


def test_lost_retry_of_a_retried_deployment_cannot_be_told():
    api = LostResponseApi(deployment(isRetry=True), status(2), applied=True)
    with pytest.raises(AduError, match='cannot tell'):
        ActionService(api).ensure('retried', Desired('d1'))
    assert [c[0] for c in api.calls].count('retry') == 1


def test_group_retry_of_a_canceled_group_deployment_fails_before_any_subgroup_call():
    api = FakeApi(deployment(isCanceled=True, deviceClassSubgroups=['dc1', 'dc2']))
    with pytest.raises(PlanError, match='d1 is canceled and cannot be retried') as err:
        GroupActionService(api).ensure('retried', Desired('d1'))
    assert api.calls == [('get', 'd1')]  # no subgroup read
    assert err.value.deployment['is_canceled'] is True
