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

The file cannot stall the host: a ticket whose process is gone (killed while waiting) or that stopped
waiting (interrupted) no longer counts; a slot time more than a window in the future is a clock that was
set back, counted as now rather than obeyed; a 429 one task meets holds every task of the host back for
that window, so forks do not walk into the same refusal one after the other.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import time
import uuid

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import PacingTimeout
from ansible_collections.adu.device_update.plugins.module_utils._core.private_file import (
    LOCK_TIMEOUT,
    PrivateJsonFile,
    process_alive,
)

PACING_FILE_NAME = 'writes.json'
# A little room between windows for clocks and queues between this host and the service.
MARGIN_FRACTION = 0.01
MAX_MARGIN = 0.25
# Notes kept at most (imports started from this host, found by a rerun before the service names their update).
MAX_NOTES = 200


class WritePacer:
    """Slots for the writes of one instance (scope), shared through a private file next to the token cache.

    limit writes per window seconds for each operation; limit 0 turns pacing off (a throttled write
    still waits a window before it is sent again). deadline: the epoch second after which a task
    stops waiting and fails.
    """

    def __init__(self, directory, scope, limit, window, deadline=None,
                 clock=time.time, sleep=time.sleep, limits=None):
        # The lock is held for milliseconds: waiting for it past the task's budget means a stopped holder.
        lock_timeout = LOCK_TIMEOUT if deadline is None else max(1.0, min(LOCK_TIMEOUT, deadline - clock()))
        self.file = PrivateJsonFile(os.path.join(directory, PACING_FILE_NAME), 'write pacing',
                                    lock_timeout=lock_timeout) if limit else None
        self.scope = scope
        self.limit = limit
        # Budgets other than the writes' (update API and group reads): operation -> calls per window.
        self.limits = dict(limits or {})
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
        # A free slot now is always taken, so throttle_timeout 0 means "only if a slot is free now".
        if self.deadline is not None and when > max(self.deadline, self.clock()):
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
            when = max(self._earliest(tickets, not_before, operation), self._hold(data, key))
            self._check_deadline(when, operation)
            # pid and w (waiting): a ticket whose process is gone before it took its slot is a ghost.
            tickets.append({'id': ticket, 't': when, 'nb': not_before, 'pid': os.getpid(), 'w': True})
            data[key] = tickets
            self.file.save(data)
        try:
            return self._wait_for_slot(key, ticket, when, operation, not_before)
        except BaseException:
            self._withdraw(key, ticket)  # interrupted or timed out: the ticket no longer holds a place
            raise

    def _wait_for_slot(self, key, ticket, when, operation, not_before):
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
                when = max(self._earliest(tickets[:position], tickets[position].get('nb', not_before), operation),
                           self._hold(data, key))
                now = self.clock()
                if when <= now:
                    tickets[position].update(t=now, w=False)
                    data[key] = tickets
                    self.file.save(data)
                    return ticket
                self._check_deadline(when, operation)
                tickets[position]['t'] = when
                data[key] = tickets
                self.file.save(data)

    def _withdraw(self, key, ticket):
        """Take a ticket that never got its slot out of the line (best effort: a ghost is dropped anyway)."""
        try:
            with self.file.locked():
                data = self.file.load()
                tickets = data.get(key)
                if isinstance(tickets, list):
                    data[key] = [t for t in tickets if not (isinstance(t, dict) and t.get('id') == ticket)]
                    self.file.save(data)
        except Exception:  # pylint: disable=broad-except  # the error on its way out matters more
            pass

    def throttled(self, operation, until):
        """The service refused a write of operation (429): hold back every task of the host until `until`."""
        if self.file is None:
            return
        key = self._key(operation)
        with self.file.locked():
            data = self.file.load()
            holds = data.get('holds') if isinstance(data.get('holds'), dict) else {}
            holds[key] = max(until, self._hold(data, key))
            data['holds'] = holds
            self.file.save(data)

    def _hold(self, data, key):
        """Until when a 429 holds writes of key back; a hold beyond two windows is a clock change, ignored."""
        holds = data.get('holds') if isinstance(data.get('holds'), dict) else {}
        until = holds.get(key)
        now = self.clock()
        if not isinstance(until, (int, float)) or until > now + 2 * self.window:
            return 0.0
        return until

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
        """Tickets still counting: slots taken in the last window, and tickets of live processes waiting for
        theirs. A taken slot dated more than a window ahead is a clock set back: it counts as taken now."""
        live = []
        for ticket in tickets if isinstance(tickets, list) else []:
            if not isinstance(ticket, dict) or not isinstance(ticket.get('t'), (int, float)):
                continue
            if ticket.get('w'):
                if not process_alive(ticket.get('pid')):
                    continue  # its process died before it took its slot: no write was sent
            elif ticket['t'] > now + self.window:
                ticket = dict(ticket, t=now)
            if ticket['t'] > now - self.window - self.margin:
                live.append(ticket)
        return live

    def _earliest(self, ahead, not_before, operation):
        """The first time after not_before and after every ticket ahead (first come, first served)
        at which fewer than the operation's limit of the tickets ahead fall in the window before it."""
        limit = self.limits.get(operation, self.limit)
        times = sorted(t['t'] for t in ahead)
        when = max([not_before] + times[-1:])
        if len(times) >= limit:
            when = max(when, times[-limit] + self.window + self.margin)
        return when

    # Running operations: the service runs at most a few imports and deletes of updates at once per instance.
    def take_running(self, kind, limit, poll=1.0):
        """Block until fewer than `limit` operations of `kind` run from this host; returns a slot for
        release_running(). A slot whose process is gone no longer counts (a killed task frees its own)."""
        if self.file is None:
            return None
        key, slot = self._key(kind), uuid.uuid4().hex
        while True:
            with self.file.locked():
                data = self.file.load()
                running = [s for s in data.get(key) or [] if isinstance(s, dict) and process_alive(s.get('pid'))]
                if len(running) < limit:
                    data[key] = running + [{'id': slot, 'pid': os.getpid(), 't': self.clock()}]
                    self.file.save(data)
                    return slot
            now = self.clock()
            if self.deadline is not None and now + poll > self.deadline:
                raise PacingTimeout('waited %.0f s for one of the %d %s slots of %s, all taken by tasks of this host '
                                    'still running (throttle_timeout)' % (self.waited, limit, kind.replace('_', ' '),
                                                                          self.scope), self.waited)
            self._sleep_until(now + poll)

    def release_running(self, kind, slot):
        """The operation of this slot ended, or the task stopped following it."""
        if self.file is None or slot is None:
            return
        key = self._key(kind)
        with self.file.locked():
            data = self.file.load()
            data[key] = [s for s in data.get(key) or [] if isinstance(s, dict) and s.get('id') != slot]
            self.file.save(data)

    def remember(self, what, value, keep=86400):
        """Note value (an operation's location) under what (an update id) for tasks to come, `keep` seconds;
        the newest MAX_NOTES only, so that the file every write reads stays small."""
        if self.file is None:
            return
        with self.file.locked():
            data = self.file.load()
            notes = data.get('notes') if isinstance(data.get('notes'), dict) else {}
            now = self.clock()
            notes = dict((k, v) for k, v in notes.items() if isinstance(v, dict) and v.get('until', 0) > now)
            notes[self._key(what)] = {'value': value, 'until': now + keep}
            if len(notes) > MAX_NOTES:
                notes = dict(sorted(notes.items(), key=lambda item: item[1]['until'])[-MAX_NOTES:])
            data['notes'] = notes
            self.file.save(data)

    def remembered(self, what):
        """The value noted under what, or None."""
        if self.file is None:
            return None
        with self.file.locked():
            notes = self.file.load().get('notes')
        note = notes.get(self._key(what)) if isinstance(notes, dict) else None
        if isinstance(note, dict) and note.get('until', 0) > self.clock():
            return note.get('value')
        return None
