# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GA management routes beyond deployments: groups, best updates, compliance, device classes, log
collections and device health (/deviceUpdate/{instance}/management/...).

Compliance and best updates are derived from the devices the emulator holds and the deployments' progress:
a subgroup's devices that succeeded in a deployment of the newest update of its family are on the latest
update, so a rollout that finishes raises the on-latest counts.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import time
from urllib.parse import unquote

from . import fleet
from .routes_seed import json_body
from .store import _settle

ROUTES = ('groups_list', 'group_get', 'group_best_updates', 'group_compliance', 'subgroup_best_updates',
          'subgroup_compliance', 'instance_compliance', 'log_collection_put', 'log_collection_get',
          'log_collection_status', 'log_collections_list', 'device_health')
THROTTLE_KINDS = {'groups_list': 'group', 'group_get': 'group', 'group_best_updates': 'best_updates',
                  'subgroup_best_updates': 'best_updates', 'group_compliance': 'compliance',
                  'subgroup_compliance': 'compliance', 'instance_compliance': 'compliance'}


def match(method, segments):
    """(route, params) of these routes, or None (deployment routes are routes_ga's)."""
    if len(segments) < 4 or segments[0] != 'deviceUpdate' or segments[2] != 'management':
        return None
    params = {'instance': unquote(segments[1])}
    rest = segments[3:]
    if rest == ['groups'] and method == 'GET':
        return 'groups_list', params
    if rest == ['updateCompliance'] and method == 'GET':
        return 'instance_compliance', params
    if rest[0] == 'groups' and len(rest) >= 2:
        params['group_id'] = unquote(rest[1])
        if len(rest) == 2 and method == 'GET':
            return 'group_get', params
        if len(rest) == 3 and method == 'GET' and rest[2] in ('bestUpdates', 'updateCompliance'):
            return ('group_best_updates' if rest[2] == 'bestUpdates' else 'group_compliance'), params
        if len(rest) == 5 and method == 'GET' and rest[2] == 'deviceClassSubgroups' and rest[4] in (
                'bestUpdates', 'updateCompliance'):
            params['device_class_id'] = unquote(rest[3])
            return ('subgroup_best_updates' if rest[4] == 'bestUpdates' else 'subgroup_compliance'), params
        return None
    if rest == ['deviceDiagnostics', 'logCollections'] and method == 'GET':
        return 'log_collections_list', params
    if rest[:2] == ['deviceDiagnostics', 'logCollections'] and len(rest) in (3, 4):
        params['log_collection_id'] = unquote(rest[2])
        if len(rest) == 3:
            return {'PUT': 'log_collection_put', 'GET': 'log_collection_get'}.get(method, 'unknown'), params
        if rest[3] == 'detailedStatus' and method == 'GET':
            return 'log_collection_status', params
        return 'unknown', {}
    if rest == ['deviceDiagnostics', 'deviceHealth'] and method == 'GET':
        return 'device_health', params
    return None


def _hash(text, modulo):
    return int(hashlib.sha1(text.encode('utf-8')).hexdigest(), 16) % modulo


