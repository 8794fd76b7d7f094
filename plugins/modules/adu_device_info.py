#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: adu_device_info
short_description: Read Azure Device Update devices and device classes
version_added: 1.3.0
description:
  - Reads the devices of an instance (all, one by O(device_id) and O(module_id), or those a O(filter) selects), or its
    device classes (O(device_classes)), or one device class (O(device_class_id)) with the updates it can install
    (O(installable_updates)).
  - Answers which devices run which update, which are not on the latest, why a device has no best update (its device
    class and the updates compatible with it).
  - For the fleet as Ansible hosts, see the inventory plugin P(adu.device_update.adu_devices#inventory).
  - A device or device class that does not exist fails the task, naming it.
author:
  - ADU collection maintainers (@adu-device-update)
options:
  device_id:
    description: One device.
    type: str
  module_id:
    description: One module identity of O(device_id) (a device updated through a module, not the device itself).
    type: str
  filter:
    description:
      - The service's filter of the device listing, for example C(groupId eq 'ring-canary'),
        C(deviceClassId eq '<id>'), C(groupId eq 'fleet' and deploymentStatus eq 'Failed'), or C(groupId eq null)
        for devices in no group.
    type: str
  device_classes:
    description: List the device classes of the instance instead of devices.
    type: bool
    default: false
  device_class_id:
    description: Read one device class instead of devices.
    type: str
  installable_updates:
    description: With O(device_class_id), also list the updates the device class can install (RV(device_class.installable_updates)).
    type: bool
    default: false
extends_documentation_fragment:
  - adu.device_update.connection
  - adu.device_update.target.GA_API
  - adu.device_update.attributes.INFO_MODULE
'''

EXAMPLES = r'''
- name: Which devices of the canary ring failed their last deployment?
  adu.device_update.adu_device_info:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    filter: "groupId eq 'ring-canary' and deploymentStatus eq 'Failed'"
  register: failed

- name: Their ids
  ansible.builtin.debug:
    msg: "{{ failed.devices | map(attribute='device_id') | list }}"

- name: Can the gateways' device class install the new firmware?
  adu.device_update.adu_device_info:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    device_class_id: c61300e6b3da62926c23d92519ea3f2e73116e71
    installable_updates: true
  register: device_class

- name: Refuse an update the device class cannot install
  ansible.builtin.assert:
    that: >-
      {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.12.1'} in
      (device_class.device_class.installable_updates | map(attribute='update_id') | list)
'''

RETURN = r'''
msg:
  description: One line with what was read.
  returned: always
  type: str
  sample: "12 device(s): 9 succeeded, 2 failed, 1 in progress, 9 on the latest update"
devices:
  description: The devices read (module identities have RV(devices[].module_id)), keys in snake_case.
  returned: unless O(device_classes) or O(device_class_id) is given
  type: list
  elements: dict
  contains:
    device_id:
      description: The device's id in IoT Hub.
      type: str
      returned: always
    module_id:
      description: The module identity's id, null for a device.
      type: str
      returned: always
    device_class_id:
      description: The device's device class.
      type: str
      returned: always
    group_id:
      description: The device's group, null when it is in none.
      type: str
      returned: always
    installed_update:
      description: The update installed (C(provider), C(name), C(version)), null when the service names none.
      type: dict
      returned: always
    last_attempted_update:
      description: The update last attempted (C(provider), C(name), C(version)), null when none.
      type: dict
      returned: always
    deployment_status:
      description: The state of the device in its last deployment (C(Succeeded), C(InProgress), C(Canceled), C(Failed)), null when none.
      type: str
      returned: always
    on_latest_update:
      description: Whether the device has the latest update compatible with it installed.
      type: bool
      returned: always
    last_deployment_id:
      description: The device's last deployment, null when none.
      type: str
      returned: always
    last_install_result:
      description: The last install's C(result_code), C(extended_result_code) and C(result_details), null when none.
      type: dict
      returned: always
device_classes:
  description: The device classes of the instance (as RV(device_class) without installable updates).
  returned: when O(device_classes) is true
  type: list
  elements: dict
device_class:
  description: The device class read.
  returned: when O(device_class_id) is given
  type: dict
  contains:
    device_class_id:
      description: The device class's id.
      type: str
      returned: always
    friendly_name:
      description: Its friendly name.
      type: str
      returned: always
    compat_properties:
      description: The properties updates are matched against, commonly C(manufacturer) and C(model).
      type: dict
      returned: always
    contract_model:
      description: The Device Update contract model of its devices (C(id), C(name)).
      type: dict
      returned: always
    best_compatible_update:
      description: The best update compatible with it (C(update_id), C(friendly_name)), null when none.
      type: dict
      returned: always
    installable_updates:
      description: The updates it can install, each C(update_id) and C(friendly_name).
      type: list
      elements: dict
      returned: when O(installable_updates) is true
'''

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import validate_deployment_id
from ansible_collections.adu.device_update.plugins.module_utils._devices.api import DevicesApi
from ansible_collections.adu.device_update.plugins.module_utils._devices.wire import device_figures
from ansible_collections.adu.device_update.plugins.module_utils._runtime.module import AduModule

ARGUMENT_SPEC = dict(
    device_id=dict(type='str'),
    module_id=dict(type='str'),
    filter=dict(type='str'),
    device_classes=dict(type='bool', default=False),
    device_class_id=dict(type='str'),
    installable_updates=dict(type='bool', default=False),
    api_version=dict(type='str'),
)
EXCLUSIVE = [('device_id', 'filter', 'device_classes', 'device_class_id')]


def read(module):
    params = module.params
    for option in ('device_id', 'module_id', 'device_class_id'):
        if params[option] is not None:
            validate_deployment_id(params[option], option)
    if params['module_id'] is not None and params['device_id'] is None:
        raise OptionError('module_id', 'needs device_id: a module identity is read within its device')
    if params['installable_updates'] and params['device_class_id'] is None:
        raise OptionError('installable_updates', 'needs device_class_id: the updates of one device class are listed')
    api = module.connection.api(DevicesApi, params['api_version'])
    if params['device_class_id'] is not None:
        device_class = api.device_class(params['device_class_id'])
        if params['installable_updates']:
            device_class['installable_updates'] = api.installable_updates(params['device_class_id'])
        return {'changed': False, 'device_class': device_class, 'msg': 'device class %s (%s)%s' % (
            device_class['device_class_id'], device_class['friendly_name'],
            ': %d installable update(s)' % len(device_class['installable_updates'])
            if params['installable_updates'] else '')}
    if params['device_classes']:
        classes = api.device_classes()
        return {'changed': False, 'device_classes': classes, 'msg': '%d device class(es)' % len(classes)}
    if params['device_id'] is not None:
        devices = [api.device(params['device_id'], params['module_id'])]
    else:
        devices = [device for page in api.device_pages(params['filter']) for device in page]
    return {'changed': False, 'devices': devices, 'msg': device_figures(devices)}


def main():
    AduModule(argument_spec=ARGUMENT_SPEC, mutually_exclusive=EXCLUSIVE, supports_check_mode=True).run(read)


if __name__ == '__main__':
    main()
