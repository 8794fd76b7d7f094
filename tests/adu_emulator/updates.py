# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's updates: imported updates per instance, and the import and delete operations.

An import fetches the manifest and every file from the URLs it names (only on 127.0.0.1: the emulator's
own file route, or Azurite), checks sizes and SHA-256 as the service does, and ends after a while
(import_seconds) Succeeded or Failed. Shapes follow the REST specification's examples.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import copy
import datetime
import hashlib
import json
import ssl
import threading
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlsplit

# The instance's quotas (Microsoft's "Device Update limits"); tests lower them.
QUOTAS = {'updates': 100, 'providers': 25, 'names': 25, 'versions': 100}
MAX_RUNNING = 10
FETCH_LIMIT = 512 * 1024 * 1024


def _now_text(when=None):
    return datetime.datetime.fromtimestamp(when or time.time(), datetime.timezone.utc).strftime(
        '%Y-%m-%dT%H:%M:%S.%f0+00:00')


def _key(update_id):
    return (update_id.get('provider'), update_id.get('name'), update_id.get('version'))


class ImportRefused(Exception):
    """An import that fails: code, message, inner code."""

    def __init__(self, code, message, inner=None):
        super(ImportRefused, self).__init__(message)
        self.code = code
        self.message = message
        self.inner = inner


