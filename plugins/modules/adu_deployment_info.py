#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: adu_deployment_info
short_description: Read an Azure Device Update deployment and its status, or list the deployments of a device group
version_added: 1.0.0
description:
  - With O(deployment_id), returns the deployment and its status; on the GA API (O(group_id) given) also
    the status of each device-class subgroup.
  - On the GA API with O(group_id) and no O(deployment_id), lists the deployments of the group.
  - With O(deployment_id) and O(device_state), also every device of the deployment in that state, following the
    service's pages; on the GA API, of every subgroup (or only O(device_class_id)).
  - Never changes anything.
author:
  - ADU collection maintainers (@adu-device-update)
options:
  deployment_id:
    description:
      - ID of the deployment to read. Required on the 2020-09-01 preview API (no O(group_id)).
    type: str
  include_device_health:
    description:
      - GA API, with O(device_state). Each device listed in RV(devices) also carries C(health) (C(state), and
        C(health_checks), each C(name) and C(result)), from the service's device health records; null for a device
        it has no record of.
      - One request per device, at most 500 devices.
    type: bool
    default: false
    version_added: 1.2.0
  max_items:
    description:
      - With O(device_state), the most devices to list, 1 to 1000000; a listing that passes it fails, saying so,
        rather than return part of the devices. Without it a listing may run to an instance's largest (a million
        devices), which the collection is sized for.
      - Narrow a listing first with O(device_state) and O(device_class_id), which the service filters.
    type: int
    version_added: 1.3.0
  status_only:
    description:
      - With O(deployment_id), read only the deployment's status (one request instead of two), as a poll needs;
        RV(status) and RV(subgroups) are returned, RV(deployment) is not. A canceled deployment shows in its status
        (C(deployment_state) V(Canceled)).
      - Not with O(device_state), whose listing needs the deployment's subgroups.
    type: bool
    default: false
    version_added: 1.3.0
  device_state:
    description:
      - With O(deployment_id), return RV(devices), the devices of the deployment in this state; V(any) for all.
      - One of V(Failed), V(InProgress), V(Succeeded), V(Canceled) or V(any), in any case (V(failed) is V(Failed));
        any case is accepted since version 1.2.0.
    type: str
    version_added: 1.1.0
extends_documentation_fragment:
  - adu.device_update.connection
  - adu.device_update.target
  - adu.device_update.attributes.INFO_MODULE
'''

EXAMPLES = r'''
- name: Read a deployment and its status
  adu.device_update.adu_deployment_info:
    account: contoso
    instance: blue
    deployment_id: dpokluda-test.2020-1111-1124-8
  register: rollout

- name: Fail when devices failed, or when no device was targeted at all
  ansible.builtin.assert:
    that:
      - rollout.status.total_devices | int > 0
      - rollout.status.devices_completed_failed_count == 0

- name: Which devices failed?
  adu.device_update.adu_deployment_info:
    account: contoso
    instance: blue
    group_id: fleet-eu
    deployment_id: fw-2026-11-25
    device_state: Failed
  register: failed

- name: Show them
  ansible.builtin.debug:
    msg: "{{ failed.devices | map(attribute='device_id') | list }}"

- name: List the deployments of a device group (GA API)
  adu.device_update.adu_deployment_info:
    account: contoso
    instance: blue
    group_id: dpokluda-test
  register: group_deployments
'''

RETURN = r'''
msg:
  description:
    - One line with what was read, for example the figures of the deployment.
    - In check mode, a deployment that does not exist (one the play would create) is not a failure; C(msg) says so
      and nothing else is returned.
  returned: always
  type: str
  sample: "deployment fw-2026-11-25: state Active, 9 targeted, 4 succeeded, 2 failed, 3 in progress, 0 canceled"
  version_added: 1.2.0
deployment:
  description: The deployment, keys in snake_case, as adu.device_update.adu_deployment returns it.
  returned: when O(deployment_id) is given and the deployment exists, unless O(status_only)
  type: dict
  sample: {"deployment_id": "test0809083849", "group_id": "dpokluda-test", "is_canceled": false, "is_retried": false,
           "device_class_subgroups": ["0919e3ae422a2bfa8c84ff905813e60351e456d1"]}
status:
  description:
    - The deployment status, keys in snake_case. On the GA API the group status, with C(subgroup_status).
    - On the GA API every count (C(total_devices), C(devices_in_progress_count), C(devices_completed_failed_count),
      C(devices_completed_succeeded_count), C(devices_canceled_count)) is the sum over the subgroups, since the
      service sends counts per subgroup only; C(deployment_state) is the service's. Before version 1.2.0 these
      counts were 0.
    - A count the service does not send is null, never 0 (the GA API sends no C(devices_incompatible_count) or
      C(devices_already_in_deployment_count)); with O(group_id) and O(device_class_id), still the group status.
  returned: when O(deployment_id) is given
  type: dict
  sample: {"deployment_state": "Active", "total_devices": 1, "devices_in_progress_count": 0,
           "devices_completed_failed_count": 0, "devices_completed_succeeded_count": 1}
