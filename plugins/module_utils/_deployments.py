# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure decisions about a deployment: normalise what the service sent, decide what to do.

Nothing here does I/O, so check mode and a real run share one decision and the
decision table can be unit tested without HTTP or Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import namedtuple

from ansible_collections.adu.device_update.plugins.module_utils._client import AduError

STATES = ('canceled', 'retried')

# Known wire names, matched case-insensitively: the seed page says PascalCase,
# the service sends camelCase, and the service sends isRetry where the swagger says isRetried.
_KNOWN_KEYS = {
    'deploymentid': 'deployment_id',
    'deploymenttype': 'deployment_type',
    'deviceclassid': 'device_class_id',
    'devicegrouptype': 'device_group_type',
    'devicegroupdefinition': 'device_group_definition',
    'startdatetime': 'start_date_time',
    'enddatetime': 'end_date_time',
    'contentid': 'content_id',
    'updateid': 'update_id',
    'iscanceled': 'is_canceled',
    'iscompleted': 'is_completed',
    'isretry': 'is_retried',
    'isretried': 'is_retried',
    'groupid': 'group_id',
    'deviceclasssubgroups': 'device_class_subgroups',
    'iscloudinitiatedrollback': 'is_cloud_initiated_rollback',
    'rollbackpolicy': 'rollback_policy',
    'deploymentstate': 'deployment_state',
    'totaldevices': 'total_devices',
    'devicesincompatiblecount': 'devices_incompatible_count',
    'devicesalreadyindeploymentcount': 'devices_already_in_deployment_count',
    'devicesinprogresscount': 'devices_in_progress_count',
    'devicescompletedfailedcount': 'devices_completed_failed_count',
    'devicescompletedsucceededcount': 'devices_completed_succeeded_count',
    'devicescanceledcount': 'devices_canceled_count',
    'subgroupstatus': 'subgroup_status',
    'traceid': 'trace_id',
}

_DEPLOYMENT_FLAGS = ('is_canceled', 'is_retried', 'is_completed')
_STATUS_COUNTS = (
    'total_devices', 'devices_incompatible_count', 'devices_already_in_deployment_count',
    'devices_in_progress_count', 'devices_completed_failed_count',
    'devices_completed_succeeded_count', 'devices_canceled_count',
)


def snake_key(key):
    """Ansible-style name for a wire key: known names by lower case, others camel -> snake."""
    known = _KNOWN_KEYS.get(key.lower())
    if known:
        return known
    snake = re.sub(r'(?<=[a-z0-9])([A-Z])', r'_\1', key)
    snake = re.sub(r'([A-Z]+)([A-Z][a-z])', r'\1_\2', snake)
    return snake.replace('-', '_').lower()


def snake_dict(value):
    """Recursively convert wire keys of dicts (and dicts inside lists) to snake_case."""
    if isinstance(value, dict):
        return dict((snake_key(k), snake_dict(v)) for k, v in value.items())
    if isinstance(value, list):
        return [snake_dict(item) for item in value]
    return value


def _as_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() == 'true'
    return bool(value)


def normalize_deployment(raw):
    """A Deployment as the rest of the collection sees it: snake_case, flags always present."""
    deployment = snake_dict(raw or {})
    for flag in _DEPLOYMENT_FLAGS:
        deployment[flag] = _as_bool(deployment.get(flag, False))
    return deployment


def normalize_status(raw):
    """A deployment status: snake_case, device counts always present as integers."""
    status = snake_dict(raw or {})
    for count in _STATUS_COUNTS:
        try:
            status[count] = int(status.get(count) or 0)
        except (TypeError, ValueError):
            status[count] = 0
    return status


class PlanError(Exception):
    """The requested state cannot be reached from what was read; nothing may be sent."""

    def __init__(self, message, deployment=None):
        super(PlanError, self).__init__(message)
        self.deployment = deployment


Plan = namedtuple('Plan', ['action', 'msg', 'check_msg'])
"""action: None (nothing to do), 'cancel' or 'retry'; msg: one line for the result;
check_msg: the same line in check mode, where the action is not sent."""


def _noop(msg):
    return Plan(None, msg, msg)


def needs_status(state, deployment):
    """Whether deciding `state` needs the deployment's status as well as the deployment."""
    return state == 'retried' and not deployment['is_canceled']


