# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes of the GA management API beyond deployments: groups, subgroups, best updates, compliance,
log collections and device health (/deviceUpdate/{instance}/management/..., ?api-version=...).

Reads of groups, best updates and compliance take slots of their own budgets (30 a minute each per
instance, shared by every task on the host through the pacing file); other reads are not paced.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

from ansible_collections.adu.device_update.plugins.module_utils._api import (
    BEST_UPDATES_READ,
    COMPLIANCE_READ,
    GROUP_READ,
    Api,
    or_none,
)
from ansible_collections.adu.device_update.plugins.module_utils._api_versions import api_version as checked_api_version
from ansible_collections.adu.device_update.plugins.module_utils._options import path_segment
from ansible_collections.adu.device_update.plugins.module_utils._wire_groups import (
    normalize_best_update,
    normalize_compliance,
    normalize_device_status,
    normalize_group,
    normalize_health,
    normalize_log_collection,
    normalize_subgroup,
)


class ManagementApi(Api):
    """The GA management routes of one instance that are not a deployment's."""

    def __init__(self, http, base_url, instance, api_version=None):
        super(ManagementApi, self).__init__(http, base_url, instance)
        self.api_version = checked_api_version(api_version)

    def suspects(self, missing):
        return ('the id, and that the instance is %s (a wrong instance is answered 404 as well)' % self.instance)

    def _url(self, path, query=''):
        return '%s/deviceUpdate/%s/management%s?api-version=%s%s' % (
            self.base_url, path_segment(self.instance), path, self.api_version, query)

    @staticmethod
    def _group_path(group_id, suffix=''):
        return '/groups/%s%s' % (path_segment(group_id), suffix)

    # groups
    def groups(self):
        what = 'the groups of instance %s' % self.instance
        return [normalize_group(item, what='a group in ' + what) for item in self._pages(
            self._url('/groups'), 'listing ' + what, 'instance %s' % self.instance, what, pace=GROUP_READ)]

    def group(self, group_id):
        name = 'group %s' % group_id
        return normalize_group(self._call('GET', self._url(self._group_path(group_id)), 'reading ' + name, name,
                                          pace=GROUP_READ), group_id)

    def subgroups(self, group_id):
        what = 'the device-class subgroups of group %s' % group_id
        return [normalize_subgroup(item, group_id) for item in self._pages(
            self._url(self._group_path(group_id, '/deviceClassSubgroups')), 'listing ' + what, 'group %s' % group_id,
            what)]

    def best_updates(self, group_id):
        """{device_class_id: best_update} of the subgroups that have one."""
        what = 'the best updates of group %s' % group_id
        found = [normalize_best_update(item, group_id) for item in self._pages(
            self._url(self._group_path(group_id, '/bestUpdates')), 'listing ' + what, 'group %s' % group_id, what,
            pace=BEST_UPDATES_READ)]
        return dict((item['device_class_id'], item['best_update']) for item in found)

    def compliance(self, group_id=None):
        """The update compliance of a group, or of the instance."""
        name = 'the update compliance of %s' % ('group %s' % group_id if group_id else 'instance %s' % self.instance)
        path = self._group_path(group_id, '/updateCompliance') if group_id else '/updateCompliance'
        return normalize_compliance(self._call('GET', self._url(path), 'reading ' + name,
                                               'group %s' % group_id if group_id else name, pace=COMPLIANCE_READ))

    # log collections
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
        query = '&filter=' + quote("deviceId eq '%s'" % device_id.replace("'", "''"), safe='')
        found = [normalize_health(item, device_id) for item in self._pages(
            self._url('/deviceDiagnostics/deviceHealth', query), 'reading ' + what, 'device %s' % device_id, what)]
        return found[0] if found else None
