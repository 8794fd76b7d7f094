# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The update APIs (GA): /deviceUpdate/{instance}/updates/..., and the operation resources.

Also a small blob store for tests (/_files/{name}?sig=...): what an import fetches, behind a SAS-like
signature, so a wrong or missing signature fails the import as an expired SAS would.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from urllib.parse import unquote

from .updates import ImportRefused

ROUTES = ('updates_list', 'update_import', 'update_operations', 'update_operation', 'update_delete_operation',
          'update_providers', 'update_names', 'update_versions', 'update_get', 'update_delete', 'update_files',
          'update_file', 'blob')
# Every update-API call counts against 'update' (510 a minute); listing operations against its own 50.
THROTTLE_KINDS = dict((route, 'update') for route in ROUTES if route != 'blob')
THROTTLE_KINDS['update_operations'] = 'operation_list'
RUNNING_FILTER = "status eq 'NotStarted' or status eq 'Running'"


def match(method, segments):
    """(route, params) of an update-API request, or None."""
    if segments and segments[0] == '_files' and len(segments) == 2 and method == 'GET':
        return 'blob', {'name': unquote(segments[1])}
    if len(segments) < 3 or segments[0] != 'deviceUpdate':
        return None
    params = {'instance': unquote(segments[1])}
    rest = segments[2:]
    if rest == ['updates:import'] and method == 'POST':
        return 'update_import', params
    if rest[0] == 'operations' and len(rest) == 2 and method == 'GET':
        return 'update_delete_operation', dict(params, operation_id=unquote(rest[1]))
    if rest[0] != 'updates':
        return None
    rest = rest[1:]
    if not rest:
        return ('updates_list', params) if method == 'GET' else ('unknown', {})
    if rest[0] == 'operations' and method == 'GET' and len(rest) <= 2:
        if len(rest) == 1:
            return 'update_operations', params
        return 'update_operation', dict(params, operation_id=unquote(rest[1]))
    if rest[0] != 'providers':
        return 'unknown', {}
    # providers / {provider} / names / {name} / versions / {version} / files / {fileId}
    words = {2: 'names', 4: 'versions', 6: 'files'}
    if any(rest[i] != word for i, word in words.items() if i < len(rest)):
        return 'unknown', {}
    for index, field in ((1, 'provider'), (3, 'name'), (5, 'version'), (7, 'file_id')):
        if index < len(rest):
            params[field] = unquote(rest[index])
    route = {1: 'update_providers', 3: 'update_names', 5: 'update_versions', 6: 'update_get', 7: 'update_files',
             8: 'update_file'}.get(len(rest))
    if route == 'update_get' and method == 'DELETE':
        return 'update_delete', params
    if route is None or method != 'GET':
        return 'unknown', {}
    return route, params


