# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wire layer's common ground: what the service sends, checked and turned into snake_case.

Keys are converted once per name; counts, flags and path segments are checked before use; pages are read as the
service sends them (value, nextLink). What a deployment, an update or a group looks like is each surface's own."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError, WireError
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import UPDATE_ID_KEYS, validate_deployment_id
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import shown

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


# The three parts of an update's id, on every API surface.


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
        return dict((snake_key(str(k)), snake_dict(v, depth + 1) if isinstance(v, (dict, list)) else v)
                    for k, v in value.items())
    if isinstance(value, list):
        return [snake_dict(item, depth + 1) if isinstance(item, (dict, list)) else item for item in value]
    return value


def object_of(raw, what):
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise WireError('the service sent %s that is not a JSON object (%s)' % (what, type(raw).__name__))
    return snake_dict(raw)


def flag_of(value, field, what):
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str) and value.strip().lower() in ('true', 'false'):
        return value.strip().lower() == 'true'
    raise WireError('the service sent %s whose %s is not true or false (%s)' % (what, field, shown(repr(value), 60)))


def count_of(value, field, what):
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


def update_id_of(update_id):
    """provider, name, version of an updateId (its undocumented internalId left out); None when it is no dict."""
    if not isinstance(update_id, dict):
        return None
    return dict((k, update_id.get(k)) for k in UPDATE_ID_KEYS)


def snake_body(raw, what):
    if not isinstance(raw, dict) or not raw:
        raise WireError('the service sent %s that is empty or not a JSON object' % what)
    return snake_dict(raw)


def check_about(body, field, wanted, what):
    sent = body.get(field)
    if wanted is not None and sent is not None and sent != wanted:
        raise WireError('the service answered a request about %s %s with %s about %s; not trusting it'
                        % (field.replace('_', ' '), wanted, what, shown(repr(sent), 80)))


# The REST spec nests errors as error.innererror, then innerError at every level below; snake_case reads them
# as inner_error. Any spelling is followed, at any level.
INNER_ERROR_KEYS = ('innererror', 'innerError', 'inner_error')
MAX_ERROR_DEPTH = 32


def _inner(error):
    for key in INNER_ERROR_KEYS:
        if isinstance(error.get(key), dict):
            return error[key]
    return None


def innermost_code(error):
    """The code of the innermost inner error of an error (what to fix), or its own code."""
    code = (error or {}).get('code') if isinstance(error, dict) else None
    inner, depth = _inner(error) if isinstance(error, dict) else None, 0
    while inner is not None and depth < MAX_ERROR_DEPTH:
        code = inner.get('code') or code
        inner, depth = _inner(inner), depth + 1
    return code
