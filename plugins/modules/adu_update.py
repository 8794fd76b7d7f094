#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: adu_update
short_description: Import or delete an Azure Device Update update, idempotently, following its long-running operation
version_added: 1.2.0
description:
  - Brings an update of a Device Update instance to O(state=present) (imported) or O(state=absent) (deleted).
  - Reads the update first and sends nothing when it is there already (present) or not there (absent), so a play can
    be run again safely; a rerun after a successful import costs one GET.
  - An import of the same update already under way (started from this host, or listed by the service as running) is
    followed rather than started a second time.
  - Import and delete are long-running operations of the service. The task follows the C(Operation-Location) the
    service answers, on the service only (a relative location is resolved against the validated endpoint, another
    origin is refused and never gets the token), and polls it at the pace its C(Retry-After) asks until it ends,
    within O(wait_timeout).
  - The import request and the delete are sent once per task. When an answer is lost, the task reads back (the
    update, and the running imports) and never sends the write again.
  - The instance runs at most 10 imports and deletes at once and allows 510 update-API calls a minute. Every call
    takes a slot of that budget, and every import or delete one of the 10 operation slots, shared by every task on
    the host through the pacing file (see O(write_rate_limit)), so 20 imports with 20 forks never meet a refusal.
author:
  - ADU collection maintainers (@adu-device-update)
