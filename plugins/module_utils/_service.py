# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Services: read a deployment, decide with _plan, act through an API object, confirm lost answers.

DeploymentService serves a seed deployment and one GA subgroup alike (through SubgroupView);
GroupDeploymentService fans a GA group deployment out to its subgroups.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.adu.device_update.plugins.module_utils._api import describe_subgroup
from ansible_collections.adu.device_update.plugins.module_utils._client import AduError
from ansible_collections.adu.device_update.plugins.module_utils._plan import (
    PlanError,
    differences,
    diff_flags,
    needs_status,
    plan,
    plan_presence,
    predicted_after,
    took_effect,
)
from ansible_collections.adu.device_update.plugins.module_utils._wire import DEVICE_STATES, deployment_view
from ansible_collections.adu.device_update.plugins.module_utils._waiter import settled, wait_until_settled


_EFFECT = {'cancel': 'canceled', 'retry': 'retried'}


class DeploymentService:
    """Reads, decides with plan() and acts through an API object (SeedApi, later GaApi).

    Makes exactly the calls the decision needs: one GET for a no-op cancel, GET+POST for a
    cancel, GET+GET(+POST) for a retry. Check mode stops before the POST.
    """

    def __init__(self, api):
        self.api = api

    def ensure(self, deployment_id, state, force=False, check_mode=False, before=None):
        """Bring the deployment to `state`; `before`: the deployment when the caller has just read it."""
        before = before if before is not None else self.api.get_deployment(deployment_id)
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
            if took_effect(decision.action, before, after) is False:
                # A 200 whose body does not show the action is not trusted: read back, never resend.
                raise AduError('%s of %s: the service answered, but its answer does not show the deployment %s' % (
                    decision.action, self.api.describe(deployment_id), _EFFECT[decision.action]),
                    action_unknown=True)
        except AduError as exc:
            if not exc.action_unknown:
                raise
            after = self._confirm(deployment_id, decision.action, before, exc)
            result['msg'] += ' (the answer was lost or unclear; reading the deployment back confirmed it)'
        result['deployment'] = after
        result['diff'] = diff_flags(before, after)
        return result

    def wait(self, result, deployment_id, state, waiter):
        """After ensure(): poll the status until it settles (see settled())."""
        return wait_until_settled(result, waiter, lambda: self.api.get_status(deployment_id),
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

    def ensure(self, deployment_id, state, force=False, check_mode=False, device_class_id=None, group=None):
        group = group if group is not None else self.api.get_deployment(deployment_id)
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
        status = wait_until_settled(result, waiter, lambda: self.api.get_status(deployment_id), all_settled,
                                    deployment_id)
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


def read_deployment(api, deployment_id, group=False, device_class_id=None):
    """What adu_deployment_info returns for one deployment: two reads on either API."""
    result = {'deployment': api.get_deployment(deployment_id), 'status': api.get_status(deployment_id)}
    if group:
        result['subgroups'] = [
            {'device_class_id': s.get('device_class_id'), 'status': s}
            for s in result['status']['subgroup_status'] if device_class_id in (None, s.get('device_class_id'))]
    return result


class PresenceService:
    """state present and absent: create a deployment as declared, or cancel (where still active) and delete it.

    api: SeedApi, or GaApi for a group deployment (or one subgroup's, with device_class_id, for absent).
    Makes one read, then at most the writes the decision needs; a lost answer to a PUT or DELETE is
    settled by reading back, never by sending it again.
    """

    def __init__(self, api, cancel_service):
        self.api = api
        self.cancel_service = cancel_service  # a DeploymentService or GroupDeploymentService on the same target

    def _name(self, deployment_id, device_class_id=None):
        return self.api.describe(deployment_id) if device_class_id is None else describe_subgroup(
            deployment_id, device_class_id)

    def _find(self, deployment_id, device_class_id):
        if device_class_id is None:
            return self.api.find_deployment(deployment_id)
        return self.api.find_deployment(deployment_id, device_class_id)

    def ensure(self, deployment_id, state, desired=None, check_mode=False, device_class_id=None):
        name = self._name(deployment_id, device_class_id)
        before = self._find(deployment_id, device_class_id)
        current = deployment_view(before) if before is not None else None
        decision = plan_presence(state, before, desired, current, name)
        result = {'changed': decision.action is not None, 'msg': decision.msg, 'deployment': before or {}}
        if state == 'present' and before is not None and before['is_canceled']:
            result['warning'] = ('%s matches the task but is canceled: it will not roll out again; use a new '
                                 'deployment_id to deploy' % name)
        after_view = _declared(desired) if state == 'present' else {}
        result['diff'] = {'before': _shown_view(current), 'after': _shown_view(current) if decision.action is None
                          else after_view}
        if decision.action is None:
            return result
        if check_mode:
            result['msg'] = decision.check_msg
            if decision.action == 'delete':
                result['msg'] += self._cancel_note(before, device_class_id)
            return result
        if decision.action == 'create':
            result['deployment'] = self._create(deployment_id, desired)
            result['diff']['after'] = _shown_view(deployment_view(result['deployment']))
        else:
            note = self._cancel_note(before, device_class_id)
            self._cancel_first(deployment_id, before, device_class_id)
            self._delete(deployment_id, device_class_id)
            result['msg'] += note
            result['deployment'] = {}
        return result

    @staticmethod
    def _cancel_note(before, device_class_id):
        if before['is_canceled']:
            return ''
        return ' (canceled first)' if device_class_id or not before.get('device_class_subgroups') else \
            ' (its active subgroups canceled first)'

    def _cancel_first(self, deployment_id, before, device_class_id):
        """Cancel what is still active, exactly as state canceled would; a failure stops before the DELETE."""
        if before['is_canceled']:
            return
        if isinstance(self.cancel_service, GroupDeploymentService):
            outcome = self.cancel_service.ensure(deployment_id, 'canceled', device_class_id=device_class_id,
                                                 group=None if device_class_id else before)
            if outcome['failed_subgroups']:
                raise AduError('%s; not deleted, since a subgroup could not be canceled first' % outcome['msg'])
        else:
            self.cancel_service.ensure(deployment_id, 'canceled', before=before)

    def _create(self, deployment_id, desired):
        if not desired.get('start_date_time'):
            desired = dict(desired, start_date_time=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))
        try:
            return self.api.create(deployment_id, desired)
        except AduError as exc:
            if not exc.action_unknown:
                raise
            return self._read_back(exc, lambda found: found is not None and not differences(
                desired, deployment_view(found)), deployment_id, None, 'created as declared')

    def _delete(self, deployment_id, device_class_id):
        try:
            if device_class_id is None:
                self.api.delete(deployment_id)
            else:
                self.api.delete(deployment_id, device_class_id)
        except AduError as exc:
            if not exc.action_unknown:
                raise
            self._read_back(exc, lambda found: found is None, deployment_id, device_class_id, 'gone')

    def _read_back(self, exc, shows, deployment_id, device_class_id, what):
        """After a PUT or DELETE whose answer was lost: the task succeeds only if a read shows it happened."""
        try:
            found = self._find(deployment_id, device_class_id)
        except AduError as read_exc:
            exc.message += '; reading the deployment back to check failed too (%s)' % read_exc.message
            exc.args = (exc.message,)
            raise exc
        if shows(found):
            return found
        exc.message += '; reading the deployment back does not show it %s (yet)' % what
        exc.args = (exc.message,)
        raise exc


def _declared(desired):
    """The after side of --diff for a deployment the task creates: what it declares."""
    return _shown_view(dict((k, v) for k, v in (desired or {}).items() if v is not None))


def _shown_view(view):
    """A deployment_view() without the fields the deployment does not have, for --diff."""
    if not view:
        return {}
    return dict((k, v) for k, v in view.items() if v is not None)


def read_device_states(api, deployment_id, device_state, classes=None):
    """Every device of a deployment in device_state ('any' for all), following the service's pages.

    classes: on the GA API, the device classes whose subgroups to read (the group deployment names them);
    None on the seed API.
    """
    wanted = None if device_state == 'any' else device_state
    if classes is None:
        devices = api.device_states(deployment_id)
    else:
        devices = []
        for device_class_id in classes:
            devices.extend(api.device_states(deployment_id, device_class_id, wanted))
    # The seed API cannot filter; on the GA API this holds the service to the filter it was given.
    return [d for d in devices if wanted is None or d['device_state'] == wanted]


DEVICE_STATE_CHOICES = DEVICE_STATES + ('any',)
