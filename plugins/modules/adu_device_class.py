#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: adu_device_class
short_description: Name or delete an Azure Device Update device class
version_added: 1.3.0
description:
  - Device classes are made by the service when devices with new compat properties connect; they cannot be created.
    With O(state=present) the task gives an existing device class its O(friendly_name) (a PATCH, sent only when the
    name differs); with O(state=absent) it deletes the device class, which the service refuses while subgroups still
    reference it (delete them first with M(adu.device_update.adu_group)).
  - One read, then at most one write.
author:
  - ADU collection maintainers (@adu-device-update)
options:
  device_class_id:
    description: The device class.
    type: str
    required: true
  friendly_name:
    description:
      - The name to give it, 1 to 100 characters. Omitted with O(state=present), the device class is only read (it
        must exist).
    type: str
  state:
    description: V(present) names the device class; V(absent) deletes it (ok when it does not exist).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - adu.device_update.connection
  - adu.device_update.target.GA_API
  - adu.device_update.attributes.RESOURCE
'''

EXAMPLES = r'''
- name: Name the gateways' device class
  adu.device_update.adu_device_class:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    device_class_id: c61300e6b3da62926c23d92519ea3f2e73116e71
    friendly_name: Contoso gateways

- name: Delete a device class no device uses any more
  adu.device_update.adu_device_class:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    device_class_id: d72411f7c4eb73a37d34e03620fb4f3f84227f82
    state: absent
'''

RETURN = r'''
msg:
  description: One line with what was done.
  returned: always
  type: str
  sample: "device class c61300e6b3da62926c23d92519ea3f2e73116e71 renamed from c61300e6 to Contoso gateways"
device_class:
  description:
    - The device class after the task (C(device_class_id), C(friendly_name), C(compat_properties), C(contract_model),
      C(best_compatible_update)), as M(adu.device_update.adu_device_info) returns it; null when it does not exist.
    - In check mode, as it would be.
  returned: always
  type: dict
diff:
  description: C(friendly_name) before and after, or the device class before and V({}) after its deletion.
  returned: with C(--diff)
  type: dict
'''

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import validate_deployment_id
from ansible_collections.adu.device_update.plugins.module_utils._devices.api import DevicesApi
from ansible_collections.adu.device_update.plugins.module_utils._runtime.module import AduModule
from ansible_collections.adu.device_update.plugins.module_utils._transport.api import or_none

ARGUMENT_SPEC = dict(
    device_class_id=dict(type='str', required=True),
    friendly_name=dict(type='str'),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    api_version=dict(type='str'),
)
FRIENDLY_NAME_LENGTH = (1, 100)


def ensure(module):
    params = module.params
    device_class_id = validate_deployment_id(params['device_class_id'], 'device_class_id')
    name = params['friendly_name']
    if name is not None and not FRIENDLY_NAME_LENGTH[0] <= len(name) <= FRIENDLY_NAME_LENGTH[1]:
        raise OptionError('friendly_name', 'must be 1 to 100 characters (got %d)' % len(name))
    if name is not None and params['state'] == 'absent':
        raise OptionError('friendly_name', 'is for state present only: a deleted device class has no name')
    api = module.connection.api(DevicesApi, params['api_version'])
    before = or_none(api.device_class, device_class_id) if params['state'] == 'absent' else \
        api.device_class(device_class_id)
    what = 'device class %s' % device_class_id
    if params['state'] == 'absent':
        if before is None:
            return {'changed': False, 'device_class': None, 'msg': '%s does not exist' % what,
                    'diff': {'before': {}, 'after': {}}}
        if not module.check_mode:
            api.delete_device_class(device_class_id)
        return {'changed': True, 'device_class': None, 'msg': '%s %sdeleted' % (
            what, 'would be ' if module.check_mode else ''), 'diff': {'before': before, 'after': {}}}
    if name is None or name == before['friendly_name']:
        return {'changed': False, 'device_class': before, 'msg': '%s is named %s' % (what, before['friendly_name']),
                'diff': {'before': {'friendly_name': before['friendly_name']},
                         'after': {'friendly_name': before['friendly_name']}}}
    after = dict(before, friendly_name=name) if module.check_mode else api.rename_device_class(device_class_id, name)
    return {'changed': True, 'device_class': after, 'msg': '%s %srenamed from %s to %s' % (
        what, 'would be ' if module.check_mode else '', before['friendly_name'], after['friendly_name']),
        'diff': {'before': {'friendly_name': before['friendly_name']}, 'after': {'friendly_name': after['friendly_name']}}}


def main():
    AduModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).run(ensure)


if __name__ == '__main__':
    main()
