# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The GA API (api-version 2022-10-01, 2026-06-01): /deviceUpdate/{instance}/management/groups/{group}/..."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote, unquote

from .paging import issue_token, read_token
from .routes_seed import json_body

GA_API_VERSIONS = ('2022-10-01', '2026-06-01')
ROUTES = ('ga_list', 'ga_subgroups', 'ga_subgroup', 'ga_subgroup_deployments',
          'ga_get_deployment', 'ga_group_status', 'ga_get_subgroup', 'ga_subgroup_status', 'ga_cancel',
          'ga_retry', 'ga_create', 'ga_delete', 'ga_delete_subgroup', 'ga_device_states')
THROTTLE_KINDS = {'ga_list': 'read', 'ga_subgroups': 'read', 'ga_subgroup': 'read', 'ga_subgroup_deployments': 'read',
                  'ga_get_deployment': 'read', 'ga_group_status': 'read', 'ga_get_subgroup': 'read',
                  'ga_subgroup_status': 'read', 'ga_device_states': 'read', 'ga_cancel': 'action',
                  'ga_retry': 'action', 'ga_create': 'create', 'ga_delete': 'delete', 'ga_delete_subgroup': 'delete'}


def match(method, segments):
    """(route, params) of a GA API request, or None."""
    if len(segments) >= 6 and segments[0] == 'deviceUpdate' and segments[2:4] == ['management', 'groups']:
        return _ga_route(method, segments)
    return None


class GaRoutes:
    """Handler methods of the GA API routes."""

    def _ga_refusal(self, query, entry):
        """The answer to a GA-surface call that is not authorized or names no supported api-version, else None.
        Every GA route (deployments, updates, groups) checks through here."""
        if not self._authorized(entry):
            return self._unauthorized()
        version = query.get('api-version', [None])[0]
        entry['api_version'] = version
        if version not in GA_API_VERSIONS:
            return self._error(400, 'UnsupportedApiVersion', 'The api-version %r is not supported; use one of %s.'
                               % (version, ', '.join(GA_API_VERSIONS)))
        if entry.get('instance') is not None and entry['instance'] not in self.emulator.store.instances:
            # Every route of an instance the service does not have is 404, problem+json as recorded (harvest:
            # *-list-deployments-for-group-404*, instance sdkinstance).
            return self._not_found()
        return None

    def _ga_call(self, params, query, entry, fault, read):
        return self._ga_refusal(query, entry) or self._answer(entry, fault, read(self.emulator.store, params))

    def _route_ga_list(self, params, body, query, entry, fault):
        def read(store, p):
            items = store.ga_deployments(p['instance'], p['group_id'])
            if items is None:
                return None
            if self.emulator.active_deployments_only:
                active = set(store.active_ga_deployments(p['instance'], p['group_id']))
                items = [d for d in items if d['deploymentId'] in active]
            page_size = self.emulator.page_size
            start = read_token(query.get('skip', [''])[0])
            page = {'value': items[start:start + page_size]}
            if start + page_size < len(items):
                page['nextLink'] = self._link('/deviceUpdate/%s/management/groups/%s/deployments?api-version=%s&skip=%s'
                                              % (p['instance'], p['group_id'], query['api-version'][0],
                                                 issue_token(start + page_size)))
            return page
        return self._ga_call(params, query, entry, fault, read)

    def _ga_page(self, items, query, path):
        """One page of a GA listing: top honoured (at most that many items in all), and a nextLink that keeps the
        api-version and the filter, as the service's does."""
        if items is None:
            return None
        top = query.get('top', query.get('$top', [None]))[0]
        if top is not None:
            if not top.isdigit() or int(top) < 1:
                return {'_status': 400, 'message': 'top must be a positive whole number.'}
            items = items[:int(top)]
        kept = ''.join('%s=%s&' % (key, quote(query[key][0], safe='')) for key in ('filter', 'search') if key in query)
        return self._page(items, query, '%s?api-version=%s&%s' % (path, query['api-version'][0], kept))

    def _route_ga_subgroups(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: self._ga_page(
            store.ga_subgroups(p['instance'], p['group_id']), query,
            '/deviceUpdate/%s/management/groups/%s/deviceClassSubgroups' % (p['instance'], p['group_id'])))

    def _route_ga_subgroup(self, params, body, query, entry, fault):
        def read(store, p):
            found = [s for s in store.ga_subgroups(p['instance'], p['group_id']) or []
                     if s['deviceClassId'] == p['device_class_id']]
            return found[0] if found else None
        return self._ga_call(params, query, entry, fault, read)

    def _route_ga_subgroup_deployments(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: self._ga_page(
            store.ga_deployments(p['instance'], p['group_id'], p['device_class_id']), query,
            '/deviceUpdate/%s/management/groups/%s/deviceClassSubgroups/%s/deployments' % (
                p['instance'], p['group_id'], p['device_class_id'])))

    def _route_ga_get_deployment(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: store.ga_deployment(
            p['instance'], p['group_id'], p['deployment_id']))

    def _route_ga_group_status(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: store.ga_status(
            p['instance'], p['group_id'], p['deployment_id']))

    def _route_ga_get_subgroup(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: store.ga_deployment(
            p['instance'], p['group_id'], p['deployment_id'], p['device_class_id']))

    def _route_ga_subgroup_status(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: store.ga_status(
            p['instance'], p['group_id'], p['deployment_id'], p['device_class_id']))

    def _route_ga_cancel(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: store.ga_apply(
            p['instance'], p['group_id'], p['deployment_id'], p['device_class_id'], 'cancel'))

    def _route_ga_retry(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: store.ga_apply(
            p['instance'], p['group_id'], p['deployment_id'], p['device_class_id'], 'retry'))

    def _route_ga_create(self, params, body, query, entry, fault):
        def create(store, p):
            spec = json_body(body)
            if not isinstance(spec, dict) or spec.get('deploymentId') != p['deployment_id'] or not isinstance(
                    spec.get('update'), dict) or not spec.get('startDateTime'):
                return {'_status': 400, 'message': 'The deployment is missing deploymentId, startDateTime or update.'}
            if 'downloadSecurity' in spec and query['api-version'][0] != '2026-06-01':
                return {'_status': 400, 'message': 'downloadSecurity needs api-version 2026-06-01.'}
            if self.emulator.strict:
                # The service deploys only an update it holds, to a group that exists (codes assumed; docs/emulator).
                update_id = (spec['update'].get('updateId') or {}) if isinstance(spec['update'], dict) else {}
                if store.catalog.get(p['instance'], update_id) is None:
                    return {'_status': 400, '_code': 'UpdateNotFound', 'message': (
                        'Update %s/%s/%s is not imported in instance %s.' % (
                            update_id.get('provider'), update_id.get('name'), update_id.get('version'), p['instance']))}
                if store.ga_subgroups(p['instance'], p['group_id']) is None:
                    return {'_status': 404, '_code': 'GroupNotFound', 'message': 'Group %s not found.' % p['group_id']}
            return store.create_ga_deployment(p['instance'], p['group_id'], spec)
        return self._ga_call(params, query, entry, fault, create)

    def _route_ga_delete(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: store.delete_ga_deployment(
            p['instance'], p['group_id'], p['deployment_id']))

    def _route_ga_delete_subgroup(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: store.delete_ga_deployment(
            p['instance'], p['group_id'], p['deployment_id'], p['device_class_id']))

    def _route_ga_device_states(self, params, body, query, entry, fault):
        def read(store, p):
            devices = store.ga_device_states(p['instance'], p['group_id'], p['deployment_id'], p['device_class_id'])
            wanted = _state_filter(query.get('filter', [None])[0])
            if devices is not None and wanted is not None:
                devices = [d for d in devices if d['deviceState'] == wanted]
            return self._ga_page(devices, query, '/deviceUpdate/%s/management/groups/%s/deviceClassSubgroups/%s'
                                 '/deployments/%s/devicestates' % (p['instance'], p['group_id'], p['device_class_id'],
                                                                   p['deployment_id']))
        return self._ga_call(params, query, entry, fault, read)


