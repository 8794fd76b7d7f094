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
  - Uses the 2020-09-01 preview management API (C(/deviceupdate/{instance}/v2/management/deployments)) by default,
    or the GA API when O(group_id) is given. On the GA API cancel and retry exist only per device-class subgroup,
    so a group deployment is canceled or retried in every subgroup that needs it, each decided on its own.
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
  wait:
    description:
      - After acting, poll the status until it settles, and return the final status.
      - V(canceled) settles when the state is C(Canceled) or no device is in progress;
        V(retried) when no device is in progress. The service's status can lag minutes behind an action.
    type: bool
    default: false
  wait_timeout:
    description:
      - With O(wait), how many seconds to wait at most, up to 86400. On timeout the task fails with the last status seen.
    type: int
    default: 600
  wait_interval:
    description:
      - With O(wait), seconds between two status reads. The service allows 30 reads a minute per instance,
        shared by every task that runs at the same time.
    type: float
    default: 15
extends_documentation_fragment:
  - adu.device_update.connection
  - adu.device_update.target
  - adu.device_update.attributes
notes:
  - Requests made, at most one token request besides, one GET for a deployment already canceled, a GET and a POST to cancel,
    two GETs and at most one POST to retry.
  - On the GA API, for each subgroup, one GET of the subgroup deployment, with O(state=retried) one GET of its
    status, and at most one POST; besides one GET of the group deployment.
  - The service allows 6 cancel or retry calls a minute per instance. Canceling a deployment of 30 subgroups
    therefore takes about 5 minutes, waiting out C(Retry-After) between calls; raise O(retries) for larger fan-outs.
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

- name: Cancel a GA group deployment in every device-class subgroup, and wait until no device is in progress
  adu.device_update.adu_deployment:
    account: contoso
    instance: blue
    group_id: dpokluda-test
    deployment_id: test0809083849
    state: canceled
    wait: true
    wait_timeout: 900
  register: canceled

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
subgroups:
  description: GA API only. One entry per device-class subgroup the task looked at.
  returned: when O(group_id) is given
  type: list
  elements: dict
  contains:
    device_class_id:
      description: Device class of the subgroup.
      type: str
      returned: always
      sample: 0919e3ae422a2bfa8c84ff905813e60351e456d1
    changed:
      description: Whether a cancel or retry was sent (or would be, in check mode) for this subgroup.
      type: bool
      returned: always
      sample: true
    msg:
      description: What happened in this subgroup.
      type: str
      returned: always
      sample: deployment test0809083849, device class 0919e3ae422a2bfa8c84ff905813e60351e456d1 canceled
    deployment:
      description: The subgroup deployment after the action, keys in snake_case.
      type: dict
      returned: when it was read
      sample: {"deployment_id": "test0809083849", "group_id": "dpokluda-test", "is_canceled": true, "is_retried": false}
    status:
      description: The subgroup's status, as read before a retry, or the final one with O(wait).
      type: dict
      returned: with O(state=retried) or O(wait)
      sample: {"deployment_state": "Active", "devices_completed_failed_count": 2, "devices_in_progress_count": 1}
    error:
      description: Why the calls for this subgroup failed; the other subgroups were still handled.
      type: dict
      returned: when a call for this subgroup failed
      sample: {"msg": "cancel of deployment x, device class y: HTTP 500", "status_code": 500, "code": "InternalError",
               "message": "failed", "trace_id": "00-2a86dc586030d0479575f1ad45ab091e-bb5ca345591a284b-00"}
failed_subgroups:
  description: GA API only. Device classes whose calls failed; the task fails when this is not empty.
  returned: when O(group_id) is given
  type: list
  elements: str
  sample: []
status:
  description:
    - Status of the deployment, keys in snake_case, as read before a retry, or the final one with O(wait).
    - On the GA API with O(wait), the group status, with C(subgroup_status) for each subgroup.
  returned: when O(state=retried) and the deployment is not canceled (preview API), or with O(wait)
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

from ansible_collections.adu.device_update.plugins.module_utils._api import GaApi, SubgroupView
from ansible_collections.adu.device_update.plugins.module_utils._common import TARGET_ARGSPEC, AduModule
from ansible_collections.adu.device_update.plugins.module_utils._options import validate_range
from ansible_collections.adu.device_update.plugins.module_utils._plan import STATES, PlanError
from ansible_collections.adu.device_update.plugins.module_utils._service import DeploymentService, GroupDeploymentService
from ansible_collections.adu.device_update.plugins.module_utils._waiter import Waiter, WaitTimeout


def main():
    module = AduModule(
        argument_spec=dict(
            deployment_id=dict(type='str', required=True),
            state=dict(type='str', required=True, choices=list(STATES)),
            force=dict(type='bool', default=False),
            wait=dict(type='bool', default=False),
            wait_timeout=dict(type='int', default=600),
            wait_interval=dict(type='float', default=15.0),
            **TARGET_ARGSPEC
        ),
        supports_check_mode=True,
    )
    params = module.params
    api = module.target_api()
    deployment_id = module.deployment_id(api)
    module.run(lambda: (validate_range('wait_timeout', params['wait_timeout'], (0, 86400)),
                        validate_range('wait_interval', params['wait_interval'], (0.1, 3600))))
    if isinstance(api, GaApi):
        service = GroupDeploymentService(api, SubgroupView)
        target = dict(device_class_id=params['device_class_id'])
    else:
        service, target = DeploymentService(api), {}
    try:
        result = module.run(lambda: service.ensure(deployment_id, params['state'], params['force'],
                                                   module.check_mode, **target))
        if params['wait'] and not module.check_mode and not result.get('failed_subgroups'):
            waiter = Waiter(params['wait_timeout'], params['wait_interval'])
            module.run(lambda: service.wait(result, deployment_id, params['state'], waiter, **target))
    except PlanError as exc:
        module.fail_json(msg=str(exc), deployment=exc.deployment)
    except WaitTimeout as exc:
        module.fail_json(**exc.result)
    result['ansible_facts'] = {'adu_deployment': result['deployment']}
    if result.get('failed_subgroups'):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