class UpdateRoutes:
    """Handler methods of the update routes."""

    @property
    def catalog(self):
        return self.emulator.store.catalog

    def _update_call(self, params, query, entry, fault, read):
        return self._ga_refusal(query, entry) or self._answer(entry, fault, read(params))

    def _update_id(self, params):
        return dict((p, params[p]) for p in ('provider', 'name', 'version'))

    def _route_updates_list(self, params, body, query, entry, fault):
        expression = query.get('filter', [None])[0]
        deployable = None
        if expression:
            parts = expression.split(' eq ')
            if len(parts) != 2 or parts[0].strip() != 'isDeployable' or parts[1].strip() not in ('true', 'false'):
                return self._error(400, 'BadRequest', 'Unsupported filter; only isDeployable eq true|false.')
            deployable = parts[1].strip() == 'true'
        return self._update_call(params, query, entry, fault, lambda p: self._ga_page(
            self.catalog.list(p['instance'], deployable), query, '/deviceUpdate/%s/updates' % p['instance']))

    def _route_update_providers(self, params, body, query, entry, fault):
        return self._update_call(params, query, entry, fault, lambda p: self._ga_page(
            self.catalog.providers(p['instance']), query, '/deviceUpdate/%s/updates/providers' % p['instance']))

    def _route_update_names(self, params, body, query, entry, fault):
        return self._update_call(params, query, entry, fault, lambda p: self._ga_page(
            self.catalog.names(p['instance'], p['provider']), query,
            '/deviceUpdate/%s/updates/providers/%s/names' % (p['instance'], p['provider'])))

    def _route_update_versions(self, params, body, query, entry, fault):
        return self._update_call(params, query, entry, fault, lambda p: self._ga_page(
            self.catalog.versions(p['instance'], p['provider'], p['name']), query,
            '/deviceUpdate/%s/updates/providers/%s/names/%s/versions' % (p['instance'], p['provider'], p['name'])))

    def _not_modified(self, found):
        """304 when the client's If-None-Match names the current etag (the spec's get update, file and operation)."""
        sent = self.headers.get('If-None-Match')
        return isinstance(found, dict) and sent is not None and sent.strip() == found.get('etag')

    def _conditional(self, params, query, entry, fault, read):
        refused = self._ga_refusal(query, entry)
        if refused:
            return refused
        found = read(params)
        if self._not_modified(found):
            return self._send(304)
        return self._answer(entry, fault, found)

    def _route_update_get(self, params, body, query, entry, fault):
        return self._conditional(params, query, entry, fault, lambda p: self.catalog.get(
            p['instance'], self._update_id(p)))

    def _route_update_files(self, params, body, query, entry, fault):
        def read(p):
            files = self.catalog.files(p['instance'], self._update_id(p))
            return None if files is None else self._ga_page(
                [f['fileId'] for f in files], query, '/deviceUpdate/%s/updates/providers/%s/names/%s/versions/%s/files'
                % (p['instance'], p['provider'], p['name'], p['version']))
        return self._update_call(params, query, entry, fault, read)

    def _route_update_file(self, params, body, query, entry, fault):
        def read(p):
            found = [f for f in self.catalog.files(p['instance'], self._update_id(p)) or []
                     if f['fileId'] == p['file_id']]
            return found[0] if found else None
        return self._conditional(params, query, entry, fault, read)

    def _route_update_operations(self, params, body, query, entry, fault):
        expression = query.get('filter', [None])[0]
        if expression is not None and expression != RUNNING_FILTER:
            return self._error(400, 'BadRequest', 'The only filter is %s.' % RUNNING_FILTER)
        return self._update_call(params, query, entry, fault, lambda p: self._ga_page(
            self.catalog.operations_list(p['instance'], expression is not None), query,
            '/deviceUpdate/%s/updates/operations' % p['instance']))

    def _operation_answer(self, params, query, entry, fault, kind):
        refused = self._ga_refusal(query, entry)
        if refused:
            return refused
        found = self.catalog.operation(params['instance'], params['operation_id'], kind)
        if found is None:
            return self._not_found()
        if self._not_modified(found):
            return self._send(304)
        if fault is not None:
            return self._apply_fault(fault) or self._send(200, found)
        # Fault switch: catalog.retry_after None answers without Retry-After, as the service may.
        headers = {} if self.catalog.retry_after is None else {'Retry-After': str(self.catalog.retry_after)}
        return self._send(200, found, headers=headers)

    def _route_update_operation(self, params, body, query, entry, fault):
        return self._operation_answer(params, query, entry, fault, 'import')

    def _route_update_delete_operation(self, params, body, query, entry, fault):
        return self._operation_answer(params, query, entry, fault, 'delete')

    def _too_many_operations(self, instance):
        if self.catalog.running(instance) >= self.catalog.max_running:
            self.emulator.note_running_refused()
            return self._error(429, 'TooManyRequests', 'Too many import or delete operations are running.')
        return None

    def _start_operation(self, params, query, entry, fault, start, location):
        """An import or delete: refused when not authorized, on a bad api-version or with 10 operations running;
        else start() -> operation id (None: not found), answered 202 with its Operation-Location."""
        refused = self._ga_refusal(query, entry) or self._too_many_operations(params['instance'])
        if refused:
            return refused
        try:
            operation_id = start()
        except ValueError:
            return self._error(400, 'BadRequest', 'The body is not JSON.')
        except ImportRefused as exc:
            return self._error(400, exc.code, exc.message)
        if operation_id is None:
            return self._not_found()
        entry['operation_id'] = operation_id
        self.emulator.note_running(self.catalog.running(params['instance']))
        headers = {'Operation-Location': location % (params['instance'], operation_id, entry['api_version'])}
        if fault is not None:
            return self._apply_fault(fault) or self._send(202, None, headers=headers)
        return self._send(202, None, headers=headers)

    def _route_update_import(self, params, body, query, entry, fault):
        return self._start_operation(params, query, entry, fault, lambda: self.catalog.start_import(
            params['instance'], json.loads(body.decode('utf-8')), entry['api_version']),
            '/deviceUpdate/%s/updates/operations/%s?api-version=%s')

    def _route_update_delete(self, params, body, query, entry, fault):
        in_use = self.emulator.strict and self.emulator.store.deployments_of(params['instance'], self._update_id(params))
        if in_use and not self._ga_refusal(query, entry):
            # An update an active deployment still uses is not deleted (code assumed; see docs/emulator).
            return self._error(409, 'UpdateInUse', 'The update is used by active deployment(s) %s; cancel or delete '
                               'them first.' % ', '.join(in_use))
        # The delete's operation lives at a path of its own, as the specification's example shows.
        return self._start_operation(params, query, entry, fault, lambda: self.catalog.start_delete(
            params['instance'], self._update_id(params)), '/deviceUpdate/%s/operations/%s?api-version=%s')

    def _route_blob(self, params, body, query, entry, fault):
        stored = self.emulator.blobs.get(params['name'])
        if stored is None:
            return self._error(404, 'BlobNotFound', 'The specified blob does not exist.')
        if query.get('sig', [None])[0] != stored['sig']:
            return self._error(403, 'AuthenticationFailed', 'Signature did not match.')
        if fault is not None:
            return self._apply_fault(fault) or self._send(200, stored['data'], 'application/octet-stream')
        return self._send(200, stored['data'], 'application/octet-stream')
