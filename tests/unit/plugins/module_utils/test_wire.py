# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.adu.device_update.plugins.module_utils._core.wire import snake_key
from ansible_collections.adu.device_update.plugins.module_utils._deployments.wire import (
    normalize_deployment,
    normalize_status,
)


def test_recorded_deployment_normalises_to_snake_case(recorded):
    body = normalize_deployment(recorded('v2-get-deployment')['body'])
    assert body['deployment_id'] == 'dpokluda-test.2020-1111-1124-8'
    assert body['device_group_definition'] == ['dpokluda-test']
    assert body['update_id'] == {'provider': 'Contoso', 'name': 'Virtual-Machine', 'version': '2020.1111.1124.8'}
    assert (body['is_canceled'], body['is_retried'], body['is_completed']) == (False, False, False)
    assert 'is_retry' not in body


def test_recorded_cancel_response_is_canceled(recorded):
    assert normalize_deployment(recorded('v2-cancel-deployment')['body'])['is_canceled'] is True


def test_recorded_status_counts(recorded):
    body = normalize_status(recorded('v2-get-deployment-status')['body'])
    assert body['deployment_state'] == 'Active'
    assert body['devices_completed_succeeded_count'] == 1
    assert body['devices_completed_failed_count'] == 0


@pytest.mark.parametrize('raw', [
    {'DeploymentId': 'x', 'IsCanceled': True, 'IsRetried': True},
    {'deploymentId': 'x', 'isCanceled': True, 'isRetry': True},
    {'DEPLOYMENTID': 'x', 'iscanceled': 'true', 'ISRETRIED': True},
])
def test_keys_match_case_insensitively_and_isretry_is_isretried(raw):
    body = normalize_deployment(raw)
    assert body['deployment_id'] == 'x'
    assert body['is_canceled'] is True and body['is_retried'] is True


def test_absent_flags_are_false_and_unknown_keys_kept():
    body = normalize_deployment({'deploymentId': 'x', 'someNewField': {'innerValue': 1}})
    assert body['is_canceled'] is False and body['is_retried'] is False and body['is_completed'] is False
    assert body['some_new_field'] == {'inner_value': 1}


@pytest.mark.parametrize('key, expected', [
    ('deviceClassSubgroups', 'device_class_subgroups'), ('HTTPEndpoint', 'http_endpoint'),
    ('simple', 'simple'), ('x-ms-thing', 'x_ms_thing'),
])
def test_snake_key(key, expected):
    assert snake_key(key) == expected
