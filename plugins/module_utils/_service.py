# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Services: read a deployment, decide with _plan, act once through the target's routes, confirm lost answers.

Every service has one shape, ensure(state, desired) -> result:
- ActionService cancels or retries one deployment unit: a preview deployment, or one GA subgroup
  (through SubgroupView);
- GroupActionService fans a GA group deployment out to its subgroups, each an ActionService;
- PresenceService creates a deployment as declared, or cancels (where active) and deletes it;
- DeploymentService is what adu_deployment's state asks of a target: presence or action.
Targets (_target) build them; nothing here asks which API it talks to.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.adu.device_update.plugins.module_utils._api import SubgroupView
from ansible_collections.adu.device_update.plugins.module_utils._errors import AduError, PlanError
from ansible_collections.adu.device_update.plugins.module_utils._plan import (
    check_reachable,
    differences,
    diff_flags,
    needs_status,
    plan,
    plan_presence,
    predicted_after,
    took_effect,
)
from ansible_collections.adu.device_update.plugins.module_utils._wire import deployment_view
from ansible_collections.adu.device_update.plugins.module_utils._waiter import settled, wait_until_settled


_EFFECT = {'cancel': 'canceled', 'retry': 'retried'}


class Desired:
    """What a task asks of one deployment: its id, force (retry without failed devices), and with state
    present what it declares (update, start_date_time, ...; see _options.desired_deployment)."""

    def __init__(self, deployment_id, force=False, declared=None):
        self.deployment_id = deployment_id
        self.force = force
        self.declared = declared


def read_back(exc, read, verdict, what=''):
    """After a write whose answer was lost or unclear: the task succeeds only if a read shows the write.

    verdict(found) is True (it shows), False (it does not) or None (a read cannot tell). The write is
    never sent again here: a rerun of the task reads first and acts only if needed anyway.
    """
    try:
        found = read()
    except AduError as read_exc:
        raise exc.add('; reading the deployment back to check failed too (%s)' % read_exc.message)
    effect = verdict(found)
    if effect:
        return found
    if effect is None:
        raise exc.add('; reading the deployment back cannot tell, since it was retried before: check its status '
                      'before running the task again')
    raise exc.add('; reading the deployment back does not show it%s (yet)' % what)


class ActionService:
    """Cancel or retry one deployment unit (PreviewApi, or SubgroupView for one GA subgroup).

    Makes exactly the calls the decision needs: one GET for a no-op cancel, GET+POST for a
    cancel, GET+GET(+POST) for a retry. Check mode stops before the POST.
    """

    def __init__(self, unit, check_mode=False):
        self.unit = unit
        self.check_mode = check_mode

    def ensure(self, state, desired, before=None):
        """Bring the deployment to `state`; `before`: the deployment when the caller has just read it."""
        deployment_id = desired.deployment_id
        before = before if before is not None else self.unit.get_deployment(deployment_id)
        status = self.unit.get_status(deployment_id) if needs_status(state, before) else None
        decision = plan(state, before, status, desired.force, self.unit.describe(deployment_id))
        result = {'changed': decision.action is not None, 'msg': decision.msg, 'deployment': before}
        if status is not None:
            result['status'] = status
        if decision.action is None:
            result['diff'] = diff_flags(before, before)
            return result
        if self.check_mode:
            result['msg'] = decision.check_msg
            result['diff'] = diff_flags(before, predicted_after(before, decision.action))
            return result
        after, unclear = self._act(deployment_id, decision.action, before)
        if unclear is not None:
            after = read_back(unclear, lambda: self.unit.get_deployment(deployment_id),
                              lambda found: took_effect(decision.action, before, found))
            result['msg'] += ' (the answer was lost or unclear; reading the deployment back confirmed it)'
        result['deployment'] = after
        result['diff'] = diff_flags(before, after)
        return result

    def _act(self, deployment_id, action, before):
        """The POST, once: (the deployment it answered, None), or (None, the error) when its outcome is unknown."""
        try:
            after = self.unit.act(deployment_id, action)
        except AduError as exc:
            if not exc.action_unknown:
                raise
            return None, exc
        if took_effect(action, before, after) is False:
            # A 200 whose body does not show the action is not trusted: read back, never resend.
            return None, AduError('%s of %s: the service answered, but its answer does not show the deployment %s'
                                  % (action, self.unit.describe(deployment_id), _EFFECT[action]), action_unknown=True)
        return after, None

    def cancel_first(self, desired, before):
        """Before a delete: cancel it where still active, exactly as state canceled would."""
        self.ensure('canceled', desired, before=before)

    def wait(self, result, state, desired, waiter):
        """After ensure(): poll the status until it settles (see settled())."""
        return wait_until_settled(result, waiter, lambda: self.unit.get_status(desired.deployment_id),
                                  lambda status: settled(state, status), desired.deployment_id)


