# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A token cache file shared by every task on the host.

Each Ansible task is a new process; without this, a play of 200 tasks asks Azure AD 200 times.
The file lock is held only to read and write the file, never while Azure AD is asked: the task that
finds no token takes a lease (its pid, until when), asks, and stores the token; tasks starting at the
same time wait for that token instead of asking too, for at most one request's timeout, and ask on
their own when the lease's holder is gone or slow. So 20 forks starting at once still make one token
request between them, and an authority that never answers holds no fork past its own deadline.
The file is private (0600 in a 0700 directory) and refused otherwise.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import time

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import PrivateFileError
from ansible_collections.adu.device_update.plugins.module_utils._core.private_file import (
    PrivateJsonFile,
    process_alive,
)

CACHE_FILE_NAME = 'tokens.json'
# Where the leases of tokens being asked for are kept in the file (never a cache key: those are hex).
LEASES = 'leases'
# A cached token is used only while it has this many seconds left, so it cannot expire mid-task.
EXPIRY_MARGIN = 300


# The cache file or its directory cannot be used safely.
TokenCacheError = PrivateFileError


def default_cache_path(environ=None):
    environ = os.environ if environ is None else environ
    base = environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'adu.device_update', CACHE_FILE_NAME)


def cache_key(*parts):
    """A key from the identity of a credential (never a secret): authority, tenant, client, method."""
    return hashlib.sha256('\0'.join(str(p or '') for p in parts).encode('utf-8')).hexdigest()


class TokenCache(PrivateJsonFile):
    """get/put of bearer tokens by key, in one private JSON file, under an exclusive lock."""

    def __init__(self, path=None, lock_timeout=None):
        super(TokenCache, self).__init__(path or default_cache_path(), 'token cache',
                                         **({} if lock_timeout is None else {'lock_timeout': lock_timeout}))

    def get(self, key, now=None):
        """The cached token for key while it has EXPIRY_MARGIN seconds left, else None."""
        entry = self.load().get(key)
        now = time.time() if now is None else now
        if isinstance(entry, dict) and entry.get('expires_on', 0) - EXPIRY_MARGIN > now:
            return entry.get('access_token')
        return None

    def put(self, key, access_token, expires_on, now=None):
        now = time.time() if now is None else now
        loaded = self.load()
        data = dict((k, v) for k, v in loaded.items()
                    if isinstance(v, dict) and v.get('expires_on', 0) > now)  # drop expired entries
        data[key] = {'access_token': access_token, 'expires_on': expires_on}
        leases = self._leases(loaded, now, without=key)
        if leases:
            data[LEASES] = leases
        self.save(data)

    def lease_holder(self, key, now=None):
        """The pid of the live task asking Azure AD for key's token right now, or None."""
        lease = self._leases(self.load(), time.time() if now is None else now).get(key)
        return lease['pid'] if lease else None

    def take_lease(self, key, until):
        data = self.load()
        leases = self._leases(data, time.time())
        leases[key] = {'pid': os.getpid(), 'until': until}
        data[LEASES] = leases
        self.save(data)

    def drop_lease(self, key):
        data = self.load()
        data[LEASES] = self._leases(data, time.time(), without=key)
        self.save(data)

    @staticmethod
    def _leases(data, now, without=None):
        """The leases still held: unexpired, by a live process."""
        leases = data.get(LEASES) if isinstance(data.get(LEASES), dict) else {}
        return dict((k, v) for k, v in leases.items() if k != without and isinstance(v, dict) and
                    isinstance(v.get('until'), (int, float)) and v['until'] > now and process_alive(v.get('pid')))

    def drop(self, key):
        data = self.load()
        if data.pop(key, None) is not None:
            self.save(data)
