# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's state: deployments and statuses per instance, service principals, tokens.

Deployments are built on the bodies the real service sent (recorded/), so the module is
tested against the shapes the service really uses: camelCase keys and isRetry.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os
import secrets
import threading
import time

from .updates import Catalog

RECORDED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'recorded')
DEFAULT_SEED = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'seed.json')
TOKEN_LIFETIME = 3599
ADU_SCOPE = 'https://api.adu.microsoft.com/.default'


def recorded_exchange(name):
    """One recorded exchange: request, request_body (when kept), status, response_headers, body."""
    with open(os.path.join(RECORDED_DIR, name + '.json')) as handle:
        return json.load(handle)


def recorded_body(name):
    """The body of one recorded response, e.g. recorded_body('v2-get-deployment')."""
    return recorded_exchange(name)['body']


def _pascal(value):
    if isinstance(value, dict):
        return dict((k[:1].upper() + k[1:], _pascal(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_pascal(v) for v in value]
    return value


class Store:
    """Everything the emulated service knows. All methods are thread-safe."""

    def __init__(self, seed):
        self.lock = threading.RLock()
        self.seed = seed
        self.reset()

    @classmethod
    def from_file(cls, path=DEFAULT_SEED):
        with open(path) as handle:
            return cls(json.load(handle))

    def reset(self):
        with self.lock:
            seed = copy.deepcopy(self.seed)
            self.principals = seed.get('principals', [])
            # Managed identities of "this host": 'system' and user-assigned client ids -> their client id.
            self.managed_identities = seed.get('managed_identities', {})
            self.identity_header = seed.get('identity_header', 'emu-identity-header')
            self.static_tokens = set(seed.get('access_tokens', []))
            self.tokens = {}  # token -> {tenant_id, client_id, expires}
            self.instances = {}
            # Seconds after an action until its devices settle (cancel: state Canceled; retry: in
            # progress -> succeeded); None: they never do by themselves.
            self.settle_seconds = seed.get('settle_seconds')
            # Device groups new deployments target: their status counts (seed API) or device classes (GA).
            self.device_groups = seed.get('device_groups', {})
            # Device classes' properties by id: friendlyName and compatProperties (fleet.py).
            self.device_classes = seed.get('device_classes', {})
            self.ga_default_download_security = None
            # Imported updates and their operations (updates.py).
            self.catalog = Catalog(seed.get('updates', {}), getattr(self, 'ca_path', None))
            for name, spec in seed.get('instances', {}).items():
                self.instances[name] = {'key_case': spec.get('key_case', 'camel'), 'deployments': {}, 'groups': {}}
                for item in spec.get('deployments', []):
                    self.add_deployment(name, item.get('deployment', {}), item.get('status', {}), item.get('timeline'))
                for group_id, deployments in spec.get('groups', {}).items():
                    for item in deployments:
                        self.add_ga_deployment(name, group_id, item['deployment'], item.get('subgroups', {}),
                                               item.get('timelines'))

    def add_deployment(self, instance, deployment, status=None, timeline=None):
        """Add or replace a deployment; fields not given come from the recorded bodies. timeline: how its
        status moves on by itself (see _settle)."""
        with self.lock:
            body = recorded_body('v2-get-deployment')
            body.update(deployment)
            state = recorded_body('v2-get-deployment-status')
            state.update(status or {})
            if body.get('isCanceled'):
                state.setdefault('deploymentState', 'Canceled')
            inst = self.instances.setdefault(instance, {'key_case': 'camel', 'deployments': {}, 'groups': {}})
            inst['deployments'][body['deploymentId']] = _with_timeline({'deployment': body, 'status': state}, timeline)
            return body

    def _entry(self, instance, deployment_id):
        inst = self.instances.get(instance)
        return None if inst is None else inst['deployments'].get(deployment_id)

    def _render(self, instance, body):
        body = copy.deepcopy(body)
        return _pascal(body) if self.instances[instance]['key_case'] == 'pascal' else body

    def get_deployment(self, instance, deployment_id):
        with self.lock:
            entry = self._entry(instance, deployment_id)
            return None if entry is None else self._render(instance, entry['deployment'])

    def deployments(self, instance):
        """Every deployment of the seed API in an instance (None when the instance is unknown)."""
        with self.lock:
            inst = self.instances.get(instance)
            if inst is None:
                return None
            return [self._render(instance, e['deployment']) for e in inst['deployments'].values()]

    def get_status(self, instance, deployment_id):
        with self.lock:
            entry = self._entry(instance, deployment_id)
            if entry is None:
                return None
            _settle(entry, status_read=True)
            return self._render(instance, entry['status'])

    def raw(self, instance, deployment_id):
        """The stored entry itself, for tests that inspect or change it."""
        with self.lock:
            return self._entry(instance, deployment_id)

    def apply(self, instance, deployment_id, action):
        """Apply cancel/retry as the service does; returns the Deployment after it, None if unknown."""
        with self.lock:
            entry = self._entry(instance, deployment_id)
            if entry is None:
                return None
            _act(entry, action, 'isRetry', self.settle_seconds)
            return self._render(instance, entry['deployment'])

    # GA API: deployments in device groups, split into one subgroup deployment per device class
    def add_ga_deployment(self, instance, group_id, deployment, subgroups, timelines=None):
        """deployment: GA Deployment fields; subgroups: {deviceClassId: status fields}; timelines:
        {deviceClassId: timeline} for subgroups whose status moves on by itself (see _settle)."""
        with self.lock:
            body = recorded_body('ga-2022-10-01-deployment-list-item')
            body.update(deployment)
            body['groupId'] = group_id
            # As every GA body read since 2023: an undocumented internalId that clients must pass through.
            body['update'] = copy.deepcopy(body.get('update') or {})
            internal = {'provider': 'internal-' + group_id, 'name': 'internal', 'version': 'internal'}
            body['update'].setdefault('updateId', {}).setdefault('internalId', internal)
            body['deviceClassSubgroups'] = list(subgroups)
            inst = self.instances.setdefault(instance, {'key_case': 'camel', 'deployments': {}, 'groups': {}})
            entry = {'deployment': body, 'subgroups': {}}
            for device_class_id, status in subgroups.items():
                # As recorded: a subgroup deployment names its device class in deviceClassSubgroups, and a
                # subgroup status carries five counts (no incompatible or already-in-deployment count).
                sub = dict(body, deviceClassSubgroups=[device_class_id])
                state = dict(recorded_body('ga-2022-10-01-get-deployment-status')['subgroupStatus'][0],
                             groupId=group_id, deviceClassId=device_class_id)
                state.update(status or {})
                if state.get('deploymentState') == 'Canceled':
                    sub['isCanceled'] = True
                entry['subgroups'][device_class_id] = _with_timeline({'deployment': sub, 'status': state},
                                                                     (timelines or {}).get(device_class_id))
            inst['groups'].setdefault(group_id, {})[body['deploymentId']] = entry
            return body

    def _ga(self, instance, group_id, deployment_id):
        return self.instances.get(instance, {}).get('groups', {}).get(group_id, {}).get(deployment_id)

    def ga_deployments(self, instance, group_id, device_class_id=None):
        """The deployments of a group, or of one of its device-class subgroups (None when unknown)."""
        with self.lock:
            group = self.instances.get(instance, {}).get('groups', {}).get(group_id)
            if group is None or device_class_id is not None and device_class_id not in self._classes(group_id, group):
                return None
            if device_class_id is None:
                return [copy.deepcopy(e['deployment']) for e in group.values()]
            return [copy.deepcopy(e['subgroups'][device_class_id]['deployment']) for e in group.values()
                    if device_class_id in e['subgroups']]

    def _classes(self, group_id, group):
        """The device classes of a group: of its deployments' subgroups and of the seed's device_groups."""
        classes = list((self.device_groups.get(group_id) or {}).get('device_classes') or {})
        for entry in group.values():
            classes.extend(c for c in entry['subgroups'] if c not in classes)
        return classes

    def ga_subgroups(self, instance, group_id, include_deleted=False):
        """The device-class subgroups of a group as the service lists them (None when the group is unknown or was
        deleted). include_deleted: also those of deleted groups and subgroups, whose devices remain."""
        with self.lock:
            fleet = self.instances.get(instance, {}).get('fleet') or {}
            if not include_deleted and group_id in fleet.get('deleted_groups', ()):
                return None
            group = self.instances.get(instance, {}).get('groups', {}).get(group_id)
            if group is None and (self.device_groups.get(group_id) or {}).get('device_classes'):
                group = {}  # a group with devices and no deployment yet
            if group is None:
                return None
            subgroups = []
            for device_class_id in self._classes(group_id, group):
                if not include_deleted and (group_id, device_class_id) in fleet.get('deleted_subgroups', ()):
                    continue
                deployments = [e for e in group.values() if device_class_id in e['subgroups']]
                latest = deployments[-1] if deployments else None
                spec = (self.device_groups.get(group_id) or {}).get('device_classes', {}).get(device_class_id)
                count = (spec or {}).get('totalDevices')
                if count is None and latest is not None:
                    count = latest['subgroups'][device_class_id]['status'].get('totalDevices', 0)
                subgroup = {'groupId': group_id, 'deviceClassId': device_class_id,
                            'createdDateTime': '2026-11-01T08:00:00.0000000+00:00', 'deviceCount': count or 0}
                if latest is not None:
                    subgroup['deploymentId'] = latest['deployment']['deploymentId']
                subgroups.append(subgroup)
            return subgroups

    def active_ga_deployments(self, instance, group_id):
        """The ids of a group's deployments active in some subgroup."""
        with self.lock:
            found = []
            for deployment_id, entry in self.instances.get(instance, {}).get('groups', {}).get(group_id, {}).items():
                for sub in entry['subgroups'].values():
                    _settle(sub)
                if any(sub['status'].get('deploymentState') == 'Active' for sub in entry['subgroups'].values()):
                    found.append(deployment_id)
            return found

    def deployments_of(self, instance, update_id):
        """'<group>/<deployment>' of the GA deployments of an instance that deploy update_id and are active."""
        wanted = tuple(str(update_id.get(k)) for k in ('provider', 'name', 'version'))
        with self.lock:
            found = []
            for group_id, group in sorted(self.instances.get(instance, {}).get('groups', {}).items()):
                for deployment_id in self.active_ga_deployments(instance, group_id):
                    deployed = (group[deployment_id]['deployment'].get('update') or {}).get('updateId') or {}
                    if tuple(str(deployed.get(k)) for k in ('provider', 'name', 'version')) == wanted:
                        found.append('%s/%s' % (group_id, deployment_id))
            return found

    def ga_deployment(self, instance, group_id, deployment_id, device_class_id=None):
        with self.lock:
            entry = self._ga(instance, group_id, deployment_id)
            if entry is not None and device_class_id is not None:
                entry = entry['subgroups'].get(device_class_id)
            return None if entry is None else copy.deepcopy(entry['deployment'])

    def ga_status(self, instance, group_id, deployment_id, device_class_id=None):
        with self.lock:
            entry = self._ga(instance, group_id, deployment_id)
            if entry is None:
                return None
            if device_class_id is not None:
                sub = entry['subgroups'].get(device_class_id)
                if sub is None:
                    return None
                _settle(sub, status_read=True)
                return copy.deepcopy(sub['status'])
            subs = []
            for sub in entry['subgroups'].values():
                _settle(sub, status_read=True)
                subs.append(copy.deepcopy(sub['status']))
            states = set(s.get('deploymentState') for s in subs)
            overall = 'Canceled' if states == {'Canceled'} else ('Active' if 'Active' in states else 'Inactive')
            return {'groupId': group_id, 'deploymentState': overall, 'subgroupStatus': subs}

    def ga_apply(self, instance, group_id, deployment_id, device_class_id, action):
        """Cancel or retry one subgroup deployment; returns it after the action, None if unknown."""
        with self.lock:
            entry = self._ga(instance, group_id, deployment_id)
            sub = None if entry is None else entry['subgroups'].get(device_class_id)
            if sub is None:
                return None
            _act(sub, action, 'isRetried', self.settle_seconds)
            if all(s['deployment'].get('isCanceled') for s in entry['subgroups'].values()):
                entry['deployment']['isCanceled'] = True
            return copy.deepcopy(sub['deployment'])

    # Creating and deleting deployments, and their devices
    def _group_spec(self, group):
        """Status counts (and device classes, for GA) of a device group, from the seed's device_groups."""
        return copy.deepcopy(self.device_groups.get(group) or {})

    def create_deployment(self, instance, spec):
        """PUT on the seed API: the deployment as the service echoes it, its status from the device group."""
        with self.lock:
            body = dict(spec, startDateTime=_service_time(spec['startDateTime']), isCanceled=False,
                        isCompleted=False, isRetry=False)
            group = self._group_spec((spec.get('deviceGroupDefinition') or [''])[0])
            status = dict(_NO_DEVICES, **(group.get('status') or {}))
            return self.add_deployment(instance, body, dict(status, deploymentState='Active'))

    def delete_deployment(self, instance, deployment_id):
        with self.lock:
            inst = self.instances.get(instance)
            return inst is not None and inst['deployments'].pop(deployment_id, None) is not None

    def device_states(self, instance, deployment_id):
        with self.lock:
            entry = self._entry(instance, deployment_id)
            if entry is None:
                return None
            _settle(entry)
            return _devices(deployment_id, entry, entry['deployment'].get('isRetry'))

    def create_ga_deployment(self, instance, group_id, spec):
        """PUT on the GA API: one subgroup per device class of the group; the group's active deployment
        becomes Inactive (a group has one active deployment)."""
        with self.lock:
            group = self._group_spec(group_id)
            classes = group.get('device_classes') or {'0' * 40: {'totalDevices': 0}}
            for other in self.instances.get(instance, {}).get('groups', {}).get(group_id, {}).values():
                for sub in other['subgroups'].values():
                    if sub['status'].get('deploymentState') == 'Active':
                        sub['status']['deploymentState'] = 'Inactive'
            body = dict(spec, startDateTime=_service_time(spec['startDateTime']), isCloudInitiatedRollback=False)
            body['update'] = copy.deepcopy(spec['update'])
            if 'downloadSecurity' not in body and self.ga_default_download_security:
                body['downloadSecurity'] = self.ga_default_download_security
            # A device class may play a rollout over time: its timeline (see _with_timeline), seconds from now.
            statuses = dict((dc, dict((k, v) for k, v in status.items() if k != 'timeline'))
                            for dc, status in classes.items())
            created = self.add_ga_deployment(instance, group_id, body, dict(
                (dc, dict(_GA_NO_DEVICES, deploymentState='Active', **status)) for dc, status in statuses.items()),
                dict((dc, status['timeline']) for dc, status in classes.items() if status.get('timeline')))
            return copy.deepcopy(created)

    def delete_ga_deployment(self, instance, group_id, deployment_id, device_class_id=None):
        """DELETE a group deployment, or one subgroup's; True when it existed (the service answers 204)."""
        with self.lock:
            group = self.instances.get(instance, {}).get('groups', {}).get(group_id, {})
            entry = group.get(deployment_id)
            if entry is None:
                return None
            if device_class_id is None:
                del group[deployment_id]
                return True
            if entry['subgroups'].pop(device_class_id, None) is None:
                return None
            entry['deployment']['deviceClassSubgroups'] = list(entry['subgroups'])
            if not entry['subgroups']:
                del group[deployment_id]
            return True

    def ga_device_states(self, instance, group_id, deployment_id, device_class_id):
        with self.lock:
            entry = self._ga(instance, group_id, deployment_id)
            sub = None if entry is None else entry['subgroups'].get(device_class_id)
            if sub is None:
                return None
            _settle(sub)
            return _devices('%s-%s' % (group_id, device_class_id[:8]), sub,
                            sub['deployment'].get('isRetried'))

    # Azure AD side
    def principal(self, tenant_id, client_id):
        for principal in self.principals:
            if principal.get('tenant_id') == tenant_id and principal.get('client_id') == client_id:
                return principal
        return None

    def issue_token(self, tenant_id, client_id, lifetime=TOKEN_LIFETIME):
        with self.lock:
            token = 'emu-' + secrets.token_urlsafe(24)
            self.tokens[token] = {'tenant_id': tenant_id, 'client_id': client_id, 'expires': time.time() + lifetime}
            return token

    def token_valid(self, token):
        with self.lock:
            if token in self.static_tokens:
                return True
            info = self.tokens.get(token)
            return info is not None and info['expires'] > time.time()

    def revoke_tokens(self):
        """Expire every issued token, as if they had all timed out."""
        with self.lock:
            self.tokens.clear()


def _act(entry, action, retried_key, settle_seconds):
    """Cancel or retry as the service does. With settle_seconds, the devices finish later."""
    deployment, status = entry['deployment'], entry['status']
    if action == 'cancel':
        deployment['isCanceled'] = True
        final = {'deploymentState': 'Canceled',
                 'devicesCanceledCount': status.get('devicesCanceledCount', 0) + status.get('devicesInProgressCount', 0),
                 'devicesInProgressCount': 0}
        if settle_seconds:  # the service's status lags behind the action
            entry['pending'] = (time.time() + settle_seconds, final)
        else:
            status.update(final)
    elif action == 'retry':
        # Retry moves the failed devices back to in progress.
        deployment[retried_key] = True
        in_progress = status.get('devicesInProgressCount', 0) + status.get('devicesCompletedFailedCount', 0)
        status.update(devicesInProgressCount=in_progress, devicesCompletedFailedCount=0)
        if settle_seconds:
            entry['pending'] = (time.time() + settle_seconds, {
                'devicesInProgressCount': 0,
                'devicesCompletedSucceededCount': status.get('devicesCompletedSucceededCount', 0) + in_progress})
    else:
        raise ValueError(action)


def _with_timeline(entry, timeline):
    """A rollout that plays by itself: timeline is a list of steps {"after_reads": N or "after_seconds": S,
    "status": {...}}, each applied once its number of status reads or its seconds since the deployment
    was added have passed, so a watcher sees the devices move from in progress to succeeded and failed."""
    if timeline:
        entry['timeline'] = [dict(step) for step in timeline]
        entry['born'] = time.time()
        entry['reads'] = 0
    return entry


def _settle(entry, status_read=False):
    """Apply what is due: a pending action's outcome, and the timeline's steps."""
    pending = entry.get('pending')
    if pending and pending[0] <= time.time():
        entry['status'].update(pending[1])
        del entry['pending']
    if 'timeline' not in entry:
        return
    if status_read:
        entry['reads'] += 1
    while entry['timeline'] and not entry['status'].get('deploymentState') == 'Canceled':
        step = entry['timeline'][0]
        due = (entry['reads'] >= step['after_reads'] if 'after_reads' in step
               else time.time() - entry['born'] >= step.get('after_seconds', 0))
        if not due:
            break
        entry['status'].update(entry['timeline'].pop(0)['status'])


def _service_time(value):
    """A startDateTime as the service echoes it: UTC as +00:00, a fraction of zeros dropped."""
    if value.endswith('Z') or value.endswith('z'):
        value = value[:-1] + '+00:00'
    head, dot, rest = value.partition('.')
    if dot:
        digits = rest[:len(rest) - 6]
        if not digits.strip('0'):
            value = head + rest[len(digits):]
    return value


# A new deployment's counts before its device group says otherwise.
_NO_DEVICES = {'totalDevices': 0, 'devicesIncompatibleCount': 0, 'devicesAlreadyInDeploymentCount': 0,
               'devicesInProgressCount': 0, 'devicesCompletedFailedCount': 0, 'devicesCompletedSucceededCount': 0,
               'devicesCanceledCount': 0}

# The GA API's five counts of a subgroup status.
_GA_NO_DEVICES = dict((k, 0) for k in ('totalDevices', 'devicesInProgressCount', 'devicesCompletedFailedCount',
                                       'devicesCompletedSucceededCount', 'devicesCanceledCount'))

# Device states in the order the service lists them, by the status count each comes from.
_DEVICE_STATES = (('devicesCompletedFailedCount', 'Failed'), ('devicesInProgressCount', 'InProgress'),
                  ('devicesCompletedSucceededCount', 'Succeeded'), ('devicesCanceledCount', 'Canceled'))


def _devices(prefix, entry, retried):
    """The devices of a deployment, one per count of its status, so the two always agree; made once per status, so
    that a listing of 100,000 devices in pages does not make them again for every page."""
    key = (prefix, bool(retried), tuple(int(entry['status'].get(count) or 0) for count, _state in _DEVICE_STATES))
    cached = entry.get('_devices')
    if cached is not None and cached[0] == key:
        return cached[1]
    devices = []
    for count, state in _DEVICE_STATES:
        for _device in range(int(entry['status'].get(count) or 0)):
            devices.append({'deviceId': '%s-device-%03d' % (prefix, len(devices) + 1), 'deviceState': state,
                            'retryCount': 1 if retried else 0, 'movedOnToNewDeployment': False})
    entry['_devices'] = (key, devices)
    return devices
