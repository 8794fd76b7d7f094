# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small JSON file shared by every task on the host, private and updated under a lock.

The token cache and the write pacer keep their state this way: the file and its lock file are regular
files, 0600 in a 0700 directory owned by the user, opened without following links and without blocking
(a FIFO or a symbolic link put there is refused), replaced atomically, and read and written only while an
exclusive lock is held, so concurrent forks see each other's updates in order. The lock is only ever held
for the few milliseconds of a load and a save, never across a network call; waiting for it is bounded.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import errno
import json
import os
import stat
import tempfile
import time

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import PrivateFileError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows is not a supported controller
    fcntl = None


# Longest a task waits for the lock by default: it is held for milliseconds, so a longer wait means a
# stopped process holds it.
LOCK_TIMEOUT = 30.0
_OPEN_FLAGS = os.O_NOFOLLOW | getattr(os, 'O_NONBLOCK', 0) | getattr(os, 'O_CLOEXEC', 0)


def _check_private(path, what, is_dir, info=None):
    info = info or os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise PrivateFileError('%s %s is a symbolic link; refusing to use it' % (what, path))
    if not (stat.S_ISDIR(info.st_mode) if is_dir else stat.S_ISREG(info.st_mode)):
        raise PrivateFileError('%s %s is not a %s; refusing to use it' % (
            what, path, 'directory' if is_dir else 'regular file (a FIFO, device or directory is refused)'))
    if info.st_uid != os.getuid():
        raise PrivateFileError('%s %s belongs to another user; refusing to use it' % (what, path))
    if info.st_mode & 0o077:
        raise PrivateFileError(
            '%s %s can be read or written by other users (mode %s); refusing to use it. '
            'Run chmod %s %s, or set token_cache_path to a private location (its directory holds the token cache '
            'and the write pacing file)'
            % (what, path, oct(stat.S_IMODE(info.st_mode)), '700' if is_dir else '600', path))


class PrivateJsonFile:
    """load/save of one JSON object in a private file, inside locked()."""

    def __init__(self, path, what, lock_timeout=LOCK_TIMEOUT):
        self.path = os.path.abspath(path)
        self.directory = os.path.dirname(self.path)
        self.what = what  # e.g. 'token cache', in messages
        self.lock_timeout = lock_timeout

    def _open(self, path, flags, what):
        """A descriptor of a private regular file: no link followed, no FIFO waited on."""
        try:
            fd = os.open(path, flags | _OPEN_FLAGS, 0o600)
        except OSError as exc:
            if exc.errno in (getattr(os, 'ELOOP', 40), getattr(os, 'EMLINK', 31)):
                raise PrivateFileError('%s %s is a symbolic link; refusing to use it' % (what, path))
            raise
        try:
            _check_private(path, what, False, os.fstat(fd))
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _prepare(self):
        # exist_ok: forks starting together race to create it; the check below still refuses
        # a directory that someone else made or opened up.
        os.makedirs(self.directory, 0o700, exist_ok=True)
        _check_private(self.directory, self.what + ' directory', True)
        if os.path.lexists(self.path):
            _check_private(self.path, self.what + ' file', False)

    @contextlib.contextmanager
    def locked(self):
        """Hold the file's lock: whatever is loaded, decided and saved inside happens once across tasks."""
        self._prepare()
        fd = self._open(self.path + '.lock', os.O_RDWR | os.O_CREAT, self.what + ' lock file')
        try:
            self._lock(fd)
            yield self
        finally:
            os.close(fd)  # closing releases the lock

    def _lock(self, fd):
        """The exclusive lock, waited for at most lock_timeout seconds."""
        if fcntl is None:
            return
        deadline = time.time() + self.lock_timeout
        pause = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except (IOError, OSError) as exc:
                if exc.errno not in (getattr(os, 'EAGAIN', 11), getattr(os, 'EACCES', 13), getattr(os, 'EWOULDBLOCK', 11)):
                    raise
            if time.time() + pause > deadline:
                raise PrivateFileError(
                    'could not lock the %s %s within %.0f s: another process holds its lock (%s.lock) far longer '
                    'than any task needs (a stopped or hung ansible process?); end it, or remove the lock file'
                    % (self.what, self.path, self.lock_timeout, self.path))
            time.sleep(pause)
            pause = min(pause * 2, 0.1)

    def load(self):
        try:
            fd = self._open(self.path, os.O_RDONLY, self.what + ' file')
        except FileNotFoundError:
            return {}
        try:
            with os.fdopen(fd) as handle:
                data = json.load(handle)
        except (IOError, OSError, ValueError, RecursionError):
            return {}
        return data if isinstance(data, dict) else {}

    def save(self, data):
        fd, tmp = tempfile.mkstemp(prefix='.%s-' % os.path.basename(self.path), dir=self.directory)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, 'w') as handle:
                json.dump(data, handle)
            os.rename(tmp, self.path)  # atomic: a reader sees the old file or the new one
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def process_alive(pid):
    """Whether a process of this host with that pid still runs (tickets without a pid: assume so)."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno != errno.ESRCH
    try:  # a killed process nobody reaped yet (a zombie) is gone all the same
        with open('/proc/%d/stat' % pid, 'rb') as handle:
            return handle.read().rpartition(b')')[2].split()[:1] != [b'Z']
    except (IOError, OSError):
        return True
