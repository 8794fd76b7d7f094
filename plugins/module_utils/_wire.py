# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wire layer: what the service sends, checked and turned into snake_case, and what is sent to it.

Only this module knows wire names. Everything the service sends is checked here before anything
above trusts it (types, ranges, ids that become URL path segments); a value that fails the check
is an AduError naming the field, never a traceback and never a silent guess.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re

from ansible_collections.adu.device_update.plugins.module_utils._errors import WireError
from ansible_collections.adu.device_update.plugins.module_utils._options import OptionError, validate_deployment_id
from ansible_collections.adu.device_update.plugins.module_utils._redact import shown

# Known wire names, matched case-insensitively: the seed page says PascalCase,
# the service sends camelCase, and the service sends isRetry where the swagger says isRetried.
_KNOWN_KEYS = {
    'deploymentid': 'deployment_id',
    'deploymenttype': 'deployment_type',
    'deviceclassid': 'device_class_id',
    'devicegrouptype': 'device_group_type',
    'devicegroupdefinition': 'device_group_definition',
    'startdatetime': 'start_date_time',
    'enddatetime': 'end_date_time',
    'contentid': 'content_id',
    'updateid': 'update_id',
    'iscanceled': 'is_canceled',
    'iscompleted': 'is_completed',
    'isretry': 'is_retried',
    'isretried': 'is_retried',
    'groupid': 'group_id',
    'deviceclasssubgroups': 'device_class_subgroups',
    'iscloudinitiatedrollback': 'is_cloud_initiated_rollback',
    'rollbackpolicy': 'rollback_policy',
    'deploymentstate': 'deployment_state',
    'totaldevices': 'total_devices',
    'devicesincompatiblecount': 'devices_incompatible_count',
    'devicesalreadyindeploymentcount': 'devices_already_in_deployment_count',
    'devicesinprogresscount': 'devices_in_progress_count',
    'devicescompletedfailedcount': 'devices_completed_failed_count',
    'devicescompletedsucceededcount': 'devices_completed_succeeded_count',
    'devicescanceledcount': 'devices_canceled_count',
    'subgroupstatus': 'subgroup_status',
    'traceid': 'trace_id',
}

DEPLOYMENT_FLAGS = ('is_canceled', 'is_retried', 'is_completed')
# The three parts of an update's id, on every API surface.
UPDATE_ID_KEYS = ('provider', 'name', 'version')
STATUS_COUNTS = (
    'total_devices', 'devices_incompatible_count', 'devices_already_in_deployment_count',
    'devices_in_progress_count', 'devices_completed_failed_count',
    'devices_completed_succeeded_count', 'devices_canceled_count',
)
# No instance holds more devices than this; a larger count is a broken answer, not a fleet.
MAX_COUNT = 2 ** 31
# Nesting the collection follows in a body; JSON nested deeper is refused by the client already.
MAX_DEPTH = 32


_LOWER_UPPER = re.compile(r'(?<=[a-z0-9])([A-Z])')
_ACRONYM_WORD = re.compile(r'([A-Z]+)([A-Z][a-z])')
# Keys converted so far: a listing of a million items repeats a handful of keys. Bounded, since the service names them.
_SNAKE_KEYS = {}
MAX_CACHED_KEYS = 4096


def snake_key(key):
    """Ansible-style name for a wire key: known names by lower case, others camel -> snake."""
    snake = _SNAKE_KEYS.get(key)
    if snake is None:
        snake = _KNOWN_KEYS.get(key.lower())
        if not snake:
            snake = _ACRONYM_WORD.sub(r'\1_\2', _LOWER_UPPER.sub(r'_\1', key)).replace('-', '_').lower()
        if len(_SNAKE_KEYS) < MAX_CACHED_KEYS:
            _SNAKE_KEYS[key] = snake
    return snake


def snake_dict(value, depth=0):
    """Recursively convert wire keys of dicts (and dicts inside lists) to snake_case."""
    if depth > MAX_DEPTH:
        raise WireError('the service sent a body nested more than %d levels deep' % MAX_DEPTH)
    if isinstance(value, dict):
        return dict((snake_key(str(k)), snake_dict(v, depth + 1)) for k, v in value.items())
    if isinstance(value, list):
        return [snake_dict(item, depth + 1) for item in value]
    return value


def _object(raw, what):
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise WireError('the service sent %s that is not a JSON object (%s)' % (what, type(raw).__name__))
    return snake_dict(raw)


def _flag(value, field, what):
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str) and value.strip().lower() in ('true', 'false'):
        return value.strip().lower() == 'true'
    raise WireError('the service sent %s whose %s is not true or false (%s)' % (what, field, shown(repr(value), 60)))


def _count(value, field, what):
    """A device count: a whole number from 0 to MAX_COUNT; None when the service did not send it (the GA
    API sends five of the seven counts): never a 0 the service did not say."""
    if value is None:
        return None
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise WireError('the service sent %s whose %s is not a device count (%s)'
                        % (what, field, shown(repr(value), 60)))
    return value


