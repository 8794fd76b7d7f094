#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: adu_deployment
short_description: Create, cancel, retry or delete an Azure Device Update deployment, idempotently
version_added: 1.0.0
description:
  - Brings a Device Update for IoT Hub deployment to O(state=present), O(state=canceled), O(state=retried) or
    O(state=absent).
  - Reads the deployment first and sends nothing when nothing would change, so a play can be run again safely.
  - Every write (create, cancel, retry, delete) takes a slot of the instance's per-operation budget first, shared
    by every task on the host, so a stop of many deployments finishes under the service's limits
    (see O(write_rate_limit)).
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
      - V(present) creates the deployment when it does not exist (one PUT). When it exists with the same value for
        every option the task gives, nothing is sent. When it differs in any of them, the task fails without any
        write, naming each differing field with its current and wanted value; a running rollout is not changed in
        place, use a new O(deployment_id). Times are compared by meaning, and fields the service adds are ignored.
        A canceled deployment that matches is V(ok), with a warning.
      - V(absent) deletes the deployment when it exists, canceling it first where it is still active (not canceled),
        as V(canceled) would, in each GA subgroup that needs it. With O(device_class_id), only that subgroup's deployment.
      - V(present) and V(absent) were added in version 1.1.0.
      - V(cancelled) is accepted as another spelling of V(canceled) since version 1.2.0.
    type: str
    required: true
    choices: [canceled, cancelled, retried, present, absent]
  update:
    description:
      - The update to deploy, with O(state=present); required then.
      - Give O(update.provider), O(update.name) and O(update.version), or the shape a deployment returns
        (C(update_id) holding the three, as in C(deployment['update'])); the second since version 1.2.0.
      - Quote a version that YAML would read as a number (V("2026.10"), not V(2026.10), which YAML reads as
        2026.1); a number is refused.
    type: dict
    version_added: 1.1.0
    suboptions:
      provider:
        description: Provider of the update. Required unless O(update.update_id) is given.
        type: str
      name:
        description: Name of the update. Required unless O(update.update_id) is given.
        type: str
      version:
        description: Version of the update. Required unless O(update.update_id) is given.
        type: str
      update_id:
        description:
          - C(provider), C(name) and C(version) of the update, as a deployment returns them; other keys are ignored.
        type: dict
        version_added: 1.2.0
      friendly_name:
        description: Ignored; accepted so that a deployment's C(update) can be given back as it was returned.
        type: str
        version_added: 1.2.0
  start_date_time:
    description:
      - With O(state=present), when the rollout may start, ISO 8601 with an offset, for example V(2026-11-25T08:00:00Z).
      - Default is now (UTC) when the deployment is created; when not given it is not compared with an existing deployment.
    type: str
    version_added: 1.1.0
  device_group:
    description:
      - With O(state=present) on the 2020-09-01 preview API, the device group the deployment targets; required there.
      - On the GA API the group is O(group_id).
    type: str
    version_added: 1.1.0
  rollback_policy:
    description:
      - With O(state=present), GA API only. The service rolls devices back to O(rollback_policy.update) once either
        threshold is passed.
      - Give the thresholds as O(rollback_policy.failed_percentage) and O(rollback_policy.failed_count), or as a
        deployment returns them, under O(rollback_policy.failure) (since version 1.2.0).
    type: dict
    version_added: 1.1.0
    suboptions:
      update:
        description:
          - The update to roll back to, in either shape O(update) accepts.
        type: dict
        required: true
        suboptions:
          provider:
            description: Provider of the update.
            type: str
          name:
            description: Name of the update.
            type: str
          version:
            description: Version of the update.
            type: str
          update_id:
            description: C(provider), C(name) and C(version), as a deployment returns them.
            type: dict
            version_added: 1.2.0
          friendly_name:
            description: Ignored.
            type: str
            version_added: 1.2.0
      failed_percentage:
        description:
          - Percentage of failed devices, 0 to 100, past which devices are rolled back.
          - Required unless O(rollback_policy.failure.devices_failed_percentage) is given.
        type: int
      failed_count:
        description:
          - Number of failed devices, 0 or more, past which devices are rolled back.
          - Required unless O(rollback_policy.failure.devices_failed_count) is given.
        type: int
      failure:
        description: The thresholds as a deployment returns them.
        type: dict
        version_added: 1.2.0
        suboptions:
          devices_failed_percentage:
            description: As O(rollback_policy.failed_percentage).
            type: int
          devices_failed_count:
            description: As O(rollback_policy.failed_count).
            type: int
  download_security:
    description:
      - With O(state=present), how devices download the update. Only with O(api_version=2026-06-01).
      - When not given it is not compared with an existing deployment; the service's default is V(https).
    type: str
    choices: [https, http]
    version_added: 1.1.0
  force:
    description:
      - With O(state=retried), retry even when the status shows no failed devices.
    type: bool
    default: false
  wait:
    description:
      - After acting (or finding nothing to do), poll until the deployment settles, and return the final RV(status).
      - V(canceled) settles when the state is C(Canceled) or no device is in progress;
        V(retried) when no device is in progress. The service's status can lag minutes behind an action.
      - V(present) settles when devices are targeted and none is still in progress (or all of them completed), or
        when the deployment is no longer active (C(Canceled), C(Inactive), C(Failed)). A deployment that targets no
        device never settles, so the task fails at O(wait_timeout) rather than pass on nothing.
      - V(absent) settles when the deployment is gone.
      - With O(state=present) and O(state=absent) since version 1.2.0; before, O(wait) was ignored there.
    type: bool
    default: false
  wait_timeout:
    description:
      - With O(wait), how many seconds to wait at most, up to 86400. On timeout the task fails, its message giving
        the figures reached (state, targeted, succeeded, failed, in progress, canceled) and RV(status) the last
        status seen.
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
    two GETs and at most one POST to retry, one GET and at most one PUT to create, one GET, a cancel where still
    active and one DELETE to delete.
  - On the GA API, for each subgroup, one GET of the subgroup deployment, with O(state=retried) one GET of its
    status, and at most one POST; besides one GET of the group deployment.
  - The service allows 6 cancel or retry calls, 6 creates and 6 deletes a minute per instance. Writes are paced to
    that budget (O(write_rate_limit)), so canceling a deployment of 30 subgroups takes about 4 minutes, and
    canceling 24 deployments with any number of forks about 3.
  - An instance holds at most 100 deployments (20 on the Free tier), canceled ones included; delete finished ones
    with O(state=absent).
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

