# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator answers each REST spec example of the routes without public recordings (updates, groups, device
classes, devices, device import, log collections, device health; Azure/azure-rest-api-specs, deviceupdate
data-plane stable/2022-10-01 and 2026-06-01, examples/) with the example's shape: its status, its headers
(Operation-Location), and every key the example's body has, with the same JSON type at every level.

The shapes below are this project's statement of the examples, not copies of them: keys and JSON types only. A key
the spec marks optional and an example leaves out may be sent; a key the example has must be sent. Free-form
content (compatibility sets, install steps, a device class's compat properties) is compared as its container."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import json

import pytest
import requests

AUTH = {'Authorization': 'Bearer emu-static-access-token-for-tests'}
GATEWAY_CLASS = 'c61300e6b3da62926c23d92519ea3f2e73116e71'
SENSOR_CLASS = 'd72411f7c4eb73a37d34e03620fb4f3f84227f82'
VACUUM_CLASS = '0919e3ae422a2bfa8c84ff905813e60351e456d1'  # a class of group dpokluda-test, whose devices succeeded

UPDATE_ID = {'provider': 'str', 'name': 'str', 'version': 'str'}
UPDATE_INFO = {'updateId': UPDATE_ID, 'friendlyName': 'str'}
DEVICE = {'deviceId': 'str', 'deviceClassId': 'str', 'lastAttemptedUpdate': {'updateId': UPDATE_ID},
          'deploymentStatus': 'str', 'installedUpdate': {'updateId': UPDATE_ID}, 'onLatestUpdate': 'bool',
          'lastDeploymentId': 'str'}
DEVICE_CLASS = {'deviceClassId': 'str', 'friendlyName': 'str', 'deviceClassProperties': {
    'contractModel': {'id': 'str', 'name': 'str'}, 'compatProperties': 'dict'}, 'bestCompatibleUpdate': UPDATE_INFO}
DEVICE_OPERATION = {'operationId': 'str', 'status': 'str', 'traceId': 'str', 'createdDateTime': 'str',
                    'lastActionDateTime': 'str', 'etag': 'str'}
GROUP = {'groupId': 'str', 'groupType': 'str', 'createdDateTime': 'str', 'deviceCount': 'number',
         'subgroupsWithNewUpdatesAvailableCount': 'number', 'subgroupsWithUpdatesInProgressCount': 'number',
         'subgroupsWithOnLatestUpdateCount': 'number'}
SUBGROUP = {'deviceClassId': 'str', 'groupId': 'str', 'createdDateTime': 'str', 'deviceCount': 'number',
            'deploymentId': 'str'}
BEST = {'groupId': 'str', 'deviceClassId': 'str', 'update': {'updateId': UPDATE_ID}, 'deviceCount': 'number'}
COMPLIANCE = {'totalDeviceCount': 'number', 'onLatestUpdateDeviceCount': 'number',
              'newUpdatesAvailableDeviceCount': 'number', 'updatesInProgressDeviceCount': 'number'}
LOG_COLLECTION = {'operationId': 'str', 'deviceList': [{'deviceId': 'str'}], 'description': 'str',
                  'createdDateTime': 'str', 'lastActionDateTime': 'str', 'status': 'str'}
DETAILED_STATUS = {'operationId': 'str', 'createdDateTime': 'str', 'lastActionDateTime': 'str', 'status': 'str',
                   'deviceStatus': [{'deviceId': 'str', 'status': 'str', 'resultCode': 'str',
                                     'extendedResultCode': 'str', 'logLocation': 'str'}], 'description': 'str'}
HEALTH = {'deviceId': 'str', 'digitalTwinModelId': 'str', 'state': 'str', 'healthChecks': [{'name': 'str',
                                                                                            'result': 'str'}]}
UPDATE = {'updateId': UPDATE_ID, 'friendlyName': 'str', 'description': 'str', 'compatibility': 'list',
          'instructions': {'steps': 'list'}, 'manifestVersion': 'str', 'importedDateTime': 'str',
          'createdDateTime': 'str', 'etag': 'str'}
FILE = {'fileId': 'str', 'fileName': 'str', 'sizeInBytes': 'number', 'hashes': {'sha256': 'str'}, 'mimeType': 'str',
        'etag': 'str'}
OPERATION = {'operationId': 'str', 'status': 'str', 'update': UPDATE_INFO, 'resourceLocation': 'str',
             'traceId': 'str', 'createdDateTime': 'str', 'lastActionDateTime': 'str', 'etag': 'str'}
# Enumerations the examples' values come from.
ENUMS = {'deploymentStatus': ('Succeeded', 'InProgress', 'Canceled', 'Failed'),
         'groupType': ('IoTHubTag', 'DefaultNoTag'),
         'status': ('NotStarted', 'Running', 'Succeeded', 'Failed'),
         'state': ('healthy', 'unhealthy')}


def page(item):
    return {'value': [item]}


M = '/deviceUpdate/blue/management'
U = '/deviceUpdate/blue/updates'
GATEWAY_UPDATE = '/providers/Contoso/names/Gateway/versions/2026.11.25'
# name: (method, path, query, JSON body or None, status, headers the answer must carry, body shape or None)
EXAMPLES = {
    'DeviceManagement_ListDevices': ('GET', M + '/devices', "filter=groupId eq 'dpokluda-test'", None, 200, (),
                                     page(DEVICE)),
    'DeviceManagement_GetDevice': ('GET', M + '/devices/{succeeded_device}', '', None, 200, (), DEVICE),
    'DeviceManagement_GetDeviceModule': ('GET', M + '/devices/{succeeded_device}/modules/adu-agent', '', None, 200,
                                         (), dict(DEVICE, moduleId='str')),
    'DeviceManagement_ListDeviceClasses': ('GET', M + '/deviceClasses', '', None, 200, (), page(DEVICE_CLASS)),
    'DeviceManagement_GetDeviceClass': ('GET', M + '/deviceClasses/' + GATEWAY_CLASS, '', None, 200, (),
                                        DEVICE_CLASS),
    'DeviceManagement_UpdateDeviceClass': ('PATCH', M + '/deviceClasses/' + GATEWAY_CLASS, '',
                                           {'friendlyName': 'GA Webcams'}, 200, (), DEVICE_CLASS),
    'DeviceManagement_ListInstallableUpdatesForDeviceClass': (
        'GET', M + '/deviceClasses/%s/installableUpdates' % GATEWAY_CLASS, '', None, 200, (), page(UPDATE_INFO)),
    'DeviceManagement_DeleteDeviceClassSubgroup': ('DELETE', M + '/groups/fleet-eu/deviceClassSubgroups/'
                                                   + SENSOR_CLASS, '', None, 204, (), None),
    'DeviceManagement_ImportDevices': ('POST', M + '/devices:import', '', 'All', 202, ('Operation-Location',), None),
    'DeviceManagement_GetOperationStatus': ('GET', M + '/operations/{device_operation}', '', None, 200, (),
                                            DEVICE_OPERATION),
    'DeviceManagement_ListOperationStatuses': ('GET', M + '/operations', '', None, 200, (), page(DEVICE_OPERATION)),
    'DeviceManagement_ListGroups': ('GET', M + '/groups', '', None, 200, (), page(dict(GROUP, deployments=['str']))),
    'DeviceManagement_GetGroup': ('GET', M + '/groups/dpokluda-test', '', None, 200, (), GROUP),
    'DeviceManagement_DeleteGroup': ('DELETE', M + '/groups/canary', '', None, 204, (), None),
    'DeviceManagement_ListDeviceClassSubgroupsForGroup': ('GET', M + '/groups/dpokluda-test/deviceClassSubgroups', '',
                                                          None, 200, (), page(SUBGROUP)),
    'DeviceManagement_GetDeviceClassSubgroup': ('GET', M + '/groups/dpokluda-test/deviceClassSubgroups/'
                                                '{dpokluda_class}', '', None, 200, (), SUBGROUP),
    'DeviceManagement_ListBestUpdatesForGroup': ('GET', M + '/groups/fleet/bestUpdates', '', None, 200, (),
                                                 page(BEST)),
    'DeviceManagement_GetBestUpdatesForDeviceClassSubgroup': (
        'GET', M + '/groups/fleet/deviceClassSubgroups/%s/bestUpdates' % GATEWAY_CLASS, '', None, 200, (),
        dict(BEST, update=UPDATE_INFO)),
    'DeviceManagement_GetUpdateCompliance': ('GET', M + '/updateCompliance', '', None, 200, (), COMPLIANCE),
    'DeviceManagement_GetUpdateComplianceForGroup': ('GET', M + '/groups/fleet/updateCompliance', '', None, 200, (),
                                                     COMPLIANCE),
    'DeviceManagement_GetDeviceClassSubgroupUpdateCompliance': (
        'GET', M + '/groups/fleet/deviceClassSubgroups/%s/updateCompliance' % GATEWAY_CLASS, '', None, 200, (),
        COMPLIANCE),
    'DeviceManagement_StartLogCollection': ('PUT', M + '/deviceDiagnostics/logCollections/lc-example', '', {
        'deviceList': [{'deviceId': 'DeviceA'}, {'deviceId': 'DeviceB', 'moduleId': 'ModuleB'}],
        'description': 'Log collection description'}, 201, (), LOG_COLLECTION),
    'DeviceManagement_GetLogCollection': ('GET', M + '/deviceDiagnostics/logCollections/{log_collection}', '', None,
                                          200, (), LOG_COLLECTION),
    'DeviceManagement_ListLogCollections': ('GET', M + '/deviceDiagnostics/logCollections', '', None, 200, (),
                                            page(LOG_COLLECTION)),
    'DeviceManagement_GetLogCollectionDetailedStatus': (
        'GET', M + '/deviceDiagnostics/logCollections/{log_collection}/detailedStatus', '', None, 200, (),
        DETAILED_STATUS),
    'DeviceManagement_ListHealthOfDevices': ('GET', M + '/deviceDiagnostics/deviceHealth', "filter=state eq 'unhealthy'",
                                             None, 200, (), page(HEALTH)),
    'DeviceUpdate_ListUpdates': ('GET', U, '', None, 200, (), page(UPDATE)),
    'DeviceUpdate_GetUpdate': ('GET', U + GATEWAY_UPDATE, '', None, 200, (), UPDATE),
    'DeviceUpdate_ListProviders': ('GET', U + '/providers', '', None, 200, (), page('str')),
    'DeviceUpdate_ListNames': ('GET', U + '/providers/Contoso/names', '', None, 200, (), page('str')),
    'DeviceUpdate_ListVersions': ('GET', U + '/providers/Contoso/names/Gateway/versions', '', None, 200, (),
                                  page('str')),
    'DeviceUpdate_ListFiles': ('GET', U + '/providers/Contoso/names/Example/versions/1.0/files', '', None, 200, (),
                               page('str')),
    'DeviceUpdate_GetFile': ('GET', U + '/providers/Contoso/names/Example/versions/1.0/files/{file}', '', None, 200,
                             (), FILE),
    'DeviceUpdate_ImportUpdate': ('POST', U + ':import', '', '{import}', 202, ('Operation-Location',), None),
    'DeviceUpdate_GetOperation': ('GET', U + '/operations/{operation}', '', None, 200, ('Retry-After',), OPERATION),
    'DeviceUpdate_ListOperationStatuses': ('GET', U + '/operations', '', None, 200, (), page(OPERATION)),
    'DeviceUpdate_DeleteUpdate': ('DELETE', U + '/providers/Contoso/names/Example/versions/1.0', '', None, 202,
                                  ('Operation-Location',), None),
}


def shape_errors(shape, value, where='body'):
    """Where value lacks a key of shape, or has another JSON type there (lists: some item has the item's shape)."""
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return ['%s is %s, not an object' % (where, type(value).__name__)]
        errors = []
        for key, inner in shape.items():
            if key not in value:
                errors.append('%s.%s is missing' % (where, key))
            else:
                errors.extend(shape_errors(inner, value[key], '%s.%s' % (where, key)))
                if key in ENUMS and isinstance(value[key], str) and value[key] not in ENUMS[key]:
                    errors.append('%s.%s is %r, not one of %s' % (where, key, value[key], ENUMS[key]))
        return errors
    if isinstance(shape, list):
        if not isinstance(value, list) or not value:
            return ['%s is not a list with items' % where]
        found = [shape_errors(shape[0], item, where + '[]') for item in value]
        return [] if [] in found else found[0]
    kinds = {'str': str, 'bool': bool, 'dict': dict, 'list': list}
    if shape == 'number':
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kinds[shape])
    return [] if ok else ['%s is %s, not %s' % (where, type(value).__name__, shape)]


