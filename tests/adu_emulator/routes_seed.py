# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The 2020-09-01 preview API ("v2"): /deviceupdate/{instance}/v2/management/deployments/{id}."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from urllib.parse import unquote

from .paging import issue_token, read_token

ROUTES = ('list_deployments', 'get_deployment', 'get_status', 'cancel', 'retry', 'create', 'delete', 'device_states')
# Which per-instance limit each route counts against: the documented limits are per operation
# (ProcessSubgroupDeployment for cancel and retry, CreateOrUpdateDeployment, DeleteDeployment).
THROTTLE_KINDS = {'list_deployments': 'read', 'get_deployment': 'read', 'get_status': 'read', 'device_states': 'read', 'cancel': 'action',
                  'retry': 'action', 'create': 'create', 'delete': 'delete'}


def match(method, segments, query):
    """(route, params) of a seed API request, or None."""
    n = len(segments)
    if n == 5 and method == 'GET' and segments[0] == 'deviceupdate' and segments[2:5] == ['v2', 'management',
                                                                                          'deployments']:
        return 'list_deployments', {'instance': unquote(segments[1])}
    if n < 6 or segments[0] != 'deviceupdate' or segments[2:5] != ['v2', 'management', 'deployments']:
        return None
    params = {'instance': unquote(segments[1]), 'deployment_id': unquote(segments[5]), 'segments': n - 5}
    if n == 6:
        if method == 'GET':
            return 'get_deployment', params
        if method == 'PUT':
            return 'create', params
        if method == 'DELETE':
            return 'delete', params
        action = query.get('action', [''])[0]
        if method == 'POST' and action in ('cancel', 'retry'):
            return action, params
    if n == 7 and method == 'GET' and segments[6] in ('status', 'devicestates'):
        return ('get_status' if segments[6] == 'status' else 'device_states'), params
    return None


class SeedRoutes:
    """Handler methods of the seed API routes, and what they share with the GA ones."""

    def _authorized(self, entry):
        header = self.headers.get('Authorization') or ''
        ok = header.startswith('Bearer ') and self.emulator.store.token_valid(header[len('Bearer '):])
        entry['authorized'] = ok
        return ok

    def _unauthorized(self):
        return self._error(401, 'Unauthorized', 'A valid bearer token is required.', {'WWW-Authenticate': 'Bearer'})

    def _answer(self, entry, fault, result):
        """The answer to an API call: 404 when unknown, 400 for a refused body, 204 for a deletion (True),
        else the result; or the fault after applying it."""
        if result is None:
            return self._not_found()
        if isinstance(result, dict) and '_status' in result:
            return self._error(result['_status'], result.get('_code', 'BadRequest'), result['message'])
        status, body, headers = (204, b'', None) if result is True else (200, result, None)
        if isinstance(result, dict) and result.get('_created'):  # a PUT that created: 201, as recorded
            status, body = 201, dict((k, v) for k, v in result.items() if k != '_created')
        if isinstance(result, dict) and result.get('_accepted'):  # a long-running operation started: 202, no body
            status, body, headers = 202, b'', {'Operation-Location': result['_accepted']}
        if isinstance(result, dict) and '_headers' in result:
            body, headers = dict((k, v) for k, v in result.items() if k != '_headers'), result['_headers']
        if fault is not None:
            entry['fault'] = fault.kind
            return self._apply_fault(fault) or self._send(status, body, headers=headers)
        return self._send(status, body, headers=headers)

    def _deployment_call(self, params, entry, fault, read):
        if not self._authorized(entry):
            return self._unauthorized()
        return self._answer(entry, fault, read(params['instance'], params['deployment_id']))

    def _route_get_deployment(self, params, body, query, entry, fault):
        return self._deployment_call(params, entry, fault, self.emulator.store.get_deployment)

    def _route_get_status(self, params, body, query, entry, fault):
        return self._deployment_call(params, entry, fault, self.emulator.store.get_status)

    def _route_cancel(self, params, body, query, entry, fault):
        return self._deployment_call(params, entry, fault, lambda i, d: self.emulator.store.apply(i, d, 'cancel'))

    def _route_retry(self, params, body, query, entry, fault):
        return self._deployment_call(params, entry, fault, lambda i, d: self.emulator.store.apply(i, d, 'retry'))

    def _route_create(self, params, body, query, entry, fault):
        if not self._authorized(entry):
            return self._unauthorized()
        try:
            spec = json.loads(body.decode('utf-8'))
        except ValueError:
            return self._error(400, 'BadRequest', 'The body is not JSON.')
        problem = _missing(spec, ('deploymentId', 'deploymentType', 'startDateTime', 'deviceGroupType',
                                  'deviceGroupDefinition', 'updateId'))
        if problem or spec.get('deploymentId') != params['deployment_id']:
            return self._error(400, 'BadRequest', problem or 'deploymentId differs from the path.')
        return self._answer(entry, fault, self.emulator.store.create_deployment(params['instance'], spec))

    def _route_delete(self, params, body, query, entry, fault):
        if not self._authorized(entry):
            return self._unauthorized()
        if not self.emulator.store.delete_deployment(params['instance'], params['deployment_id']):
            return self._not_found()
        if fault is not None:
            entry['fault'] = fault.kind
            return self._apply_fault(fault) or self._send(200, b'')
        return self._send(200, b'')  # the recorded answer: 200 with an empty body

    def _route_list_deployments(self, params, body, query, entry, fault):
        if not self._authorized(entry):
            return self._unauthorized()
        items = self.emulator.store.deployments(params['instance'])
        path = '/deviceupdate/%s/v2/management/deployments' % params['instance']
        return self._answer(entry, fault, self._page(items, query, path + '?'))

    def _route_device_states(self, params, body, query, entry, fault):
        if not self._authorized(entry):
            return self._unauthorized()
        devices = self.emulator.store.device_states(params['instance'], params['deployment_id'])
        path = '/deviceupdate/%s/v2/management/deployments/%s/devicestates' % (
            params['instance'], params['deployment_id'])
        return self._answer(entry, fault, self._page(devices, query, path + '?'))

    def _page(self, items, query, link_prefix):
        """One page of items; nextLink is relative, with $skipToken, as the service sends it."""
        if items is None:
            return None
        start = read_token(query.get('$skipToken', query.get('$skiptoken', ['']))[0])
        size = self.emulator.page_size
        page = {'value': items[start:start + size]}
        if start + size < len(items):
            spelling = '$skiptoken' if self.emulator.skiptoken_2026 and '2026-06-01' in query.get(
                'api-version', []) else '$skipToken'
            page['nextLink'] = self._link('%s%s=%s' % (link_prefix, spelling, issue_token(start + size)))
        return page

    def _link(self, path):
        """A nextLink as the recordings have it (relative), or absolute as every spec example is (switch
        absolute_links)."""
        return self.emulator.url + path if self.emulator.absolute_links else path


def json_body(body):
    """A request's JSON body, or None when it is not JSON."""
    try:
        return json.loads(body.decode('utf-8'))
    except ValueError:
        return None


def _missing(spec, keys):
    if not isinstance(spec, dict):
        return 'The body is not a JSON object.'
    absent = [k for k in keys if spec.get(k) in (None, '', [])]
    return 'Missing required fields: %s.' % ', '.join(absent) if absent else None
