# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes of the ADU management API: the only place that knows URLs (wire names are _wire's).

PreviewApi is the 2020-09-01 preview API ("v2") the collection was first asked for; GaApi the GA API,
where a deployment lives in a device group and cancel/retry exist only per device-class subgroup.
SubgroupView gives one subgroup of a GA deployment the interface of PreviewApi, so the same decisions
(_service.ActionService) serve a preview deployment and a GA subgroup alike. Which of them a task
uses is decided once, in _target.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote, urljoin

from ansible_collections.adu.device_update.plugins.module_utils._errors import AduError
from ansible_collections.adu.device_update.plugins.module_utils._options import origin_of, path_segment
from ansible_collections.adu.device_update.plugins.module_utils._redact import shown
from ansible_collections.adu.device_update.plugins.module_utils._wire import (
    ga_deployment_body,
    normalize_deployment,
    normalize_device_state,
    normalize_group_status,
    normalize_status,
    page_items,
    seed_deployment_body,
)

DEFAULT_GA_API_VERSION = '2022-10-01'
# The most pages one listing follows; a service that links on past this is looping.
MAX_PAGES = 100
# The per-instance budgets writes count against: the service's ProcessSubgroupDeployment (cancel and
# retry), CreateOrUpdateDeployment and DeleteDeployment.
DEPLOYMENT_ACTION = 'deployment_action'
CREATE = 'create'
DELETE = 'delete'


class _Api:
    """What both APIs share: calling through the client, and naming a 404 precisely."""

    def __init__(self, http, base_url, instance):
        self.http = http
        self.base_url = base_url
        self.instance = instance

    def where(self):
        return 'instance %s' % self.instance

    def describe(self, deployment_id):
        return 'deployment %s' % deployment_id

    def _call(self, method, url, describe, missing, safe_to_repeat=True, pace=None, body=None):
        try:
            return self.http.request(method, url, describe, safe_to_repeat=safe_to_repeat, pace=pace, body=body).body
        except AduError as exc:
            if exc.status_code == 404:
                exc.message = '%s not found in %s (%s)' % (missing, self.where(), exc.message)
                exc.args = (exc.message,)
            raise

    def find_deployment(self, deployment_id, *args):
        """get_deployment(), or None when the service does not have it (404)."""
        try:
            return self.get_deployment(deployment_id, *args)
        except AduError as exc:
            if exc.status_code == 404:
                return None
            raise

    def _pages(self, url, describe, missing, what):
        """The items of every page, following nextLink: same scheme, host and port as the service,
        never a URL seen before, at most MAX_PAGES pages."""
        items, seen = [], set()
        while url:
            seen.add(url)
            page_values, next_link = page_items(self._call('GET', url, describe, missing), what)
            items.extend(page_values)
            if next_link is None:
                break
            url = follow_link(self.base_url, next_link, describe)
            if url in seen or len(seen) >= MAX_PAGES:
                raise AduError('%s: the service keeps sending more pages (%s after %d pages); stopped rather than loop'
                               % (describe, 'a nextLink already followed' if url in seen else 'a nextLink', len(seen)))
        return items


class PreviewApi(_Api):
    """The 2020-09-01 preview API ("v2"): /deviceupdate/{instance}/v2/management/deployments/{id}."""

    def deployment_url(self, deployment_id):
        return '%s/deviceupdate/%s/v2/management/deployments/%s' % (
            self.base_url, path_segment(self.instance), path_segment(deployment_id))

    def get_deployment(self, deployment_id):
        name = self.describe(deployment_id)
        return normalize_deployment(self._call('GET', self.deployment_url(deployment_id), 'reading ' + name, name))

    def get_status(self, deployment_id):
        name = self.describe(deployment_id)
        return normalize_status(self._call(
            'GET', self.deployment_url(deployment_id) + '/status', 'reading the status of ' + name, name))

    def act(self, deployment_id, action):
        """POST ?action=cancel|retry; returns the Deployment after the action."""
        name = self.describe(deployment_id)
        return normalize_deployment(self._call(
            'POST', '%s?action=%s' % (self.deployment_url(deployment_id), action), '%s of %s' % (action, name), name,
            safe_to_repeat=False, pace=DEPLOYMENT_ACTION))

    def create(self, deployment_id, desired):
        """PUT the deployment; returns it as the service answered."""
        name = self.describe(deployment_id)
        return normalize_deployment(self._call(
            'PUT', self.deployment_url(deployment_id), 'creating ' + name, name, safe_to_repeat=False, pace=CREATE,
            body=seed_deployment_body(deployment_id, desired)))

    def delete(self, deployment_id):
        """DELETE the deployment (200 with an empty body)."""
        name = self.describe(deployment_id)
        self._call('DELETE', self.deployment_url(deployment_id), 'deleting ' + name, name, safe_to_repeat=False,
                   pace=DELETE)

    def device_states(self, deployment_id):
        """Every device of the deployment with its state (the seed API has no filter: callers filter)."""
        name = self.describe(deployment_id)
        what = 'the device states of ' + name
        return [normalize_device_state(item, what='a device of ' + name) for item in self._pages(
            self.deployment_url(deployment_id) + '/devicestates', 'reading ' + what, name, what)]


