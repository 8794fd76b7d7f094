# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every id rule of the collection, in one place, checked before any request.

Ids sent as one URL path segment (deployments, groups, device classes, log collections, operations), the GA API's
stricter deployment ids, and update ids as the service defines them (provider and name of 1-64 characters, no
character that could split or escape a path segment), in the shape a task gives or a deployment returns."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re


from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.options import shown_value
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import is_hidden_char

UPDATE_ID_KEYS = ('provider', 'name', 'version')
DEPLOYMENT_ID_MAX_LENGTH = 256
_FORBIDDEN_ID_CHARS = set('/\\?#%')


def validate_deployment_id(value, option='deployment_id'):
    """deployment_id: sent as one path segment, so nothing that could split or escape it."""
    accepted = ('must be 1 to %d characters with no / \\ ? # %% or control or format characters'
                % DEPLOYMENT_ID_MAX_LENGTH)
    if not isinstance(value, str) or not value:
        raise OptionError(option, '%s (got an empty value)' % accepted)
    if len(value) > DEPLOYMENT_ID_MAX_LENGTH:
        raise OptionError(option, '%s (got %d characters)' % (accepted, len(value)))
    bad = sorted(set(c for c in value if c in _FORBIDDEN_ID_CHARS or is_hidden_char(c)))
    if bad:
        raise OptionError(option, '%s (got %s, containing %s)' % (accepted, shown_value(value), shown_value(''.join(bad))))
    if value.strip('.') == '':
        raise OptionError(option, '%s, and not only dots (got %s)' % (accepted, shown_value(value)))
    if value != value.strip():
        raise OptionError(option, '%s, and no leading or trailing white space (got %s)' % (accepted, shown_value(value)))
    return value


GA_DEPLOYMENT_ID_MAX_LENGTH = 73
_GA_FORBIDDEN_ID_CHARS = set('&^[]{}|<>/\\"')


def validate_ga_deployment_id(value, option='deployment_id'):
    """A GA deployment id: as above, and at most 73 characters, lower case, none of & ^ [ ] { } | < > / \\ "."""
    validate_deployment_id(value, option)
    bad = sorted(set(c for c in value if c in _GA_FORBIDDEN_ID_CHARS))
    if len(value) > GA_DEPLOYMENT_ID_MAX_LENGTH or value != value.lower() or bad:
        raise OptionError(option, 'on the GA API (group_id given) must be at most %d lower-case characters with none '
                          'of & ^ [ ] { } | < > / \\ " (got %s)' % (GA_DEPLOYMENT_ID_MAX_LENGTH, shown_value(value)))
    return value


# The service's rules: provider and name 1-64 characters, a version of 2 to 4 dot-separated numbers.
_ID_MAX_LENGTH = 64
_ID_ACCEPTED = '1 to %d characters without / \\ ? # %% or spaces' % _ID_MAX_LENGTH


def id_part_option(option, text):
    """A provider, name or version: one URL path segment."""
    if not isinstance(text, str) or not 0 < len(text) <= _ID_MAX_LENGTH or any(
            c in '/\\?#% ' or is_hidden_char(c) for c in text):
        raise OptionError(option, 'must be %s (got %s)' % (_ID_ACCEPTED, shown_value(text)))
    return text


def update_id_option(value, option='update'):
    """{provider, name, version} as strings fit for one URL path segment each; OptionError otherwise."""
    if not isinstance(value, dict) or sorted(k for k in value if value[k] is not None) != sorted(UPDATE_ID_KEYS):
        raise OptionError(option, 'must be a dict of provider, name and version, each %s (got %s)'
                          % (_ID_ACCEPTED, shown_value(value, 120)))
    return dict((part, id_part_option('%s.%s' % (option, part), value[part])) for part in UPDATE_ID_KEYS)


def update_option(value, option):
    """{provider, name, version} of an update as a task gives it, or as a deployment returns it
    ({update_id: {provider, name, version}, friendly_name}); each checked as an id."""
    given = [k for k in UPDATE_ID_KEYS if value.get(k) is not None]
    if value.get('update_id') is not None:
        if given:
            raise OptionError(option, 'give either provider, name and version, or update_id, not both')
        value, option = value['update_id'], option + '.update_id'
    missing = [k for k in UPDATE_ID_KEYS if value.get(k) is None]
    if missing:
        raise OptionError(option, 'needs provider, name and version (missing %s)' % ', '.join(missing))
    for key in UPDATE_ID_KEYS:
        if not isinstance(value[key], str):
            raise OptionError('%s.%s' % (option, key), 'must be a string, not %s: quote it in YAML'
                              % type(value[key]).__name__)
        validate_deployment_id(value[key], '%s.%s' % (option, key))
    return dict((k, value[k]) for k in UPDATE_ID_KEYS)


# The import manifest schema's rules (API-FACTS 6): what a manifest written by the collection may name.
_MANIFEST_ID_PART = re.compile(r'[A-Za-z0-9.-]{1,64}')
_MANIFEST_VERSION = re.compile(r'[0-9]+(?:\.[0-9]+){1,3}')
MAX_VERSION_PART = 2147483647


def manifest_update_id(value, option):
    """An update id as the import manifest schema has it, stricter than the service's paths: provider and name of
    1-64 letters, digits, . and -; a version of 2 to 4 numbers of at most 2147483647."""
    if not isinstance(value, dict) or sorted(k for k in value if value[k] is not None) != sorted(UPDATE_ID_KEYS):
        raise OptionError(option, 'must be a dict of provider, name and version (got %s)' % shown_value(value, 120))
    for part in ('provider', 'name'):
        if not isinstance(value[part], str) or not _MANIFEST_ID_PART.fullmatch(value[part]):
            raise OptionError('%s.%s' % (option, part), 'must be 1 to 64 letters, digits, . and - (got %s)'
                              % shown_value(value[part]))
    version = value['version']
    if not isinstance(version, str) or not _MANIFEST_VERSION.fullmatch(version) or any(
            int(n) > MAX_VERSION_PART for n in version.split('.')):
        raise OptionError('%s.version' % option, 'must be 2 to 4 numbers joined by dots, each at most %d, such as '
                          '"1.0" or "2026.12.3" (got %s)' % (MAX_VERSION_PART, shown_value(version)))
    return dict((k, value[k]) for k in UPDATE_ID_KEYS)
