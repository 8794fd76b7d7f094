# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes of device groups: /deviceUpdate/{instance}/management/groups/..., and the instance's compliance.

Reads of groups, subgroups, best updates and compliance take slots of their budgets (30 a minute each per instance,
shared by every task on the host through the pacing file). Deleting a group or a subgroup is a write, sent once; the
limits page names no throttle for it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import WireError
from ansible_collections.adu.device_update.plugins.module_utils._core.options import path_segment
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import shown
from ansible_collections.adu.device_update.plugins.module_utils._groups.wire import (
    normalize_best_update,
    normalize_compliance,
    normalize_group,
    normalize_subgroup,
)
from ansible_collections.adu.device_update.plugins.module_utils._transport.api import InstanceApi
from ansible_collections.adu.device_update.plugins.module_utils._transport.budgets import (
    BEST_UPDATES_READ,
    COMPLIANCE_READ,
    GROUP_READ,
)


class GroupsApi(InstanceApi):
    """The device groups of one instance: groups, their device-class subgroups, best updates, compliance."""

    @staticmethod
    def _group_path(group_id, suffix=''):
        return '/groups/%s%s' % (path_segment(group_id), suffix)

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
            what, pace=GROUP_READ)]

    def subgroup(self, group_id, device_class_id):
        name = 'subgroup %s of group %s' % (device_class_id, group_id)
        subgroup = normalize_subgroup(self._call('GET', self._url(self._group_path(
            group_id, '/deviceClassSubgroups/%s' % path_segment(device_class_id))), 'reading ' + name, name,
            pace=GROUP_READ), group_id, what=name)
        if subgroup['device_class_id'] != device_class_id:
            raise WireError('the service answered a request about %s with one about device class %s; not trusting it'
                            % (name, shown(subgroup['device_class_id'], 80)))
        return subgroup

    def delete(self, group_id, device_class_id=None):
        """DELETE a group, or one of its device-class subgroups, once (groups are made by devices' tags)."""
        path, name = self._group_path(group_id), 'group %s' % group_id
        if device_class_id:
            path = self._group_path(group_id, '/deviceClassSubgroups/%s' % path_segment(device_class_id))
            name = 'subgroup %s of group %s' % (device_class_id, group_id)
        self._call('DELETE', self._url(path), 'deleting ' + name, name, safe_to_repeat=False)

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