def _state_filter(expression):
    """The state of a filter "deviceState eq 'Failed'", or None."""
    if not expression:
        return None
    parts = expression.split(' eq ')
    if len(parts) == 2 and parts[0].strip() == 'deviceState':
        return parts[1].strip().strip("'")
    return None


def _ga_route(method, segments):
    """GA routes: /deviceUpdate/{instance}/management/groups/{group}/..."""
    n = len(segments)
    params = {'instance': unquote(segments[1]), 'group_id': unquote(segments[4])}
    if segments[5] == 'deployments':
        if n == 6 and method == 'GET':
            return 'ga_list', params
        params.update(deployment_id=unquote(segments[6]), segments=n - 6)
        if n == 7 and method == 'GET':
            return 'ga_get_deployment', params
        if n == 7 and method in ('PUT', 'DELETE'):
            return ('ga_create' if method == 'PUT' else 'ga_delete'), params
        if n == 8 and segments[7] == 'status' and method == 'GET':
            return 'ga_group_status', params
    elif segments[5] == 'deviceClassSubgroups' and n <= 8 and method == 'GET':
        if n == 6:
            return 'ga_subgroups', params
        params['device_class_id'] = unquote(segments[6])
        if n == 7:
            return 'ga_subgroup', params
        if segments[7] == 'deployments':
            return 'ga_subgroup_deployments', params
    elif segments[5] == 'deviceClassSubgroups' and n >= 9 and segments[7] == 'deployments':
        raw_id, _colon, action = segments[8].rpartition(':') if method == 'POST' else (segments[8], '', '')
        params.update(device_class_id=unquote(segments[6]), deployment_id=unquote(raw_id), segments=n - 8)
        if n == 9 and method == 'GET':
            return 'ga_get_subgroup', params
        if n == 9 and method == 'DELETE':
            return 'ga_delete_subgroup', params
        if n == 10 and segments[9] in ('status', 'devicestates') and method == 'GET':
            return ('ga_subgroup_status' if segments[9] == 'status' else 'ga_device_states'), params
        if n == 9 and method == 'POST' and action in ('cancel', 'retry'):
            return 'ga_' + action, params
    return 'unknown', {}
