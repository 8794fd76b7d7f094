# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A request's total deadline and size cap: headers and body within `timeout` seconds, at most MAX_BODY_BYTES.

Socket timeouts bound each read, not the whole answer; a server dripping a byte a second must not hold a task."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import signal
import threading
import time

try:
    from requests.exceptions import ChunkedEncodingError
except ImportError:  # pragma: no cover - the client fails first, naming requests
    ChunkedEncodingError = OSError


# The largest answer read; no deployment, status or page comes near it.
MAX_BODY_BYTES = 16 * 1024 * 1024
READ_CHUNK = 65536


class BodyError(Exception):
    """The answer did not arrive in time or was too large."""


@contextlib.contextmanager
def deadline_alarm(seconds, session=None):
    """Interrupt a request still blocked after `seconds`, wherever it is: connecting, reading headers
    dripped a byte at a time, or the body. Socket timeouts bound each read, not the whole answer.

    In a main thread (a module's process) by SIGALRM; elsewhere (the event source's executor), where no
    signal is delivered, by a timer that shuts the session's sockets down (watchdog.py).
    """
    if not hasattr(signal, 'setitimer') or threading.current_thread() is not threading.main_thread():
        if session is None:
            yield
            return
        # Imported here, to spare every other task the start-up cost: only the event source's threads need it, never a module's task.
        from ansible_collections.adu.device_update.plugins.module_utils._transport.watchdog import watchdog  # pylint: disable=import-outside-toplevel
        with watchdog(session, seconds, lambda: BodyError('no whole answer within %s s' % seconds)):
            yield
        return

    def expire(signum, frame):  # pylint: disable=unused-argument
        raise BodyError('no whole answer within %s s' % seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _socket_of(raw):
    """The socket under a streamed urllib3 response, to bound each read by what is left of the deadline."""
    for path in (('_connection', 'sock'), ('_fp', 'fp', 'raw', '_sock')):
        current = raw
        for name in path:
            current = getattr(current, name, None)
        if current is not None and hasattr(current, 'settimeout'):
            return current
    return None


def read_body(resp, deadline, timeout):
    """Read a streamed answer's body within the request's deadline: a server dripping a byte a
    second cannot hold a task past `timeout`, nor a huge body fill the memory."""
    if getattr(resp, '_content', False) is not False or getattr(resp, 'raw', None) is None:
        return  # already read (an answer without a stream)
    raw, chunks, size = resp.raw, [], 0
    read = getattr(raw, 'read1', None) or (lambda amt: raw.read(min(amt, 256)))
    try:
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise BodyError('no whole answer within %s s' % timeout)
            sock = _socket_of(raw)
            if sock is not None:
                sock.settimeout(left)
            chunk = read(READ_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise BodyError('the answer is larger than %d bytes' % MAX_BODY_BYTES)
            chunks.append(chunk)
    except BodyError:
        resp.close()
        raise
    except Exception as exc:  # pylint: disable=broad-except  # socket timeouts and resets while reading
        resp.close()
        if time.time() >= deadline:
            raise BodyError('no whole answer within %s s' % timeout)
        raise ChunkedEncodingError(exc)
    resp._content = b''.join(chunks)  # pylint: disable=protected-access
    resp._content_consumed = True  # pylint: disable=protected-access
