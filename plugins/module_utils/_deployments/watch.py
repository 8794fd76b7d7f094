# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Watching deployment status for the Event-Driven Ansible source: poll, compare, say what moved.

Blocking and free of asyncio: the source runs poll() in an executor. One event per seed deployment
and one per GA device-class subgroup, when first seen and whenever a field moved since the last poll.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._deployments.wire import STATUS_COUNTS
from ansible_collections.adu.device_update.plugins.module_utils._rollout import gate

# The fields whose movement makes an event; `changed` names those that moved.
TRACKED = ('deployment_state',) + STATUS_COUNTS + ('failed_percentage', 'is_canceled')


def failed_percentage(status):
    """failed / (total - incompatible) in percent, 0 when nothing is targeted (gate.targeted, the staged rollout's
    denominator too). Rulebook conditions cannot divide. A count the service did not send counts as none."""
    return gate.percentage(gate.count(status, 'devices_completed_failed_count'), gate.targeted(status), 2)


def snapshot(instance, group_id, deployment_id, device_class_id, status, is_canceled):
    """The event fields of one deployment or subgroup, from its normalised status."""
    fields = {'instance': instance, 'group_id': group_id, 'deployment_id': deployment_id,
              'device_class_id': device_class_id, 'deployment_state': status.get('deployment_state'),
              'failed_percentage': failed_percentage(status), 'is_canceled': bool(is_canceled)}
    for count in STATUS_COUNTS:
        fields[count] = status[count]
    return fields


class DeploymentWatcher:
    """Reads the watched deployments through an API object and returns events for what is new or moved.

    Seed API: the deployment_ids given. GA API: the deployment_ids given, or with none every deployment
    of the group that is active, picking up new ones; a deployment seen active is followed until its
    last change (canceled, superseded) has been reported.
    """

    def __init__(self, api, instance, group_id=None, deployment_ids=None):
        self.api = api
        self.instance = instance
        self.group_id = group_id
        self.deployment_ids = list(deployment_ids or [])
        self.last = {}
        self.following = set()

    def poll(self):
        """Read once; return the events (dicts under the key adu) in a stable order."""
        events = []
        for fields in self._read():
            key = (fields['deployment_id'], fields['device_class_id'])
            before = self.last.get(key)
            changed = [] if before is None else [f for f in TRACKED if before.get(f) != fields.get(f)]
            if before is None or changed:
                events.append({'adu': dict(fields, changed=changed, first_seen=before is None)})
            self.last[key] = fields
        return events

    def _read(self):
        if self.group_id is None:
            for deployment_id in self.deployment_ids:
                deployment = self.api.get_deployment(deployment_id)
                status = self.api.get_status(deployment_id)
                yield snapshot(self.instance, None, deployment_id, deployment.get('device_class_id'), status,
                               deployment['is_canceled'] or status.get('deployment_state') == 'Canceled')
            return
        if self.deployment_ids:
            deployments = [self.api.get_deployment(d) for d in self.deployment_ids]
            explicit = True
        else:
            deployments = self.api.list_deployments()
            explicit = False
            listed = set(d.get('deployment_id') for d in deployments)
            self.following &= listed  # deleted deployments are no longer followed
        for deployment in deployments:
            deployment_id = deployment.get('deployment_id')
            if not explicit and deployment['is_canceled'] and deployment_id not in self.following:
                continue  # canceled before it was ever watched: nothing to report
            status = self.api.get_status(deployment_id)
            subgroups = status.get('subgroup_status') or []
            active = any(s.get('deployment_state') == 'Active' for s in subgroups) and not deployment['is_canceled']
            if not explicit and not active and deployment_id not in self.following:
                continue  # an old deployment: not watched
            if active:
                self.following.add(deployment_id)
            else:
                self.following.discard(deployment_id)
            for sub in subgroups:
                yield snapshot(self.instance, self.group_id, deployment_id, sub.get('device_class_id'), sub,
                               deployment['is_canceled'] or sub.get('deployment_state') == 'Canceled')
