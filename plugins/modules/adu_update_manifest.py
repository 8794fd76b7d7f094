#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: adu_update_manifest
short_description: Write an Azure Device Update import manifest (version 5) for a build
version_added: 1.3.0
description:
  - Writes the import manifest (schema C(azure-deviceupdate-import-manifest-5.0)) of an update from its build files,
    as C(az iot du update init v5) does, so that adu.device_update.adu_update can stage and import it
    (O(path) is what its C(source.manifest_path) or C(manifest_path) takes).
  - Computes each file's size and base64 SHA-256 in one streaming read (bounded memory for 2 GB of files), and checks
    every rule of the schema before anything is written; a refusal names the option and the rule, with positions
    counted from 0 (for example, C(steps[1].handler) with the rule C(must look like vendor/name:1)).
  - Idempotent. When the manifest at O(path) says the same thing (everything but C(createdDateTime)), nothing is
    written and the result is C(ok); otherwise the file is written atomically and the result is C(changed).
  - Runs on the host the task runs on and talks to no service, so it is not in the action group
    C(group/adu.device_update.adu) (whose connection options it does not take).
author:
  - ADU collection maintainers (@adu-device-update)
options:
  path:
    description: Where to write the manifest, for example C(build/contoso.toaster.1.0.2.importmanifest.json).
    type: path
    required: true
  update:
    description: The update's id.
    type: dict
    required: true
    suboptions:
      provider:
        description: 1 to 64 letters, digits, C(.) and C(-).
        type: str
        required: true
      name:
        description: 1 to 64 letters, digits, C(.) and C(-).
        type: str
        required: true
      version:
        description: 2 to 4 numbers joined by dots, each at most 2147483647; quote it in YAML (V("1.0")).
        type: str
        required: true
  compatibility:
    description:
      - 1 to 10 sets of device properties, each 1 to 5 properties (names of 1 to 32 characters, values of 1 to 64), for
        example C(manufacturer) and C(model) as the devices report them. A device must match every property of one
        set.
    type: list
    elements: dict
    required: true
  steps:
    description:
      - 1 to 10 steps, in order. An inline step (the default) has C(handler), C(files) and optionally
        C(handler_properties) and C(description). A reference step has C(type=reference) and C(update), the id of
        another (child) update, and optionally C(description).
    type: list
    elements: dict
    required: true
    suboptions:
      type:
        description: V(inline) or V(reference).
        type: str
        choices: [inline, reference]
        default: inline
      handler:
        description: An inline step's handler, C(vendor/name:version) of 5 to 32 characters, such as V(microsoft/swupdate:2).
        type: str
      files:
        description:
          - An inline step's 1 to 10 files. Each is a local path (the file's name goes into the manifest), or, for a
            delta update, a dict of C(path), C(related_files) (a list of 1 to 4 dicts of C(path) and optional
            C(properties)) and C(download_handler) (an id such as V(microsoft/delta:1)). At most 10 files, 2 GB in all,
            per update; a file named by several steps is listed once.
        type: list
        elements: raw
      handler_properties:
        description: Properties passed to the handler, for example C(installedCriteria) or C(arguments).
        type: dict
      update:
        description: A reference step's child update, C(provider), C(name) and C(version).
        type: dict
      description:
        description: The step's description, 1 to 64 characters.
        type: str
  description:
    description: The update's description, 1 to 512 characters.
    type: str
  is_deployable:
    description: V(false) for a child update, installed only through another update's reference step.
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    details: Computes and checks everything, and reports what would be written; writes nothing.
  diff_mode:
    support: full
    details: The manifest before (empty when there is none) and after.
  platform:
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
notes:
  - The schema's rules are those of Microsoft's import manifest schema page and the published JSON schema of version
    5; C(createdDateTime) is the time the manifest is written, in UTC.
seealso:
  - module: adu.device_update.adu_update
    description: Stage the build and import the update with the manifest written here.
'''

EXAMPLES = r'''
- name: The import manifest of a build
  adu.device_update.adu_update_manifest:
    path: build/contoso.toaster.1.0.2.importmanifest.json
    update: {provider: Contoso, name: Toaster, version: "1.0.2"}
    compatibility:
      - {manufacturer: contoso, model: toaster}
    steps:
      - handler: microsoft/swupdate:2
        files: [build/toaster-1.0.2.swu]
        handler_properties: {installedCriteria: "1.0.2"}
  register: manifest

- name: Stage and import it
  adu.device_update.adu_update:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    source:
      manifest_path: "{{ manifest.path }}"
      files_dir: build
    storage:
      account_url: https://contosobuilds.blob.core.windows.net
      container: adu-imports
      credential: auto

