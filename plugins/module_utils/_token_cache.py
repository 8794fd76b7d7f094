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

import hashlib
import os
import time

from ansible_collections.adu.device_update.plugins.module_utils._private_file import PrivateFileError, PrivateJsonFile

CACHE_FILE_NAME = 'tokens.json'
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

    def __init__(self, path=None):
        super(TokenCache, self).__init__(path or default_cache_path(), 'token cache')

    def get(self, key, now=None):
        """The cached token for key while it has EXPIRY_MARGIN seconds left, else None."""
        entry = self.load().get(key)
        now = time.time() if now is None else now
        if isinstance(entry, dict) and entry.get('expires_on', 0) - EXPIRY_MARGIN > now:
            return entry.get('access_token')
        return None

    def put(self, key, access_token, expires_on, now=None):
        now = time.time() if now is None else now
        data = dict((k, v) for k, v in self.load().items()
                    if isinstance(v, dict) and v.get('expires_on', 0) > now)  # drop expired entries
        data[key] = {'access_token': access_token, 'expires_on': expires_on}
        self.save(data)

    def drop(self, key):
        data = self.load()
        if data.pop(key, None) is not None:
            self.save(data)
