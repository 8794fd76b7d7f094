# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Staging a build's files in Azure Blob Storage for an import: checked, uploaded once, shared by SAS.

Before any request, every file the manifest lists is checked in files_dir without reading it: a plain name, a
regular file of the stated size, a stated SHA-256. The service is asked first: a build whose update is imported
already is not read at all. Otherwise each file is read once, in chunks, hashed as its blocks are sent, and its
blob committed only when every file sent is what the manifest states (check mode hashes them, sending nothing).
A blob that holds the same content already (its sha256 metadata) is not sent again, so a rerun after an
interrupted upload sends only what is missing. Each blob gets its own read-only SAS (a user delegation SAS with
credential: auto, a blob service SAS with a key; never an account SAS). SAS URLs, keys and connection strings are
secrets: registered with the task's redactor, shown only without their queries. azure-storage-blob is imported
here only, when staging."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import os
import re
from urllib.parse import urlsplit

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import update_id_option
from ansible_collections.adu.device_update.plugins.module_utils._core.options import (
    check_regular_file,
    open_regular_file,
    shown_value,
)
from ansible_collections.adu.device_update.plugins.module_utils._updates.manifest import (
    manifest_files,
    read_manifest,
    sha256_b64,
)
from ansible_collections.adu.device_update.plugins.module_utils._updates.wire import describe_update

CHUNK = 4 * 1024 * 1024
SAS_EXPIRY_RANGE = (1, 168)


# The service's rule for container names.
_CONTAINER = re.compile(r'[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}')


def open_build_file(path):
    """A build file, opened once without following links or waiting on a FIFO, checked to be a regular file on the
    open handle: what is read from it is what was checked."""
    return open_regular_file('source.files_dir', path, follow_links=False)


class HashedRead:
    """One read of a build file in CHUNK-sized pieces, hashed as they are read: what is hashed is what is read."""

    def __init__(self, path):
        self.path = path
        self.size = 0
        self._digest = hashlib.sha256()

    def chunks(self):
        with open_build_file(self.path) as handle:
            while True:
                chunk = handle.read(CHUNK)
                if not chunk:
                    return
                self._digest.update(chunk)
                self.size += len(chunk)
                yield chunk

    @property
    def sha256(self):
        """The base64 SHA-256 of what was read (all of it once chunks() is exhausted)."""
        return base64.b64encode(self._digest.digest()).decode('ascii')


def file_digest(path):
    """(size, base64 SHA-256) of a build file, read in chunks."""
    read = HashedRead(path)
    for _chunk in read.chunks():
        pass
    return read.size, read.sha256


class StagingPlan:
    """What a task stages: the manifest and its files, checked; where they go in storage."""

    def __init__(self, update_id, manifest_path, manifest_data, files, storage, sas_expiry):
        self.update_id = update_id
        self.manifest_path = manifest_path
        # The manifest is uploaded from the bytes that were checked and hashed, never read again.
        self.manifest_data = manifest_data
        self.manifest_size = len(manifest_data)
        self.manifest_sha256 = sha256_b64(manifest_data)
        self.files = files  # [{filename, path, size, sha256}]
        self.storage = storage
        self.sas_expiry = sas_expiry

    @property
    def prefix(self):
        if self.storage.get('prefix') is not None:
            return self.storage['prefix']
        return '%(provider)s/%(name)s/%(version)s/' % self.update_id

    def blobs(self):
        """[(blob name, local path, size, sha256)], the payload files first, the manifest last."""
        items = [(self.prefix + f['filename'], f['path'], f['size'], f['sha256']) for f in self.files]
        items.append((self.prefix + os.path.basename(self.manifest_path), self.manifest_path, self.manifest_size,
                      self.manifest_sha256))
        return items

    def verify(self):
        """Hash every file (one read each) against the manifest: what check mode does instead of uploading."""
        for listed in self.files:
            size, sha = file_digest(listed['path'])
            check_content(listed['filename'], size, sha, listed, 'nothing was uploaded')

    def staged(self, uploaded=None):
        """The staged list as returned; uploaded: {blob name: bool}, None in check mode."""
        return [{'blob': name, 'size': size, 'sha256': sha, 'uploaded': None if uploaded is None else uploaded[name]}
                for name, _path, size, sha in self.blobs()]