class GroupActionService:
    """A GA group deployment: cancel/retry each device-class subgroup, each decided on its own.

    There is no group-level cancel or retry in the GA API. Each subgroup goes through the same
    ActionService as a preview deployment (via SubgroupView), so one POST per subgroup that needs it,
    never one more; a failing subgroup does not stop the others. device_class_id: only that subgroup.
    """

    def __init__(self, api, check_mode=False, device_class_id=None):
        self.api = api
        self.check_mode = check_mode
        self.device_class_id = device_class_id

    def ensure(self, state, desired, before=None):
        """before: the group deployment when the caller has just read it."""
        deployment_id = desired.deployment_id
        group = before if before is not None else self.api.get_deployment(deployment_id)
        check_reachable(state, group)
        classes = [self.device_class_id] if self.device_class_id else list(group.get('device_class_subgroups') or [])
        subgroups, failed = [], []
        for dc in classes:
            entry = {'device_class_id': dc, 'changed': False}
            try:
                result = ActionService(SubgroupView(self.api, dc), self.check_mode).ensure(state, desired)
                entry.update(changed=result['changed'], msg=result['msg'], deployment=result['deployment'],
                             diff=result['diff'])
                if 'status' in result:
                    entry['status'] = result['status']
            except PlanError as exc:
                if self.device_class_id:
                    raise  # the one subgroup asked for cannot be retried: as for a preview deployment
                entry.update(msg='%s; skipped' % exc, deployment=exc.deployment)
            except AduError as exc:
                entry.update(error=exc.entry(), msg=exc.message)
                failed.append(entry)
            subgroups.append(entry)
        return self._summary(deployment_id, state, group, subgroups, failed)

    def cancel_first(self, desired, before):
        """Before a delete: cancel every subgroup still active (or the one subgroup); none may fail."""
        outcome = self.ensure('canceled', desired, before=None if self.device_class_id else before)
        if outcome['failed_subgroups']:
            raise AduError('%s; not deleted, since a subgroup could not be canceled first' % outcome['msg'])

    def wait(self, result, state, desired, waiter):
        """After ensure(): poll the group status (one read covers every subgroup) until settled."""
        def all_settled(status):
            wanted = [s for s in status['subgroup_status'] if self.device_class_id in (None, s.get('device_class_id'))]
            return all(settled(state, s) for s in wanted)
        status = wait_until_settled(result, waiter, lambda: self.api.get_status(desired.deployment_id), all_settled,
                                    desired.deployment_id)
        by_class = dict((s.get('device_class_id'), s) for s in status['subgroup_status'])
        for entry in result['subgroups']:
            entry['status'] = by_class.get(entry['device_class_id'], entry.get('status'))
        return status

    def _summary(self, deployment_id, state, group, subgroups, failed):
        acted = [e['device_class_id'] for e in subgroups if e['changed']]
        verb = 'would be ' + state if self.check_mode else state
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


class PresenceService:
    """state present and absent: create a deployment as declared, or cancel (where still active) and delete it.

    target: a _target object (find, create, delete, describe); actions: its cancel service, for the
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

    def _cancel_note(self, before):
        if before['is_canceled']:
            return ''
        return ' (canceled first)' if self.target.device_class_id or not before.get('device_class_subgroups') else \
            ' (its active subgroups canceled first)'

    def _create(self, deployment_id, declared):
        if not declared.get('start_date_time'):
            declared = dict(declared, start_date_time=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))
        try:
            return self.target.create(deployment_id, declared)
        except AduError as exc:
            if not exc.action_unknown:
                raise
            return read_back(exc, lambda: self.target.find(deployment_id), lambda found: found is not None and not
                             differences(declared, deployment_view(found)), ' created as declared')

    def _delete(self, deployment_id):
        try:
            self.target.delete(deployment_id)
        except AduError as exc:
            if not exc.action_unknown:
                raise
            read_back(exc, lambda: self.target.find(deployment_id), lambda found: found is None, ' gone')


class DeploymentService:
    """adu_deployment's states on one target: present/absent through presence, canceled/retried through actions."""

    def __init__(self, actions, presence):
        self.actions = actions
        self.presence = presence

    def ensure(self, state, desired):
        if state in ('present', 'absent'):
            return self.presence.ensure(state, desired)
        return self.actions.ensure(state, desired)

    def wait(self, result, state, desired, waiter):
        return self.actions.wait(result, state, desired, waiter)


def _declared(declared):
    """The after side of --diff for a deployment the task creates: what it declares."""
    return _shown_view(dict((k, v) for k, v in (declared or {}).items() if v is not None))


def _shown_view(view):
    """A deployment_view() without the fields the deployment does not have, for --diff."""
    if not view:
        return {}
    return dict((k, v) for k, v in view.items() if v is not None)
