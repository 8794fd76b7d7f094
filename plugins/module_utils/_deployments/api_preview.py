# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes of the 2020-09-01 preview API ("v2"): /deviceupdate/{instance}/v2/management/deployments/{id}."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


from ansible_collections.adu.device_update.plugins.module_utils._core.options import path_segment
from ansible_collections.adu.device_update.plugins.module_utils._deployments.wire import (
    About,
    normalize_deployment,
    normalize_device_state,
    normalize_status,
)
from ansible_collections.adu.device_update.plugins.module_utils._transport.api import Api
from ansible_collections.adu.device_update.plugins.module_utils._transport.budgets import (
    CREATE,
    DELETE,
    DEPLOYMENT_ACTION,
)


class PreviewApi(Api):
    """The 2020-09-01 preview API ("v2"): /deviceupdate/{instance}/v2/management/deployments/{id}."""

    def deployment_url(self, deployment_id):
        return '%s/deviceupdate/%s/v2/management/deployments/%s' % (
            self.base_url, path_segment(self.instance), path_segment(deployment_id))

    def get_deployment(self, deployment_id):
        name = self.describe(deployment_id)
        return normalize_deployment(self._call('GET', self.deployment_url(deployment_id), 'reading ' + name, name),
                                    about=About(deployment_id))

    def get_status(self, deployment_id):
        name = self.describe(deployment_id)
        return normalize_status(self._call(
            'GET', self.deployment_url(deployment_id) + '/status', 'reading the status of ' + name, name),
            about=About(deployment_id))

    def act(self, deployment_id, action):
        """POST ?action=cancel|retry; returns the Deployment after the action."""
        name = self.describe(deployment_id)
        return normalize_deployment(self._call(
            'POST', '%s?action=%s' % (self.deployment_url(deployment_id), action), '%s of %s' % (action, name), name,
            safe_to_repeat=False, pace=DEPLOYMENT_ACTION), about=About(deployment_id, write=True))

    def create(self, deployment_id, desired):
        """PUT the deployment; returns it as the service answered."""
        # Imported here, to spare every other task the start-up cost: only state present creates.
        from ansible_collections.adu.device_update.plugins.module_utils._deployments import bodies  # pylint: disable=import-outside-toplevel
        name = self.describe(deployment_id)
        return normalize_deployment(self._call(
            'PUT', self.deployment_url(deployment_id), 'creating ' + name, name, safe_to_repeat=False, pace=CREATE,
            body=bodies.seed_deployment_body(deployment_id, desired)), about=About(deployment_id, write=True))

    def delete(self, deployment_id):
        """DELETE the deployment (200 with an empty body)."""
        name = self.describe(deployment_id)
        self._call('DELETE', self.deployment_url(deployment_id), 'deleting ' + name, name, safe_to_repeat=False,
                   pace=DELETE)

    def device_states(self, deployment_id, max_items=None):
        """Every device of the deployment with its state (the seed API has no filter: callers filter)."""
        name = self.describe(deployment_id)
        what = 'the device states of ' + name
        return [normalize_device_state(item, what='a device of ' + name) for item in self._pages(
            self.deployment_url(deployment_id) + '/devicestates', 'reading ' + what, name, what, max_items=max_items)]
