#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: adu_deployment
short_description: Cancel an Azure Device Update deployment or retry its failed devices, idempotently
version_added: 1.0.0
description:
  - Brings a Device Update for IoT Hub deployment to O(state=canceled) or O(state=retried).
  - Reads the deployment first and sends nothing when nothing would change, so a play can be run again safely.
  - Uses the 2020-09-01 preview management API (C(/deviceupdate/{instance}/v2/management/deployments)).
author:
  - ADU collection maintainers (@adu-device-update)
options:
  deployment_id:
    description:
      - ID of the deployment, sent as one percent-encoded URL path segment.
      - Up to 256 characters, without C(/), C(\), C(?), C(#), C(%) or control characters, and not only dots.
    type: str
    required: true
  state:
    description:
      - V(canceled) cancels the deployment unless it is already canceled.
      - V(retried) retries the deployment on its failed devices. Nothing is sent when its status shows no failed
        device, unless O(force) is set. A canceled deployment cannot be retried; the task fails without sending anything.
    type: str
    required: true
    choices: [canceled, retried]
  force:
    description:
      - With O(state=retried), retry even when the status shows no failed devices.
    type: bool
    default: false
extends_documentation_fragment:
  - adu.device_update.connection
  - adu.device_update.attributes
notes:
  - Requests made, at most one token request besides, one GET for a deployment already canceled, a GET and a POST to cancel,
    two GETs and at most one POST to retry.
  - Status and device counts can lag behind an action by minutes on the real service.
seealso:
  - name: Device Update deployments API
    description: The management API this module calls.
    link: https://learn.microsoft.com/en-us/rest/api/deviceupdate/
'''

EXAMPLES = r'''
- name: Stop a bad rollout
  adu.device_update.adu_deployment:
    account: contoso
    instance: blue
    deployment_id: dpokluda-test.2020-1111-1124-8
    state: canceled
    tenant_id: "{{ azure_tenant_id }}"
    client_id: "{{ azure_client_id }}"
    client_secret: "{{ azure_client_secret }}"

- name: Retry the failed devices of several deployments, credentials set once for the group
  module_defaults:
    group/adu.device_update.adu:
      account: contoso
      instance: blue
      tenant_id: "{{ azure_tenant_id }}"
      client_id: "{{ azure_client_id }}"
      client_secret: "{{ azure_client_secret }}"
  block:
    - name: Retry failed devices
      adu.device_update.adu_deployment:
        deployment_id: "{{ item }}"
        state: retried
      loop:
        - rollout-2026-11-a
        - rollout-2026-11-b

- name: See what a cancel would do, without doing it
  adu.device_update.adu_deployment:
    account: contoso
    instance: blue
    deployment_id: rollout-2026-11-a
    state: canceled
    access_token: "{{ adu_token }}"
  check_mode: true
  diff: true
  register: would_cancel
'''

RETURN = r'''
msg:
  description: One line saying what happened, or why nothing did.
  returned: always
  type: str
  sample: deployment dpokluda-test.2020-1111-1124-8 canceled
deployment:
  description:
    - The deployment after the action (in check mode and when nothing was done, as it was read), keys in snake_case.
    - Keys the service sends beyond those listed here are returned too, in snake_case.
  returned: success, and when a canceled deployment cannot be retried
  type: dict
  contains:
    deployment_id:
      description: ID of the deployment.
      type: str
      returned: always
      sample: 68176a1f699e43489764b646ca08aac9
    deployment_type:
      description: Type of the deployment, C(Complete), C(Download) or C(Install).
      type: str
      returned: when the service sends it
      sample: Complete
    device_class_id:
      description: Device class of the deployment.
      type: str
      returned: when the service sends it
      sample: 0919e3ae422a2bfa8c84ff905813e60351e456d1
    device_group_type:
      description: Group type, C(All), C(Devices) or C(DeviceGroupDefinitions).
      type: str
      returned: when the service sends it
      sample: DeviceGroupDefinitions
    device_group_definition:
      description: Group definitions the deployment targets.
      type: list
      elements: str
      returned: when the service sends it
      sample: [dpokluda-test]
    start_date_time:
      description: Start of the window in which the deployment may start.
      type: str
      returned: when the service sends it
      sample: "2020-01-01T00:00:00+00:00"
    end_date_time:
      description: End of the window in which the deployment may start.
      type: str
      returned: when the service sends it
      sample: "2020-12-31T00:00:00+00:00"
    content_id:
      description: Content ID of the deployment.
      type: str
      returned: when the service sends it
      sample: contoso-content-1
    update_id:
      description: The update deployed.
      type: dict
      returned: when the service sends it
      sample: {"provider": "Contoso", "name": "Virtual-Machine", "version": "2020.1111.1124.8"}
    is_canceled:
      description: Whether the deployment has been canceled. False when the service leaves it out.
      type: bool
      returned: always
      sample: true
    is_retried:
      description: Whether the deployment has been retried (the service's C(isRetry) or C(isRetried)). False when absent.
      type: bool
      returned: always
      sample: false
    is_completed:
      description: Whether the deployment has completed. False when absent.
      type: bool
      returned: always
      sample: false
status:
  description: Status of the deployment, keys in snake_case, as read before a retry.
  returned: when O(state=retried) and the deployment is not canceled
  type: dict
  contains:
    deployment_state:
      description: C(Active), C(Superseded) or C(Canceled).
      type: str
      returned: always
      sample: Active
    total_devices:
      description: Devices in the deployment.
      type: int
      returned: always
      sample: 1
    devices_incompatible_count:
      description: Devices the update does not apply to.
      type: int
      returned: always
      sample: 0
    devices_already_in_deployment_count:
      description: Devices already in another deployment.
      type: int
      returned: always
      sample: 0
    devices_in_progress_count:
      description: Devices still installing.
      type: int
      returned: always
      sample: 0
    devices_completed_failed_count:
      description: Devices on which the update failed.
      type: int
      returned: always
      sample: 0
    devices_completed_succeeded_count:
      description: Devices on which the update succeeded.
      type: int
      returned: always
      sample: 1
    devices_canceled_count:
      description: Devices whose update was canceled.
      type: int
      returned: always
      sample: 0
ansible_facts:
  description: Facts set by the module.
  returned: success
  type: dict
  contains:
    adu_deployment:
      description: Same as RV(deployment).
      type: dict
      returned: success
      sample: {"deployment_id": "68176a1f699e43489764b646ca08aac9", "is_canceled": true, "is_retried": false}
status_code:
  description: HTTP status of the failed request, absent when no answer came.
  returned: failure
  type: int
  sample: 404
error:
  description: What the service said about the failure, from an C(error) object or an RFC 7807 problem body.
  returned: failure
  type: dict
  contains:
    code:
      description: Error code or problem title.
      type: str
      returned: when the service sends one
      sample: Not Found
    message:
      description: Error message or problem detail.
      type: str
      returned: when the service sends one
      sample: Not Found
    trace_id:
      description: Trace ID of the request, what Azure support asks for.
      type: str
      returned: when the service sends one
      sample: 00-2a86dc586030d0479575f1ad45ab091e-bb5ca345591a284b-00
url:
  description: URL of the failed request. It never holds a secret.
  returned: failure
  type: str
  sample: https://contoso.api.adu.microsoft.com/deviceupdate/blue/v2/management/deployments/68176a1f699e43489764b646ca08aac9
action_may_have_happened:
  description: True when a cancel or retry was sent but its outcome is unknown. Run the task again; it reads first.
  returned: failure, when the outcome of a cancel or retry is unknown
  type: bool
  sample: true
'''

from ansible_collections.adu.device_update.plugins.module_utils._api import SeedApi
from ansible_collections.adu.device_update.plugins.module_utils._common import AduModule
from ansible_collections.adu.device_update.plugins.module_utils._deployments import (
    STATES,
    DeploymentService,
    PlanError,
)
from ansible_collections.adu.device_update.plugins.module_utils._options import validate_deployment_id


def main():
    module = AduModule(
        argument_spec=dict(
            deployment_id=dict(type='str', required=True),
            state=dict(type='str', required=True, choices=list(STATES)),
            force=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    deployment_id = module.run(lambda: validate_deployment_id(params['deployment_id']))
    service = DeploymentService(SeedApi(module.http, module.base_url, module.instance))
    try:
        result = module.run(lambda: service.ensure(deployment_id, params['state'], params['force'], module.check_mode))
    except PlanError as exc:
        module.fail_json(msg=str(exc), deployment=exc.deployment)
    result.pop('action')
    result['ansible_facts'] = {'adu_deployment': result['deployment']}
    module.exit_json(**result)


if __name__ == '__main__':
    main()