subgroups:
  description: GA API only. Each device-class subgroup with its status (only O(device_class_id) when given).
  returned: when O(group_id) and O(deployment_id) are given
  type: list
  elements: dict
  contains:
    device_class_id:
      description: Device class of the subgroup.
      type: str
      returned: always
      sample: 0919e3ae422a2bfa8c84ff905813e60351e456d1
    status:
      description: The subgroup's status.
      type: dict
      returned: always
      sample: {"deployment_state": "Active", "devices_completed_failed_count": 2}
devices:
  description: The devices of the deployment in O(device_state), from every page the service sent.
  returned: when O(deployment_id) and O(device_state) are given
  type: list
  elements: dict
  version_added: 1.1.0
  contains:
    device_id:
      description: ID of the device.
      type: str
      returned: always
      sample: dpokluda-test
    device_state:
      description: C(Failed), C(InProgress), C(Succeeded) or C(Canceled).
      type: str
      returned: always
      sample: Failed
    retry_count:
      description: How many times the deployment was retried on this device.
      type: int
      returned: always
      sample: 0
    moved_on_to_new_deployment:
      description: Whether the device has moved on to a newer deployment.
      type: bool
      returned: always
      sample: false
    health:
      description: With O(include_device_health), the device's health (C(state), C(health_checks)), or null.
      type: dict
      returned: with O(include_device_health)
      version_added: 1.2.0
    device_class_id:
      description: Device class of the subgroup the device is in.
      type: str
      returned: on the GA API
      sample: c61300e6b3da62926c23d92519ea3f2e73116e71
deployments:
  description: GA API only. The deployments of the group, keys in snake_case.
  returned: when O(group_id) is given without O(deployment_id)
  type: list
  elements: dict
  sample: [{"deployment_id": "test0809083849", "group_id": "dpokluda-test", "is_canceled": false}]
'''

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError, OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.options import validate_range
from ansible_collections.adu.device_update.plugins.module_utils._deployments.settling import figures
from ansible_collections.adu.device_update.plugins.module_utils._deployments.target_preview import device_state_option
from ansible_collections.adu.device_update.plugins.module_utils._deployments.targets import resolve_target
from ansible_collections.adu.device_update.plugins.module_utils._runtime.module import AduModule, TARGET_ARGSPEC

ARGUMENT_SPEC = dict(deployment_id=dict(type='str'), device_state=dict(type='str'),
                     include_device_health=dict(type='bool', default=False), max_items=dict(type='int'),
                     status_only=dict(type='bool', default=False), **TARGET_ARGSPEC)
# Health is read one device at a time: a bound on the requests one task makes for it.
MAX_HEALTH_DEVICES = 500


def read_deployments(module):
    """One deployment (its status, and its devices in device_state), or the deployments of a group."""
    params = module.params
    target = resolve_target(module.connection, module.params)
    device_state = device_state_option(params['device_state'])
    if params['max_items'] is not None:
        validate_range('max_items', params['max_items'], (1, 10 ** 6))
    if params['deployment_id'] is None:
        if device_state is not None and target.group_id is not None:
            raise OptionError('device_state', 'needs deployment_id, the deployment whose devices to list')
        deployments = target.list_deployments()
        return {'changed': False, 'deployments': deployments,
                'msg': '%d deployment(s) in %s' % (len(deployments), target.api.where())}
    if params['include_device_health'] and (device_state is None or target.group_id is None):
        raise OptionError('include_device_health', 'needs group_id and device_state (GA API): the devices whose '
                          'health to read')
    if params['status_only'] and device_state is not None:
        raise OptionError('status_only', 'reads the status alone; device_state needs the deployment too: give one')
    deployment_id = target.check_deployment_id(params['deployment_id'])
    try:
        result = dict(target.read(deployment_id, status_only=params['status_only']), changed=False)
    except AduError as exc:
        if not (module.check_mode and exc.status_code == 404):
            raise
        # A play in check mode "creates" deployments without sending anything: reading one back finds nothing.
        return {'changed': False, 'msg': '%s; in check mode that is expected of a deployment the play would create '
                                         '(check mode sends no write), so this read returns nothing' % exc.message}
    result['msg'] = '%s: %s' % (target.describe(deployment_id), figures(result['status']))
    if device_state is not None:
        result['devices'] = target.device_states(deployment_id, device_state, result['deployment'],
                                                 params['max_items'])
        shown = 'in all' if device_state == 'any' else 'in state ' + device_state
        result['msg'] += '; %d device(s) %s' % (len(result['devices']), shown)
        if params['include_device_health']:
            add_health(module, result['devices'])
    return result


def add_health(module, devices):
    """Each device's health (state, health_checks), None where the service has no record of it."""
    if len(devices) > MAX_HEALTH_DEVICES:
        raise OptionError('include_device_health', 'reads the health of one device per request, at most %d devices '
                          '(%d listed): narrow device_state or device_class_id' % (MAX_HEALTH_DEVICES, len(devices)))
    # Imported here, to spare every other task the start-up cost: only a task that asks for health needs these routes.
    from ansible_collections.adu.device_update.plugins.module_utils._diagnostics.api import DiagnosticsApi  # pylint: disable=import-outside-toplevel
    connection = module.connection
    api = connection.api(DiagnosticsApi, module.params['api_version'])
    for device in devices:
        device['health'] = api.device_health(device['device_id'])


def main():
    AduModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).run(read_deployments)


if __name__ == '__main__':
    main()
