# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gate's arithmetic, in whole numbers: the one place that says whether a share of devices passes a
percentage, for the staged rollout's filters and the Event-Driven Ansible source alike.

Shares are compared exactly (count * 100 against percentage * devices, the percentage as the decimal the user
wrote), never after rounding: one failed device of 2001 is more than 0%. Rounding is for display only.
Figures are checked before they are believed: a count outside 0..devices, or counts that add up to more devices
than the deployment targets, are no evidence of anything.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from fractions import Fraction

# The counts of one deployment's devices that are disjoint: together at most the devices it targets.
DISJOINT_COUNTS = ('devices_completed_succeeded_count', 'devices_completed_failed_count',
                   'devices_in_progress_count', 'devices_canceled_count')
# Every count, each within 0..total on its own.
ALL_COUNTS = DISJOINT_COUNTS + ('devices_incompatible_count', 'devices_already_in_deployment_count')


def _exact(percentage):
    """A percentage as an exact fraction of what the user wrote (0.1 is one tenth, not a binary float)."""
    if isinstance(percentage, bool) or not isinstance(percentage, (int, float, Fraction)):
        raise TypeError('a percentage must be a number, not %r' % (percentage,))
    return Fraction(percentage) if isinstance(percentage, (int, Fraction)) else Fraction(repr(percentage))


def count(status, key):
    """A count of a normalised status; one the service did not send is none (0)."""
    value = status.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def targeted(status):
    """The devices a deployment targets: its total less the incompatible ones (the GA API sends no incompatible
    count, so there the total)."""
    return max(0, count(status, 'total_devices') - count(status, 'devices_incompatible_count'))


def above(part, whole, percentage):
    """Whether part is more than percentage % of whole, exactly; never when whole is 0."""
    return whole > 0 and part * 100 > _exact(percentage) * whole


def reaches(part, whole, percentage):
    """Whether part is at least percentage % of whole, exactly; never when whole is 0."""
    return whole > 0 and part * 100 >= _exact(percentage) * whole


def percentage(part, whole, digits=1):
    """part in percent of whole, rounded for display only; 0.0 when whole is 0. Shown with more digits (up to 4)
    where rounding would show some as none (1 of 2001 is 0.05, not 0.0) or not all as all."""
    if not whole:
        return 0.0
    shown = round(100.0 * part / whole, digits)
    while digits < 4 and ((part and shown == 0) or (part < whole and shown == 100)):
        digits += 1
        shown = round(100.0 * part / whole, digits)
    return shown


def inconsistency(status):
    """Why a status' figures cannot be believed, or None: a count that is negative or not a whole number, a count
    above the total, or disjoint counts that add up to more than the total."""
    total = status.get('total_devices')
    if total is None:
        return None if all(status.get(k) is None for k in ALL_COUNTS) else 'counts are sent without a total'
    for key in ('total_devices',) + ALL_COUNTS:
        value = status.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            return '%s is %r, not a count' % (key, value)
    for key in ALL_COUNTS:
        if (status.get(key) or 0) > total:
            return '%s (%d) is more than the %d devices targeted' % (key, status[key], total)
    summed = sum(count(status, k) for k in DISJOINT_COUNTS)
    if summed > total:
        return ('succeeded, failed, in progress and canceled devices add up to %d, more than the %d devices targeted'
                % (summed, total))
    return None
