# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes of the GA API: /deviceUpdate/{instance}/management/groups/{group}/..., ?api-version=...

A deployment lives in a device group and cancel/retry exist only per device-class subgroup.
SubgroupView gives one subgroup of a GA deployment the interface of PreviewApi, so the same decisions
(actions.ActionService) serve a preview deployment and a GA subgroup alike.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.options import path_segment
from ansible_collections.adu.device_update.plugins.module_utils._deployments.wire import (
    About,
    listed_deployment,
    normalize_deployment,
    normalize_device_state,
    normalize_group_status,
    normalize_status,
)
from ansible_collections.adu.device_update.plugins.module_utils._transport.api import InstanceApi, filter_query, or_none
from ansible_collections.adu.device_update.plugins.module_utils._transport.budgets import (
    CREATE,
    DELETE,
    DEPLOYMENT_ACTION,
    GROUP_READ,
)


class GaApi(InstanceApi):
    """The GA API's deployments of one group: /deviceUpdate/{instance}/management/groups/{group}/..., ?api-version=..."""

    def __init__(self, http, base_url, instance, group_id, api_version=None):
        super(GaApi, self).__init__(http, base_url, instance, api_version)
        self.group_id = group_id

    def where(self):
        return 'group %s of instance %s' % (self.group_id, self.instance)

    def suspects(self, missing):
        return ('the id, and that the group is %s and the instance %s (a wrong group or instance is answered 404 as '
                'well)' % (self.group_id, self.instance))

    def _group_url(self):
        return '%s/deviceUpdate/%s/management/groups/%s' % (
            self.base_url, path_segment(self.instance), path_segment(self.group_id))

    def _deployment_url(self, deployment_id, device_class_id=None, suffix=''):
        if device_class_id is None:
            path = '%s/deployments/%s%s' % (self._group_url(), path_segment(deployment_id), suffix)
        else:
            path = '%s/deviceClassSubgroups/%s/deployments/%s%s' % (
                self._group_url(), path_segment(device_class_id), path_segment(deployment_id), suffix)
        return '%s?api-version=%s' % (path, self.api_version)

    def find_group(self):
        """The group's body, or None when the service does not have it (404); paced as the group reads it is."""
        name = 'group %s' % self.group_id
        url = '%s?api-version=%s' % (self._group_url(), self.api_version)
        return or_none(lambda: self._call('GET', url, 'reading ' + name, name, pace=GROUP_READ))

    def get_deployment(self, deployment_id, device_class_id=None):
        name = describe_subgroup(deployment_id, device_class_id)
        return normalize_deployment(self._call(
            'GET', self._deployment_url(deployment_id, device_class_id), 'reading ' + name, name),
            about=About(deployment_id, self.group_id, device_class_id))

    def get_status(self, deployment_id, device_class_id=None):
        """The subgroup's status, or for the group the status with its subgroup_status list."""
        name = describe_subgroup(deployment_id, device_class_id)
        body = self._call('GET', self._deployment_url(deployment_id, device_class_id, '/status'),
                          'reading the status of ' + name, name)
        if device_class_id is not None:
            return normalize_status(body, about=About(deployment_id, self.group_id, device_class_id))
        return normalize_group_status(body, about=About(deployment_id, self.group_id))

    def act(self, deployment_id, action, device_class_id):
        """POST ...:cancel|:retry on one subgroup; returns its Deployment after the action."""
        name = describe_subgroup(deployment_id, device_class_id)
        return normalize_deployment(self._call(
            'POST', self._deployment_url(deployment_id, device_class_id, ':' + action), '%s of %s' % (action, name),
            name, safe_to_repeat=False, pace=DEPLOYMENT_ACTION),
            about=About(deployment_id, self.group_id, device_class_id, write=True))

    def create(self, deployment_id, desired):
        """PUT the group deployment (the service splits it into subgroups); returns it as answered."""
        # Imported here, to spare every other task the start-up cost: only state present creates.
        from ansible_collections.adu.device_update.plugins.module_utils._deployments.bodies import ga_deployment_body  # pylint: disable=import-outside-toplevel
        name = describe_subgroup(deployment_id)
        # A 404 to the PUT that creates the deployment is about its group: the deployment is what is being made.
        return normalize_deployment(self._call(
            'PUT', self._deployment_url(deployment_id), 'creating ' + name, 'group %s' % self.group_id,
            safe_to_repeat=False, pace=CREATE,
            body=ga_deployment_body(deployment_id, self.group_id, desired)),
            about=About(deployment_id, self.group_id, write=True))

    def delete(self, deployment_id, device_class_id=None):
        """DELETE the group deployment, or one subgroup's (204, no body)."""
        name = describe_subgroup(deployment_id, device_class_id)
        self._call('DELETE', self._deployment_url(deployment_id, device_class_id), 'deleting ' + name, name,
                   safe_to_repeat=False, pace=DELETE)

    def device_states(self, deployment_id, device_class_id, device_state=None, max_items=None):
        """The devices of one subgroup, in device_state when given (the service filters)."""
        name = describe_subgroup(deployment_id, device_class_id)
        what = 'the device states of ' + name
        url = self._deployment_url(deployment_id, device_class_id, '/devicestates')
        if device_state is not None:
            url += filter_query("deviceState eq '%s'" % device_state)
        return [normalize_device_state(item, device_class_id, 'a device of ' + name) for item in self._pages(
            url, 'reading ' + what, name, what, max_items=max_items)]

    def list_deployments(self):
        """Every deployment of the group, following nextLink on the same service only."""
        what = 'the deployments of group %s' % self.group_id
        url = '%s/deployments?api-version=%s' % (self._group_url(), self.api_version)
        return [listed_deployment(item, 'a deployment in ' + what, self.group_id) for item in self._pages(
            url, 'listing ' + what, 'group %s' % self.group_id, what)]


def describe_subgroup(deployment_id, device_class_id=None):
    if device_class_id is None:
        return 'deployment %s' % deployment_id
    return 'deployment %s, device class %s' % (deployment_id, device_class_id)


class SubgroupView:
    """One device-class subgroup of a GA deployment, with the interface of PreviewApi."""

    def __init__(self, api, device_class_id):
        self.api = api
        self.device_class_id = device_class_id

    def describe(self, deployment_id):
        return describe_subgroup(deployment_id, self.device_class_id)

    def get_deployment(self, deployment_id):
        return self.api.get_deployment(deployment_id, self.device_class_id)

    def get_status(self, deployment_id):
        return self.api.get_status(deployment_id, self.device_class_id)

    def act(self, deployment_id, action):
        return self.api.act(deployment_id, action, self.device_class_id)