- name: Roll an update out to a device group (GA API), rolling back past 10% failures
  adu.device_update.adu_deployment:
    account: contoso
    instance: blue
    group_id: fleet-eu
    deployment_id: fw-2026-11-25
    state: present
    update:
      provider: Contoso
      name: Gateway
      version: 2026.11.25
    start_date_time: "2026-11-25T22:00:00Z"
    rollback_policy:
      update:
        provider: Contoso
        name: Gateway
        version: 2026.10.1
      failed_percentage: 10
      failed_count: 5

- name: Remove a finished deployment (canceled first if still active)
  adu.device_update.adu_deployment:
    account: contoso
    instance: blue
    group_id: fleet-eu
    deployment_id: fw-2026-10-01
    state: absent

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
  description:
    - One line saying what happened, or why nothing did.
    - When a write waited for its slot of the service's budget for a second or more, it says for how long.
  returned: always
  type: str
  sample: deployment dpokluda-test.2020-1111-1124-8 canceled
pacing_wait:
  description:
    - Seconds the task's writes waited for their slots of the instance's write budget (O(write_rate_limit)),
      shared by every task on the host; 0 when none waited.
  returned: success
  type: float
  sample: 41.7
  version_added: 1.2.0
deployment:
  description:
    - The deployment after the action (in check mode and when nothing was done, as it was read), keys in snake_case.
    - Keys the service sends beyond those listed here are returned too, in snake_case.
    - Empty after O(state=absent), and with O(state=present) in check mode when it does not exist yet.
  returned: success, and when a canceled deployment cannot be retried or differs from O(state=present)
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
    - On the GA API with O(wait), the group status, with C(subgroup_status) for each subgroup; its counts are the
      sums over the subgroups (the service sends counts per subgroup only), its C(deployment_state) the service's.
    - A count the service does not send is null, never 0; the GA API sends no C(devices_incompatible_count) or
      C(devices_already_in_deployment_count).
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
      description: Devices the update does not apply to. Null on the GA API, which does not send it.
      type: int
      returned: always
      sample: 0
    devices_already_in_deployment_count:
      description: Devices already in another deployment. Null on the GA API, which does not send it.
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

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import PartialFailure
from ansible_collections.adu.device_update.plugins.module_utils._core.options import validate_range
from ansible_collections.adu.device_update.plugins.module_utils._deployments.actions import Desired
from ansible_collections.adu.device_update.plugins.module_utils._deployments.plan import STATE_ALIASES, STATE_CHOICES
from ansible_collections.adu.device_update.plugins.module_utils._deployments.targets import resolve_target
from ansible_collections.adu.device_update.plugins.module_utils._runtime.module import AduModule, TARGET_ARGSPEC