class Catalog:
    """Updates and operations of every instance. Thread-safe."""

    def __init__(self, seed_updates=None, ca_path=None):
        self.lock = threading.RLock()
        self.updates = {}  # (instance, key) -> body
        self.operations = {}  # operation id -> entry
        self.import_seconds = 1.5
        self.delete_seconds = 1.0
        self.retry_after = 1
        self.quotas = dict(QUOTAS)
        self.max_running = MAX_RUNNING
        self.ca_path = ca_path
        # Fault switch: a failed operation's error nested as the REST spec allows (innererror, then innerError),
        # its own code generic and the one to act on two levels down.
        self.nested_errors = False
        for instance, items in (seed_updates or {}).items():
            for item in items:
                self.add(instance, item)

    def add(self, instance, update):
        body = {
            'updateId': dict(update['updateId']), 'description': update.get('description', ''),
            'friendlyName': update.get('friendlyName', '%(provider)s %(name)s %(version)s' % update['updateId']),
            'isDeployable': update.get('isDeployable', True),
            'updateType': update.get('updateType', 'microsoft/swupdate:2'),
            'installedCriteria': update.get('installedCriteria', update['updateId']['version']),
            'compatibility': update.get('compatibility', [{'manufacturer': update['updateId']['provider'].lower(),
                                                           'model': update['updateId']['name'].lower()}]),
            'instructions': update.get('instructions', {'steps': [{'handler': 'microsoft/swupdate:2', 'files': []}]}),
            'referencedBy': update.get('referencedBy', []), 'scanResult': update.get('scanResult', 'Success'),
            'manifestVersion': '5.0', 'importedDateTime': _now_text(), 'createdDateTime': update.get(
                'createdDateTime', _now_text()), 'etag': '"%s"' % uuid.uuid4(),
            '_files': update.get('_files', []),
        }
        with self.lock:
            self.updates[(instance, _key(body['updateId']))] = body
        return body

    @staticmethod
    def _shown(body):
        return dict((k, copy.deepcopy(v)) for k, v in body.items() if not k.startswith('_'))

    # Reads: operations move on by the clock first, so an update appears (or goes) when its operation ends
    def _tick_all(self):
        for entry in self.operations.values():
            self._tick(entry)

    def get(self, instance, update_id):
        with self.lock:
            self._tick_all()
            body = self.updates.get((instance, _key(update_id)))
            return None if body is None else self._shown(body)

    def list(self, instance, deployable=None):
        with self.lock:
            self._tick_all()
            return [self._shown(b) for (i, _k), b in sorted(self.updates.items()) if i == instance and (
                deployable is None or b['isDeployable'] == deployable)]

    def providers(self, instance):
        with self.lock:
            self._tick_all()
            return sorted(set(k[0] for (i, k) in self.updates if i == instance))

    def names(self, instance, provider):
        with self.lock:
            self._tick_all()
            found = sorted(set(k[1] for (i, k) in self.updates if i == instance and k[0] == provider))
            return found or None

    def versions(self, instance, provider, name):
        with self.lock:
            self._tick_all()
            found = sorted(k[2] for (i, k) in self.updates if i == instance and k[:2] == (provider, name))
            return found or None

    def files(self, instance, update_id):
        with self.lock:
            self._tick_all()
            body = self.updates.get((instance, _key(update_id)))
            return None if body is None else [copy.deepcopy(f) for f in body['_files']]

    # Operations
    def _tick(self, entry):
        """Move an operation on by the clock; at its end apply it (add or remove the update)."""
        now = time.time()
        body = entry['body']
        if body['status'] in ('Succeeded', 'Failed'):
            return
        if now >= entry['ends']:
            if entry.get('update_id'):  # it read the manifest on its way, whether or not a poll saw it running
                body['update'] = _update_of(entry)
            body['status'] = entry['outcome']
            body['lastActionDateTime'] = _now_text()
            body['etag'] = '"%s"' % uuid.uuid4()  # a changed operation has a new etag (If-None-Match sees it)
            if entry['outcome'] == 'Succeeded':
                if entry['kind'] == 'import':
                    added = self.add(entry['instance'], entry['update'])
                    body['resourceLocation'] = '/deviceUpdate/%s/updates/providers/%s/names/%s/versions/%s' \
                        '?api-version=%s' % ((entry['instance'],) + _key(added['updateId']) + (entry['api_version'],))
                else:
                    self.updates.pop((entry['instance'], _key(entry['update_id'])), None)
            else:
                body['error'] = entry['error']
        elif now >= entry['running_at'] and body['status'] == 'NotStarted':
            body['status'] = 'Running'
            body['lastActionDateTime'] = _now_text()
            body['etag'] = '"%s"' % uuid.uuid4()
            if entry.get('update_id'):
                body['update'] = _update_of(entry)

    def running(self, instance):
        with self.lock:
            self._tick_all()
            return sum(1 for e in self.operations.values() if e['instance'] == instance and
                       e['body']['status'] not in ('Succeeded', 'Failed'))

    def operation(self, instance, operation_id, kind=None):
        with self.lock:
            entry = self.operations.get(operation_id)
            if entry is None or entry['instance'] != instance or (kind is not None and entry['kind'] != kind):
                return None
            self._tick(entry)
            return copy.deepcopy(entry['body'])

    def operations_list(self, instance, running_only):
        with self.lock:
            found = []
            self._tick_all()
            for entry in self.operations.values():
                if entry['instance'] == instance and entry['kind'] == 'import' and (
                        not running_only or entry['body']['status'] in ('NotStarted', 'Running')):
                    found.append(copy.deepcopy(entry['body']))
            return found

    def _new_operation(self, instance, kind, seconds, outcome, update_id=None, update=None, error=None,
                       friendly_name=None):
        now = time.time()
        operation_id = str(uuid.uuid4())
        body = {'operationId': operation_id, 'status': 'NotStarted', 'traceId': uuid.uuid4().hex,
                'createdDateTime': _now_text(now), 'lastActionDateTime': _now_text(now), 'etag': '"%s"' % uuid.uuid4()}
        if kind == 'delete' and update_id:
            body['update'] = {'updateId': dict(update_id)}
        self.operations[operation_id] = {
            'instance': instance, 'kind': kind, 'body': body, 'running_at': now + seconds / 3.0, 'ends': now + seconds,
            'outcome': outcome, 'update_id': update_id, 'update': update, 'error': error,
            'friendly_name': friendly_name}
        return operation_id

    def start_import(self, instance, items, api_version='2022-10-01'):
        """Check the request, fetch what it names, and start the operation: its id, or ImportRefused (400)."""
        if not isinstance(items, list) or not 1 <= len(items) <= 11:
            raise ImportRefused('BadRequest', 'The body must be an array of 1 to 11 import items.')
        item = items[0]
        if not isinstance(item, dict) or not isinstance(item.get('importManifest'), dict):
            raise ImportRefused('BadRequest', 'importManifest is required.')
        with self.lock:
            update_id, update, error = None, None, None
            try:
                update_id, update = self._fetch_and_check(instance, item)
            except ImportRefused as refused:
                error = {'code': refused.code, 'message': refused.message, 'details': [],
                         'innererror': {'code': refused.inner} if refused.inner else None}
                if self.nested_errors:
                    error = {'code': 'ImportFailed', 'message': refused.message, 'details': [],
                             'innererror': {'code': 'ImportValidation', 'message': refused.message,
                                            'innerError': {'code': refused.code, 'message': refused.message}}}
            operation_id = self._new_operation(instance, 'import', self.import_seconds,
                                               'Failed' if error else 'Succeeded', update_id, update, error,
                                               item.get('friendlyName'))
            self.operations[operation_id]['api_version'] = api_version
            return operation_id

    def _fetch_and_check(self, instance, item):
        manifest_meta = item['importManifest']
        data = self._fetch(manifest_meta.get('url'), 'ImportManifestDownloadFailed', 'the import manifest')
        if len(data) != manifest_meta.get('sizeInBytes'):
            raise ImportRefused('ImportValidationFailed', 'The import manifest is %d bytes, not the %s given.'
                                % (len(data), manifest_meta.get('sizeInBytes')), 'ImportManifestSizeMismatch')
        if _sha256(data) != (manifest_meta.get('hashes') or {}).get('sha256'):
            raise ImportRefused('ImportValidationFailed', 'The import manifest hash does not match the given sha256.',
                                'ImportManifestHashMismatch')
        try:
            manifest = json.loads(data.decode('utf-8'))
            update_id = dict((p, manifest['updateId'][p]) for p in ('provider', 'name', 'version'))
        except (ValueError, KeyError, TypeError):
            raise ImportRefused('ImportValidationFailed', 'The import manifest is not valid.', 'InvalidImportManifest')
        listed_names = set(f.get('filename') for f in manifest.get('files') or [] if isinstance(f, dict))
        for number, step in enumerate((manifest.get('instructions') or {}).get('steps') or [], 1):
            missing = [n for n in (step.get('files') or []) if n not in listed_names] if isinstance(step, dict) else []
            if missing:
                raise ImportRefused('ImportValidationFailed', 'Step %d names file %s, which the import manifest\'s '
                                    'files do not list.' % (number, missing[0]), 'InvalidImportManifest')
        urls = dict((f.get('filename'), f.get('url')) for f in item.get('files') or [] if isinstance(f, dict))
        files = []
        for listed in manifest.get('files') or []:
            name = listed.get('filename')
            if name not in urls:
                raise ImportRefused('ImportValidationFailed', 'No URL was given for file %s.' % name, 'MissingImportFile')
            content = self._fetch(urls[name], 'FileDownloadFailed', 'file %s' % name)
            if len(content) != listed.get('sizeInBytes'):
                raise ImportRefused('ImportValidationFailed', 'File %s is %d bytes, not the %s the manifest states.'
                                    % (name, len(content), listed.get('sizeInBytes')), 'FileSizeMismatch')
            if _sha256(content) != (listed.get('hashes') or {}).get('sha256'):
                raise ImportRefused('ImportValidationFailed', 'File %s hash does not match the manifest.' % name,
                                    'FileHashMismatch')
            files.append({'fileId': hashlib.sha1(content).hexdigest()[:16], 'fileName': name,
                          'sizeInBytes': len(content), 'hashes': {'sha256': _sha256(content)},
                          'mimeType': 'application/octet-stream', 'scanResult': 'Success',
                          'etag': '"%s"' % hashlib.sha1(content).hexdigest()})
        if (instance, _key(update_id)) in self.updates:
            raise ImportRefused('UpdateAlreadyExists', 'Update with the same identity already exists.')
        self._check_quotas(instance, update_id)
        update = {'updateId': update_id, 'compatibility': manifest.get('compatibility') or [],
                  'instructions': manifest.get('instructions') or {}, 'friendlyName': item.get('friendlyName'),
                  '_files': files, 'installedCriteria': update_id['version']}
        if not update['friendlyName']:
            update.pop('friendlyName')
        return update_id, update

    def _check_quotas(self, instance, update_id):
        keys = [k for (i, k) in self.updates if i == instance]
        provider, name = update_id['provider'], update_id['name']
        providers = set(k[0] for k in keys)
        names = set(k[1] for k in keys if k[0] == provider)
        # A new provider (name) counts against its quota; versions and updates always do.
        checks = (('updates', len(keys), 'updates in the instance'),
                  ('providers', len(providers) if provider not in providers else 0, 'providers'),
                  ('names', len(names) if name not in names else 0, 'names of provider %s' % provider),
                  ('versions', len([k for k in keys if k[:2] == (provider, name)]), 'versions of %s/%s'
                   % (provider, name)))
        for quota, count, what in checks:
            if count >= self.quotas[quota]:
                raise ImportRefused('UpdateQuotaExceeded', 'The instance holds the most %s allowed (%d).'
                                    % (what, self.quotas[quota]), 'QuotaExceeded')

    def _fetch(self, url, code, what):
        """GET a URL the import names; only 127.0.0.1, as every test address."""
        try:
            host = urlsplit(url).hostname
        except (ValueError, AttributeError):
            host = None
        if host not in ('127.0.0.1', 'localhost'):
            raise ImportRefused(code, 'Cannot download %s: the emulator fetches from 127.0.0.1 only.' % what)
        context = ssl.create_default_context(cafile=self.ca_path) if self.ca_path else ssl.create_default_context()
        try:
            with urllib.request.urlopen(url, timeout=30, context=context if url.startswith('https') else None) as resp:
                data = resp.read(FETCH_LIMIT + 1)
        except urllib.error.HTTPError as exc:
            raise ImportRefused(code, 'Cannot download %s: the storage answered %d.' % (what, exc.code))
        except (urllib.error.URLError, OSError) as exc:
            raise ImportRefused(code, 'Cannot download %s (%s).' % (what, type(exc).__name__))
        return data

    def start_delete(self, instance, update_id):
        with self.lock:
            if (instance, _key(update_id)) not in self.updates:
                return None
            return self._new_operation(instance, 'delete', self.delete_seconds, 'Succeeded', update_id)


def _update_of(operation):
    """The update an operation names, its friendlyName a string as the spec says."""
    return {'updateId': dict(operation['update_id']), 'friendlyName': operation.get('friendly_name') or (
        '%(provider)s %(name)s %(version)s' % operation['update_id'])}


def _sha256(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode('ascii')
