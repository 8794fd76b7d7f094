# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The total deadline of a request in a thread that gets no SIGALRM (the event source's executor).

Socket timeouts bound each read, not the whole answer: a server dripping its headers a byte at a time
would hold the thread forever. Here the session's adapter remembers the sockets it opens, and a timer
shuts them down at the deadline, so the blocked read returns and the request fails. Loaded by client.py
only in such a thread: a module's requests are bounded by SIGALRM.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import socket
import threading
import weakref

try:
    from requests.adapters import HTTPAdapter
except ImportError:  # pragma: no cover - AduModule fails first, naming requests
    HTTPAdapter = object


class CuttingAdapter(HTTPAdapter):
    """An HTTPAdapter that can shut down every socket it opened."""

    def __init__(self, *args, **kwargs):
        self.sockets = weakref.WeakSet()
        super(CuttingAdapter, self).__init__(*args, **kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super(CuttingAdapter, self).init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(  # this manager's own, not the class's
            (scheme, type(pool_class.__name__, (pool_class,), {
                'ConnectionCls': _remembering(pool_class.ConnectionCls, self.sockets)}))
            for scheme, pool_class in self.poolmanager.pool_classes_by_scheme.items())

    def cut(self):
        for sock in list(self.sockets):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except (OSError, ValueError):  # already closed
                pass


def _remembering(connection_class, sockets):
    """A subclass of urllib3's connection class that adds every socket it connects to `sockets`."""

    def connect(self):
        connection_class.connect(self)
        sockets.add(self.sock)
    return type(connection_class.__name__, (connection_class,), {'connect': connect})


def cutting_adapter(session):
    """The session's CuttingAdapter, mounted at the first use."""
    adapter = session.get_adapter('https://')
    if not isinstance(adapter, CuttingAdapter):
        adapter = CuttingAdapter()
        session.mount('https://', adapter)
        session.mount('http://', adapter)
    return adapter


@contextlib.contextmanager
def watchdog(session, seconds, expired):
    """Cut the session's connections if the block runs past `seconds`; then raise expired() instead of the
    error the cut caused."""
    adapter = cutting_adapter(session)
    fired = threading.Event()

    def cut():
        fired.set()
        adapter.cut()
    timer = threading.Timer(seconds, cut)
    timer.daemon = True
    timer.start()
    try:
        yield
    except Exception:  # pylint: disable=broad-except  # the cut's reset or broken pipe
        if fired.is_set():
            raise expired()
        raise
    finally:
        timer.cancel()
    if fired.is_set():
        raise expired()
