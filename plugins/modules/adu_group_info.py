#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: adu_group_info
short_description: Read Azure Device Update groups, their subgroups, best updates, compliance and deployments
version_added: 1.2.0
description:
  - Reads one device group (O(group_id)) or every group of the instance, with what O(include) asks for, on the GA API.
  - Before a rollout, what to deploy where (the best update of each device-class subgroup); after it, how much of a
    group is on the latest update (C(compliance_percentage) in RV(groups[].compliance)).
  - Reads of groups, best updates and compliance take slots of their budgets (30 a minute each per instance, shared
    by every task and fork on the host through the pacing file), so many forks reading many groups meet no refusal.
    Pages are followed on the service only, bounded in pages, items and bytes.
  - A group that does not exist fails the task, naming it.
author:
  - ADU collection maintainers (@adu-device-update)
options:
  group_id:
    description: One device group. Omitted, every group of the instance, and RV(instance_compliance).
    type: str
  include:
    description:
      - What to read besides each group. V(subgroups) its device-class subgroups, V(best_updates) the best update of
        each subgroup (implies V(subgroups)), V(compliance) its update compliance, V(deployments) its deployment
        objects (otherwise RV(groups[].deployments) holds their ids).
    type: list
    elements: str
    choices: [subgroups, best_updates, compliance, deployments]
    default: [subgroups, compliance]
extends_documentation_fragment:
  - adu.device_update.connection
  - adu.device_update.target.GA_API
  - adu.device_update.attributes.INFO_MODULE
'''

EXAMPLES = r'''
- name: What is best for each subgroup of the canary group?
  adu.device_update.adu_group_info:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    group_id: canary
    include: [best_updates, compliance]
  register: canary

- name: Refuse to deploy where the group is fully on the latest update already
  ansible.builtin.assert:
    that: canary.groups[0].compliance.compliance_percentage != 100.0

- name: The best update of each subgroup (the key is best_update, one per subgroup)
  ansible.builtin.debug:
    msg: "{{ canary.groups[0].subgroups | map(attribute='best_update') | list }}"

- name: Every group, with the instance's compliance
  adu.device_update.adu_group_info:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
  register: fleet
'''

RETURN = r'''
msg:
  description: One line with what was read.
  returned: always
  type: str
  sample: "1 group(s): canary 10 devices, 70.0% on the latest update"
groups:
  description: The groups read, keys in snake_case.
  returned: always
  type: list
  elements: dict
  contains:
    group_id:
      description: The group's id.
      type: str
      returned: always
    group_type:
      description: The group's type, for example C(IoTHubTag).
      type: str
      returned: always
    created_date_time:
      description: When the group was created.
      type: str
      returned: always
    device_count:
      description: Devices in the group.
      type: int
      returned: always
    subgroups_with_new_updates_available_count:
      description: Subgroups with a new update available.
      type: int
      returned: always
    subgroups_with_updates_in_progress_count:
      description: Subgroups with an update in progress.
      type: int
      returned: always
    subgroups_with_on_latest_update_count:
      description: Subgroups on the latest update.
      type: int
      returned: always
    deployments:
      description: The group's deployment ids; with V(deployments) in O(include), the deployment objects.
      type: list
      returned: always
    subgroups:
      description:
        - Each device-class subgroup (C(device_class_id), C(device_count), C(deployment_id), C(created_date_time)).
        - With V(best_updates) in O(include), each subgroup also has the key C(best_update) (singular; C(update_id),
          C(friendly_name), C(device_count)), null when it has none. Read them with
          C(groups[0].subgroups | map(attribute='best_update')).
      type: list
      elements: dict
      returned: with V(subgroups) or V(best_updates) in O(include)
    compliance:
      description: C(total_device_count), C(on_latest_update_device_count), C(new_updates_available_device_count),
        C(updates_in_progress_device_count), and C(compliance_percentage) (on latest over total x 100, one decimal,
        null when the total is 0).
      type: dict
      returned: with V(compliance) in O(include)
instance_compliance:
  description: The instance-wide compliance, as RV(groups[].compliance).
  returned: when O(group_id) is not given and V(compliance) is in O(include)
  type: dict
'''

from ansible_collections.adu.device_update.plugins.module_utils._core.ids import validate_deployment_id
from ansible_collections.adu.device_update.plugins.module_utils._deployments.api_ga import GaApi
from ansible_collections.adu.device_update.plugins.module_utils._groups.api import GroupsApi
from ansible_collections.adu.device_update.plugins.module_utils._runtime.module import AduModule

ARGUMENT_SPEC = dict(
    group_id=dict(type='str'),
    include=dict(type='list', elements='str', default=['subgroups', 'compliance'],
                 choices=['subgroups', 'best_updates', 'compliance', 'deployments']),
    api_version=dict(type='str'),
)


def read_groups(module):
    params = module.params
    include = set(params['include'])
    if params['group_id'] is not None:
        validate_deployment_id(params['group_id'], 'group_id')
    connection = module.connection
    api = connection.api(GroupsApi, params['api_version'])
    groups = [api.group(params['group_id'])] if params['group_id'] is not None else api.groups()
    for group in groups:
        read_group(api, connection, group, include, params['api_version'])
    result = {'changed': False, 'groups': groups}
    if params['group_id'] is None and 'compliance' in include:
        result['instance_compliance'] = api.compliance()
    result['msg'] = '%d group(s)' % len(groups) + ''.join('; ' + said(group) for group in groups[:20])
    return connection.report_pacing(result)


def said(group):
    """A group in a few words, for msg."""
    text = '%s %s devices' % (group['group_id'], group['device_count'])
    percentage = (group.get('compliance') or {}).get('compliance_percentage')
    if percentage is not None:
        text += ', %s%% on the latest update' % percentage
    return text


def read_group(api, connection, group, include, api_version):
    """What include asks for, added to one group."""
    group_id = group['group_id']
    if include & {'subgroups', 'best_updates'}:
        group['subgroups'] = api.subgroups(group_id)
        if 'best_updates' in include:
            best = api.best_updates(group_id)
            for subgroup in group['subgroups']:
                subgroup['best_update'] = best.get(subgroup['device_class_id'])
    if 'compliance' in include:
        group['compliance'] = api.compliance(group_id)
    if 'deployments' in include:
        group['deployments'] = connection.api(GaApi, group_id,
                                              api_version).list_deployments()


def main():
    AduModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).run(read_groups)


if __name__ == '__main__':
    main()
