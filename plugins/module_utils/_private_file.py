# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small JSON file shared by every task on the host, private and updated under a lock.

The token cache and the write pacer keep their state this way: the file is 0600 in a 0700
directory owned by the user, never a symbolic link, replaced atomically, and read and written
only while an exclusive lock is held, so concurrent forks see each other's updates in order.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import os
import stat
import tempfile

from ansible_collections.adu.device_update.plugins.module_utils._errors import PrivateFileError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows is not a supported controller
    fcntl = None


def _check_private(path, what, is_dir):
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise PrivateFileError('%s %s is a symbolic link; refusing to use it' % (what, path))
    if is_dir != stat.S_ISDIR(info.st_mode):
        raise PrivateFileError('%s %s is not a %s' % (what, path, 'directory' if is_dir else 'file'))
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

    def __init__(self, path, what):
        self.path = os.path.abspath(path)
        self.directory = os.path.dirname(self.path)
        self.what = what  # e.g. 'token cache', in messages

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
        fd = os.open(self.path + '.lock', os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield self
        finally:
            os.close(fd)  # closing releases the lock

    def load(self):
        try:
            with open(self.path) as handle:
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
