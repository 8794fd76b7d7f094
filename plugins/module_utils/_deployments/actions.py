# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cancel and retry: read a deployment, decide with plan, act once through the target's routes, confirm lost
answers by reading back."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError
from ansible_collections.adu.device_update.plugins.module_utils._deployments.plan import (
    diff_flags,
    needs_status,
    plan,
    predicted_after,
    took_effect,
)

_EFFECT = {'cancel': 'canceled', 'retry': 'retried'}


class Desired:
    """What a task asks of one deployment: its id, force (retry without failed devices), and with state
    present what it declares (update, start_date_time, ...; see presence.declared_deployment)."""

    def __init__(self, deployment_id, force=False, declared=None, waiter=None):
        self.deployment_id = deployment_id
        self.force = force
        self.declared = declared
        # The task's Waiter when it asked to wait: also for what must exist before acting (GA subgroups).
        self.waiter = waiter


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
            # Imported here, to spare every other task the start-up cost: only a lost or unclear answer is read back.
            from ansible_collections.adu.device_update.plugins.module_utils._core.read_back import read_back  # pylint: disable=import-outside-toplevel
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
        """After ensure(): poll the status until it settles (see settling.settled())."""
        # Imported here, to spare every other task the start-up cost: only a task that waits needs it.
        from ansible_collections.adu.device_update.plugins.module_utils._deployments.settling import (  # pylint: disable=import-outside-toplevel
            settled,
            wait_until_settled,
        )
        return wait_until_settled(result, waiter, lambda: self.unit.get_status(desired.deployment_id),
                                  lambda status: settled(state, status), desired.deployment_id)