def service_segment(value, field, what):
    """An id the service sent that becomes a URL path segment: checked as the user's ids are."""
    if not isinstance(value, str):
        raise WireError('the service sent %s whose %s is not a string (%s)' % (what, field, shown(repr(value), 60)))
    try:
        return validate_deployment_id(value, field)
    except OptionError as exc:
        raise WireError('the service sent %s with an unusable %s: %s' % (what, field, exc))


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
    deployment = _object(raw, what)
    for flag in DEPLOYMENT_FLAGS:
        deployment[flag] = _flag(deployment.get(flag), flag, what)
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
    status = _object(raw, what)
    for count in STATUS_COUNTS:
        status[count] = _count(status.get(count), count, what)
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


def page_items(page, what):
    """The `value` list of a page and its nextLink (a string or None)."""
    items = page.get('value') if isinstance(page, dict) else None
    if items is None:
        # A real page always has its value list: an empty answer is no proof that there is nothing.
        raise WireError('the service sent a page of %s without its value list; not trusting it as an empty list' % what)
    if not isinstance(items, list):
        raise WireError('the service sent a page of %s whose value is not a list' % what)
    next_link = page.get('nextLink')
    if next_link is not None and not isinstance(next_link, str):
        raise WireError('the service sent a page of %s whose nextLink is not a string (%s)'
                        % (what, shown(repr(next_link), 60)))
    return items, next_link or None


DEVICE_STATES = ('Failed', 'InProgress', 'Succeeded', 'Canceled')


def normalize_device_state(raw, device_class_id=None, what='a device state'):
    """One device of a deployment: device_id, device_state, retry_count, moved_on_to_new_deployment
    (and device_class_id on the GA API); unknown fields are passed through in snake_case."""
    device = _object(raw, what)
    if not isinstance(device.get('device_id'), str):
        raise WireError('the service sent %s without a device id' % what)
    if not isinstance(device.get('device_state'), str):
        raise WireError('the service sent %s whose device_state is not a string' % what)
    device['retry_count'] = _count(device.get('retry_count'), 'retry_count', what) or 0
    device['moved_on_to_new_deployment'] = _flag(device.get('moved_on_to_new_deployment'),
                                                 'moved_on_to_new_deployment', what)
    if device_class_id is not None:
        device['device_class_id'] = device_class_id
    return device


def update_id_body(update):
    """{provider, name, version} as the service names them."""
    return {'provider': update['provider'], 'name': update['name'], 'version': update['version']}


def seed_deployment_body(deployment_id, desired):
    """The 2020-09-01 preview PUT body, as the recorded exchange shows it."""
    return {
        'deploymentId': deployment_id,
        'deploymentType': 'Complete',
        'startDateTime': desired['start_date_time'],
        'deviceGroupType': 'DeviceGroupDefinitions',
        'deviceGroupDefinition': [desired['device_group']],
        'updateId': update_id_body(desired['update']),
    }


def ga_deployment_body(deployment_id, group_id, desired):
    """The GA PUT body: {deploymentId, startDateTime, groupId, update: {updateId}, rollbackPolicy?,
    downloadSecurity?}."""
    body = {
        'deploymentId': deployment_id,
        'startDateTime': desired['start_date_time'],
        'groupId': group_id,
        'update': {'updateId': update_id_body(desired['update'])},
    }
    policy = desired.get('rollback_policy')
    if policy:
        body['rollbackPolicy'] = {
            'update': {'updateId': update_id_body(policy['update'])},
            'failure': {'devicesFailedPercentage': policy['failed_percentage'],
                        'devicesFailedCount': policy['failed_count']},
        }
    if desired.get('download_security'):
        body['downloadSecurity'] = desired['download_security']
    return body


def deployment_view(deployment):
    """What a deployment declares, in the terms of adu_deployment's options: update, start_date_time,
    device_group (seed API), rollback_policy and download_security (GA). Fields absent on the wire are None."""
    update = deployment.get('update_id')
    if update is None and isinstance(deployment.get('update'), dict):
        update = deployment['update'].get('update_id')
    view = {'update': update_id_of(update), 'start_date_time': deployment.get('start_date_time')}
    groups = deployment.get('device_group_definition')
    view['device_group'] = groups[0] if isinstance(groups, list) and len(groups) == 1 else groups
    policy = deployment.get('rollback_policy')
    if isinstance(policy, dict):
        failure = policy.get('failure') if isinstance(policy.get('failure'), dict) else {}
        policy_update = policy.get('update') if isinstance(policy.get('update'), dict) else {}
        view['rollback_policy'] = {
            'update': update_id_of(policy_update.get('update_id')),
            'failed_percentage': failure.get('devices_failed_percentage'),
            'failed_count': failure.get('devices_failed_count'),
        }
    else:
        view['rollback_policy'] = None
    view['download_security'] = deployment.get('download_security')
    return view


def update_id_of(update_id):
    """provider, name, version of an updateId (its undocumented internalId left out); None when it is no dict."""
    if not isinstance(update_id, dict):
        return None
    return dict((k, update_id.get(k)) for k in UPDATE_ID_KEYS)