def plan(state, deployment, status=None, force=False, label='deployment'):
    """Decide the action that brings `deployment` to `state`.

    `deployment` and `status` are normalised. Raises PlanError when the state cannot be
    reached (retrying a canceled deployment), before anything is sent.
    """
    name = '%s %s' % (label, deployment.get('deployment_id', '?'))
    if state == 'canceled':
        if deployment['is_canceled']:
            return _noop('%s is already canceled' % name)
        return Plan('cancel', '%s canceled' % name, '%s would be canceled (check mode)' % name)
    if state == 'retried':
        if deployment['is_canceled']:
            raise PlanError(
                '%s is canceled and cannot be retried: a canceled deployment cannot be '
                're-activated; create a new deployment instead' % name, deployment)
        if status is None:
            raise ValueError('plan(retried) needs the deployment status')
        failed = status['devices_completed_failed_count']
        if failed:
            why = 'on %d failed device(s)' % failed
        elif force:
            why = 'with force, although its status shows no failed devices'
        else:
            return _noop('%s has no failed devices to retry' % name)
        return Plan('retry', '%s retried %s' % (name, why), '%s would be retried %s (check mode)' % (name, why))
    raise ValueError('unknown state %r' % (state,))


def took_effect(action, before, after):
    """Whether a re-read deployment shows the action: True, False, or None when it cannot tell.

    A retry of a deployment already retried before cannot be told apart from no retry at all.
    """
    if action == 'cancel':
        return bool(after['is_canceled'])
    if after['is_retried'] and not before['is_retried']:
        return True
    return None if before['is_retried'] else False


def predicted_after(deployment, action):
    """The deployment flags a real run would produce; check mode reports these in the diff."""
    after = dict(deployment)
    if action == 'cancel':
        after['is_canceled'] = True
    elif action == 'retry':
        after['is_retried'] = True
    return after


def diff_flags(before, after):
    """The part of a deployment --diff shows: the flags an action changes."""
    keys = ('is_canceled', 'is_retried')
    return {
        'before': dict((k, before.get(k, False)) for k in keys),
        'after': dict((k, after.get(k, False)) for k in keys),
    }


class DeploymentService:
    """Reads, decides with plan() and acts through an API object (SeedApi, later GaApi).

    Makes exactly the calls the decision needs: one GET for a no-op cancel, GET+POST for a
    cancel, GET+GET(+POST) for a retry. Check mode stops before the POST.
    """

    def __init__(self, api):
        self.api = api

    def ensure(self, deployment_id, state, force=False, check_mode=False):
        before = self.api.get_deployment(deployment_id)
        status = self.api.get_status(deployment_id) if needs_status(state, before) else None
        decision = plan(state, before, status, force)
        result = {'changed': decision.action is not None, 'msg': decision.msg,
                  'deployment': before, 'action': decision.action}
        if status is not None:
            result['status'] = status
        if decision.action is None:
            result['diff'] = diff_flags(before, before)
            return result
        if check_mode:
            result['msg'] = decision.check_msg
            result['diff'] = diff_flags(before, predicted_after(before, decision.action))
            return result
        try:
            after = self.api.act(deployment_id, decision.action)
        except AduError as exc:
            if not exc.action_unknown:
                raise
            after = self._confirm(deployment_id, decision.action, before, exc)
            result['msg'] += ' (the response was lost; reading the deployment back confirmed it)'
        result['deployment'] = after
        result['diff'] = diff_flags(before, after)
        return result

    def _confirm(self, deployment_id, action, before, exc):
        """After a cancel/retry whose outcome is unknown, read the deployment back.

        The action is never sent again here: cancel would be harmless, but a second retry is
        not, and a rerun of the task reads first and acts only if needed anyway.
        """
        try:
            after = self.api.get_deployment(deployment_id)
        except AduError as read_exc:
            exc.message += '; reading the deployment back to check failed too (%s)' % read_exc.message
            raise exc
        effect = took_effect(action, before, after)
        if effect:
            return after
        if effect is None:
            exc.message += ('; reading the deployment back cannot tell, since it was retried before: '
                            'check its status before running the task again')
        else:
            exc.message += '; reading the deployment back does not show it (yet)'
        exc.args = (exc.message,)
        raise exc
