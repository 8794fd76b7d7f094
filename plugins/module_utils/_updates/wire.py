# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wire shapes of the update APIs: update ids, Update objects, operations, files, the import body.

As in wire.py, nothing above this sees camelCase, and an answer is evidence only when it is about what was
asked: an Update whose updateId is another, an operation with another operationId, is not trusted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import urlsplit, urlunsplit

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import WireError
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import shown
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import UPDATE_ID_KEYS
from ansible_collections.adu.device_update.plugins.module_utils._core.wire import snake_body, update_id_of

OPERATION_STATES = ('NotStarted', 'Running', 'Succeeded', 'Failed')
ENDED = ('Succeeded', 'Failed')


def describe_update(update_id):
    return 'update %s/%s/%s' % (update_id['provider'], update_id['name'], update_id['version'])


def _about_update(body, update_id, what, write=False):
    sent = update_id_of(body.get('update_id'))
    if update_id is not None and sent != update_id:
        raise WireError('the service answered a request about %s with %s that is about %s; not trusting it'
                        % (describe_update(update_id), what, describe_update(sent) if sent else 'no update id'),
                        action_unknown=write)


def normalize_update(raw, update_id=None, what='an update'):
    """The Update object in snake_case (unknown fields passed through), checked to be about update_id."""
    body = snake_body(raw, what)
    _about_update(body, update_id, what)
    body['update_id'] = update_id_of(body.get('update_id'))
    return body


def without_query(url):
    """A URL as it may be shown: its query (a SAS token) and fragment removed."""
    if not isinstance(url, str):
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return '(a URL that cannot be shown)'
    return urlunsplit((parts.scheme, parts.netloc, parts.path, '', ''))


def shown_urls(value, depth=0):
    """value with every absolute URL's query removed (SAS tokens are secrets), in strings, dicts and lists."""
    if isinstance(value, str):
        return without_query(value) if value.startswith(('https://', 'http://')) and ('?' in value or '#' in value) \
            else value
    if isinstance(value, dict) and depth < 64:
        return dict((k, shown_urls(v, depth + 1)) for k, v in value.items())
    if isinstance(value, list) and depth < 64:
        return [shown_urls(v, depth + 1) for v in value]
    return value


def normalize_operation(raw, operation_id=None, update_id=None, what='an update operation'):
    """An operation in snake_case: operation_id, status, update, resource_location, error, trace_id, ...;
    checked to be the operation asked for and, when the service names its update, about update_id."""
    body = snake_body(raw, what)
    if operation_id is not None and body.get('operation_id') != operation_id:
        raise WireError('the service answered a request about operation %s with %s about %s; not trusting it'
                        % (operation_id, what, shown(repr(body.get('operation_id')), 80)))
    if body.get('status') not in OPERATION_STATES:
        raise WireError('the service sent %s whose status is not one of %s (%s)'
                        % (what, ', '.join(OPERATION_STATES), shown(repr(body.get('status')), 60)))
    update = body.get('update') if isinstance(body.get('update'), dict) else None
    if update is not None:
        update['update_id'] = update_id_of(update.get('update_id'))
    body['update'] = update
    body.setdefault('error', None)
    named = operation_update_id(body)
    if update_id is not None and named not in (None, update_id):
        raise WireError('the service answered about operation %s of %s with one about %s; not trusting it'
                        % (body.get('operation_id'), describe_update(update_id), describe_update(named)))
    return body


def operation_update_id(operation):
    """The update an operation names, or None while the service does not name one yet."""
    update = operation.get('update') or {}
    update_id = update.get('update_id')
    return update_id if isinstance(update_id, dict) and all(update_id.get(p) for p in UPDATE_ID_KEYS) else None


def import_body(manifest, files, friendly_name=None):
    """The one-item array POSTed to updates:import."""
    item = {'importManifest': {'url': manifest['url'], 'sizeInBytes': manifest['size'],
                               'hashes': {'sha256': manifest['sha256']}}}
    if friendly_name:
        item['friendlyName'] = friendly_name
    if files:
        item['files'] = [{'filename': f['filename'], 'url': f['url']} for f in files]
    return [item]


def normalize_file(raw, what='an update file'):
    return snake_body(raw, what)
