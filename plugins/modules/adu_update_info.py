#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: adu_update_info
short_description: Read the updates of an Azure Device Update instance, their files and import operations
version_added: 1.2.0
description:
  - With O(update), that update and its files. With O(provider), the names under it; with O(provider) and O(name),
    the versions. With none of them, every update of the instance (optionally O(filter)).
  - With O(operation_id), that import operation; with O(operations), the import operations the service lists.
  - Pages are followed on the service only, bounded in pages, items and bytes. Every call takes a slot of the
    instance's update-API budget (510 a minute), shared by every task on the host.
  - URLs that carry a query (SAS tokens) appear with the query removed.
author:
  - ADU collection maintainers (@adu-device-update)
options:
  update:
    description: One update's id; RV(updates) holds it (empty when the instance does not have it), with its RV(updates[].files).
    type: dict
    suboptions:
      provider:
        description: Update provider.
        type: str
        required: true
      name:
        description: Update name.
        type: str
        required: true
      version:
        description: Update version. Quote it in YAML.
        type: str
        required: true
  provider:
    description: List the names under this provider (RV(names)), or with O(name) the versions (RV(versions)).
    type: str
  name:
    description: With O(provider), list the versions of this update name.
    type: str
  filter:
    description:
      - With none of O(update), O(provider), a filter as the service accepts it on the update list, for example
        V(isDeployable eq false).
    type: str
  operation_id:
    description: Read this import operation (RV(operations) holds it).
    type: str
  operations:
    description:
      - V(running) lists the import operations not started or running (the service's one filter), V(all) every import
        operation it keeps (7 days). The service lists no deletes.
    type: str
    choices: [running, all]
extends_documentation_fragment:
  - adu.device_update.connection
  - adu.device_update.target.GA_API
  - adu.device_update.attributes.INFO_MODULE
'''

EXAMPLES = r'''
- name: Is the update there, and deployable?
  adu.device_update.adu_update_info:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    update: {provider: contoso, name: toaster, version: "1.0.2"}
  register: found

- name: Gate on it
  ansible.builtin.assert:
    that:
      - found.updates | length == 1
      - found.updates[0].is_deployable

- name: Every version of contoso/toaster
  adu.device_update.adu_update_info:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    provider: contoso
    name: toaster
  register: toaster

- name: Imports still running
  adu.device_update.adu_update_info:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    operations: running
'''

RETURN = r'''
msg:
  description: One line with what was read.
  returned: always
  type: str
  sample: 1 update of contoso/toaster/1.0.2
updates:
  description: Update objects, keys in snake_case; empty when only names, versions or operations were asked.
  returned: always
  type: list
  elements: dict
  contains:
    update_id:
      description: provider, name and version.
      type: dict
      returned: always
    files:
      description: With O(update), each file's details (C(file_id), C(file_name), C(size_in_bytes), C(hashes), ...).
      type: list
      elements: dict
      returned: with O(update)
names:
  description: The update names of O(provider).
  returned: with O(provider) and no O(name)
  type: list
  elements: str
versions:
  description: The versions of O(provider) / O(name).
  returned: with O(provider) and O(name)
  type: list
  elements: str
operations:
  description: Import operations, keys in snake_case (C(operation_id), C(status), C(update), C(error), C(trace_id), ...).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import (
    id_part_option,
    update_id_option,
    validate_deployment_id,
)
from ansible_collections.adu.device_update.plugins.module_utils._runtime.module import AduModule
from ansible_collections.adu.device_update.plugins.module_utils._updates.api import UpdatesApi
from ansible_collections.adu.device_update.plugins.module_utils._updates.wire import describe_update, shown_urls

ID_SPEC = dict(provider=dict(type='str', required=True), name=dict(type='str', required=True),
               version=dict(type='str', required=True))
ARGUMENT_SPEC = dict(
    update=dict(type='dict', options=ID_SPEC),
    provider=dict(type='str'),
    name=dict(type='str'),
    filter=dict(type='str'),
    operation_id=dict(type='str'),
    operations=dict(type='str', choices=['running', 'all']),
    api_version=dict(type='str'),
)


def read_updates(module):
    params = module.params
    update = update_id_option(params['update']) if params['update'] else None
    if params['name'] and not params['provider']:
        raise OptionError('name', 'needs provider as well (the versions of provider/name are listed)')
    for option in ('provider', 'name'):
        if params[option] is not None:
            id_part_option(option, params[option])
    if params['operation_id'] is not None:
        validate_deployment_id(params['operation_id'], 'operation_id')
    connection = module.connection
    api = connection.api(UpdatesApi, params['api_version'])
    result = {'changed': False, 'updates': [], 'operations': []}
    said = []
    if update is not None:
        found = api.find_update(update)
        if found is not None:
            found['files'] = api.files(update)
            result['updates'] = [found]
        said.append('%s %s' % (describe_update(update), 'found' if found else 'not found'))
    elif params['provider'] and params['name']:
        result['versions'] = api.versions(params['provider'], params['name'])
        said.append('%d versions of %s/%s' % (len(result['versions']), params['provider'], params['name']))
    elif params['provider']:
        result['names'] = api.names(params['provider'])
        said.append('%d names of provider %s' % (len(result['names']), params['provider']))
    elif params['filter'] or (params['operation_id'] is None and params['operations'] is None):
        result['updates'] = api.updates(params['filter'])
        said.append('%d updates' % len(result['updates']))
    if params['operation_id'] is not None:
        result['operations'] = [api.operation(params['operation_id'])]
        said.append('operation %s %s' % (params['operation_id'], result['operations'][0]['status']))
    if params['operations'] is not None:
        result['operations'] += api.operations(running=params['operations'] == 'running')
        said.append('%d %s operations' % (len(result['operations']), params['operations']))
    result['msg'] = '; '.join(said)
    return shown_urls(result)


def main():
    AduModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).run(read_updates)


if __name__ == '__main__':
    main()