- name: A delta update, and a parent that installs a child update by reference
  adu.device_update.adu_update_manifest:
    path: build/contoso.gateway.2.0.importmanifest.json
    update: {provider: Contoso, name: Gateway, version: "2.0"}
    compatibility:
      - {manufacturer: contoso, model: gateway}
    steps:
      - handler: microsoft/swupdate:2
        files:
          - path: build/gateway-2.0.swu
            related_files:
              - {path: build/gateway-1.0-to-2.0.delta, properties: {microsoft.sourceFileHashAlgorithm: sha256}}
            download_handler: microsoft/delta:1
      - type: reference
        update: {provider: Contoso, name: Gateway-Modem, version: "1.4"}
'''

RETURN = r'''
msg:
  description: What was done.
  returned: always
  type: str
  sample: "wrote the import manifest of update Contoso/Toaster/1.0.2 to build/contoso.toaster.1.0.2.importmanifest.json"
path:
  description: The manifest's path.
  returned: always
  type: str
manifest:
  description: The manifest as written (or as it would be, in check mode), in the schema's own key names.
  returned: always
  type: dict
  sample: {"updateId": {"provider": "Contoso", "name": "Toaster", "version": "1.0.2"}, "manifestVersion": "5.0"}
files:
  description: Each file of the update (related files after theirs) with its C(name), C(size) and C(sha256) (base64).
  returned: always
  type: list
  elements: dict
'''

import datetime
import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError
from ansible_collections.adu.device_update.plugins.module_utils._core.options import read_regular_file
from ansible_collections.adu.device_update.plugins.module_utils._runtime.module import check_not_numbers, raw_arguments
from ansible_collections.adu.device_update.plugins.module_utils._updates.manifest_v5 import compose, same_declaration

STEP_SPEC = dict(type=dict(type='str', choices=['inline', 'reference'], default='inline'), handler=dict(type='str'),
                 files=dict(type='list', elements='raw'), handler_properties=dict(type='dict'),
                 update=dict(type='dict'), description=dict(type='str'))
ARGUMENT_SPEC = dict(
    path=dict(type='path', required=True),
    update=dict(type='dict', required=True, options=dict(provider=dict(type='str', required=True),
                                                         name=dict(type='str', required=True),
                                                         version=dict(type='str', required=True))),
    compatibility=dict(type='list', elements='dict', required=True),
    steps=dict(type='list', elements='dict', required=True, options=STEP_SPEC),
    description=dict(type='str'),
    is_deployable=dict(type='bool', default=True),
)
# The manifest read back to compare is an import manifest, not a build file: a few KB at most.
MAX_MANIFEST_BYTES = 2 * 1024 * 1024


def existing(path):
    """The JSON at path, or None when there is none (absent, or not JSON: it is written over). What is not a regular
    file of a manifest's size (a directory, a FIFO) is refused, naming path."""
    if not os.path.lexists(path):
        return None
    data = read_regular_file('path', path, MAX_MANIFEST_BYTES)  # an OptionError (a ValueError) passes up
    try:
        return json.loads(data.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        return None


def write(module, path, manifest):
    """Write atomically: a file beside the target, then moved over it."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise AduError('path: the directory %s does not exist' % directory)
    fd, temporary = tempfile.mkstemp(prefix='.adu-manifest-', dir=directory)
    with os.fdopen(fd, 'w') as handle:
        json.dump(manifest, handle, indent=2)
        handle.write('\n')
    module.atomic_move(temporary, os.path.abspath(path))


def ensure_manifest(module):
    params = module.params
    created = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f0Z')
    manifest, files = compose(params, created)
    before = existing(params['path'])
    name = 'update %(provider)s/%(name)s/%(version)s' % manifest['updateId']
    result = {'path': params['path'], 'files': files, 'diff': {'before': before or {}, 'after': manifest}}
    if same_declaration(before, manifest):
        result.update(changed=False, manifest=before, msg='the import manifest of %s at %s is up to date' % (
            name, params['path']))
        result['diff']['after'] = before
        return result
    if not module.check_mode:
        write(module, params['path'], manifest)
    result.update(changed=True, manifest=manifest, msg='%s the import manifest of %s to %s' % (
        'would write' if module.check_mode else 'wrote', name, params['path']))
    return result


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        check_not_numbers(ARGUMENT_SPEC, raw_arguments())
        result = ensure_manifest(module)
    except AduError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(**result)


if __name__ == '__main__':
    main()
