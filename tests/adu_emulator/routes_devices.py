# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Device management routes of the GA API (REST spec 2022-10-01 and 2026-06-01): devices and their modules, device
classes (read, rename, delete, installable updates), deleting groups and subgroups, and the import of devices from
IoT Hub as a long-running operation (/deviceUpdate/{instance}/management/...). The devices are fleet.py's."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time
import uuid
from urllib.parse import unquote

from . import fleet
from .routes_seed import json_body

ROUTES = ('devices_list', 'device_get', 'device_module_get', 'device_import', 'device_operations_list',
          'device_operation_get', 'device_classes', 'device_class_get', 'device_class_patch', 'device_class_delete',
          'installable_updates', 'group_delete', 'subgroup_delete')
# The limits page names no throttle for these routes; groups' reads are its GetGroups budget.
THROTTLE_KINDS = {}
IMPORT_TYPES = ('Devices', 'Modules', 'All')
_CLAUSE = re.compile(r"\s*(groupId|deviceClassId|deploymentStatus)\s+eq\s+(null|'((?:[^']|'')*)')\s*", re.I)
_DEPLOYMENT_STATUSES = ('Succeeded', 'InProgress', 'Canceled', 'Failed')


def match(method, segments):
    """(route, params) of these routes, or None."""
    if len(segments) < 4 or segments[0] != 'deviceUpdate' or segments[2] != 'management':
        return None
    params = {'instance': unquote(segments[1])}
    rest = [unquote(s) for s in segments[3:]]
    if rest == ['devices'] and method == 'GET':
        return 'devices_list', params
    if rest == ['devices:import'] and method == 'POST':
        return 'device_import', params
    if rest[0] == 'devices' and len(rest) in (2, 4) and method == 'GET':
        params['device_id'] = rest[1]
        if len(rest) == 2:
            return 'device_get', params
        if rest[2] == 'modules':
            params['module_id'] = rest[3]
            return 'device_module_get', params
        return None
    if rest == ['operations'] and method == 'GET':
        return 'device_operations_list', params
    if rest[0] == 'operations' and len(rest) == 2 and method == 'GET':
        params['operation_id'] = rest[1]
        return 'device_operation_get', params
    if rest == ['deviceClasses'] and method == 'GET':
        return 'device_classes', params
    if rest[0] == 'deviceClasses' and len(rest) == 2:
        params['device_class_id'] = rest[1]
        return {'GET': 'device_class_get', 'PATCH': 'device_class_patch', 'DELETE': 'device_class_delete'}.get(
            method, 'unknown'), params
    if rest[0] == 'deviceClasses' and len(rest) == 3 and rest[2] == 'installableUpdates' and method == 'GET':
        params['device_class_id'] = rest[1]
        return 'installable_updates', params
    if rest[0] == 'groups' and method == 'DELETE' and (len(rest) == 2 or len(rest) == 4 and rest[2] ==
                                                       'deviceClassSubgroups'):
        params['group_id'] = rest[1]
        if len(rest) == 2:
            return 'group_delete', params
        params['device_class_id'] = rest[3]
        return 'subgroup_delete', params
    return None


def parse_device_filter(expression):
    """{key: value or None} of a device listing's filter: groupId, deviceClassId, or groupId and deploymentStatus
    (as the spec allows), each 'eq' a quoted string or null; ValueError otherwise."""
    clauses = {}
    for part in re.split(r'\s+and\s+', expression.strip(), flags=re.I) if expression.strip() else []:
        found = _CLAUSE.fullmatch(part)
        if found is None:
            raise ValueError(part)
        key = {'groupid': 'groupId', 'deviceclassid': 'deviceClassId', 'deploymentstatus': 'deploymentStatus'}[
            found.group(1).lower()]
        clauses[key] = None if found.group(2).lower() == 'null' else found.group(3).replace("''", "'")
    if 'deploymentStatus' in clauses and ('groupId' not in clauses or clauses['deploymentStatus'] not in
                                          _DEPLOYMENT_STATUSES):
        raise ValueError(expression)
    return clauses


