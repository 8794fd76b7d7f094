# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure decisions about a deployment: what brings it to the wanted state.

Nothing here does I/O, so check mode and a real run share one decision and the decision table can
be unit tested without HTTP or Ansible. Inputs are normalised by the wire layer (_wire).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

STATES = ('canceled', 'retried')


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
