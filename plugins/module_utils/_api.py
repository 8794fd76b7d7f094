# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes of the ADU management API. The only place that knows URLs and wire names."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._client import AduError
from ansible_collections.adu.device_update.plugins.module_utils._deployments import (
    normalize_deployment,
    normalize_status,
)
from ansible_collections.adu.device_update.plugins.module_utils._options import path_segment


class SeedApi:
    """The 2020-09-01 preview API ("v2"): /deviceupdate/{instance}/v2/management/deployments/{id}."""

    def __init__(self, http, base_url, instance):
        self.http = http
        self.base_url = base_url
        self.instance = instance

    def deployment_url(self, deployment_id):
        return '%s/deviceupdate/%s/v2/management/deployments/%s' % (
            self.base_url, path_segment(self.instance), path_segment(deployment_id))

    def _call(self, method, url, describe, deployment_id, safe_to_repeat=True):
        try:
            return self.http.request(method, url, describe, safe_to_repeat=safe_to_repeat).body
        except AduError as exc:
            if exc.status_code == 404:
                exc.message = 'deployment %s not found in instance %s (%s)' % (
                    deployment_id, self.instance, exc.message)
                exc.args = (exc.message,)
            raise

    def get_deployment(self, deployment_id):
        return normalize_deployment(self._call(
            'GET', self.deployment_url(deployment_id), 'reading deployment %s' % deployment_id, deployment_id))

    def get_status(self, deployment_id):
        return normalize_status(self._call(
            'GET', self.deployment_url(deployment_id) + '/status',
            'reading the status of deployment %s' % deployment_id, deployment_id))

    def act(self, deployment_id, action):
        """POST ?action=cancel|retry; returns the Deployment after the action."""
        return normalize_deployment(self._call(
            'POST', '%s?action=%s' % (self.deployment_url(deployment_id), action),
            '%s of deployment %s' % (action, deployment_id), deployment_id, safe_to_repeat=False))
