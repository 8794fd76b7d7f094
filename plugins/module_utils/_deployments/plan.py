# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure decisions about a deployment: what brings it to the wanted state (cancel, retry, create, delete).

Nothing here does I/O, so check mode and a real run share one decision and the decision table can
be unit tested without HTTP or Ansible. Inputs are normalised by the wire layer (wire.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import PlanError
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import shown

STATES = ('canceled', 'retried', 'present', 'absent')
# Other spellings a task may give, and the state each means.
STATE_ALIASES = {'cancelled': 'canceled'}
# The state option's choices, each alias after the state it names.
STATE_CHOICES = tuple(c for state in STATES for c in (state,) + tuple(a for a, s in STATE_ALIASES.items() if s == state))
# ISO 8601 date and time with an offset, fractions of any length (the service sends 7 digits).
_INSTANT = r'(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})'
_DAYS_BEFORE_MONTH = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


class Plan:
    """action: None (nothing to do), 'cancel', 'retry', 'create' or 'delete'; msg: one line for the result;
    check_msg: the same line in check mode, where the action is not sent."""

    def __init__(self, action, msg, check_msg):
        self.action = action
        self.msg = msg
        self.check_msg = check_msg


def _noop(msg):
    return Plan(None, msg, msg)


def needs_status(state, deployment):
    """Whether deciding `state` needs the deployment's status as well as the deployment."""
    return state == 'retried' and not deployment['is_canceled']


def check_reachable(state, deployment, name=None):
    """Raise PlanError when `state` cannot be reached from `deployment` at all: a canceled deployment
    cannot be retried (it cannot be re-activated). For a GA group deployment this is asked once of the
    group, before any subgroup is read."""
    if state == 'retried' and deployment['is_canceled']:
        raise PlanError(
            '%s is canceled and cannot be retried: a canceled deployment cannot be '
            're-activated; create a new deployment instead' % (name or _name(deployment)), deployment)


def _name(deployment):
    return 'deployment %s' % deployment.get('deployment_id', '?')


def plan(state, deployment, status=None, force=False, name=None):
    """Decide the action (cancel or retry) that brings `deployment` to `state`.

    `deployment` and `status` are normalised. Raises PlanError when the state cannot be
    reached (retrying a canceled deployment), before anything is sent.
    """
    name = name or _name(deployment)
    check_reachable(state, deployment, name)
    if state == 'canceled':
        if deployment['is_canceled']:
            return _noop('%s is already canceled' % name)
        return Plan('cancel', '%s canceled' % name, '%s would be canceled (check mode)' % name)
    if state == 'retried':
        if status is None:
            raise ValueError('plan(retried) needs the deployment status')
        failed = status['devices_completed_failed_count'] or 0
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


def instant(value):
    """A point in time from ISO 8601 with an offset, as 100-nanosecond ticks since 1970 UTC; None if
    it is not one. `...5770502Z` and `...5770502+00:00` are the same instant."""
    match = re.fullmatch(_INSTANT, value.strip()) if isinstance(value, str) else None  # compiled at first use
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 61):
        return None
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (year - 1970) * 365 + _leap_days(year) + _DAYS_BEFORE_MONTH[month - 1] + (1 if leap and month > 2 else 0)
    seconds = (days + day - 1) * 86400 + hour * 3600 + minute * 60 + second
    offset = match.group(8)
    if offset not in ('Z', 'z'):
        sign = -1 if offset[0] == '-' else 1
        digits = offset[1:].replace(':', '')
        seconds -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    fraction = (match.group(7) or '').ljust(7, '0')[:7]
    return seconds * 10 ** 7 + int(fraction)


def _leap_days(year):
    """Leap days between 1970-01-01 and the first day of year."""
    def before(y):
        y -= 1
        return y // 4 - y // 100 + y // 400
    return before(year) - before(1970)


def _same(field, current, wanted):
    if field == 'start_date_time':
        return instant(current) is not None and instant(current) == instant(wanted)
    if field == 'download_security':
        return (current or 'https') == wanted  # the service's default when the deployment does not say
    if field == 'rollback_policy':
        if not isinstance(current, dict):
            return False
        return (current.get('update') == wanted['update'] and _number(current.get('failed_count')) ==
                _number(wanted['failed_count']) and _number(current.get('failed_percentage')) ==
                _number(wanted['failed_percentage']))
    return current == wanted


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def differences(desired, current):
    """(field, current, wanted) for every field the task gives whose meaning differs from the deployment's
    (deployment_view() of it). Fields the task leaves out, and fields the service adds, are not compared."""
    found = []
    for field in ('update', 'device_group', 'start_date_time', 'rollback_policy', 'download_security'):
        wanted = desired.get(field)
        if wanted is not None and not _same(field, current.get(field), wanted):
            found.append((field, current.get(field), wanted))
    return found


def describe_differences(diffs):
    """One phrase per difference; what the service sent is escaped and cut (it may be anything)."""
    return '; '.join('%s: it has %s, the task wants %s' % (field, shown('%s' % (current,), 200), shown('%s' % (wanted,), 200))
                     for field, current, wanted in diffs)


def plan_presence(state, deployment, desired=None, current=None, name='deployment'):
    """present: create when absent, nothing when the same, PlanError naming each difference otherwise.
    absent: nothing when absent, else delete (the collection cancels first where it is still active).

    deployment is the normalised deployment or None when the service does not have it; current is its
    deployment_view()."""
    if state == 'present':
        if deployment is None:
            return Plan('create', '%s created' % name, '%s would be created (check mode)' % name)
        diffs = differences(desired, current)
        if diffs:
            raise PlanError('%s exists and differs from the task in %s; nothing was changed: a running rollout is '
                            'not changed in place, use a new deployment_id (or state: absent first)' % (
                                name, describe_differences(diffs)), deployment)
        msg = '%s is present as declared' % name
        if deployment['is_canceled']:
            msg += ', but canceled'
        return _noop(msg)
    if state == 'absent':
        if deployment is None:
            return _noop('%s is absent' % name)
        return Plan('delete', '%s deleted' % name, '%s would be deleted (check mode)' % name)
    raise ValueError('unknown state %r' % (state,))
