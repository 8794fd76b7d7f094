# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""When a deployment's status has settled after an action, and waiting for it within wait_timeout."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


from ansible_collections.adu.device_update.plugins.module_utils._core.errors import WaitTimeout

# States in which no device moves any more, whatever the counts say.
_AT_REST = ('Canceled', 'Inactive', 'Failed')


def settled(state, status):
    """Whether a deployment (or subgroup) status has come to rest after state was applied. A count the
    service did not send (None) never settles anything."""
    in_progress = status.get('devices_in_progress_count')
    if state == 'canceled':
        return status.get('deployment_state') == 'Canceled' or in_progress == 0
    if state == 'present':
        # A rollout settles once devices were targeted and none is still installing; an empty group never does.
        total = status.get('total_devices')
        return status.get('deployment_state') in _AT_REST or bool(total) and (in_progress == 0 or completed(status) >= total)
    return in_progress == 0


def completed(status):
    """Devices done, one way or another: succeeded, failed and canceled."""
    return sum(status.get(c) or 0 for c in ('devices_completed_succeeded_count', 'devices_completed_failed_count',
                                            'devices_canceled_count'))


def figures(status):
    """The counts of a status in one short phrase, for messages: what a wait reached."""
    names = (('total_devices', 'targeted'), ('devices_completed_succeeded_count', 'succeeded'),
             ('devices_completed_failed_count', 'failed'), ('devices_in_progress_count', 'in progress'),
             ('devices_canceled_count', 'canceled'))
    parts = ['%s %s' % (status.get(key) if status.get(key) is not None else '?', label) for key, label in names]
    return 'state %s, %s' % (status.get('deployment_state') or '?', ', '.join(parts))


def wait_until_settled(result, waiter, read, is_settled, deployment_id):
    """Poll until settled; the final status goes into result, a timeout fails with it and the last one."""
    try:
        result['status'] = waiter.wait(read, is_settled, 'deployment %s' % deployment_id)
    except WaitTimeout as exc:
        result.update(status=exc.status, msg='%s; %s, reached: %s' % (result['msg'], exc, figures(exc.status or {})))
        raise WaitTimeout(result['msg'], exc.status, result)
    return result['status']
