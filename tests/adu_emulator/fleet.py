# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The devices of an instance and their device classes, derived from what the emulator already holds, so that every
view agrees: a group's subgroups give the devices (deviceCount of each), the subgroup's latest deployment and its
status counts give each device's state in the same order as its device states (failed, in progress, succeeded,
canceled), and the catalog gives the updates a device class can install (the update's compatibility sets matched
against the class's compat properties, as the service matches them).

Device ids are '<group>-<class id, 8 characters>-device-NNN', the same ids the subgroup's device states list."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from .store import _DEVICE_STATES, _settle

CONTRACT_MODEL = {'id': 'dtmi:azure:iot:deviceUpdateContractModel;2', 'name': 'Device Update Model V2'}
DEFAULT_COMPAT = {'manufacturer': 'contoso', 'model': 'gateway'}
# Install results as the agent reports them (700: installed; failures carry the handler's extended code).
_SUCCEEDED = {'resultCode': 700, 'extendedResultCode': 0, 'resultDetails': '', 'stepResults': []}
_FAILED = {'resultCode': 0, 'extendedResultCode': 805306369, 'resultDetails': 'The install step failed.',
           'stepResults': []}


def version_key(version):
    parts = str(version).split('.')
    return (0, tuple(int(p) for p in parts)) if all(p.isdigit() for p in parts) else (1, (str(version),))


def device_id(group_id, device_class_id, number):
    return '%s-%s-device-%03d' % (group_id, device_class_id[:8], number)


def state_of(instance):
    """The instance's own changes to its fleet: device class names, deleted classes, groups and subgroups."""
    return instance.setdefault('fleet', {'class_names': {}, 'deleted_classes': set(), 'deleted_groups': set(),
                                         'deleted_subgroups': set(), 'operations': {}})


def compat_of(store, device_class_id):
    spec = store.device_classes.get(device_class_id) or {}
    return dict(spec.get('compatProperties') or DEFAULT_COMPAT)


def installable(store, instance, device_class_id):
    """The updates of the catalog a device class can install: one of an update's compatibility sets matches."""
    compat = compat_of(store, device_class_id)
    found = []
    for update in store.catalog.list(instance):
        sets = update.get('compatibility') or []
        if update.get('isDeployable', True) and any(
                isinstance(s, dict) and s and all(compat.get(k, '').lower() == str(v).lower() for k, v in s.items())
                for s in sets):
            found.append(update)
    return sorted(found, key=lambda u: (u['updateId']['provider'], u['updateId']['name'],
                                        version_key(u['updateId']['version'])))


def update_info(update):
    info = {'updateId': dict((k, update['updateId'][k]) for k in ('provider', 'name', 'version'))}
    if update.get('friendlyName'):
        info['friendlyName'] = update['friendlyName']
    if update.get('description'):
        info['description'] = update['description']
    return info


def device_class(store, instance_name, device_class_id):
    """A device class as the service shows it, or None when no device of the instance has it (or it was deleted)."""
    instance = store.instances.get(instance_name)
    if instance is None or device_class_id not in class_ids(store, instance_name):
        return None
    spec = store.device_classes.get(device_class_id) or {}
    body = {'deviceClassId': device_class_id,
            'friendlyName': state_of(instance)['class_names'].get(device_class_id, spec.get(
                'friendlyName', device_class_id[:8])),
            'deviceClassProperties': {'contractModel': dict(CONTRACT_MODEL),
                                      'compatProperties': compat_of(store, device_class_id)}}
    updates = installable(store, instance_name, device_class_id)
    if updates:
        body['bestCompatibleUpdate'] = update_info(updates[-1])
    return body


def class_ids(store, instance_name):
    """The device classes of an instance's devices, in the order they are met, deleted ones left out."""
    instance = store.instances.get(instance_name)
    if instance is None:
        return []
    deleted = state_of(instance)['deleted_classes']
    found = []
    for _group_id, subgroup in subgroups(store, instance_name):
        if subgroup['deviceClassId'] not in found and subgroup['deviceClassId'] not in deleted:
            found.append(subgroup['deviceClassId'])
    return found


def subgroups(store, instance_name):
    """[(group id, subgroup)] of every group of the instance that holds devices."""
    with store.lock:
        groups = set(store.instances.get(instance_name, {}).get('groups', {}))
        groups |= set(g for g, spec in store.device_groups.items() if (spec or {}).get('device_classes'))
        found = []
        for group_id in sorted(groups):
            for subgroup in store.ga_subgroups(instance_name, group_id, include_deleted=True) or []:
                found.append((group_id, subgroup))
        return found


def devices(store, instance_name):
    """Every device of the instance as the service lists it (made once per state of the fleet: a listing of
    100,000 devices in pages does not make them again for every page)."""
    with store.lock:
        instance = store.instances.get(instance_name)
        if instance is None:
            return None
        plan = []
        for group_id, subgroup in subgroups(store, instance_name):
            dc = subgroup['deviceClassId']
            entries = [e for e in instance['groups'].get(group_id, {}).values() if dc in e['subgroups']]
            latest = entries[-1] if entries else None
            if latest is not None:
                _settle(latest['subgroups'][dc])
            counts = () if latest is None else tuple(
                int(latest['subgroups'][dc]['status'].get(count) or 0) for count, _state in _DEVICE_STATES)
            update = None if latest is None else latest['deployment'].get('update', {}).get('updateId', {})
            plan.append((group_id, dc, subgroup['deviceCount'] or 0, counts,
                         None if latest is None else latest['deployment']['deploymentId'],
                         None if update is None else (update.get('provider'), update.get('name'),
                                                      update.get('version'))))
        key = (tuple(plan), tuple(sorted(state_of(instance)['deleted_groups'])), len(store.catalog.list(instance_name)))
        cached = instance.get('_devices')
        if cached is not None and cached[0] == key:
            return cached[1]
        made = []
        for group_id, dc, count, counts, deployment_id, update in plan:
            made.extend(_subgroup_devices(store, instance_name, instance, group_id, dc, count, counts, deployment_id,
                                          update))
        instance['_devices'] = (key, made)
        return made


def _subgroup_devices(store, instance_name, instance, group_id, dc, count, counts, deployment_id, update):
    states = []
    for (_count, state), number in zip(_DEVICE_STATES, counts):
        states.extend([state] * number)
    best = installable(store, instance_name, dc)
    best_version = None
    if update is not None:
        family = [u for u in best if (u['updateId']['provider'], u['updateId']['name']) == update[:2]]
        best_version = family[-1]['updateId']['version'] if family else update[2]
    deployed = None if update is None else {'updateId': dict(zip(('provider', 'name', 'version'), update))}
    grouped = group_id not in state_of(instance)['deleted_groups']
    made = []
    for number in range(1, count + 1):
        state = states[number - 1] if number <= len(states) else None
        device = {'deviceId': device_id(group_id, dc, number), 'deviceClassId': dc, 'onLatestUpdate': False}
        if grouped:
            device['groupId'] = group_id
        if state is not None:
            device.update(lastAttemptedUpdate=copy.deepcopy(deployed), deploymentStatus=state,
                          lastDeploymentId=deployment_id)
            if state == 'Succeeded':
                device['installedUpdate'] = copy.deepcopy(deployed)
                device['onLatestUpdate'] = update[2] == best_version
                device['lastInstallResult'] = dict(_SUCCEEDED)
            elif state == 'Failed':
                device['lastInstallResult'] = dict(_FAILED)
        made.append(device)
    return made