def _b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode('ascii')


@pytest.fixture
def example_state(emulator):
    """What the examples' requests find: an update with a file, an import operation, a device import, a log
    collection done, a module identity, and the ids the paths name."""
    payload = b'example payload ' * 64
    manifest = json.dumps({'updateId': {'provider': 'Contoso', 'name': 'Example', 'version': '1.0'},
                           'compatibility': [{'manufacturer': 'contoso', 'model': 'gateway'}],
                           'instructions': {'steps': [{'handler': 'microsoft/swupdate:2', 'files': ['e.swu']}]},
                           'files': [{'filename': 'e.swu', 'sizeInBytes': len(payload),
                                      'hashes': {'sha256': _b64(payload)}}]}).encode('utf-8')
    imported = [{'importManifest': {'url': emulator.put_blob('example.json', manifest), 'sizeInBytes': len(manifest),
                                    'hashes': {'sha256': _b64(manifest)}},
                 'files': [{'filename': 'e.swu', 'url': emulator.put_blob('example.swu', payload)}],
                 'friendlyName': 'Example 1.0'}]
    emulator.store.catalog.import_seconds = 0
    emulator.log_seconds = 0
    emulator.store.device_classes[GATEWAY_CLASS] = {'friendlyName': 'Gateways'}
    emulator.store.device_classes[VACUUM_CLASS] = {'moduleIds': ['adu-agent'], 'compatProperties': {
        'manufacturer': 'fabrikam', 'model': 'vacuum'}}

    def call(method, path, **kwargs):
        return requests.request(method, emulator.url + path, headers=dict(AUTH, **kwargs.pop('headers', {})),
                                verify=emulator.ca_path, timeout=10, **kwargs)
    version = '?api-version=2022-10-01'
    started = call('POST', U + ':import' + version, json=imported)
    assert started.status_code == 202, started.text
    operation = started.headers['Operation-Location'].split('?')[0].rsplit('/', 1)[1]
    call('GET', started.headers['Operation-Location'])  # it ends: the update is there
    files = call('GET', U + '/providers/Contoso/names/Example/versions/1.0/files' + version)
    import_devices = call('POST', M + '/devices:import' + version, data='"All"',
                          headers={'Content-Type': 'application/json'})
    call('PUT', M + '/deviceDiagnostics/logCollections/lc-state' + version,
         json={'deviceList': [{'deviceId': 'DeviceA'}], 'description': 'Log collection description'})
    devices = call('GET', M + '/devices' + version, params={'filter': "groupId eq 'dpokluda-test'"}).json()['value']
    subgroups = call('GET', M + '/groups/dpokluda-test/deviceClassSubgroups' + version).json()['value']
    return {'operation': operation, 'file': files.json()['value'][0], 'import': json.dumps(imported),
            'device_operation': import_devices.headers['Operation-Location'].split('?')[0].rsplit('/', 1)[1],
            'log_collection': 'lc-state', 'dpokluda_class': subgroups[0]['deviceClassId'],
            'succeeded_device': next(d['deviceId'] for d in devices if d.get('deploymentStatus') == 'Succeeded' and
                                     d['deviceClassId'] == VACUUM_CLASS and 'moduleId' not in d)}


@pytest.mark.parametrize('api_version', ['2022-10-01', '2026-06-01'])
@pytest.mark.parametrize('name', sorted(EXAMPLES))
def test_the_emulator_answers_the_spec_example(emulator, example_state, name, api_version):
    method, path, query, body, status, headers, shape = EXAMPLES[name]
    path = path.format(**example_state)
    if isinstance(body, str) and body.startswith('{'):
        data = body.format(**example_state)  # a placeholder for a JSON text the fixture made
    else:
        data = None if body is None else json.dumps(body)
    url = '%s%s?api-version=%s%s' % (emulator.url, path, api_version, '&' + query if query else '')
    resp = requests.request(method, url, data=data, headers=dict(AUTH, **{'Content-Type': 'application/json'}),
                            verify=emulator.ca_path, timeout=10)
    assert resp.status_code == status, resp.text
    for header in headers:
        assert resp.headers.get(header), '%s: no %s header' % (name, header)
    if shape is None:
        assert resp.content == b''
    else:
        assert shape_errors(shape, resp.json()) == []