class GaApi(_Api):
    """The GA API: /deviceUpdate/{instance}/management/groups/{group}/..., ?api-version=..."""

    def __init__(self, http, base_url, instance, group_id, api_version=None):
        super(GaApi, self).__init__(http, base_url, instance)
        self.group_id = group_id
        self.api_version = api_version or DEFAULT_GA_API_VERSION

    def where(self):
        return 'group %s of instance %s' % (self.group_id, self.instance)

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

    def get_deployment(self, deployment_id, device_class_id=None):
        name = describe_subgroup(deployment_id, device_class_id)
        return normalize_deployment(self._call(
            'GET', self._deployment_url(deployment_id, device_class_id), 'reading ' + name, name))

    def get_status(self, deployment_id, device_class_id=None):
        """The subgroup's status, or for the group the status with its subgroup_status list."""
        name = describe_subgroup(deployment_id, device_class_id)
        body = self._call('GET', self._deployment_url(deployment_id, device_class_id, '/status'),
                          'reading the status of ' + name, name)
        return normalize_status(body) if device_class_id is not None else normalize_group_status(body)

    def act(self, deployment_id, action, device_class_id):
        """POST ...:cancel|:retry on one subgroup; returns its Deployment after the action."""
        name = describe_subgroup(deployment_id, device_class_id)
        return normalize_deployment(self._call(
            'POST', self._deployment_url(deployment_id, device_class_id, ':' + action), '%s of %s' % (action, name),
            name, safe_to_repeat=False, pace=DEPLOYMENT_ACTION))

    def create(self, deployment_id, desired):
        """PUT the group deployment (the service splits it into subgroups); returns it as answered."""
        name = describe_subgroup(deployment_id)
        return normalize_deployment(self._call(
            'PUT', self._deployment_url(deployment_id), 'creating ' + name, name, safe_to_repeat=False, pace=CREATE,
            body=ga_deployment_body(deployment_id, self.group_id, desired)))

    def delete(self, deployment_id, device_class_id=None):
        """DELETE the group deployment, or one subgroup's (204, no body)."""
        name = describe_subgroup(deployment_id, device_class_id)
        self._call('DELETE', self._deployment_url(deployment_id, device_class_id), 'deleting ' + name, name,
                   safe_to_repeat=False, pace=DELETE)

    def device_states(self, deployment_id, device_class_id, device_state=None):
        """The devices of one subgroup, in device_state when given (the service filters)."""
        name = describe_subgroup(deployment_id, device_class_id)
        what = 'the device states of ' + name
        url = self._deployment_url(deployment_id, device_class_id, '/devicestates')
        if device_state is not None:
            url += '&filter=' + quote("deviceState eq '%s'" % device_state, safe='')
        return [normalize_device_state(item, device_class_id, 'a device of ' + name) for item in self._pages(
            url, 'reading ' + what, name, what)]

    def list_deployments(self):
        """Every deployment of the group, following nextLink on the same service only."""
        what = 'the deployments of group %s' % self.group_id
        url = '%s/deployments?api-version=%s' % (self._group_url(), self.api_version)
        return [normalize_deployment(item, 'a deployment in ' + what) for item in self._pages(
            url, 'listing ' + what, 'group %s' % self.group_id, what)]


def follow_link(base_url, link, describe):
    """An absolute nextLink, only when it points at the service itself (scheme, host and port)."""
    url = urljoin(base_url + '/', link)
    if origin_of(url) is None or origin_of(url) != origin_of(base_url):
        raise AduError('%s: the service sent a nextLink to another place (%s); not following it with the bearer '
                       'token' % (describe, shown(link, 200)))
    return url


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
