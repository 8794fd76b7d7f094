# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write pacing: every write takes a slot of its instance's per-operation budget before it is sent.

The service allows 6 cancel/retry calls, 6 creates and 6 deletes a minute per instance, and its
429 answers carry no Retry-After. Retrying blindly, forks that stop many deployments at once take
each other's free slots until some give up. Here every write of every task and fork on the host
takes a ticket from one locked file: tickets are served in the order they were taken (nobody
starves) and slot k+limit starts a window after slot k ended, so the service never sees more than
its limit in any window.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import time
import uuid

from ansible_collections.adu.device_update.plugins.module_utils._errors import PacingTimeout
from ansible_collections.adu.device_update.plugins.module_utils._private_file import PrivateJsonFile

PACING_FILE_NAME = 'writes.json'
# A little room between windows for clocks and queues between this host and the service.
MARGIN_FRACTION = 0.01
MAX_MARGIN = 0.25


class WritePacer:
    """Slots for the writes of one instance (scope), shared through a private file next to the token cache.

    limit writes per window seconds for each operation; limit 0 turns pacing off (a throttled write
    still waits a window before it is sent again). deadline: the epoch second after which a task
    stops waiting and fails.
    """

    def __init__(self, directory, scope, limit, window, deadline=None,
                 clock=time.time, sleep=time.sleep):
        self.file = PrivateJsonFile(os.path.join(directory, PACING_FILE_NAME), 'write pacing') if limit else None
        self.scope = scope
        self.limit = limit
        self.window = window
        self.deadline = deadline
        self.margin = min(MAX_MARGIN, window * MARGIN_FRACTION)
        self.clock = clock
        self.sleep = sleep
        self.waited = 0.0

    def _key(self, operation):
        return hashlib.sha256(('%s\0%s' % (self.scope, operation)).encode('utf-8')).hexdigest()

    def _sleep_until(self, when):
        pause = when - self.clock()
        if pause > 0:
            self.waited += pause
            self.sleep(pause)

    def _check_deadline(self, when, operation):
        if self.deadline is not None and when > self.deadline:
            raise PacingTimeout(
                'waited %.0f s for a %s slot of %s; the next free one is %.0f s away, past the time budget '
                '(throttle_timeout)' % (self.waited, operation.replace('_', ' '), self.scope,
                                        max(0.0, when - self.clock())), self.waited)

    def acquire(self, operation, not_before=None):
        """Block until this task may send one write of `operation`; returns a ticket for sent()."""
        not_before = max(self.clock(), not_before or 0.0)
        if self.file is None:
            self._check_deadline(not_before, operation)
            self._sleep_until(not_before)
            return None
        key, ticket = self._key(operation), uuid.uuid4().hex
        with self.file.locked():
            data = self.file.load()
            tickets = self._live(data.get(key), self.clock())
            when = self._earliest(tickets, not_before)
            self._check_deadline(when, operation)
            tickets.append({'id': ticket, 't': when, 'nb': not_before})
            data[key] = tickets
            self.file.save(data)
        while True:
            self._sleep_until(when)
            with self.file.locked():
                data = self.file.load()
                tickets = self._live(data.get(key), self.clock())
                mine = [i for i, t in enumerate(tickets) if t.get('id') == ticket]
                if not mine:  # the file was removed meanwhile: take the slot as planned
                    return ticket
                position = mine[0]
                # Slots ahead may have ended later than planned (their answers took time): look again.
                when = self._earliest(tickets[:position], tickets[position].get('nb', not_before))
                now = self.clock()
                if when <= now:
                    tickets[position]['t'] = now
                    data[key] = tickets
                    self.file.save(data)
                    return ticket
                try:
                    self._check_deadline(when, operation)
                except PacingTimeout:
                    del tickets[position]
                    data[key] = tickets
                    self.file.save(data)
                    raise
                tickets[position]['t'] = when
                data[key] = tickets
                self.file.save(data)

    def sent(self, operation, ticket):
        """The write of this ticket has its answer: its slot counts from now (an upper bound of when the
        service counted it)."""
        if self.file is None or ticket is None:
            return
        key = self._key(operation)
        with self.file.locked():
            data = self.file.load()
            for entry in data.get(key) or []:
                if isinstance(entry, dict) and entry.get('id') == ticket:
                    entry['t'] = max(entry.get('t', 0), self.clock())
                    self.file.save(data)
                    return

    def _live(self, tickets, now):
        """Tickets still counting: those of the last window and those waiting for their slot."""
        if not isinstance(tickets, list):
            return []
        return [t for t in tickets if isinstance(t, dict) and isinstance(t.get('t'), (int, float))
                and t['t'] > now - self.window - self.margin]

    def _earliest(self, ahead, not_before):
        """The first time after not_before and after every ticket ahead (first come, first served)
        at which fewer than `limit` of the tickets ahead fall in the window before it."""
        times = sorted(t['t'] for t in ahead)
        when = max([not_before] + times[-1:])
        if len(times) >= self.limit:
            when = max(when, times[-self.limit] + self.window + self.margin)
        return when
