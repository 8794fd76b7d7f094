#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: adu_log_collection
short_description: Collect logs from Azure Device Update devices, for example the failed devices of a deployment
version_added: 1.2.0
description:
  - Starts a log collection (GA API C(deviceDiagnostics/logCollections)) from the devices named in O(devices), or from
    the devices of a deployment in a state (O(from_deployment), by default its failed devices).
  - Reads first. There with the same devices, in any order, nothing is sent; there with other devices, the task fails
    naming the difference and sends nothing; not there, one PUT. A lost answer is read back, never sent again.
  - With O(wait), polls the detailed status until every device is done. A device whose upload failed does not fail
    the task; RV(device_status) says so.
author:
  - ADU collection maintainers (@adu-device-update)
options:
  log_collection_id:
    description: The log collection's id, 1 to 256 characters, one URL path segment (no C(/)).
    type: str
    required: true
  devices:
    description: The devices to collect from. One of O(devices), O(from_deployment) and O(from_log_collection) is required.
    type: list
    elements: dict
    suboptions:
      device_id:
        description: The device's id.
        type: str
        required: true
      module_id:
        description: The module's id, for a device that runs the agent in a module.
        type: str
  from_deployment:
    description: Collect from the devices of this GA deployment that are in O(from_deployment.device_state).
    type: dict
    suboptions:
      deployment_id:
        description: The deployment.
        type: str
        required: true
      group_id:
        description: Its device group.
        type: str
        required: true
      device_class_id:
        description: Only this device-class subgroup; otherwise every subgroup of the deployment.
        type: str
      device_state:
        description: The devices' state in the deployment, in any case.
        type: str
        default: Failed
  from_log_collection:
    description:
      - Collect again from the devices of this earlier log collection (its detailed status), under the new
        O(log_collection_id); with O(only_failed), only from those whose upload failed.
      - One of O(devices), O(from_deployment) and O(from_log_collection) is required.
    type: str
    version_added: 1.3.0
  only_failed:
    description: With O(from_log_collection), only the devices whose upload failed in it.
    type: bool
    default: false
    version_added: 1.3.0
  description:
    description: A description of the collection, up to 512 characters.
    type: str
  state:
    description: V(present) starts the collection unless it exists.
    type: str
    choices: [present]
    default: present
  wait:
    description: Poll the detailed status until every device is done.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait before the task fails with the detailed status as last read.
    type: int
    default: 600
  wait_interval:
    description: Seconds between polls.
    type: float
    default: 15.0
extends_documentation_fragment:
  - adu.device_update.connection
  - adu.device_update.target.GA_API
  - adu.device_update.attributes.RESOURCE
'''

EXAMPLES = r'''
- name: Collect the logs of the canary's failed devices
  adu.device_update.adu_log_collection:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    log_collection_id: canary-fw-2026-12-03
    from_deployment:
      deployment_id: fw-2026-12-03
      group_id: canary
    description: Failed devices of the canary ring
    wait: true
  register: logs

- name: Where the logs are
  ansible.builtin.debug:
    msg: "{{ logs.device_status | map(attribute='log_location') | list }}"

- name: Collect again, under a new id, from the devices whose upload failed
  adu.device_update.adu_log_collection:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    log_collection_id: canary-fw-2026-12-03-again
    from_log_collection: canary-fw-2026-12-03
    only_failed: true
'''

RETURN = r'''
msg:
  description: One line with what was done.
  returned: always
  type: str
  sample: "started log collection canary-fw (2 device(s) of deployment fw in state Failed); 2 Succeeded"
log_collection:
  description: The log collection, keys in snake_case (C(operation_id), C(description), C(status),
    C(created_date_time), C(last_action_date_time), C(device_list)); null when there was nothing to collect.
  returned: always
  type: dict
device_status:
  description: Each device's C(device_id), C(module_id), C(status), C(result_code), C(extended_result_code),
    C(log_location).
  returned: whenever the detailed status was read (with O(wait), or when the collection existed)
  type: list
  elements: dict
