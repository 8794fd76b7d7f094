# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for a deployment's status to settle after an action, bounded in time."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.adu.device_update.plugins.module_utils._errors import WaitTimeout


def settled(state, status):
    """Whether a deployment (or subgroup) status has come to rest after state was applied."""
    if state == 'canceled':
        return status.get('deployment_state') == 'Canceled' or not status['devices_in_progress_count']
    return not status['devices_in_progress_count']


class Waiter:
    """Polls a status until it settles, at an interval that respects the API's read limits."""

    def __init__(self, timeout, interval, clock=time.time, sleep=time.sleep):
        self.timeout = timeout
        self.interval = interval
        self.clock = clock
        self.sleep = sleep

    def wait(self, read, is_settled, what):
        """read() -> status until is_settled(status); raises WaitTimeout with the last status."""
        deadline = self.clock() + self.timeout
        while True:
            status = read()
            if is_settled(status):
                return status
            if self.clock() + self.interval > deadline:
                raise WaitTimeout('%s did not settle within %s s' % (what, self.timeout), status)
            self.sleep(self.interval)


def wait_until_settled(result, waiter, read, is_settled, deployment_id):
    """Poll until settled; the final status goes into result, a timeout fails with it and the last one."""
    try:
        result['status'] = waiter.wait(read, is_settled, 'deployment %s' % deployment_id)
    except WaitTimeout as exc:
        result.update(status=exc.status, msg='%s; %s, last status: %s' % (result['msg'], exc, exc.status))
        raise WaitTimeout(result['msg'], exc.status, result)
    return result['status']
