# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wire shapes of groups, subgroups, best updates, compliance, log collections and device health.

Every body is checked to be about what was asked (its group, device class, log collection), as in _wire.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._errors import WireError
from ansible_collections.adu.device_update.plugins.module_utils._redact import shown
from ansible_collections.adu.device_update.plugins.module_utils._wire import _count, snake_dict, update_id_of

GROUP_COUNTS = ('device_count', 'subgroups_with_new_updates_available_count', 'subgroups_with_updates_in_progress_count',
                'subgroups_with_on_latest_update_count')
COMPLIANCE_COUNTS = ('total_device_count', 'on_latest_update_device_count', 'new_updates_available_device_count',
                     'updates_in_progress_device_count')
DEVICE_STATUS_FIELDS = ('device_id', 'module_id', 'status', 'result_code', 'extended_result_code', 'log_location')


def _body(raw, what):
    if not isinstance(raw, dict) or not raw:
        raise WireError('the service sent %s that is empty or not a JSON object' % what)
    return snake_dict(raw)


def _about(body, field, wanted, what):
    sent = body.get(field)
    if wanted is not None and sent is not None and sent != wanted:
        raise WireError('the service answered a request about %s %s with %s about %s; not trusting it'
                        % (field.replace('_', ' '), wanted, what, shown(repr(sent), 80)))


def normalize_group(raw, group_id=None, what='a group'):
    body = _body(raw, what)
    _about(body, 'group_id', group_id, what)
    if not isinstance(body.get('group_id'), str):
        raise WireError('the service sent %s without a groupId' % what)
    for count in GROUP_COUNTS:
        body[count] = _count(body.get(count), count, what)
    deployments = body.get('deployments')
    body['deployments'] = [d for d in deployments if isinstance(d, str)] if isinstance(deployments, list) else []
    return body


def normalize_subgroup(raw, group_id, what='a device-class subgroup'):
    body = _body(raw, what)
    _about(body, 'group_id', group_id, what)
    if not isinstance(body.get('device_class_id'), str):
        raise WireError('the service sent %s without a deviceClassId' % what)
    body['device_count'] = _count(body.get('device_count'), 'device_count', what)
    body.setdefault('deployment_id', None)
    return body


def normalize_best_update(raw, group_id, what='a best update'):
    """{device_class_id, best_update: {update_id, friendly_name, device_count}}."""
    body = _body(raw, what)
    _about(body, 'group_id', group_id, what)
    update = body.get('update') if isinstance(body.get('update'), dict) else {}
    return {'device_class_id': body.get('device_class_id'), 'best_update': {
        'update_id': update_id_of(update.get('update_id') or {}),
        'friendly_name': update.get('friendly_name'),
        'device_count': _count(body.get('device_count'), 'device_count', what)}}


def normalize_compliance(raw, what='update compliance'):
    """The four counts, and compliance_percentage: on latest over total x 100, one decimal, None when total is 0."""
    body = _body(raw, what)
    compliance = dict((count, _count(body.get(count), count, what)) for count in COMPLIANCE_COUNTS)
    total, latest = compliance['total_device_count'], compliance['on_latest_update_device_count']
    parts = [compliance[c] or 0 for c in COMPLIANCE_COUNTS[1:]]
    if total is not None and (max(parts) > total or sum(parts) > total):
        raise WireError('the service sent %s whose devices on the latest update, with new updates and in progress '
                        '(%s) are more than its %d devices in total; not trusting it'
                        % (what, ', '.join(str(p) for p in parts), total))
    compliance['compliance_percentage'] = round(100.0 * latest / total, 1) if total and latest is not None else None
    return compliance


def normalize_log_collection(raw, log_collection_id, what='a log collection', write=False):
    body = _body(raw, what)
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
    body = _body(raw, what)
    _about(body, 'device_id', device_id, what)
    checks = body.get('health_checks') if isinstance(body.get('health_checks'), list) else []
    return {'state': body.get('state'), 'health_checks': [
        {'name': c.get('name'), 'result': c.get('result')} for c in checks if isinstance(c, dict)]}
