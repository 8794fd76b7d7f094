#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: adu_group
short_description: Delete an Azure Device Update device group or device-class subgroup
version_added: 1.3.0
description:
  - Groups are made by the service from the C(ADUGroup) tag of devices' twins, so there is no V(present); with
    O(state=absent) the task deletes the group O(group_id), or only its device-class subgroup O(device_class_id)
    (a subgroup comes back when a device of that class reports again).
  - One read (a group read takes a slot of the 30-a-minute group budget), then at most one DELETE. A group or
    subgroup that does not exist is V(ok).
author:
  - ADU collection maintainers (@adu-device-update)
options:
  group_id:
    description: The device group.
    type: str
    required: true
  device_class_id:
    description: Delete only this device-class subgroup of the group.
    type: str
  state:
    description: V(absent) deletes the group or subgroup.
    type: str
    choices: [absent]
    default: absent
extends_documentation_fragment:
  - adu.device_update.connection
  - adu.device_update.target.GA_API
  - adu.device_update.attributes.RESOURCE
'''

EXAMPLES = r'''
- name: Remove the subgroup of a retired device class from the fleet group
  adu.device_update.adu_group:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    group_id: fleet
    device_class_id: d72411f7c4eb73a37d34e03620fb4f3f84227f82
    state: absent

- name: Remove a group whose tag no device carries any more
  adu.device_update.adu_group:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    group_id: ring-old
    state: absent
'''

RETURN = r'''
msg:
  description: One line with what was done.
  returned: always
  type: str
  sample: "group ring-old deleted"
group:
  description: The group (or subgroup) as it was before the task, keys as M(adu.device_update.adu_group_info) returns them; null when it did not exist.
  returned: always
  type: dict
diff:
  description: The group or subgroup before, V({}) after.
  returned: with C(--diff)
  type: dict
'''

from ansible_collections.adu.device_update.plugins.module_utils._core.ids import validate_deployment_id
from ansible_collections.adu.device_update.plugins.module_utils._groups.api import GroupsApi
from ansible_collections.adu.device_update.plugins.module_utils._runtime.module import AduModule
from ansible_collections.adu.device_update.plugins.module_utils._transport.api import or_none

ARGUMENT_SPEC = dict(
    group_id=dict(type='str', required=True),
    device_class_id=dict(type='str'),
    state=dict(type='str', choices=['absent'], default='absent'),
    api_version=dict(type='str'),
)


def ensure_absent(module):
    params = module.params
    group_id = validate_deployment_id(params['group_id'], 'group_id')
    device_class_id = params['device_class_id']
    if device_class_id is not None:
        validate_deployment_id(device_class_id, 'device_class_id')
    groups = module.connection.api(GroupsApi, params['api_version'])
    what = 'group %s' % group_id
    if device_class_id is not None:
        what = 'subgroup %s of group %s' % (device_class_id, group_id)
    before = or_none(groups.group, group_id) if device_class_id is None else \
        or_none(groups.subgroup, group_id, device_class_id)
    if before is None:
        return {'changed': False, 'group': None, 'msg': '%s does not exist' % what, 'diff': {'before': {}, 'after': {}}}
    if not module.check_mode:
        groups.delete(group_id, device_class_id)
    return {'changed': True, 'group': before, 'msg': '%s %sdeleted' % (what, 'would be ' if module.check_mode else ''),
            'diff': {'before': before, 'after': {}}}


def main():
    AduModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).run(ensure_absent)


if __name__ == '__main__':
    main()
