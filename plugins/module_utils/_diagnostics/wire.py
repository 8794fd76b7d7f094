# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wire shapes of device diagnostics: log collections, their detailed status, device health."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import WireError
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import shown
from ansible_collections.adu.device_update.plugins.module_utils._core.wire import check_about, snake_body

DEVICE_STATUS_FIELDS = ('device_id', 'module_id', 'status', 'result_code', 'extended_result_code', 'log_location')


def normalize_log_collection(raw, log_collection_id, what='a log collection', write=False):
    body = snake_body(raw, what)
    sent = body.get('operation_id')
    if sent != log_collection_id:
        about = 'no id' if sent is None else 'log collection %s' % shown(repr(sent), 80)
        raise WireError('the service answered a request about log collection %s with %s about %s; not trusting it'
                        % (log_collection_id, what, about), action_unknown=write)
    devices = body.get('device_list') if isinstance(body.get('device_list'), list) else []
    if not all(isinstance(d, dict) and isinstance(d.get('device_id'), str) and d['device_id'] for d in devices):
        raise WireError('the service sent %s %s whose device list holds an item without a deviceId; not trusting it'
                        % (what, log_collection_id), action_unknown=write)
    body['device_list'] = [{'device_id': d['device_id'], 'module_id': d.get('module_id') or None} for d in devices]
    for field in ('description', 'status', 'created_date_time', 'last_action_date_time'):
        body.setdefault(field, None)
    return body


def normalize_device_status(raw, log_collection_id, what='the detailed status of a log collection'):
    body = normalize_log_collection(raw, log_collection_id, what)
    devices = body.get('device_status') if isinstance(body.get('device_status'), list) else []
    body['device_status'] = [dict((f, d.get(f)) for f in DEVICE_STATUS_FIELDS) for d in devices if isinstance(d, dict)]
    return body


def normalize_health(raw, device_id, what='the health of a device'):
    body = snake_body(raw, what)
    check_about(body, 'device_id', device_id, what)
    checks = body.get('health_checks') if isinstance(body.get('health_checks'), list) else []
    return {'state': body.get('state'), 'health_checks': [
        {'name': c.get('name'), 'result': c.get('result')} for c in checks if isinstance(c, dict)]}