'''

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import validate_deployment_id
from ansible_collections.adu.device_update.plugins.module_utils._core.options import validate_range
from ansible_collections.adu.device_update.plugins.module_utils._core.waiting import Waiter
from ansible_collections.adu.device_update.plugins.module_utils._deployments.target_preview import device_state_option
from ansible_collections.adu.device_update.plugins.module_utils._deployments.targets import resolve_target
from ansible_collections.adu.device_update.plugins.module_utils._diagnostics.api import DiagnosticsApi
from ansible_collections.adu.device_update.plugins.module_utils._diagnostics.log_collection import LogCollectionService
from ansible_collections.adu.device_update.plugins.module_utils._runtime.module import AduModule

ARGUMENT_SPEC = dict(
    log_collection_id=dict(type='str', required=True),
    devices=dict(type='list', elements='dict', options=dict(device_id=dict(type='str', required=True),
                                                            module_id=dict(type='str'))),
    from_deployment=dict(type='dict', options=dict(deployment_id=dict(type='str', required=True),
                                                   group_id=dict(type='str', required=True),
                                                   device_class_id=dict(type='str'),
                                                   device_state=dict(type='str', default='Failed'))),
    from_log_collection=dict(type='str'),
    only_failed=dict(type='bool', default=False),
    description=dict(type='str'),
    state=dict(type='str', default='present', choices=['present']),
    wait=dict(type='bool', default=False),
    wait_timeout=dict(type='int', default=600),
    wait_interval=dict(type='float', default=15.0),
    api_version=dict(type='str'),
)


def ensure_log_collection(module):
    params = module.params
    log_collection_id = validate_deployment_id(params['log_collection_id'], 'log_collection_id')
    if params['description'] is not None and len(params['description']) > 512:
        raise OptionError('description', 'at most 512 characters (got %d)' % len(params['description']))
    validate_range('wait_timeout', params['wait_timeout'], (0, 86400))
    validate_range('wait_interval', params['wait_interval'], (0.1, 3600))
    if params['only_failed'] and params['from_log_collection'] is None:
        raise OptionError('only_failed', 'needs from_log_collection, the earlier log collection whose failed devices '
                          'to collect from again')
    for index, device in enumerate(params['devices'] or []):
        validate_deployment_id(device['device_id'], 'devices[%d].device_id' % index)
    connection = module.connection
    api = connection.api(DiagnosticsApi, params['api_version'])
    devices, source = devices_of(module, params)
    waiter = Waiter(params['wait_timeout'], params['wait_interval']) if params['wait'] else None
    return LogCollectionService(api, module.check_mode, waiter).ensure(log_collection_id, devices,
                                                                       params['description'], source)


def devices_of(module, params):
    """(devices, a few words on where they come from): as given, or a deployment's devices in a state."""
    if params['devices'] is not None:
        return params['devices'], 'as given'
    if params['from_log_collection'] is not None:
        return devices_of_collection(module, params)
    source = params['from_deployment']
    state = device_state_option(source['device_state'])
    target = resolve_target(module.connection, dict(source, api_version=params['api_version']))
    deployment_id = target.check_deployment_id(source['deployment_id'])
    deployment = target.api.get_deployment(deployment_id)
    devices = target.device_states(deployment_id, state, deployment)
    return ([{'device_id': d['device_id'], 'module_id': d.get('module_id')} for d in devices],
            'devices of deployment %s in state %s' % (deployment_id, state))


def devices_of_collection(module, params):
    """The devices of an earlier log collection, or with only_failed those whose upload failed (its detailed
    status): collecting again, under the new log_collection_id."""
    earlier = validate_deployment_id(params['from_log_collection'], 'from_log_collection')
    if earlier == params['log_collection_id']:
        raise OptionError('log_collection_id', 'must differ from from_log_collection (%s): a log collection cannot be '
                          'changed, collecting again needs a new id' % earlier)
    status = module.connection.api(DiagnosticsApi, params['api_version']).log_collection_status(earlier)
    devices = [d for d in status['device_status'] if not params['only_failed'] or d['status'] == 'Failed']
    return ([{'device_id': d['device_id'], 'module_id': d.get('module_id')} for d in devices],
            '%s of log collection %s' % ('devices whose upload failed' if params['only_failed'] else 'devices', earlier))


def main():
    AduModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True,
              mutually_exclusive=[('devices', 'from_deployment', 'from_log_collection')],
              required_one_of=[('devices', 'from_deployment', 'from_log_collection')]).run(ensure_log_collection)


if __name__ == '__main__':
    main()
