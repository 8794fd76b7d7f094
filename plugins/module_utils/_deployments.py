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
import time
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


def plan(state, deployment, status=None, force=False, name=None):
    """Decide the action that brings `deployment` to `state`.

    `deployment` and `status` are normalised. Raises PlanError when the state cannot be
    reached (retrying a canceled deployment), before anything is sent.
    """
    name = name or 'deployment %s' % deployment.get('deployment_id', '?')
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
        decision = plan(state, before, status, force, self.api.describe(deployment_id))
        result = {'changed': decision.action is not None, 'msg': decision.msg, 'deployment': before}
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

    def wait(self, result, deployment_id, state, waiter):
        """After ensure(): poll the status until it settles (see settled())."""
        return _wait(result, waiter, lambda: self.api.get_status(deployment_id),
                     lambda status: settled(state, status), deployment_id)

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


def error_entry(exc):
    """What a failed call of one subgroup returns in subgroups[].error."""
    entry = dict(exc.to_result()['error'] or {}, msg=exc.message, status_code=exc.status_code)
    if exc.action_unknown:
        entry['action_may_have_happened'] = True
    return entry


class GroupDeploymentService:
    """A GA group deployment: cancel/retry each device-class subgroup, each decided on its own.

    There is no group-level cancel or retry in the GA API. Each subgroup goes through the
    same DeploymentService as a seed deployment (via SubgroupView), so one POST per subgroup
    that needs it, never one more; a failing subgroup does not stop the others.
    """

    def __init__(self, api, subgroup_view):
        self.api = api
        self.subgroup_view = subgroup_view  # (api, device_class_id) -> an API object for one subgroup

    def ensure(self, deployment_id, state, force=False, check_mode=False, device_class_id=None):
        group = self.api.get_deployment(deployment_id)
        if state == 'retried' and group['is_canceled']:
            plan(state, group)  # raises PlanError: a canceled deployment cannot be retried
        classes = [device_class_id] if device_class_id else list(group.get('device_class_subgroups') or [])
        subgroups, failed = [], []
        for dc in classes:
            entry = {'device_class_id': dc, 'changed': False}
            try:
                result = DeploymentService(self.subgroup_view(self.api, dc)).ensure(
                    deployment_id, state, force, check_mode)
                entry.update(changed=result['changed'], msg=result['msg'], deployment=result['deployment'],
                             diff=result['diff'])
                if 'status' in result:
                    entry['status'] = result['status']
            except PlanError as exc:
                if device_class_id:
                    raise  # the one subgroup asked for cannot be retried: as for a seed deployment
                entry.update(msg='%s; skipped' % exc, deployment=exc.deployment)
            except AduError as exc:
                entry.update(error=error_entry(exc), msg=exc.message)
                failed.append(entry)
            subgroups.append(entry)
        return self._summary(deployment_id, state, group, subgroups, failed, check_mode)

    def wait(self, result, deployment_id, state, waiter, device_class_id=None):
        """After ensure(): poll the group status (one read covers every subgroup) until settled."""
        def all_settled(status):
            wanted = [s for s in status['subgroup_status'] if device_class_id in (None, s.get('device_class_id'))]
            return all(settled(state, s) for s in wanted)
        status = _wait(result, waiter, lambda: self.api.get_status(deployment_id), all_settled, deployment_id)
        by_class = dict((s.get('device_class_id'), s) for s in status['subgroup_status'])
        for entry in result['subgroups']:
            entry['status'] = by_class.get(entry['device_class_id'], entry.get('status'))
        return status

    @staticmethod
    def _summary(deployment_id, state, group, subgroups, failed, check_mode):
        acted = [e['device_class_id'] for e in subgroups if e['changed']]
        verb = 'would be ' + state if check_mode else state
        msg = 'deployment %s: %s in %d of %d subgroup(s)' % (deployment_id, verb, len(acted), len(subgroups))
        if acted:
            msg += ' (%s)' % ', '.join(acted)
        if failed:
            done = [e['device_class_id'] for e in subgroups if 'error' not in e]
            why = '; '.join('%s: %s' % (e['device_class_id'], e['msg']) for e in failed)
            msg += ('; FAILED in %s; succeeded or nothing to do in %s; run the task again to finish: it only '
                    'touches what is left' % (why, ', '.join(done) or 'none'))
        diff = {'before': {}, 'after': {}}
        for entry in subgroups:
            for side in ('before', 'after'):
                if 'diff' in entry:
                    diff[side][entry['device_class_id']] = entry['diff'][side]
            entry.pop('diff', None)
        return {'changed': bool(acted), 'msg': msg, 'deployment': group, 'subgroups': subgroups,
                'failed_subgroups': [e['device_class_id'] for e in failed], 'diff': diff}


def settled(state, status):
    """Whether a deployment (or subgroup) status has come to rest after state was applied."""
    if state == 'canceled':
        return status.get('deployment_state') == 'Canceled' or not status['devices_in_progress_count']
    return not status['devices_in_progress_count']


class Waiter:
    """Polls a status until it settles, at an interval that respects the API's read limits."""

    def __init__(self, timeout, interval, clock=time.time, sleep=time.sleep):
        self.timeout = timeout
        self.interval = interval
        self.clock = clock
        self.sleep = sleep

    def wait(self, read, is_settled, what):
        """read() -> status until is_settled(status); raises WaitTimeout with the last status."""
        deadline = self.clock() + self.timeout
        while True:
            status = read()
            if is_settled(status):
                return status
            if self.clock() + self.interval > deadline:
                raise WaitTimeout('%s did not settle within %s s' % (what, self.timeout), status)
            self.sleep(self.interval)


class WaitTimeout(Exception):
    """The status did not settle in time; `result` is the task result to fail with."""

    def __init__(self, message, status, result=None):
        super(WaitTimeout, self).__init__(message)
        self.status = status
        self.result = result


def _wait(result, waiter, read, is_settled, deployment_id):
    """Poll until settled; the final status goes into result, a timeout carries the last one."""
    try:
        result['status'] = waiter.wait(read, is_settled, 'deployment %s' % deployment_id)
    except WaitTimeout as exc:
        result.update(status=exc.status, msg='%s; %s, last status: %s' % (result['msg'], exc, exc.status))
        exc.result = result
        raise
    return result['status']


def read_deployment(api, deployment_id, group=False, device_class_id=None):
    """What adu_deployment_info returns for one deployment: two reads on either API."""
    result = {'deployment': api.get_deployment(deployment_id), 'status': api.get_status(deployment_id)}
    if group:
        result['subgroups'] = [
            {'device_class_id': s.get('device_class_id'), 'status': s}
            for s in result['status']['subgroup_status'] if device_class_id in (None, s.get('device_class_id'))]
    return result
