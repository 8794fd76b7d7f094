# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a deployment declares: the PUT bodies of the preview and GA APIs, and a deployment in the terms of
adu_deployment's options (to compare with what a task declares). Only state present and absent need it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type
from ansible_collections.adu.device_update.plugins.module_utils._core.wire import update_id_of


def update_id_body(update):
    """{provider, name, version} as the service names them."""
    return {'provider': update['provider'], 'name': update['name'], 'version': update['version']}


def seed_deployment_body(deployment_id, desired):
    """The 2020-09-01 preview PUT body, as the recorded exchange shows it."""
    return {
        'deploymentId': deployment_id,
        'deploymentType': 'Complete',
        'startDateTime': desired['start_date_time'],
        'deviceGroupType': 'DeviceGroupDefinitions',
        'deviceGroupDefinition': [desired['device_group']],
        'updateId': update_id_body(desired['update']),
    }


def ga_deployment_body(deployment_id, group_id, desired):
    """The GA PUT body: {deploymentId, startDateTime, groupId, update: {updateId}, rollbackPolicy?,
    downloadSecurity?}."""
    body = {
        'deploymentId': deployment_id,
        'startDateTime': desired['start_date_time'],
        'groupId': group_id,
        'update': {'updateId': update_id_body(desired['update'])},
    }
    policy = desired.get('rollback_policy')
    if policy:
        body['rollbackPolicy'] = {
            'update': {'updateId': update_id_body(policy['update'])},
            'failure': {'devicesFailedPercentage': policy['failed_percentage'],
                        'devicesFailedCount': policy['failed_count']},
        }
    if desired.get('download_security'):
        body['downloadSecurity'] = desired['download_security']
    return body


def deployment_view(deployment):
    """What a deployment declares, in the terms of adu_deployment's options: update, start_date_time,
    device_group (seed API), rollback_policy and download_security (GA). Fields absent on the wire are None."""
    update = deployment.get('update_id')
    if update is None and isinstance(deployment.get('update'), dict):
        update = deployment['update'].get('update_id')
    view = {'update': update_id_of(update), 'start_date_time': deployment.get('start_date_time')}
    groups = deployment.get('device_group_definition')
    view['device_group'] = groups[0] if isinstance(groups, list) and len(groups) == 1 else groups
    policy = deployment.get('rollback_policy')
    if isinstance(policy, dict):
        failure = policy.get('failure') if isinstance(policy.get('failure'), dict) else {}
        policy_update = policy.get('update') if isinstance(policy.get('update'), dict) else {}
        view['rollback_policy'] = {
            'update': update_id_of(policy_update.get('update_id')),
            'failed_percentage': failure.get('devices_failed_percentage'),
            'failed_count': failure.get('devices_failed_count'),
        }
    else:
        view['rollback_policy'] = None
    view['download_security'] = deployment.get('download_security')
    return view
