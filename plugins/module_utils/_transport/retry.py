# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retry policy: after one attempt of a request, send it again, and after how long?

The rules, in one place: a read is sent again after throttling, the service's transient failures, a
lost connection or an unreadable answer; a write only when the service certainly did not act (a 429,
a connection that never reached it). Retry-After wins when the service sends it; otherwise exponential
backoff with jitter, so that forks throttled together do not come back together. A throttled write
that takes pacing slots waits a whole window and takes a new slot, bounded by throttle_timeout rather
than by the retry count. Every wait counts against one total budget per request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import random
import time

# Statuses worth another try for a read: throttling and the service's transient failures.
RETRYABLE_STATUSES = frozenset((429, 500, 502, 503, 504))
# The longest the client waits across all retries of one request, Retry-After included.
MAX_TOTAL_WAIT = 300.0
# The longest one backoff step (without Retry-After) may be.
MAX_BACKOFF = 60.0
BACKOFF_BASE = 1.0
# A 429 without Retry-After: the service's windows are a minute long, so five retries must span one.
THROTTLE_BACKOFF_BASE = 5.0
# A refused connection is a wrong endpoint or a service that is down far more often than a blip: retried for
# a few seconds only (a step of at most REFUSED_STEP), so the task says so at once.
REFUSED_BUDGET = 3.0
REFUSED_STEP = 1.0


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if unusable."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Backoff:
    """Wait times for successive retries of one request, bounded in count and in total time."""

    def __init__(self, retries, max_total_wait=MAX_TOTAL_WAIT, base=BACKOFF_BASE, sleep=time.sleep, rand=random.random):
        self.retries = retries
        self.max_total_wait = max_total_wait
        self.base = base
        self.waited = 0.0
        self.attempt = 0
        self._sleep = sleep
        self._rand = rand

    def next_wait(self, retry_after=None, throttled=False):
        """Seconds to wait before the next try, or None when no retry is left (count or time)."""
        if self.attempt >= self.retries:
            return None
        if retry_after is None:
            base = max(self.base, THROTTLE_BACKOFF_BASE) if throttled else self.base
            cap = min(MAX_BACKOFF, base * (2 ** self.attempt))
            wait = cap / 2 + self._rand() * cap / 2
        else:
            # A little jitter on top, so that forks throttled together do not all return at once.
            wait = retry_after * (1 + 0.1 * self._rand())
        if self.waited + wait > self.max_total_wait:
            return None
        return wait

    def wait(self, seconds):
        self.record(seconds)
        if seconds > 0:
            self._sleep(seconds)

    def record(self, seconds):
        """Count a retry whose wait someone else keeps (a pacing slot no earlier than it)."""
        self.attempt += 1
        self.waited += seconds


class Retry:
    """Send again after `wait` seconds; new_slot: wait for a new pacing slot from then instead of sleeping."""

    def __init__(self, wait, new_slot):
        self.wait = wait
        self.new_slot = new_slot


class RetryPolicy:
    """Answers, for one request, whether to send it again after an attempt, and after how long."""

    def __init__(self, retries, max_total_wait=MAX_TOTAL_WAIT, safe_to_repeat=True, paced=False, window=60.0,
                 sleep=time.sleep):
        self.backoff = Backoff(retries, max_total_wait, sleep=sleep)
        self.safe_to_repeat = safe_to_repeat
        self.paced = paced
        self.window = window
        # Why retries stopped, for the message: a retryable status with no retry left, the Retry-After asked for.
        self.exhausted = False
        self.retry_after = None

    def after_transport_error(self, unsent, refused=False):
        """The request failed on the way (refused, reset, timed out); unsent: it never reached the service;
        refused: nothing listens there."""
        if not (self.safe_to_repeat or unsent):
            return None
        retry = self._backoff()
        if refused and retry is not None:
            retry.wait = min(retry.wait, REFUSED_STEP)
            if self.backoff.waited + retry.wait > REFUSED_BUDGET:
                return None
        return retry

    def after_status(self, status, headers):
        """The service answered `status` (not 2xx)."""
        retry_after = parse_retry_after(headers.get('Retry-After'))
        if status == 429 and self.paced:
            # Another client used the budget: wait the service's window, then take the next slot.
            self.backoff.attempt += 1
            return Retry(self.window if retry_after is None else retry_after, True)
        if status in RETRYABLE_STATUSES and (self.safe_to_repeat or status == 429):
            self.retry_after = retry_after
            retry = self._backoff(retry_after, throttled=status == 429)
            self.exhausted = retry is None
            return retry
        return None

    def after_unreadable_body(self):
        """A 2xx whose body is not a JSON object: a truncated or mangled answer to a read is asked again."""
        return self._backoff() if self.safe_to_repeat else None

    def _backoff(self, retry_after=None, throttled=False):
        wait = self.backoff.next_wait(retry_after, throttled)
        return None if wait is None else Retry(wait, False)

    def wait(self, retry):
        self.backoff.wait(retry.wait)

    def gave_up(self):
        """Why the last retryable failure was not retried, for the message."""
        backoff = self.backoff
        if self.retry_after is not None and backoff.waited + self.retry_after > backoff.max_total_wait:
            return ('the service asked to wait %.0f s (Retry-After), beyond the retry budget of %.0f s'
                    % (self.retry_after, backoff.max_total_wait))
        return 'gave up after %d retries (%.1f s waited)' % (backoff.attempt, backoff.waited)