def staging_plan(params, redactor, warn, check_files=True):
    """Check the source and storage options and every file the manifest lists (not its content: see verify), before
    any request. check_files False (removing what was staged): the manifest's word for each file is taken, the build
    files need not be there."""
    for option in ('manifest_url', 'manifest_path', 'manifest_size', 'manifest_sha256'):
        if params.get(option) is not None:
            raise OptionError(option, 'is set by staging: with source, give source.manifest_path only')
    if params.get('files'):
        raise OptionError('files', 'are staged from source.files_dir: with source, give no files')
    source, storage = params['source'], params.get('storage')
    if not storage:
        raise OptionError('storage', 'is required with source: account_url, container and one credential')
    # Registered before anything else is checked: an error below may quote them.
    redactor.add_connection_string(storage.get('connection_string'))
    redactor.add(storage.get('account_key'))
    credentials = [c for c in ('connection_string', 'account_key', 'credential') if storage.get(c)]
    if len(credentials) != 1:
        raise OptionError('storage', 'needs exactly one credential: connection_string, account_key or '
                          'credential: auto (got %s)' % (', '.join(credentials) or 'none'))
    if storage.get('credential') and storage['credential'] != 'auto':
        raise OptionError('storage.credential', 'must be auto (the task\'s Azure AD credential)')
    if storage.get('ca_path'):
        check_regular_file('storage.ca_path', storage['ca_path'])
    if not storage.get('connection_string'):
        if not storage.get('account_url'):
            raise OptionError('storage.account_url', 'is required unless connection_string names the endpoint, for '
                              'example https://<account>.blob.core.windows.net')
        _check_account_url(storage['account_url'])
        if storage['account_url'].startswith('http://'):
            warn('storage.account_url is http: the files and their SAS tokens travel unencrypted; prefer https')
    if not _CONTAINER.fullmatch(storage.get('container') or ''):
        raise OptionError('storage.container', 'must be 3 to 63 lower-case letters, digits and single hyphens, '
                          'starting with a letter or digit (got %s)' % shown_value(storage.get('container')))
    prefix = storage.get('prefix')
    if prefix is not None and (prefix.startswith('/') or '\\' in prefix or len(prefix) > 512):
        raise OptionError('storage.prefix', 'must be a blob name prefix such as builds/1.0.2/, without a leading / '
                          '(got %s)' % shown_value(prefix))
    expiry = params.get('sas_expiry')
    if expiry is None or not SAS_EXPIRY_RANGE[0] <= expiry <= SAS_EXPIRY_RANGE[1]:
        raise OptionError('sas_expiry', 'must be %d to %d hours (got %s); the service suggests at least 4 for large '
                          'files' % (SAS_EXPIRY_RANGE + (shown_value(expiry),)))
    data, manifest = read_manifest(source['manifest_path'], 'source.manifest_path')
    try:
        named = update_id_option(manifest.get('updateId'), 'updateId')
    except OptionError as exc:
        raise OptionError('source.manifest_path', '%s: its %s' % (source['manifest_path'], exc))
    if params.get('update') is not None and update_id_option(params['update']) != named:
        raise OptionError('update', 'is %s but the manifest at source.manifest_path names %s: they must agree'
                          % (describe_update(update_id_option(params['update'])), describe_update(named)))
    listed_files = manifest_files(manifest, source['manifest_path'], 'source.manifest_path')
    if check_files:
        files = [_checked_file(source['files_dir'], listed) for listed in listed_files]
    else:
        files = [{'filename': f['filename'], 'path': os.path.join(source['files_dir'], f['filename']),
                  'size': f['size'], 'sha256': f['sha256']} for f in listed_files]
    return StagingPlan(named, source['manifest_path'], data, files, storage, expiry)


def _check_account_url(value):
    """https://<account>.blob.core.windows.net, or an emulator's http(s)://host:port/<account>."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        parts, port = None, None
    path = parts.path.strip('/') if parts else ''
    if parts is None or parts.scheme not in ('https', 'http') or not parts.hostname or parts.query or parts.fragment \
            or parts.username or '/' in path or (port is not None and not 0 < port < 65536):
        raise OptionError('storage.account_url', 'must be the blob service\'s URL, https://<account>.blob.core.'
                          'windows.net, or an emulator\'s http://127.0.0.1:10000/<account> (got %s)'
                          % shown_value(value, 120))
    return value


def _checked_file(files_dir, listed):
    """A file the manifest lists, checked without reading it: a plain name, a regular file in files_dir (not a link)
    of the stated size, with a stated SHA-256. Its content is checked as it is read (upload or verify)."""
    name = listed['filename']
    path = os.path.join(files_dir, name)
    if os.path.basename(name) != name or name in ('.', '..'):
        raise OptionError('source.manifest_path', 'lists the file %s, which is not a plain file name' % shown_value(name))
    if not os.path.lexists(path):
        raise OptionError('source.files_dir', 'the manifest lists %s, which is not in %s' % (name, files_dir))
    if not listed.get('sha256'):
        raise OptionError('source.manifest_path', 'lists %s without hashes.sha256, the base64 SHA-256 its content is '
                          'checked against' % name)
    with open_build_file(path) as handle:
        size = os.fstat(handle.fileno()).st_size
    _check_size(name, size, listed, 'nothing was uploaded')
    return {'filename': name, 'path': path, 'size': size, 'sha256': listed['sha256']}


def _check_size(name, size, listed, consequence):
    if listed.get('size') is not None and size != listed['size']:
        raise OptionError('source.files_dir', '%s is %d bytes but the manifest states %s; %s'
                          % (name, size, listed['size'], consequence))


def check_content(name, size, sha, listed, consequence):
    """OptionError unless what was read of a file is what the manifest states of it (listed: size, sha256)."""
    _check_size(name, size, listed, consequence)
    if sha != listed.get('sha256'):
        raise OptionError('source.files_dir', '%s has SHA-256 %s but the manifest states %s; %s'
                          % (name, sha, listed.get('sha256'), consequence))