class GroupRoutes:
    """Handler methods of these routes."""

    def _management_call(self, params, query, entry, fault, read):
        return self._ga_refusal(query, entry) or self._answer(entry, fault, read(params))

    # Derived figures
    def _group_ids(self, instance):
        store = self.emulator.store
        with store.lock:
            known = set(store.instances.get(instance, {}).get('groups', {}))
            known |= set(g for g, spec in store.device_groups.items() if (spec or {}).get('device_classes'))
            deleted = (store.instances.get(instance, {}).get('fleet') or {}).get('deleted_groups', ())
            return sorted(known - set(deleted))

    def _best(self, instance, family):
        """The newest update of a family (provider, name) in the instance, or None."""
        versions = [u for u in self.emulator.store.catalog.list(instance)
                    if family is None or (u['updateId']['provider'], u['updateId']['name']) == family]
        return max(versions, key=lambda u: fleet.version_key(u['updateId']['version'])) if versions else None

    def _subgroup_figures(self, instance, group_id):
        """[(subgroup, compliance, best update or None)] of a group, or None when the group is unknown."""
        store = self.emulator.store
        if group_id not in self._group_ids(instance):
            return None
        with store.lock:
            subgroups = store.ga_subgroups(instance, group_id) or []
            group = store.instances.get(instance, {}).get('groups', {}).get(group_id, {})
            figures = []
            for subgroup in subgroups:
                dc = subgroup['deviceClassId']
                latest = [e for e in group.values() if dc in e['subgroups']]
                total = subgroup['deviceCount'] or 0
                succeeded = in_progress = 0
                family, deployed = None, None
                if latest:
                    sub = latest[-1]['subgroups'][dc]
                    _settle(sub, status_read=True)
                    update_id = latest[-1]['deployment'].get('update', {}).get('updateId', {})
                    family, deployed = (update_id.get('provider'), update_id.get('name')), update_id.get('version')
                    succeeded = sub['status'].get('devicesCompletedSucceededCount') or 0
                    in_progress = sub['status'].get('devicesInProgressCount') or 0
                best = self._best(instance, family)
                on_latest = succeeded if best is not None and best['updateId']['version'] == deployed else 0
                if best is None and deployed is not None:
                    on_latest = succeeded
                compliance = {'totalDeviceCount': total, 'onLatestUpdateDeviceCount': min(on_latest, total),
                              'updatesInProgressDeviceCount': min(in_progress, total),
                              'newUpdatesAvailableDeviceCount': max(0, total - min(on_latest, total) - in_progress)}
                figures.append((subgroup, compliance, best))
            return figures

    def _group_body(self, instance, group_id):
        figures = self._subgroup_figures(instance, group_id)
        if figures is None:
            return None
        store = self.emulator.store
        with store.lock:
            deployments = list(store.instances.get(instance, {}).get('groups', {}).get(group_id, {}))
        return {'groupId': group_id, 'groupType': 'IoTHubTag', 'createdDateTime': '2026-11-01T08:00:00.0000000+00:00',
                'deviceCount': sum(s['deviceCount'] or 0 for s, _c, _b in figures),
                'subgroupsWithNewUpdatesAvailableCount': sum(1 for _s, c, _b in figures
                                                             if c['newUpdatesAvailableDeviceCount']),
                'subgroupsWithUpdatesInProgressCount': sum(1 for _s, c, _b in figures
                                                           if c['updatesInProgressDeviceCount']),
                'subgroupsWithOnLatestUpdateCount': sum(1 for _s, c, _b in figures if c['totalDeviceCount'] and
                                                        c['onLatestUpdateDeviceCount'] == c['totalDeviceCount']),
                'deployments': deployments}

    @staticmethod
    def _sum(compliances):
        keys = ('totalDeviceCount', 'onLatestUpdateDeviceCount', 'newUpdatesAvailableDeviceCount',
                'updatesInProgressDeviceCount')
        return dict((k, sum(c[k] for c in compliances)) for k in keys)

    def _best_items(self, instance, group_id, device_class_id=None):
        figures = self._subgroup_figures(instance, group_id)
        if figures is None:
            return None
        return [{'groupId': group_id, 'deviceClassId': s['deviceClassId'], 'deviceCount':
                 c['newUpdatesAvailableDeviceCount'], 'update': {'updateId': dict(
                     (k, b['updateId'][k]) for k in ('provider', 'name', 'version')),
                     'friendlyName': b.get('friendlyName')}}
                for s, c, b in figures if b is not None and c['newUpdatesAvailableDeviceCount'] and
                device_class_id in (None, s['deviceClassId'])]

    # Routes
    def _route_groups_list(self, params, body, query, entry, fault):
        return self._management_call(params, query, entry, fault, lambda p: self._ga_page(
            [self._group_body(p['instance'], g) for g in self._group_ids(p['instance'])], query,
            '/deviceUpdate/%s/management/groups' % p['instance']))

    def _route_group_get(self, params, body, query, entry, fault):
        return self._management_call(params, query, entry, fault, lambda p: self._group_body(
            p['instance'], p['group_id']))

    def _route_group_best_updates(self, params, body, query, entry, fault):
        return self._management_call(params, query, entry, fault, lambda p: self._ga_page(
            self._best_items(p['instance'], p['group_id']), query,
            '/deviceUpdate/%s/management/groups/%s/bestUpdates' % (p['instance'], p['group_id'])))

    def _route_subgroup_best_updates(self, params, body, query, entry, fault):
        def read(p):
            items = self._best_items(p['instance'], p['group_id'], p['device_class_id'])
            return items[0] if items else None
        return self._management_call(params, query, entry, fault, read)

    def _route_group_compliance(self, params, body, query, entry, fault):
        def read(p):
            figures = self._subgroup_figures(p['instance'], p['group_id'])
            return None if figures is None else self._sum([c for _s, c, _b in figures])
        return self._management_call(params, query, entry, fault, read)

    def _route_subgroup_compliance(self, params, body, query, entry, fault):
        def read(p):
            found = [c for s, c, _b in self._subgroup_figures(p['instance'], p['group_id']) or []
                     if s['deviceClassId'] == p['device_class_id']]
            return found[0] if found else None
        return self._management_call(params, query, entry, fault, read)

    def _route_instance_compliance(self, params, body, query, entry, fault):
        def read(p):
            compliances = []
            for group_id in self._group_ids(p['instance']):
                compliances.extend(c for _s, c, _b in self._subgroup_figures(p['instance'], group_id) or [])
            return self._sum(compliances)
        return self._management_call(params, query, entry, fault, read)

    # Log collections: devices finish after emulator.log_seconds; about one in four fails
    def _route_log_collection_put(self, params, body, query, entry, fault):
        def create(p):
            spec = json_body(body)
            devices = spec.get('deviceList') if isinstance(spec, dict) else None
            if not isinstance(devices, list) or not devices or not all(
                    isinstance(d, dict) and d.get('deviceId') for d in devices):
                return {'_status': 400, 'message': 'deviceList with at least one deviceId is required.'}
            now = time.time()
            stamp = time.strftime('%Y-%m-%dT%H:%M:%S.0000000+00:00', time.gmtime(now))
            collection = {'operationId': p['log_collection_id'], 'deviceList': devices,
                          'description': spec.get('description'), 'createdDateTime': stamp,
                          'lastActionDateTime': stamp, 'status': 'NotStarted'}
            with self.emulator.lock:
                self.emulator.log_collections[(p['instance'], p['log_collection_id'])] = {'body': collection, 'started': now}
            return dict(collection, _created=True)
        return self._management_call(params, query, entry, fault, create)

    def _collection(self, instance, log_collection_id):
        with self.emulator.lock:
            found = self.emulator.log_collections.get((instance, log_collection_id))
        if found is None:
            return None, None
        done = time.time() >= found['started'] + self.emulator.log_seconds
        body = dict(found['body'], status='Succeeded' if done else 'Running')
        return body, done

    def _route_log_collections_list(self, params, body, query, entry, fault):
        def read(p):
            with self.emulator.lock:
                ids = sorted(c for (i, c) in self.emulator.log_collections if i == p['instance'])
            return self._ga_page([self._collection(p['instance'], c)[0] for c in ids], query,
                                 '/deviceUpdate/%s/management/deviceDiagnostics/logCollections' % p['instance'])
        return self._management_call(params, query, entry, fault, read)

    def _route_log_collection_get(self, params, body, query, entry, fault):
        return self._management_call(params, query, entry, fault, lambda p: self._collection(
            p['instance'], p['log_collection_id'])[0])

    def _route_log_collection_status(self, params, body, query, entry, fault):
        def read(p):
            collection, done = self._collection(p['instance'], p['log_collection_id'])
            if collection is None:
                return None
            devices = []
            for device in collection['deviceList']:
                failed = _hash(device['deviceId'], 4) == 0
                # The spec's states (NotStarted, Running, Succeeded, Failed); what a device has not got is left out.
                shown = {'deviceId': device['deviceId'],
                         'status': 'Running' if not done else ('Failed' if failed else 'Succeeded')}
                if device.get('moduleId'):
                    shown['moduleId'] = device['moduleId']
                if done:
                    shown.update(resultCode='500' if failed else '200',
                                 extendedResultCode='0x20000001' if failed else '0')
                if done and not failed:
                    shown['logLocation'] = 'https://127.0.0.1/logs/%s/%s' % (p['log_collection_id'], device['deviceId'])
                devices.append(shown)
            return {'operationId': collection['operationId'], 'createdDateTime': collection['createdDateTime'],
                    'lastActionDateTime': collection['lastActionDateTime'], 'status': collection['status'],
                    'deviceStatus': devices, 'description': collection['description']}
        return self._management_call(params, query, entry, fault, read)

    def _route_device_health(self, params, body, query, entry, fault):
        def read(p):
            expression = query.get('filter', [''])[0]
            parts = expression.split(' eq ')
            if len(parts) != 2 or parts[0].strip() not in ('deviceId', 'state', 'moduleId'):
                return {'_status': 400, 'message': 'A filter on state, deviceId or moduleId is required.'}
            field, value = parts[0].strip(), parts[1].strip().strip("'").replace("''", "'")
            if field == 'deviceId':
                found = [self._health(value)]
            elif field == 'state':
                # Every device of the fleet in that state (the fleet is fleet.py's).
                found = [self._health(d['deviceId']) for d in fleet.devices(self.emulator.store, p['instance']) or []]
                found = [h for h in found if h is not None and h['state'] == value]
            else:
                found = []
            return self._ga_page([h for h in found if h is not None], query,
                                 '/deviceUpdate/%s/management/deviceDiagnostics/deviceHealth' % p['instance'])
        return self._management_call(params, query, entry, fault, read)

    @staticmethod
    def _health(device_id):
        """A device's health: none for about a third of the devices (no health report), else healthy or not."""
        kind = _hash(device_id, 3)
        if kind == 0:
            return None
        healthy = kind == 1
        return {'deviceId': device_id, 'state': 'healthy' if healthy else 'unhealthy',
                'digitalTwinModelId': 'dtmi:azure:iot:deviceUpdateModel;2',
                'healthChecks': [{'name': 'adu-agent-running', 'result': 'success'},
                                 {'name': 'certificate-valid', 'result': 'success' if healthy else 'userError'}]}
