# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for something to settle, bounded in time: poll, judge, sleep, and fail with the last reading."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import WaitTimeout


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
                raise WaitTimeout('%s did not settle within %s s' % (what, self.timeout), status, timeout=self.timeout)
            self.sleep(self.interval)