class DeviceRoutes:
    """Handler methods of these routes."""

    def _instance_call(self, params, query, entry, fault, read):
        """A device management call: refused like every GA call (an instance the emulator does not have included)."""
        refusal = self._ga_refusal(query, entry)
        if refusal:
            return refusal
        with self.emulator.store.lock:
            result = read(params)
        return self._answer(entry, fault, result)

    def _instance(self, params):
        return self.emulator.store.instances[params['instance']]

    # Devices
    def _route_devices_list(self, params, body, query, entry, fault):
        def read(p):
            try:
                clauses = parse_device_filter(query.get('filter', [''])[0])
            except ValueError:
                return {'_status': 400, 'message': "Unsupported filter: use groupId eq '...', deviceClassId eq '...', "
                                                   "or groupId eq '...' and deploymentStatus eq '...'."}
            items = fleet.devices(self.emulator.store, p['instance'])
            if clauses:
                items = [d for d in items if all(d.get(k) == v for k, v in clauses.items())]
            return self._ga_page(self._with_modules(items), query, '/deviceUpdate/%s/management/devices' % p['instance'])
        return self._instance_call(params, query, entry, fault, read)

    def _with_modules(self, devices):
        """Devices, each followed by its module identities (a device class's moduleIds in the seed)."""
        modular = dict((dc, spec.get('moduleIds')) for dc, spec in self.emulator.store.device_classes.items()
                       if spec.get('moduleIds'))
        if not modular:
            return devices
        items = []
        for device in devices:
            items.append(device)
            for module_id in modular.get(device['deviceClassId']) or ():
                items.append(dict(device, moduleId=module_id))
        return items

    def _route_device_get(self, params, body, query, entry, fault):
        def read(p):
            found = [d for d in fleet.devices(self.emulator.store, p['instance']) if d['deviceId'] == p['device_id']]
            return found[0] if found else None
        return self._instance_call(params, query, entry, fault, read)

    def _route_device_module_get(self, params, body, query, entry, fault):
        def read(p):
            found = [d for d in self._with_modules(fleet.devices(self.emulator.store, p['instance']))
                     if d['deviceId'] == p['device_id'] and d.get('moduleId') == p['module_id']]
            return found[0] if found else None
        return self._instance_call(params, query, entry, fault, read)

    # Importing devices from IoT Hub: a long-running operation that ends after emulator.device_import_seconds
    def _route_device_import(self, params, body, query, entry, fault):
        def start(p):
            import_type = json_body(body)
            if import_type not in IMPORT_TYPES:
                return {'_status': 400, 'message': 'The body must be one of %s as a JSON string.'
                                                   % ', '.join('"%s"' % t for t in IMPORT_TYPES)}
            operation_id = str(uuid.uuid4())
            fleet.state_of(self._instance(p))['operations'][operation_id] = {
                'started': time.time(), 'importType': import_type, 'seconds': self.emulator.device_import_seconds}
            entry['operation_id'] = operation_id
            return {'_accepted': '/deviceUpdate/%s/management/operations/%s?api-version=%s' % (
                p['instance'], operation_id, query['api-version'][0])}
        return self._instance_call(params, query, entry, fault, start)

    def _device_operation(self, instance, operation_id):
        found = fleet.state_of(instance)['operations'].get(operation_id)
        if found is None:
            return None
        elapsed, seconds = time.time() - found['started'], found['seconds']
        status = 'Succeeded' if elapsed >= seconds else ('Running' if elapsed >= seconds / 2 else 'NotStarted')
        created = time.strftime('%Y-%m-%dT%H:%M:%S.0000000+00:00', time.gmtime(found['started']))
        return {'operationId': operation_id, 'status': status, 'traceId': uuid.UUID(int=hash(operation_id) % (1 << 128)).hex,
                'createdDateTime': created, 'lastActionDateTime': time.strftime(
                    '%Y-%m-%dT%H:%M:%S.0000000+00:00', time.gmtime(min(time.time(), found['started'] + seconds))),
                'etag': '"%s-%s"' % (operation_id, status)}  # a new etag with each status

    def _route_device_operation_get(self, params, body, query, entry, fault):
        def read(p):
            operation = self._device_operation(self._instance(p), p['operation_id'])
            if operation is not None and operation['status'] not in ('Succeeded', 'Failed'):
                operation = dict(operation, _headers={'Retry-After': '1'})
            return operation
        return self._instance_call(params, query, entry, fault, read)

    def _route_device_operations_list(self, params, body, query, entry, fault):
        def read(p):
            instance = self._instance(p)
            items = [self._device_operation(instance, o) for o in sorted(fleet.state_of(instance)['operations'])]
            expression = query.get('filter', [''])[0].strip()
            if expression:
                wanted = re.findall(r"status\s+eq\s+'(\w+)'", expression)
                if not wanted:
                    return {'_status': 400, 'message': "Unsupported filter: use status eq 'Running' (or NotStarted)."}
                items = [o for o in items if o['status'] in wanted]
            return self._ga_page(items, query, '/deviceUpdate/%s/management/operations' % p['instance'])
        return self._instance_call(params, query, entry, fault, read)

    # Device classes
    def _route_device_classes(self, params, body, query, entry, fault):
        def read(p):
            store = self.emulator.store
            items = [fleet.device_class(store, p['instance'], dc) for dc in fleet.class_ids(store, p['instance'])]
            expression = query.get('filter', [''])[0].strip()
            if expression:
                found = re.fullmatch(r"friendlyName\s+eq\s+'((?:[^']|'')*)'", expression)
                if found is None:
                    return {'_status': 400, 'message': "Unsupported filter: use friendlyName eq '...'."}
                items = [c for c in items if c['friendlyName'] == found.group(1).replace("''", "'")]
            return self._ga_page(items, query, '/deviceUpdate/%s/management/deviceClasses' % p['instance'])
        return self._instance_call(params, query, entry, fault, read)

    def _route_device_class_get(self, params, body, query, entry, fault):
        return self._instance_call(params, query, entry, fault, lambda p: fleet.device_class(
            self.emulator.store, p['instance'], p['device_class_id']))

    def _route_device_class_patch(self, params, body, query, entry, fault):
        def patch(p):
            spec = json_body(body)
            name = spec.get('friendlyName') if isinstance(spec, dict) else None
            if not isinstance(name, str) or not 1 <= len(name) <= 100 or set(spec) - {'friendlyName'}:
                return {'_status': 400, 'message': 'The body must be {"friendlyName": "..."} (1-100 characters).'}
            if fleet.device_class(self.emulator.store, p['instance'], p['device_class_id']) is None:
                return None
            fleet.state_of(self._instance(p))['class_names'][p['device_class_id']] = name
            return fleet.device_class(self.emulator.store, p['instance'], p['device_class_id'])
        return self._instance_call(params, query, entry, fault, patch)

    def _route_device_class_delete(self, params, body, query, entry, fault):
        def delete(p):
            store = self.emulator.store
            if fleet.device_class(store, p['instance'], p['device_class_id']) is None:
                return None
            groups = sorted(set(g for g, _subgroup in fleet.subgroups(store, p['instance'])))
            in_use = [g for g in groups if any(s['deviceClassId'] == p['device_class_id']
                                               for s in store.ga_subgroups(p['instance'], g) or [])]
            if in_use:
                return {'_status': 409, '_code': 'DeviceClassInUse', 'message': (
                    'Device class %s is referenced by the subgroups of group(s) %s: delete them first.'
                    % (p['device_class_id'], ', '.join(in_use)))}
            fleet.state_of(self._instance(p))['deleted_classes'].add(p['device_class_id'])
            return True
        return self._instance_call(params, query, entry, fault, delete)

    def _route_installable_updates(self, params, body, query, entry, fault):
        def read(p):
            store = self.emulator.store
            if fleet.device_class(store, p['instance'], p['device_class_id']) is None:
                return None
            return self._ga_page([fleet.update_info(u) for u in fleet.installable(store, p['instance'],
                                                                                  p['device_class_id'])],
                                 query, '/deviceUpdate/%s/management/deviceClasses/%s/installableUpdates' % (
                                     p['instance'], p['device_class_id']))
        return self._instance_call(params, query, entry, fault, read)

    # Groups and subgroups (created by devices' tags; deleted here)
    def _route_group_delete(self, params, body, query, entry, fault):
        def delete(p):
            store = self.emulator.store
            if store.ga_subgroups(p['instance'], p['group_id']) is None:
                return None
            active = store.active_ga_deployments(p['instance'], p['group_id'])
            if self.emulator.strict and active:
                # As the service answers (Azure/iot-hub-device-update#261): 400 while deployments are active.
                return {'_status': 400, 'message': 'Group %s has active deployments (%s); cancel or delete them '
                                                   'first.' % (p['group_id'], ', '.join(sorted(active)))}
            fleet.state_of(self._instance(p))['deleted_groups'].add(p['group_id'])
            return True
        return self._instance_call(params, query, entry, fault, delete)

    def _route_subgroup_delete(self, params, body, query, entry, fault):
        def delete(p):
            found = [s for s in self.emulator.store.ga_subgroups(p['instance'], p['group_id']) or []
                     if s['deviceClassId'] == p['device_class_id']]
            if not found:
                return None
            fleet.state_of(self._instance(p))['deleted_subgroups'].add((p['group_id'], p['device_class_id']))
            return True
        return self._instance_call(params, query, entry, fault, delete)
