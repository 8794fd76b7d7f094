# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Microsoft's own client, azure-iot-deviceupdate, unmodified against the emulator: our evidence
that the emulator speaks the real GA API."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.iot.deviceupdate import DeviceUpdateClient


GROUP, DEPLOYMENT = 'dpokluda-test', 'test0809083849'
DC = '0919e3ae422a2bfa8c84ff905813e60351e456d1'
DC_GATEWAY = 'c61300e6b3da62926c23d92519ea3f2e73116e71'
FAKE_HOST = 'adu-emulator.test'


class StaticCredential:
    """A test credential: the emulator's static token."""

    def get_token(self, *scopes, **kwargs):  # pylint: disable=unused-argument
        return AccessToken('emu-static-access-token-for-tests', int(time.time()) + 3600)


class ToEmulator(SansIOHTTPPolicy):
    """The SDK takes a bare host name and builds https://{host}; send its requests to the emulator's port."""

    def __init__(self, url):
        super(ToEmulator, self).__init__()
        self.url = url

    def on_request(self, request):
        request.http_request.url = request.http_request.url.replace('https://' + FAKE_HOST, self.url)


@pytest.fixture
def client(emulator):
    return DeviceUpdateClient(endpoint=FAKE_HOST, credential=StaticCredential(), instance_id='blue',
                              connection_verify=emulator.ca_path, per_call_policies=[ToEmulator(emulator.url)])


def test_get_deployment_and_status(client, emulator):
    deployment = client.device_management.get_deployment(GROUP, DEPLOYMENT)
    assert deployment['deploymentId'] == DEPLOYMENT and DC in deployment['deviceClassSubgroups']
    status = client.device_management.get_deployment_status(GROUP, DEPLOYMENT)
    assert status['deploymentState'] == 'Active' and len(status['subgroupStatus']) == 3
    assert [e['route'] for e in emulator.journal] == ['ga_get_deployment', 'ga_group_status']
    assert emulator.journal[0]['api_version'] == '2026-06-01'  # the SDK's own default


def test_retry_then_stop_a_subgroup(client, emulator):
    retried = client.device_management.retry_deployment(GROUP, DC, DEPLOYMENT)
    assert retried['isRetried'] is True
    stopped = client.device_management.stop_deployment(GROUP, DC, DEPLOYMENT)
    assert stopped['isCanceled'] is True
    status = client.device_management.get_device_class_subgroup_deployment_status(GROUP, DC, DEPLOYMENT)
    assert status['deploymentState'] == 'Canceled'
    assert [(e['method'], e['route']) for e in emulator.journal] == [
        ('POST', 'ga_retry'), ('POST', 'ga_cancel'), ('GET', 'ga_subgroup_status')]


def test_list_and_not_found(client):
    listed = list(client.device_management.list_deployments_for_group(GROUP))
    assert [d['deploymentId'] for d in listed] == [DEPLOYMENT, 'fw-2026-11-healthy']
    with pytest.raises(ResourceNotFoundError):
        client.device_management.get_deployment(GROUP, 'no-such-deployment')


