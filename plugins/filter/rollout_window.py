# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A staged rollout's maintenance window, for the role adu.device_update.staged_rollout (documented beside, in YAML):
whether it is open now, and when it next opens."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

from ansible.errors import AnsibleFilterError

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')
_CLOCK = re.compile(r'([01][0-9]|2[0-3]):([0-5][0-9])')


def _clock(window, key):
    value = window.get(key)
    found = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        raise AnsibleFilterError('adu_rollout_window.%s: must be a time of day as HH:MM, 00:00 to 23:59 (got %r)'
                                 % (key, value))
    return datetime.time(int(found.group(1)), int(found.group(2)))


def _zone(name):
    if name in (None, 'UTC'):
        return datetime.timezone.utc
    if not isinstance(name, str):
        raise AnsibleFilterError('adu_rollout_window.timezone: must be an IANA time zone name such as Europe/Berlin '
                                 '(got %r)' % (name,))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise AnsibleFilterError('adu_rollout_window.timezone: must be an IANA time zone name such as Europe/Berlin '
                                 '(got %r, which this machine does not know)' % (name,))


def parse_window(window):
    """(days as weekday numbers, start, end, zone) of a window, each checked; AnsibleFilterError naming the key."""
    if not isinstance(window, dict):
        raise AnsibleFilterError('adu_rollout_window: must be a dict of days, start, end and timezone')
    unknown = sorted(set(window) - {'days', 'start', 'end', 'timezone'})
    if unknown:
        raise AnsibleFilterError('adu_rollout_window.%s: is not a key of a window (days, start, end, timezone)'
                                 % unknown[0])
    days = window.get('days') or list(DAYS)
    if not isinstance(days, list) or not all(isinstance(d, str) and d.lower() in DAYS for d in days):
        raise AnsibleFilterError('adu_rollout_window.days: must be a list of %s (got %r)' % (', '.join(DAYS), days))
    start, end = _clock(window, 'start'), _clock(window, 'end')
    if start == end:
        raise AnsibleFilterError('adu_rollout_window: start and end are both %s, so the window never opens'
                                 % window['start'])
    return set(DAYS.index(d.lower()) for d in days), start, end, _zone(window.get('timezone'))


def _is_open(local, days, start, end):
    moment = local.time()
    if start < end:
        return local.weekday() in days and start <= moment < end
    # Crossing midnight: it opens on one of its days and ends the next morning.
    return (local.weekday() in days and moment >= start) or ((local.weekday() - 1) % 7 in days and moment < end)


def rollout_window(window, now=None):
    """{open, next_window, timezone}: whether the window is open at now (seconds since the epoch; the current time by
    default), and when it next opens (ISO 8601 with its offset, None while it is open). end is exclusive."""
    days, start, end, zone = parse_window(window)
    moment = datetime.datetime.fromtimestamp(float(now) if now is not None else datetime.datetime.now(
        datetime.timezone.utc).timestamp(), zone)
    if _is_open(moment, days, start, end):
        return {'open': True, 'next_window': None, 'timezone': str(window.get('timezone') or 'UTC')}
    for offset in range(0, 8):
        date = (moment + datetime.timedelta(days=offset)).date()
        if date.weekday() not in days:
            continue
        opening = datetime.datetime.combine(date, start, tzinfo=zone)
        if opening > moment:
            return {'open': False, 'next_window': opening.isoformat(),
                    'timezone': str(window.get('timezone') or 'UTC')}
    raise AnsibleFilterError('adu_rollout_window: no opening within a week')  # unreachable with at least one day


class FilterModule:
    """The staged rollout's window."""

    def filters(self):
        return {'rollout_window': rollout_window}
