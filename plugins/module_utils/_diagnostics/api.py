# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes of device diagnostics: /deviceUpdate/{instance}/management/deviceDiagnostics/... (log collections, their
detailed status, device health)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.options import path_segment
from ansible_collections.adu.device_update.plugins.module_utils._diagnostics.wire import (
    normalize_device_status,
    normalize_health,
    normalize_log_collection,
)
from ansible_collections.adu.device_update.plugins.module_utils._transport.api import InstanceApi, filter_query, or_none


class DiagnosticsApi(InstanceApi):
    """Log collections and device health of one instance."""

    def _log_path(self, log_collection_id, suffix=''):
        return '/deviceDiagnostics/logCollections/%s%s' % (path_segment(log_collection_id), suffix)

    def get_log_collection(self, log_collection_id):
        name = 'log collection %s' % log_collection_id
        return normalize_log_collection(self._call('GET', self._url(self._log_path(log_collection_id)),
                                                   'reading ' + name, name), log_collection_id)

    def find_log_collection(self, log_collection_id):
        """The log collection, or None when the service does not have it (404)."""
        return or_none(self.get_log_collection, log_collection_id)

    def create_log_collection(self, log_collection_id, devices, description):
        name = 'log collection %s' % log_collection_id
        listed = []
        for device in devices:
            item = {'deviceId': device['device_id']}
            if device.get('module_id'):
                item['moduleId'] = device['module_id']
            listed.append(item)
        body = {'deviceList': listed}
        if description:
            body['description'] = description
        return normalize_log_collection(self._call(
            'PUT', self._url(self._log_path(log_collection_id)), 'starting ' + name, name, safe_to_repeat=False,
            body=body), log_collection_id, write=True)

    def log_collection_status(self, log_collection_id):
        name = 'log collection %s' % log_collection_id
        return normalize_device_status(self._call(
            'GET', self._url(self._log_path(log_collection_id, '/detailedStatus')),
            'reading the detailed status of ' + name, name), log_collection_id)

    # device health
    def device_health(self, device_id):
        """The health of one device, or None when the service has no record of it."""
        what = 'the health of device %s' % device_id
        query = filter_query("deviceId eq '%s'" % device_id.replace("'", "''"))
        found = [normalize_health(item, device_id) for item in self._pages(
            self._url('/deviceDiagnostics/deviceHealth', query), 'reading ' + what, 'device %s' % device_id, what)]
        return found[0] if found else None
