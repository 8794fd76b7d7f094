# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""state present and absent: what a task declares, and a deployment created as declared, or canceled
where active and deleted. Loaded only by tasks with those states (see targets.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.adu.device_update.plugins.module_utils._core.api_versions import require
from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError, OptionError, WaitTimeout
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import update_option, validate_deployment_id
from ansible_collections.adu.device_update.plugins.module_utils._core.options import shown_value, validate_range
from ansible_collections.adu.device_update.plugins.module_utils._core.read_back import read_back
from ansible_collections.adu.device_update.plugins.module_utils._deployments.bodies import deployment_view
from ansible_collections.adu.device_update.plugins.module_utils._deployments.plan import (
    describe_differences,
    differences,
    instant,
    plan_presence,
)
from ansible_collections.adu.device_update.plugins.module_utils._deployments.settling import (
    settled,
    wait_until_settled,
)


def validate_start_date_time(value):
    """start_date_time: ISO 8601 with an offset, so that it means one instant wherever the task runs."""
    if instant(value) is None:
        raise OptionError('start_date_time', 'must be an ISO 8601 date and time with an offset, like '
                          '2026-11-25T08:00:00Z or 2026-11-25T09:00:00+01:00 (got %s)' % shown_value(value))
    return value


def declared_deployment(params, ga, api_version):
    """What state present declares, checked before any request: update, start_date_time, device_group
    (preview API), rollback_policy and download_security (GA API)."""
    if params.get('update') is None:
        raise OptionError('update', 'is required with state present: {provider, name, version} of the update to deploy')
    update = update_option(params['update'], 'update')
    if params.get('start_date_time') is not None:
        validate_start_date_time(params['start_date_time'])
    if params.get('device_class_id') is not None:
        raise OptionError('device_class_id', 'is not for state present: a deployment is created for the whole group '
                          '(group_id); the service splits it by device class')
    policy = params.get('rollback_policy')
    if ga:
        if params.get('device_group') is not None:
            raise OptionError('device_group', 'is for the 2020-09-01 preview API; on the GA API the group is group_id')
    else:
        if params.get('device_group') is None:
            raise OptionError('device_group', 'is required with state present on the 2020-09-01 preview API: the '
                              'device group the deployment targets (or give group_id for the GA API)')
        validate_deployment_id(params['device_group'], 'device_group')
        if policy is not None:
            raise OptionError('rollback_policy', 'is only on the GA API: give group_id as well')
    if policy is not None:
        policy = rollback_policy_option(policy)
    if params.get('download_security') is not None:
        require(api_version if ga else None, 'download_security', 'download_security')
    return {
        'update': update,
        'start_date_time': params.get('start_date_time'),
        'device_group': params.get('device_group'),
        'rollback_policy': policy,
        'download_security': params.get('download_security'),
    }


def rollback_policy_option(policy):
    """The rollback policy as the task gives it (failed_percentage, failed_count) or as a deployment returns
    it (failure: {devices_failed_percentage, devices_failed_count})."""
    failure = policy.get('failure') or {}
    thresholds = {}
    for short, long_name in (('failed_percentage', 'devices_failed_percentage'), ('failed_count', 'devices_failed_count')):
        if policy.get(short) is not None and failure.get(long_name) is not None:
            raise OptionError('rollback_policy.%s' % short, 'is given twice (also as rollback_policy.failure.%s)'
                              % long_name)
        thresholds[short] = policy.get(short) if policy.get(short) is not None else failure.get(long_name)
        if thresholds[short] is None:
            raise OptionError('rollback_policy.%s' % short, 'is required with rollback_policy (or give '
                              'rollback_policy.failure.%s, as a deployment returns it)' % long_name)
    validate_range('rollback_policy.failed_percentage', thresholds['failed_percentage'], (0, 100))
    validate_range('rollback_policy.failed_count', thresholds['failed_count'], (0, 2 ** 31))
    return dict(thresholds, update=update_option(policy['update'], 'rollback_policy.update'))


class PresenceService:
    """state present and absent: create a deployment as declared, or cancel (where still active) and delete it.

    target: a targets.py object (find, create, delete, describe); actions: its cancel service, for the
    cancel before a delete. Makes one read, then at most the writes the decision needs; a lost answer
    to a PUT or DELETE is settled by reading back, never by sending it again.
    """

    def __init__(self, target, actions, check_mode=False, warn=None):
        self.target = target
        self.actions = actions
        self.check_mode = check_mode
        self.warn = warn or (lambda text: None)

    def ensure(self, state, desired):
        deployment_id = desired.deployment_id
        name = self.target.describe(deployment_id)
        before = self.target.find(deployment_id)
        current = deployment_view(before) if before is not None else None
        decision = plan_presence(state, before, desired.declared, current, name)
        result = {'changed': decision.action is not None, 'msg': decision.msg, 'deployment': before or {}}
        if state == 'present' and before is not None and before['is_canceled']:
            self.warn('%s matches the task but is canceled: it will not roll out again; use a new deployment_id to '
                      'deploy' % name)
        after_view = _declared(desired.declared) if state == 'present' else {}
        result['diff'] = {'before': _shown_view(current), 'after': _shown_view(current) if decision.action is None
                          else after_view}
        if decision.action is None:
            if state == 'absent' and before is None:
                self._warn_missing_group(result)
            return result
        if self.check_mode:
            result['msg'] = decision.check_msg
            if decision.action == 'delete':
                result['msg'] += self._cancel_note(before)
            return result
        if decision.action == 'create':
            result['deployment'] = self._create(deployment_id, desired.declared)
            result['diff']['after'] = _shown_view(deployment_view(result['deployment']))
        else:
            note = self._cancel_note(before)
            if not before['is_canceled']:
                self.actions.cancel_first(desired, before)  # a failure stops before the DELETE
            self._delete(deployment_id)
            result['msg'] += note
            result['deployment'] = {}
        return result

    def _warn_missing_group(self, result):
        """A deployment absent from a group that does not exist either: most likely a typo in group_id, while the
        real deployment lives on in the right group."""
        group_id = self.target.missing_group()
        if group_id is not None:
            result['msg'] += '; group %s does not exist either' % group_id
            self.warn('group %s does not exist, so no deployment of it can be: check group_id (a typo leaves the '
                      'deployment running in its real group)' % group_id)

    def wait(self, result, state, desired, waiter):
        """present: poll the status until the rollout settles (devices targeted, none still installing);
        absent: read until the deployment is gone."""
        deployment_id = desired.deployment_id
        if state == 'present':
            return wait_until_settled(result, waiter, lambda: self.target.status(deployment_id),
                                      lambda status: settled(state, status), deployment_id)
        try:
            waiter.wait(lambda: self.target.find(deployment_id), lambda found: found is None,
                        self.target.describe(deployment_id))
        except WaitTimeout as exc:
            result['msg'] += '; %s, it is still there' % exc
            raise WaitTimeout(result['msg'], None, result)
        return None

    def _cancel_note(self, before):
        if before['is_canceled']:
            return ''
        return ' (canceled first)' if self.target.device_class_id or not before.get('device_class_subgroups') else \
            ' (its active subgroups canceled first)'

    def _create(self, deployment_id, declared):
        if not declared.get('start_date_time'):
            declared = dict(declared, start_date_time=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))
        try:
            answer = self.target.create(deployment_id, declared)
            diffs = differences(declared, deployment_view(answer))
            if not diffs:
                return answer
            # A 200 whose body is not what was declared is no proof: read back, never send it again.
            exc = AduError('creating %s: the service answered, but its answer does not show the deployment as declared '
                           '(%s)' % (self.target.describe(deployment_id), describe_differences(diffs)),
                           action_unknown=True)
        except AduError as error:
            if not error.action_unknown:
                raise
            exc = error
        return read_back(exc, lambda: self.target.find(deployment_id), lambda found: found is not None and not
                         differences(declared, deployment_view(found)), ' created as declared')

    def _delete(self, deployment_id):
        try:
            self.target.delete(deployment_id)
        except AduError as exc:
            if not exc.action_unknown:
                raise
            read_back(exc, lambda: self.target.find(deployment_id), lambda found: found is None, ' gone')


def _declared(declared):
    """The after side of --diff for a deployment the task creates: what it declares."""
    return _shown_view(dict((k, v) for k, v in (declared or {}).items() if v is not None))


def _shown_view(view):
    """A deployment_view() without the fields the deployment does not have, for --diff."""
    if not view:
        return {}
    return dict((k, v) for k, v in view.items() if v is not None)