def test_create_list_device_states_and_delete(client, emulator):
    created = client.device_management.create_or_update_deployment('fleet-eu', 'fw-sdk', {
        'deploymentId': 'fw-sdk', 'startDateTime': '2026-11-25T08:00:00.000Z', 'groupId': 'fleet-eu',
        'update': {'updateId': {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.10.1'}}})
    assert created['deploymentId'] == 'fw-sdk' and created['startDateTime'] == '2026-11-25T08:00:00+00:00'
    assert created['update']['updateId']['version'] == '2026.10.1' and len(created['deviceClassSubgroups']) == 2
    dc = created['deviceClassSubgroups'][0]
    emulator.page_size = 1  # the SDK must follow nextLink across pages
    failed = list(client.device_management.list_device_states_for_device_class_subgroup_deployment(
        'fleet-eu', dc, 'fw-sdk', filter="deviceState eq 'Failed'"))
    everything = list(client.device_management.list_device_states_for_device_class_subgroup_deployment(
        'fleet-eu', dc, 'fw-sdk'))
    assert [d['deviceState'] for d in failed] == ['Failed', 'Failed']
    assert sorted(set(d['deviceState'] for d in everything)) == ['Failed', 'Succeeded'] and len(everything) == 6
    client.device_management.delete_deployment('fleet-eu', 'fw-sdk')
    with pytest.raises(ResourceNotFoundError):
        client.device_management.get_deployment('fleet-eu', 'fw-sdk')
    routes = [(e['method'], e['route'], e['status']) for e in emulator.journal]
    assert routes[0] == ('PUT', 'ga_create', 200) and ('DELETE', 'ga_delete', 204) in routes
    assert len([r for r in routes if r[1] == 'ga_device_states']) == 2 + 6


def _manifest(emulator, version):
    """A manifest and one payload on the emulator's blob route, as the SDK's import takes them."""
    import base64  # pylint: disable=import-outside-toplevel
    import hashlib  # pylint: disable=import-outside-toplevel
    import json  # pylint: disable=import-outside-toplevel

    def b64(data):
        return base64.b64encode(hashlib.sha256(data).digest()).decode('ascii')
    payload = b'payload ' * 100
    manifest = json.dumps({'updateId': {'provider': 'Contoso', 'name': 'Sdk', 'version': version},
                           'files': [{'filename': 'p.swu', 'sizeInBytes': len(payload),
                                      'hashes': {'sha256': b64(payload)}}]}).encode('utf-8')
    return [{'importManifest': {'url': emulator.put_blob('sdk-%s.json' % version, manifest),
                                'sizeInBytes': len(manifest), 'hashes': {'sha256': b64(manifest)}},
             'files': [{'filename': 'p.swu', 'url': emulator.put_blob('sdk-%s.swu' % version, payload)}]}]


def test_import_get_list_operations_and_delete_update(client, emulator):
    emulator.store.catalog.import_seconds = 1.0
    emulator.store.catalog.delete_seconds = 0.5
    poller = client.device_update.begin_import_update(_manifest(emulator, '1.0'), polling_interval=0.2)
    poller.result(timeout=30)
    assert poller.status().lower() == 'succeeded'
    update = client.device_update.get_update('Contoso', 'Sdk', '1.0')
    assert update['updateId'] == {'provider': 'Contoso', 'name': 'Sdk', 'version': '1.0'}
    statuses = list(client.device_update.list_operation_statuses())
    assert [s['status'] for s in statuses] == ['Succeeded']
    assert statuses[0]['update']['updateId']['name'] == 'Sdk'
    running = list(client.device_update.list_operation_statuses(filter="status eq 'NotStarted' or status eq 'Running'"))
    assert running == []
    client.device_update.begin_delete_update('Contoso', 'Sdk', '1.0', polling_interval=0.2).result(timeout=30)
    with pytest.raises(ResourceNotFoundError):
        client.device_update.get_update('Contoso', 'Sdk', '1.0')
    routes = [e['route'] for e in emulator.journal if e['route'] != 'blob']
    assert routes[0] == 'update_import' and 'update_operation' in routes and 'update_delete_operation' in routes


def test_groups_best_updates_and_compliance(client, emulator):
    emulator.page_size = 50
    groups = list(client.device_management.list_groups())
    assert 'fleet-eu' in [g['groupId'] for g in groups]
    group = client.device_management.get_group('fleet-eu')
    assert group['deviceCount'] == 9
    best = list(client.device_management.list_best_updates_for_group('fleet-eu'))
    assert best and all(b['update']['updateId']['name'] == 'Gateway' for b in best)
    compliance = client.device_management.get_update_compliance_for_group('fleet-eu')
    assert compliance['totalDeviceCount'] == 9
    assert client.device_management.get_update_compliance()['totalDeviceCount'] >= 9
    routes = [e['route'] for e in emulator.journal]
    assert routes == ['groups_list', 'group_get', 'group_best_updates', 'group_compliance', 'instance_compliance']


def test_devices_and_their_modules(client, emulator):
    emulator.page_size = 7  # the SDK follows nextLink across pages of the device listing
    emulator.store.device_classes[DC_GATEWAY] = {'friendlyName': 'Gateways', 'moduleIds': ['adu-agent'],
                                                 'compatProperties': {'manufacturer': 'contoso', 'model': 'gateway'}}
    devices = list(client.device_management.list_devices())
    plain = [d for d in devices if 'moduleId' not in d]
    assert len(devices) > len(plain) > 7 and all(d['deviceClassId'] for d in devices)
    # the fleet agrees with the groups: as many devices of a group as its subgroups count
    canary = list(client.device_management.list_devices(filter="groupId eq 'canary'"))
    assert len([d for d in canary if 'moduleId' not in d]) == client.device_management.get_group('canary')['deviceCount']
    group = next(d['groupId'] for d in plain if d.get('deploymentStatus') == 'Failed')
    wanted = "groupId eq '%s' and deploymentStatus eq 'Failed'" % group
    failed = list(client.device_management.list_devices(filter=wanted))
    assert len([d for d in failed if 'moduleId' not in d]) == len(
        [d for d in plain if d['groupId'] == group and d.get('deploymentStatus') == 'Failed'])
    assert all(d['deploymentStatus'] == 'Failed' and d['groupId'] == group for d in failed)
    one = client.device_management.get_device(plain[0]['deviceId'])
    assert one == plain[0]
    module = client.device_management.get_device_module(plain[0]['deviceId'], 'adu-agent') \
        if plain[0]['deviceClassId'] == DC_GATEWAY else None
    assert module is None or module['moduleId'] == 'adu-agent'
    with pytest.raises(ResourceNotFoundError):
        client.device_management.get_device('no-such-device')
    with pytest.raises(HttpResponseError) as refused:
        list(client.device_management.list_devices(filter="model eq 'x'"))
    assert refused.value.status_code == 400


def test_device_classes_rename_installable_and_delete(client, emulator):
    classes = list(client.device_management.list_device_classes())
    assert {c['deviceClassId'] for c in classes} >= {DC_GATEWAY}
    assert all(c['deviceClassProperties']['compatProperties'] for c in classes)
    renamed = client.device_management.update_device_class(DC_GATEWAY, {'friendlyName': 'Contoso gateways'})
    assert renamed['friendlyName'] == 'Contoso gateways'
    assert client.device_management.get_device_class(DC_GATEWAY)['friendlyName'] == 'Contoso gateways'
    updates = list(client.device_management.list_installable_updates_for_device_class(DC_GATEWAY))
    assert {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'} in [u['updateId'] for u in updates]
    with pytest.raises(HttpResponseError) as in_use:  # its subgroups still reference it
        client.device_management.delete_device_class(DC_GATEWAY)
    assert in_use.value.status_code == 409


def test_delete_subgroup_and_group(client, emulator):
    subgroups = list(client.device_management.list_device_class_subgroups_for_group('fleet-eu'))
    for subgroup in subgroups:
        client.device_management.delete_device_class_subgroup('fleet-eu', subgroup['deviceClassId'])
    assert list(client.device_management.list_device_class_subgroups_for_group('fleet-eu')) == []
    client.device_management.delete_group('fleet-eu')
    with pytest.raises(ResourceNotFoundError):
        client.device_management.get_group('fleet-eu')
    assert [r['status'] for r in emulator.requests('group_delete')] == [204]


def test_import_devices_as_a_long_running_operation(client, emulator):
    emulator.device_import_seconds = 0.5
    poller = client.device_management.begin_import_devices('All', polling_interval=0.2)
    poller.result(timeout=30)
    assert poller.status().lower() == 'succeeded'
    started = emulator.requests('device_import')[0]
    operation = client.device_management.get_operation_status(started['operation_id'])
    assert operation['status'] == 'Succeeded' and operation['etag']
    listed = list(client.device_management.list_operation_statuses())
    assert [o['operationId'] for o in listed] == [started['operation_id']]


def test_conditional_reads_log_collections_health_and_a_device_class_deleted(client, emulator):
    from azure.core.exceptions import ResourceNotModifiedError  # pylint: disable=import-outside-toplevel
    update = client.device_update.get_update('Contoso', 'Gateway', '2026.11.25')
    with pytest.raises(ResourceNotModifiedError):  # the service's 304 for the etag the client holds
        client.device_update.get_update('Contoso', 'Gateway', '2026.11.25', if_none_match=update['etag'])
    emulator.log_seconds = 0
    client.device_management.start_log_collection('lc-sdk', {'deviceList': [{'deviceId': 'canary-c61300e6-device-001'}],
                                                             'description': 'from the SDK'})
    assert [c['operationId'] for c in client.device_management.list_log_collections()] == ['lc-sdk']
    detailed = client.device_management.get_log_collection_detailed_status('lc-sdk')
    assert detailed['deviceStatus'][0]['status'] in ('Succeeded', 'Failed')
    unhealthy = list(client.device_management.list_health_of_devices(filter="state eq 'unhealthy'"))
    assert unhealthy and all(h['state'] == 'unhealthy' for h in unhealthy)
    compliance = client.device_management.get_device_class_subgroup_update_compliance('fleet-eu', DC_GATEWAY)
    assert compliance['totalDeviceCount'] >= 0
    # a device class is deleted once no subgroup references it
    for group in ('canary', 'fleet', 'fleet-eu', 'ring-canary', 'ring-pilot', 'ring-bad', 'ring-broad'):
        client.device_management.delete_device_class_subgroup(group, DC_GATEWAY)
    client.device_management.delete_device_class(DC_GATEWAY)
    with pytest.raises(ResourceNotFoundError):
        client.device_management.get_device_class(DC_GATEWAY)
