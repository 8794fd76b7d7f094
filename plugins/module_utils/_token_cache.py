# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A token cache file shared by every task on the host.

Each Ansible task is a new process; without this, a play of 200 tasks asks Azure AD 200 times.
A file lock is held around load, acquire and save, so 20 forks starting at once make one token
request between them. The file is private (0600 in a 0700 directory) and refused otherwise.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import time

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows is not a supported controller
    fcntl = None

CACHE_FILE_NAME = 'tokens.json'
# A cached token is used only while it has this many seconds left, so it cannot expire mid-task.
EXPIRY_MARGIN = 300


class TokenCacheError(Exception):
    """The cache file or its directory cannot be used safely."""


def default_cache_path(environ=None):
    environ = os.environ if environ is None else environ
    base = environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'adu.device_update', CACHE_FILE_NAME)


def cache_key(*parts):
    """A key from the identity of a credential (never a secret): authority, tenant, client, method."""
    return hashlib.sha256('\0'.join(str(p or '') for p in parts).encode('utf-8')).hexdigest()


def _check_private(path, what, is_dir):
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise TokenCacheError('token cache %s %s is a symbolic link; refusing to use it' % (what, path))
    if is_dir != stat.S_ISDIR(info.st_mode):
        raise TokenCacheError('token cache %s %s is not a %s' % (what, path, 'directory' if is_dir else 'file'))
    if info.st_uid != os.getuid():
        raise TokenCacheError('token cache %s %s belongs to another user; refusing to use it' % (what, path))
    if info.st_mode & 0o077:
        raise TokenCacheError(
            'token cache %s %s can be read or written by other users (mode %s); refusing to use it. '
            'Run chmod %s %s, or set token_cache_path to a private location, or token_cache: false'
            % (what, path, oct(stat.S_IMODE(info.st_mode)), '700' if is_dir else '600', path))


class TokenCache:
    """get/put of bearer tokens by key, in one private JSON file, under an exclusive lock."""

    def __init__(self, path=None):
        self.path = os.path.abspath(path or default_cache_path())
        self.directory = os.path.dirname(self.path)

    def _prepare(self):
        # exist_ok: forks starting together race to create it; the check below still refuses
        # a directory that someone else made or opened up.
        os.makedirs(self.directory, 0o700, exist_ok=True)
        _check_private(self.directory, 'directory', True)
        if os.path.lexists(self.path):
            _check_private(self.path, 'file', False)

    @contextlib.contextmanager
    def locked(self):
        """Hold the cache's lock: load, acquire and save happen once across concurrent tasks."""
        self._prepare()
        fd = os.open(self.path + '.lock', os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield self
        finally:
            os.close(fd)  # closing releases the lock

    def _load(self):
        try:
            with open(self.path) as handle:
                data = json.load(handle)
        except (IOError, OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, data):
        fd, tmp = tempfile.mkstemp(prefix='.tokens-', dir=self.directory)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, 'w') as handle:
                json.dump(data, handle)
            os.rename(tmp, self.path)  # atomic: a reader sees the old file or the new one
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def get(self, key, now=None):
        """The cached token for key while it has EXPIRY_MARGIN seconds left, else None."""
        entry = self._load().get(key)
        now = time.time() if now is None else now
        if isinstance(entry, dict) and entry.get('expires_on', 0) - EXPIRY_MARGIN > now:
            return entry.get('access_token')
        return None

    def put(self, key, access_token, expires_on, now=None):
        now = time.time() if now is None else now
        data = dict((k, v) for k, v in self._load().items()
                    if isinstance(v, dict) and v.get('expires_on', 0) > now)  # drop expired entries
        data[key] = {'access_token': access_token, 'expires_on': expires_on}
        self._save(data)

    def drop(self, key):
        data = self._load()
        if data.pop(key, None) is not None:
            self._save(data)
