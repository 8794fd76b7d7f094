# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wire shapes of deployments: what the service sends, checked to be about what was asked, and what is sent to it.

A deployment, its status (a group's with its subgroups'), its devices, and the PUT bodies of the preview and GA
APIs. Every body must be about the deployment, group and device class asked for."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


from ansible_collections.adu.device_update.plugins.module_utils._core.errors import WireError
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import shown
from ansible_collections.adu.device_update.plugins.module_utils._core.wire import (
    count_of,
    flag_of,
    object_of,
    service_segment,
)

DEPLOYMENT_FLAGS = ('is_canceled', 'is_retried', 'is_completed')
STATUS_COUNTS = (
    'total_devices', 'devices_incompatible_count', 'devices_already_in_deployment_count',
    'devices_in_progress_count', 'devices_completed_failed_count',
    'devices_completed_succeeded_count', 'devices_canceled_count',
)


class About:
    """What a request asked about: the answer must be about the same deployment (group, device class).
    write: the answer is to a write, so an answer about something else leaves its outcome unknown."""

    def __init__(self, deployment_id=None, group_id=None, device_class_id=None, write=False):
        self.deployment_id = deployment_id
        self.group_id = group_id
        self.device_class_id = device_class_id
        self.write = write

    def differs(self, field, sent, wanted):
        """A WireError when the service named another `field` than the one asked about."""
        if wanted is None or sent == wanted:
            return None
        told = 'names no %s' % field if sent is None else 'is about %s %s' % (field, shown(repr(sent), 80))
        return WireError('the service answered a request about %s %s with a body that %s; not trusting it' % (
            field, wanted, told), action_unknown=self.write)

    def check(self, body, fields):
        """Raise when body (snake_case) names another deployment, group or device class than asked."""
        for field in fields:
            error = self.differs(field.replace('_', ' '), body.get(field), getattr(self, field))
            if error is not None:
                raise error


def _nonempty(raw, what, about):
    if about is not None and (raw is None or raw == {}):
        raise WireError('the service answered with an empty body where %s belongs; not trusting it as "nothing to '
                        'do"' % what, action_unknown=about.write)


def normalize_deployment(raw, what='a deployment', about=None):
    """A Deployment as the rest of the collection sees it: snake_case, flags always present and boolean,
    device classes unique and safe to put in a path. about: what was asked, checked against the body."""
    _nonempty(raw, what, about)
    deployment = object_of(raw, what)
    for flag in DEPLOYMENT_FLAGS:
        deployment[flag] = flag_of(deployment.get(flag), flag, what)
    if deployment.get('deployment_id') is not None and not isinstance(deployment['deployment_id'], str):
        raise WireError('the service sent %s whose deployment_id is not a string' % what)
    classes = deployment.get('device_class_subgroups')
    if classes is not None:
        if not isinstance(classes, list):
            raise WireError('the service sent %s whose device_class_subgroups is not a list' % what)
        unique = []
        for device_class_id in classes:
            device_class_id = service_segment(device_class_id, 'device class id', what)
            if device_class_id not in unique:  # a class listed twice is one subgroup, acted on once
                unique.append(device_class_id)
        deployment['device_class_subgroups'] = unique
    if about is not None:
        about.check(deployment, ('deployment_id',))
        if deployment.get('group_id') is not None:
            about.check(deployment, ('group_id',))
        if about.device_class_id is not None and classes is not None and about.device_class_id not in \
                deployment['device_class_subgroups']:
            raise about.differs('device class', ', '.join(deployment['device_class_subgroups']) or None,
                                about.device_class_id)
    return deployment


def listed_deployment(raw, what, group_id):
    """A deployment of a listing: of the group listed, with an id usable as a path segment (it is read next)."""
    deployment = normalize_deployment(raw, what, About(group_id=group_id))
    deployment['deployment_id'] = service_segment(deployment.get('deployment_id'), 'deployment id', what)
    return deployment


def normalize_status(raw, what='a deployment status', about=None):
    """A deployment status: snake_case, every device count present, a checked integer or None (not sent).
    about: what was asked; a group or device class the body names must be that one."""
    _nonempty(raw, what, about)
    status = object_of(raw, what)
    for count in STATUS_COUNTS:
        status[count] = count_of(status.get(count), count, what)
    state = status.get('deployment_state')
    if state is not None and not isinstance(state, str):
        raise WireError('the service sent %s whose deployment_state is not a string' % what)
    if about is not None:
        about.check(status, [f for f in ('group_id', 'device_class_id') if status.get(f) is not None])
    return status


def normalize_group_status(raw, what='a group deployment status', about=None):
    """The GA group status: its subgroup_status entries normalised, each with a checked device class, and
    every count the sum over the subgroups that sent it (the service sends counts per subgroup only);
    deployment_state stays the service's."""
    status = normalize_status(raw, what, about)
    entries = status.get('subgroup_status') or []
    if not isinstance(entries, list):
        raise WireError('the service sent %s whose subgroup_status is not a list' % what)
    subgroups, seen = [], set()
    for entry in entries:
        if not isinstance(entry, dict):
            raise WireError('the service sent %s with a subgroup status that is not a JSON object' % what)
        entry = normalize_status(entry, 'a subgroup status', None if about is None else About(group_id=about.group_id))
        if entry.get('device_class_id') is not None:
            service_segment(entry['device_class_id'], 'device class id', what)
            if entry['device_class_id'] in seen:
                continue
            seen.add(entry['device_class_id'])
        subgroups.append(entry)
    status['subgroup_status'] = subgroups
    for count in STATUS_COUNTS:
        status[count] = sum_counts(subgroups, count)
    return status


def sum_counts(statuses, count):
    """The sum of one count over statuses, from those that have it; None when none has it."""
    known = [s[count] for s in statuses if s.get(count) is not None]
    return sum(known) if known else None


DEVICE_STATES = ('Failed', 'InProgress', 'Succeeded', 'Canceled')


def normalize_device_state(raw, device_class_id=None, what='a device state'):
    """One device of a deployment: device_id, device_state, retry_count, moved_on_to_new_deployment
    (and device_class_id on the GA API); unknown fields are passed through in snake_case."""
    device = object_of(raw, what)
    if not isinstance(device.get('device_id'), str):
        raise WireError('the service sent %s without a device id' % what)
    if not isinstance(device.get('device_state'), str):
        raise WireError('the service sent %s whose device_state is not a string' % what)
    device['retry_count'] = count_of(device.get('retry_count'), 'retry_count', what) or 0
    device['moved_on_to_new_deployment'] = flag_of(device.get('moved_on_to_new_deployment'),
                                                   'moved_on_to_new_deployment', what)
    if device_class_id is not None:
        device['device_class_id'] = device_class_id
    return device
