# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The GA API's targets: the deployments of a device group, or of one device-class subgroup of it, and
the service that cancels or retries a group deployment subgroup by subgroup. Loaded by targets.resolve_target
for tasks that give group_id.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError, PlanError, WaitTimeout
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import validate_ga_deployment_id
from ansible_collections.adu.device_update.plugins.module_utils._deployments.actions import ActionService
from ansible_collections.adu.device_update.plugins.module_utils._deployments.api_ga import GaApi, SubgroupView
from ansible_collections.adu.device_update.plugins.module_utils._deployments.plan import check_reachable
from ansible_collections.adu.device_update.plugins.module_utils._deployments.settling import (
    settled,
    wait_until_settled,
)
from ansible_collections.adu.device_update.plugins.module_utils._deployments.target_preview import (
    PreviewTarget,
    declared,
    in_state,
)


def group_target(connection, group_id, device_class_id=None, api_version=None):
    """The target of a GA task (options validated by the caller)."""
    return GroupTarget(connection.api(GaApi, group_id, api_version),
                       device_class_id)


class GroupTarget(PreviewTarget):
    """Deployments of a GA device group (/deviceUpdate/{instance}/management/groups/{group}/...), or of one
    device-class subgroup of it when device_class_id is given."""

    def __init__(self, api, device_class_id=None):
        super(GroupTarget, self).__init__(api)
        self.kind = 'subgroup' if device_class_id else 'group'
        self.group_id = api.group_id
        self.device_class_id = device_class_id

    @staticmethod
    def check_deployment_id(value, option='deployment_id'):
        return validate_ga_deployment_id(value, option)

    def describe(self, deployment_id):
        return SubgroupView(self.api, self.device_class_id).describe(deployment_id)

    def desired(self, params):
        return declared(params, True, self.api.api_version)

    def find(self, deployment_id):
        if self.device_class_id is None:
            return self.api.find_deployment(deployment_id)
        return self.api.find_deployment(deployment_id, self.device_class_id)

    def missing_group(self):
        return self.group_id if self.api.find_group() is None else None

    def status(self, deployment_id):
        """The group status (counts summed over its subgroups), or the one subgroup's."""
        return self.api.get_status(deployment_id, self.device_class_id)

    def delete(self, deployment_id):
        self.api.delete(deployment_id, self.device_class_id)

    def actions(self, check_mode):
        return GroupActionService(self.api, check_mode, self.device_class_id)

    def read(self, deployment_id, status_only=False):
        # The group deployment and the group status (one read covers every subgroup), also for one subgroup.
        result = {} if status_only else {'deployment': self.api.get_deployment(deployment_id)}
        result['status'] = self.api.get_status(deployment_id)
        result['subgroups'] = [
            {'device_class_id': s.get('device_class_id'), 'status': s} for s in result['status']['subgroup_status']
            if self.device_class_id in (None, s.get('device_class_id'))]
        return result

    def device_states(self, deployment_id, device_state, deployment, max_items=None):
        """The devices of each subgroup the group deployment names (or of the one subgroup asked for); max_items
        bounds them all together."""
        wanted = None if device_state == 'any' else device_state
        classes = [self.device_class_id] if self.device_class_id else deployment.get('device_class_subgroups') or []
        devices = []
        for device_class_id in classes:
            left = None if max_items is None else max_items - len(devices)
            devices.extend(self.api.device_states(deployment_id, device_class_id, wanted, left))
        # The service filters; this holds it to the filter it was given.
        return in_state(devices, device_state)

    def list_deployments(self):
        return self.api.list_deployments()


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

    def ensure(self, state, desired, before=None, cancel_first=False):
        """before: the group deployment when the caller has just read it; cancel_first: before a delete,
        where a deployment without subgroups has nothing to cancel."""
        deployment_id = desired.deployment_id
        group = before if before is not None else self.api.get_deployment(deployment_id)
        check_reachable(state, group)
        if not self.device_class_id and not group.get('device_class_subgroups') and not cancel_first:
            group = self._subgroups_of(deployment_id, group, state, desired.waiter)
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
        outcome = self.ensure('canceled', desired, before=None if self.device_class_id else before, cancel_first=True)
        if outcome['failed_subgroups']:
            raise AduError('%s; not deleted, since a subgroup could not be canceled first' % outcome['msg'])

    def _subgroups_of(self, deployment_id, group, state, waiter):
        """A group deployment the service has not split by device class yet has nothing to cancel or retry:
        never report that as done. With a waiter, read it again until its subgroups appear."""
        def refusal(why):
            return PlanError('deployment %s of group %s has no device-class subgroups %s: the service splits a new '
                             'deployment by device class shortly after it is created, so it was not %s; run the task '
                             'again shortly, or give wait: true to wait for its subgroups'
                             % (deployment_id, self.api.group_id, why, state), group)
        if waiter is None:
            raise refusal('yet')
        try:
            return waiter.wait(lambda: self.api.get_deployment(deployment_id),
                               lambda found: bool(found.get('device_class_subgroups')), 'deployment %s' % deployment_id)
        except WaitTimeout as exc:
            raise refusal('after waiting %s s' % exc.timeout)

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
        if acted or failed or not subgroups:
            msg = 'deployment %s: %s in %d of %d subgroup(s)' % (deployment_id, verb, len(acted), len(subgroups))
        elif state == 'canceled':  # a rerun: said as what it is, not as a count of nothing done
            msg = 'deployment %s: already canceled in all %d subgroup(s)' % (deployment_id, len(subgroups))
        else:
            skipped = [e['msg'] for e in subgroups if e['msg'].endswith('; skipped')]
            msg = 'deployment %s: no failed devices to retry in any of its %d subgroup(s)%s' % (
                deployment_id, len(subgroups), ' (%s)' % '; '.join(skipped) if skipped else '')
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