# The update as a task gives it, or as a deployment returns it (update_id: {provider, name, version}).
UPDATE_SPEC = dict(provider=dict(type='str'), name=dict(type='str'), version=dict(type='str'),
                   update_id=dict(type='dict'), friendly_name=dict(type='str'))
ARGUMENT_SPEC = dict(
    deployment_id=dict(type='str', required=True),
    state=dict(type='str', required=True, choices=list(STATE_CHOICES)),
    force=dict(type='bool', default=False),
    wait=dict(type='bool', default=False),
    wait_timeout=dict(type='int', default=600),
    wait_interval=dict(type='float', default=15.0),
    update=dict(type='dict', options=UPDATE_SPEC),
    start_date_time=dict(type='str'),
    device_group=dict(type='str'),
    rollback_policy=dict(type='dict', options=dict(
        update=dict(type='dict', required=True, options=UPDATE_SPEC),
        failed_percentage=dict(type='int'),
        failed_count=dict(type='int'),
        failure=dict(type='dict', options=dict(devices_failed_percentage=dict(type='int'),
                                               devices_failed_count=dict(type='int'))))),
    download_security=dict(type='str', choices=['https', 'http']),
    **TARGET_ARGSPEC
)


def ensure_deployment(module):
    """Read, decide, act once (and wait when asked): the result of the task."""
    params = module.params
    state = STATE_ALIASES.get(params['state'], params['state'])
    target = resolve_target(module.connection, module.params)
    desired = Desired(target.check_deployment_id(params['deployment_id']), params['force'])
    validate_range('wait_timeout', params['wait_timeout'], (0, 86400))
    validate_range('wait_interval', params['wait_interval'], (0.1, 3600))
    desired.declared = target.desired(dict(params, state=state))
    if params['wait']:
        # Imported here, to spare every other task the start-up cost: only a task that waits needs it.
        from ansible_collections.adu.device_update.plugins.module_utils._core.waiting import Waiter  # pylint: disable=import-outside-toplevel
        desired.waiter = Waiter(params['wait_timeout'], params['wait_interval'])
    service = target.service_for(state, module.check_mode, module.warn)
    result = service.ensure(state, desired)
    if desired.waiter and not module.check_mode and not result.get('failed_subgroups') and wants_wait(state, result):
        service.wait(result, state, desired, desired.waiter)
    module.connection.report_pacing(result)
    result['ansible_facts'] = {'adu_deployment': result['deployment']}
    if result.get('failed_subgroups'):
        raise PartialFailure(result['msg'], result=result)
    return result


def wants_wait(state, result):
    """Whether there is something to wait for: every state but absent (the status settles), and absent
    only when a delete was sent (until the deployment is gone)."""
    return state != 'absent' or result['changed']


def main():
    AduModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).run(ensure_deployment)


if __name__ == '__main__':
    main()
