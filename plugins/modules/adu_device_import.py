#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: adu_device_import
short_description: Import devices and modules from IoT Hub into Azure Device Update
version_added: 1.3.0
description:
  - Asks the service to read the devices (and module identities) of its IoT Hub again, as after adding devices or
    changing their C(ADUGroup) tags, and follows that long-running operation to its end within O(wait_timeout).
  - An import is an action, not a state, so every run that starts one is V(changed). When an import of the instance
    is already running, the task follows that one instead of starting another (V(ok)).
  - A failed import fails the task with the service's error.
author:
  - ADU collection maintainers (@adu-device-update)
options:
  import_type:
    description: What to import, V(devices), V(modules) or V(all).
    type: str
    choices: [devices, modules, all]
    default: all
  wait:
    description: Follow the operation until it ends. V(false) starts it, reads it once and returns.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to follow the operation, 0 to 86400; the task fails when it has not ended by then.
    type: int
    default: 1800
extends_documentation_fragment:
  - adu.device_update.connection
  - adu.device_update.target.GA_API
  - adu.device_update.attributes.RESOURCE
'''

EXAMPLES = r'''
- name: Pick up the devices tagged for the new ring
  adu.device_update.adu_device_import:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    import_type: devices
'''

RETURN = r'''
msg:
  description: One line with what was done.
  returned: always
  type: str
  sample: "imported devices from IoT Hub (operation e4491c54-916f-443d-9094-bcca546ace2f, Succeeded)"
operation:
  description: The import operation as last read (C(operation_id), C(status), C(trace_id), C(created_date_time),
    C(last_action_date_time), C(error)); null in check mode.
  returned: always
  type: dict
diff:
  description: V({}) before, the import type after.
  returned: with C(--diff)
  type: dict
'''

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OperationFailed
from ansible_collections.adu.device_update.plugins.module_utils._core.options import validate_range
from ansible_collections.adu.device_update.plugins.module_utils._devices.api import DevicesApi
from ansible_collections.adu.device_update.plugins.module_utils._devices.wire import IMPORT_TYPES
from ansible_collections.adu.device_update.plugins.module_utils._runtime.module import AduModule
from ansible_collections.adu.device_update.plugins.module_utils._updates.operations import OperationFollower, failure_of

ARGUMENT_SPEC = dict(
    import_type=dict(type='str', choices=list(IMPORT_TYPES), default='all'),
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=1800),
    api_version=dict(type='str'),
)


def import_devices(module):
    params = module.params
    validate_range('wait_timeout', params['wait_timeout'], (0, 86400))
    import_type = IMPORT_TYPES[params['import_type']]
    api = module.connection.api(DevicesApi, params['api_version'])
    running = api.operations(running=True)
    diff = {'before': {}, 'after': {'import_type': import_type}}
    if running:
        operation = api.operation_at(api.operation_path(running[0]['operation_id']), 'following a running import')
        result = {'changed': False, 'diff': {'before': {}, 'after': {}},
                  'msg': 'an import of devices was already running (operation %s): followed it, started none'
                         % operation.operation_id}
    elif module.check_mode:
        return {'changed': True, 'operation': None, 'diff': diff,
                'msg': 'would import %s from IoT Hub' % import_type.lower()}
    else:
        operation = api.start_import(import_type)
        result = {'changed': True, 'diff': diff, 'msg': 'imported %s from IoT Hub (operation %s)'
                  % (import_type.lower(), operation.operation_id)}
    return follow(api, operation, result, params)


def follow(api, operation, result, params):
    follower = OperationFollower(api, params['wait_timeout'])
    if not params['wait']:
        return follower.started(operation, result, None)
    operation = follower.follow(operation, result, None)
    result['msg'] += ', %s' % operation.body['status']
    if operation.body['status'] == 'Failed':
        error = failure_of(operation.body)
        result['error'] = error
        raise OperationFailed('%s: %s%s (trace id %s)' % (result['msg'], error['code'] or 'no error code', ': %s' % (
            error['message']) if error['message'] else '', error['trace_id']), result=result)
    return result


def main():
    AduModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).run(import_devices)


if __name__ == '__main__':
    main()
