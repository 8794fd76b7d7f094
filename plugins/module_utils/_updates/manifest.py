# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an adu_update task declares, checked before any request: the update id, the import manifest
(its URL, size and SHA-256, from a local copy when given) and the URL of every file it lists.

URLs that carry a query (SAS tokens) are secrets: their queries are registered with the task's redactor,
and they are only ever shown without it (wire.without_query).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import json
from urllib.parse import urlsplit

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import update_id_option
from ansible_collections.adu.device_update.plugins.module_utils._core.options import read_regular_file, shown_value
from ansible_collections.adu.device_update.plugins.module_utils._updates.wire import describe_update, without_query

# The files one import item may name, as the service's spec allows.
MAX_FILES = 5
FRIENDLY_NAME_RANGE = (1, 512)
# An import manifest is a small JSON document; the service's own limit is far below this.
MANIFEST_SIZE_LIMIT = 1024 * 1024


def sha256_b64(data):
    """The digest as the service and the manifest write it: base64 of the raw SHA-256."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode('ascii')


def check_url(option, value, warn, redactor):
    """An https URL (http with a warning) the service fetches; its query is registered as a secret."""
    try:
        parts = urlsplit(value) if isinstance(value, str) else None
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ('https', 'http') or not parts.hostname:
        raise OptionError(option, 'must be an https URL the service can fetch, like '
                          'https://<account>.blob.core.windows.net/<container>/<blob>?<SAS> (got %s)'
                          % shown_value(without_query(value) if isinstance(value, str) else value, 120))
    if parts.query:
        redactor.add_sas(parts.query)
    if parts.scheme == 'http':
        warn('%s is an http URL (%s): the service fetches it unencrypted; prefer https' % (option, without_query(value)))
    return value


def read_manifest(path, option='manifest_path'):
    """(bytes, parsed) of a local import manifest; OptionError naming option (manifest_path, or source.manifest_path
    when staging) when it is unusable."""
    data = read_regular_file(option, path, MANIFEST_SIZE_LIMIT)
    try:
        manifest = json.loads(data.decode('utf-8'))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise OptionError(option, '%s is not a JSON import manifest (%s)' % (path, exc))
    if not isinstance(manifest, dict):
        raise OptionError(option, '%s is not a JSON object, as an import manifest is' % path)
    return data, manifest


def manifest_files(manifest, path, option='manifest_path'):
    """The files an import manifest lists: [{filename, size, sha256}]."""
    files = manifest.get('files') or []
    if not isinstance(files, list):
        raise OptionError(option, '%s: its files is not a list' % path)
    listed = []
    for item in files:
        name = item.get('filename') if isinstance(item, dict) else None
        if not isinstance(name, str) or not name:
            raise OptionError(option, '%s: a file it lists has no filename' % path)
        hashes = item.get('hashes') if isinstance(item.get('hashes'), dict) else {}
        listed.append({'filename': name, 'size': item.get('sizeInBytes'), 'sha256': hashes.get('sha256')})
    return listed


def _check_sha256(value):
    try:
        raw = base64.b64decode(value, validate=True) if isinstance(value, str) else b''
    except (binascii.Error, ValueError):
        raw = b''
    if len(raw) != 32:
        raise OptionError('manifest_sha256', 'must be the base64 of a SHA-256 digest (44 characters ending in =), '
                          'as `openssl dgst -sha256 -binary manifest.json | base64` prints it (got %s)'
                          % shown_value(value))
    return value


class ImportDeclaration:
    """update_id, and for an import: manifest {url, size, sha256}, files [{filename, url}], friendly_name."""

    def __init__(self, update_id, manifest=None, files=None, friendly_name=None):
        self.update_id = update_id
        self.manifest = manifest
        self.files = files or []
        self.friendly_name = friendly_name

    def shown(self):
        """What the task may show of the import: URLs without their queries."""
        return {'manifest_url': without_query(self.manifest['url']), 'files': [
            {'filename': f['filename'], 'url': without_query(f['url'])} for f in self.files]}


class UrlSource:
    """An import from URLs the task gives (manifest_url, files): its declaration is complete before any request."""

    def __init__(self, declaration):
        self.update_id = declaration.update_id
        self._declaration = declaration

    def where(self):
        return self._declaration.shown()['manifest_url']

    def declaration(self):
        return self._declaration


def declared_import(params, warn, redactor):
    """The declaration of an adu_update task; OptionError before any request when anything is off."""
    update = update_id_option(params['update']) if params.get('update') is not None else None
    if params['state'] == 'absent':
        if update is None:
            raise OptionError('update', 'is required with state absent: the provider, name and version to delete')
        return ImportDeclaration(update)
    files = _files(params.get('files') or [], warn, redactor)
    if params.get('manifest_path'):
        for option in ('manifest_size', 'manifest_sha256'):
            if params.get(option) is not None:
                raise OptionError(option, 'is computed from manifest_path: give one of them')
        data, manifest = read_manifest(params['manifest_path'])
        size, sha256 = len(data), sha256_b64(data)
        named = manifest.get('updateId')
        try:
            named = update_id_option(named, 'updateId')
        except OptionError as exc:
            raise OptionError('manifest_path', '%s: its %s' % (params['manifest_path'], exc))
        if update is not None and update != named:
            raise OptionError('update', 'is %s but the manifest at manifest_path names %s: they must agree'
                              % (describe_update(update), describe_update(named)))
        update = named
        listed = manifest_files(manifest, params['manifest_path'])
        _check_files_cover(listed, files, params['manifest_path'])
    else:
        if update is None:
            raise OptionError('update', 'is required when manifest_path is not given (the provider, name and version '
                              'the manifest names)')
        size, sha256 = params.get('manifest_size'), params.get('manifest_sha256')
        if size is None or sha256 is None:
            raise OptionError('manifest_size' if size is None else 'manifest_sha256',
                              'give manifest_size and manifest_sha256 together, or manifest_path (a local copy of the '
                              'manifest they are computed from)')
        if not 0 < size <= MANIFEST_SIZE_LIMIT:
            raise OptionError('manifest_size', 'must be the manifest\'s size in bytes, 1 to %d (got %s)'
                              % (MANIFEST_SIZE_LIMIT, shown_value(size)))
        _check_sha256(sha256)
    url = params.get('manifest_url')
    if url is None:
        raise OptionError('manifest_url', 'is required with state present: the URL the service fetches the import '
                          'manifest from (give it, with manifest_path or manifest_size and manifest_sha256)')
    check_url('manifest_url', url, warn, redactor)
    friendly = params.get('friendly_name')
    if friendly is not None and not FRIENDLY_NAME_RANGE[0] <= len(friendly) <= FRIENDLY_NAME_RANGE[1]:
        raise OptionError('friendly_name', 'must be 1 to 512 characters (got %d)' % len(friendly))
    return ImportDeclaration(update, {'url': url, 'size': size, 'sha256': sha256}, files, friendly)


def _files(files, warn, redactor):
    if len(files) > MAX_FILES:
        raise OptionError('files', 'at most %d files per import, as the service allows (got %d)' % (MAX_FILES, len(files)))
    seen = set()
    for index, item in enumerate(files):
        name = item.get('filename')
        if not name or '/' in name or '\\' in name:
            raise OptionError('files[%d].filename' % index, 'must be a file name as the manifest lists it, without '
                              'a directory (got %s)' % shown_value(name))
        if name in seen:
            raise OptionError('files[%d].filename' % index, '%s is given twice' % name)
        seen.add(name)
        check_url('files[%d].url' % index, item.get('url'), warn, redactor)
    return [{'filename': f['filename'], 'url': f['url']} for f in files]


def _check_files_cover(listed, files, path):
    given = set(f['filename'] for f in files)
    names = [f['filename'] for f in listed]
    missing = [n for n in names if n not in given]
    if missing:
        raise OptionError('files', 'the manifest at %s lists %s, which files gives no URL for: add {filename, url} for '
                          'each' % (path, ', '.join(missing)))
    extra = sorted(given - set(names))
    if extra:
        raise OptionError('files', '%s: not listed in the manifest at %s (it lists %s)'
                          % (', '.join(extra), path, ', '.join(names) or 'no files'))