options:
  update:
    description:
      - The update's id. Required with O(state=absent).
      - With O(state=present) read from O(manifest_path) when not given; when both are given they must agree.
    type: dict
    suboptions:
      provider:
        description: Update provider, 1 to 64 characters.
        type: str
        required: true
      name:
        description: Update name, 1 to 64 characters.
        type: str
        required: true
      version:
        description: Update version, for example V(1.0.2). Quote it in YAML.
        type: str
        required: true
  state:
    description:
      - V(present) imports the update unless the instance has it.
      - V(absent) deletes it when the instance has it. The service decides whether a deployment still needs it; the
        task fails with its answer then.
    type: str
    choices: [present, absent]
    default: present
  manifest_url:
    description:
      - Where the service fetches the import manifest from, usually a read-only SAS URL of a blob.
      - Must be https; http is accepted with a warning.
      - Required with O(state=present), unless O(source) stages the manifest. The URL's query (a SAS token) is a secret; the task never shows it.
    type: str
  manifest_path:
    description:
      - A local copy of the manifest at O(manifest_url). Its size and base64 SHA-256 are computed, its C(updateId)
        read as O(update), and its C(files) list checked against O(files) before any request.
    type: path
  manifest_size:
    description: Size of the manifest in bytes, instead of O(manifest_path) (with O(manifest_sha256)).
    type: int
  manifest_sha256:
    description:
      - Base64 of the manifest's SHA-256 digest, instead of O(manifest_path) (with O(manifest_size)).
      - For example the output of C(openssl dgst -sha256 -binary importManifest.json | base64).
    type: str
  files:
    description:
      - The URL of every payload file the manifest lists; the service fetches them. A file the manifest lists but
        this option lacks is refused before any request. At most 5, as the service allows per import.
    type: list
    elements: dict
    default: []
    suboptions:
      filename:
        description: The file's name, as the manifest lists it.
        type: str
        required: true
      url:
        description: Where the service fetches it; https (http with a warning). Its query is never shown.
        type: str
        required: true
  friendly_name:
    description: A friendly name for the update, 1 to 512 characters.
    type: str
  wait:
    description:
      - Poll the import or delete operation until it ends.
      - With V(false) the task returns at once with the RV(operation) as it is; a later run with V(true) finds it and
        waits for it.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to follow the operation before the task fails with the RV(operation) as last read.
    type: int
    default: 1800
  source:
    description:
      - Stage a build in Azure Blob Storage and import it from there, in one task (instead of O(manifest_url),
        O(manifest_path) and O(files)).
      - Before any request, every file the manifest lists must be a regular file in O(source.files_dir) of the
        size the manifest states. The service is asked first, and when the update is imported already no file is
        read and nothing is uploaded.
      - Otherwise each file is read once, in chunks (never whole into memory), hashed as its blocks are uploaded,
        and its blob committed only when every file sent has the SHA-256 the manifest states (a mismatch fails
        naming the file and both hashes, and commits no blob). In check mode the files are hashed, nothing is sent.
        A blob that holds the same content already (its C(sha256) metadata) is not uploaded again, so a rerun after
        an interrupted upload sends only what is missing. Then one read-only SAS per blob (a blob service SAS, never
        an account SAS), valid O(sas_expiry) hours, and the import as with URLs.
      - Needs the Python library C(azure-storage-blob) on the host that runs the module; without it the task fails
        before any request, in check mode too.
      - With O(state=absent), the same O(source) and O(storage) remove, after the update, the blobs staging put there
        for it (those whose C(sha256) metadata is the manifest's for them; the build files need not exist), so a
        rerun is V(ok); RV(removed_blobs) names them.
    type: dict
    version_added: 1.2.0
    suboptions:
      manifest_path:
        description: The local import manifest.
        type: path
        required: true
      files_dir:
        description: The directory that holds the payload files the manifest lists.
        type: path
        required: true
  storage:
    description: Where O(source) is staged. Connection strings and keys are secrets; the task never shows them.
    type: dict
    version_added: 1.2.0
    suboptions:
      account_url:
        description:
          - The blob service, for example C(https://<account>.blob.core.windows.net), or an emulator's URL such as
            C(http://127.0.0.1:10000/devstoreaccount1).
          - Optional with O(storage.connection_string), which names its endpoint and wins.
        type: str
      container:
        description: The container, created when missing.
        type: str
        required: true
      connection_string:
        description: The storage account's connection string (with C(AccountName) and C(AccountKey)).
        type: str
      account_key:
        description: The storage account's key, with O(storage.account_url).
        type: str
      credential:
        description:
          - V(auto) uses the task's Azure AD credential (O(auth_method), with a token for C(https://storage.azure.com))
            and one user delegation SAS per blob; the identity needs the Storage Blob Data Contributor role on the
            container (Delegator and Contributor). Not with O(access_token), which is for the ADU service only.
          - Needs an https O(storage.account_url), as Azure AD tokens are sent over TLS only.
        type: str
        choices: [auto]
      ca_path:
        description: A CA bundle to verify O(storage.account_url) with, instead of the system's.
        type: path
      prefix:
        description:
          - Blob name prefix. Defaults to C(<provider>/<name>/<version>/); the manifest's blob is
            C(<prefix><manifest file name>).
        type: str
  sas_expiry:
    description:
      - Hours the SAS URLs stay valid, 1 to 168. The service's documentation suggests at least 4 for large files.
    type: int
    default: 6
    version_added: 1.2.0
extends_documentation_fragment:
  - adu.device_update.connection
  - adu.device_update.target.GA_API
  - adu.device_update.attributes.RESOURCE
notes:
  - Requests made, at most one token request besides, one GET when the update is there; else a GET of an import
    this host noted, one listing of the running operations, one POST and the operation's polls; to delete, one GET,
    one DELETE and the operation's polls.
  - An instance holds at most 100 updates, 25 providers, 25 names per provider and 100 versions per name; delete old
    versions with O(state=absent).
  - The service fetches the manifest and files itself; SAS URLs should be valid for at least 4 hours for large files.
seealso:
  - module: adu.device_update.adu_update_info
  - name: Import an update to Device Update
    description: The service's documentation of imports and import manifests.
    link: https://learn.microsoft.com/en-us/azure/iot-hub-device-update/import-update
'''

EXAMPLES = r'''
- name: Import the build's update (a rerun is ok and costs one GET)
  adu.device_update.adu_update:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    manifest_path: build/contoso.toaster.1.0.2.importmanifest.json
    manifest_url: "{{ manifest_sas_url }}"
    files:
      - filename: toaster-1.0.2.swu
        url: "{{ payload_sas_url }}"
    friendly_name: Toaster firmware 1.0.2
  register: imported

- name: Start an import and come back for it later
  adu.device_update.adu_update:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    update: {provider: contoso, name: toaster, version: "1.0.2"}
    manifest_url: "{{ manifest_sas_url }}"
    manifest_size: 1436
    manifest_sha256: "b5vY0kqKP9Z1fV3mI8p0cM2sPq4yI0g4aZzv9JxQm1w="
    files:
      - filename: toaster-1.0.2.swu
        url: "{{ payload_sas_url }}"
    wait: false

- name: Stage a build directory in Blob Storage and import it, in one task
  adu.device_update.adu_update:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    source:
      manifest_path: build/contoso.toaster.1.0.2.importmanifest.json
      files_dir: build/
    storage:
      account_url: https://contosobuilds.blob.core.windows.net
      container: adu-imports
      credential: auto
  register: staged

- name: Delete an old version
  adu.device_update.adu_update:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    update: {provider: contoso, name: toaster, version: "1.0.0"}
    state: absent

- name: Delete a staged version and the blobs staging put in storage for it
  adu.device_update.adu_update:
    endpoint: https://contoso.api.adu.microsoft.com
    instance: blue
    state: absent
    source:
      manifest_path: build/contoso.toaster.1.0.2.importmanifest.json
      files_dir: build/
    storage:
      account_url: https://contosobuilds.blob.core.windows.net
      container: adu-imports
      credential: auto
'''

RETURN = r'''
msg:
  description: One line with what was done, or found.
  returned: always
  type: str
  sample: imported update contoso/toaster/1.0.2
update:
  description:
    - The Update as the service returns it, keys in snake_case (unknown fields passed through).
    - Null when the instance does not have it (after a delete, or in check mode before an import).
  returned: always
  type: dict
  sample: {"update_id": {"provider": "contoso", "name": "toaster", "version": "1.0.2"}, "friendly_name": "Toaster 1.0.2",
           "is_deployable": true, "update_type": "microsoft/swupdate:2", "installed_criteria": "1.0.2",
           "compatibility": [{"manufacturer": "contoso", "model": "toaster"}], "manifest_version": "5.0",
           "imported_date_time": "2026-11-30T10:00:00Z", "created_date_time": "2026-11-30T09:58:00Z",
           "etag": "\"3fed3378-0c67-47d2-b796-296962c66cbb\""}
  contains:
    update_id:
      description: provider, name and version.
      type: dict
      returned: always
operation:
  description: The import or delete operation, as last read, keys in snake_case.
  returned: when one ran, or one under way was found
  type: dict
  sample: {"operation_id": "e4491c54-916f-443d-9094-bcca546ace2f", "status": "Succeeded",
           "update": {"update_id": {"provider": "contoso", "name": "toaster", "version": "1.0.2"}},
           "resource_location": "/deviceUpdate/blue/updates/providers/contoso/names/toaster/versions/1.0.2",
           "error": null, "trace_id": "2b881ef9deaf5d45b0a716ca5b4145ec",
           "created_date_time": "2026-11-30T10:00:00Z", "last_action_date_time": "2026-11-30T10:01:40Z"}
  contains:
    operation_id:
      description: The operation's id.
      type: str
      returned: always
    status:
      description: V(NotStarted), V(Running), V(Succeeded) or V(Failed).
      type: str
      returned: always
error:
  description: The error of a failed operation, its texts escaped and cut.
  returned: when the operation failed
  type: dict
  contains:
    code:
      description: The service's error code.
      type: str
      returned: always
    message:
      description: The service's message.
      type: str
      returned: always
    details:
      description: Each detail's code and message.
      type: list
      elements: dict
      returned: always
    innermost_code:
      description: The code of the innermost C(innererror), often what to fix.
      type: str
      returned: always
    trace_id:
      description: The operation's trace id, for a support request.
      type: str
      returned: always
removed_blobs:
  description: With O(state=absent) and O(source), the blobs removed from storage (or that would be, in check mode).
  returned: with O(state=absent) and O(source)
  type: list
  elements: str
  version_added: 1.3.0
staged:
  description:
    - With O(source), each blob staged, the payload files first and the manifest last. Empty when the update was
      there already, or an import of it was under way (nothing uploaded).
  returned: with O(source)
  type: list
  elements: dict
  contains:
    blob:
      description: The blob's name.
      type: str
      returned: always
    size:
      description: Its size in bytes.
      type: int
      returned: always
    sha256:
      description: Base64 of its SHA-256, as the manifest writes it.
      type: str
      returned: always
    uploaded:
      description: False when the blob held the same content already; null in check mode.
      type: bool
      returned: always
pacing_wait:
  description: Seconds the task waited for slots of the instance's budgets.
  returned: always
  type: float
  sample: 0.0
'''

from ansible_collections.adu.device_update.plugins.module_utils._core.options import validate_range
from ansible_collections.adu.device_update.plugins.module_utils._runtime.module import AduModule
from ansible_collections.adu.device_update.plugins.module_utils._updates.api import UpdatesApi
from ansible_collections.adu.device_update.plugins.module_utils._updates.importer import UpdateService
from ansible_collections.adu.device_update.plugins.module_utils._updates.manifest import UrlSource, declared_import
from ansible_collections.adu.device_update.plugins.module_utils._updates.wire import shown_urls

ARGUMENT_SPEC = dict(
    update=dict(type='dict', options=dict(provider=dict(type='str', required=True),
                                          name=dict(type='str', required=True),
                                          version=dict(type='str', required=True))),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    manifest_url=dict(type='str', no_log=True),
    manifest_path=dict(type='path'),
    manifest_size=dict(type='int'),
    manifest_sha256=dict(type='str'),
    files=dict(type='list', elements='dict', default=[], options=dict(
        filename=dict(type='str', required=True), url=dict(type='str', required=True, no_log=True))),
    friendly_name=dict(type='str'),
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=1800),
    api_version=dict(type='str'),
    source=dict(type='dict', options=dict(manifest_path=dict(type='path', required=True),
                                          files_dir=dict(type='path', required=True))),
    storage=dict(type='dict', options=dict(
        account_url=dict(type='str'), container=dict(type='str', required=True),
        connection_string=dict(type='str', no_log=True), account_key=dict(type='str', no_log=True),
        credential=dict(type='str', choices=['auto']), prefix=dict(type='str'), ca_path=dict(type='path'))),
    sas_expiry=dict(type='int', default=6),
)


def ensure_update(module):
    """Validate everything, read, decide, act once, follow the operation: the result of the task."""
    params = module.params
    validate_range('wait_timeout', params['wait_timeout'], (0, 86400))
    connection = module.connection
    service = UpdateService(connection.api(UpdatesApi, params['api_version']), module.check_mode,
                            params['wait_timeout'] if params['wait'] else None, pacer=connection.pacer)
    if params['source'] is not None:
        work = stage_and_import if params['state'] == 'present' else delete_and_unstage
        return connection.report_pacing(shown_urls(work(module, service)))
    declaration = declared_import(params, module.warn, module.redactor)
    if params['state'] == 'absent':
        return connection.report_pacing(shown_urls(service.absent(declaration.update_id)))
    return connection.report_pacing(shown_urls(service.present(UrlSource(declaration))))


def stage_and_import(module, service):
    """source given: check the build's files (without reading them), then import from storage; the files are read
    and uploaded (what storage lacks) only when an import is to be sent."""
    # Imported here, to spare every other task the start-up cost: only a staging task needs it (and azure-storage-blob).
    from ansible_collections.adu.device_update.plugins.module_utils._updates import storage  # pylint: disable=import-outside-toplevel
    params = module.params
    stager = storage.stager_for(params, module.connection, module.redactor, module.warn)
    source = storage.StagedSource(stager.plan, stager, params['friendly_name'])
    result = service.present(source)
    if module.check_mode and result['changed']:
        stager.plan.verify()  # what the upload would check as it reads, checked here without sending
    result['staged'] = source.staged(module.check_mode, result['changed'])
    return result


def delete_and_unstage(module, service):
    """state absent with source: delete the update, then the blobs staging put in storage for it (only those)."""
    # Imported here, to spare every other task the start-up cost: only a staging task needs it (and azure-storage-blob).
    from ansible_collections.adu.device_update.plugins.module_utils._updates import storage  # pylint: disable=import-outside-toplevel
    stager = storage.stager_for(module.params, module.connection, module.redactor, module.warn, check_files=False)
    result = service.absent(stager.plan.update_id)
    removed = stager.remove(module.check_mode)
    result['removed_blobs'] = removed
    if removed:
        result['changed'] = True
        result['msg'] += '; %s %d staged blob(s) from container %s' % (
            'would remove' if module.check_mode else 'removed', len(removed), stager.plan.storage['container'])
    return result


def main():
    AduModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).run(ensure_update)


if __name__ == '__main__':
    main()
