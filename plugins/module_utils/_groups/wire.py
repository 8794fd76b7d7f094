# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wire shapes of groups, subgroups, best updates and compliance, each checked to be about what was asked."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import WireError
from ansible_collections.adu.device_update.plugins.module_utils._core.wire import (
    check_about,
    count_of,
    snake_body,
    update_id_of,
)

GROUP_COUNTS = ('device_count', 'subgroups_with_new_updates_available_count', 'subgroups_with_updates_in_progress_count',
                'subgroups_with_on_latest_update_count')


COMPLIANCE_COUNTS = ('total_device_count', 'on_latest_update_device_count', 'new_updates_available_device_count',
                     'updates_in_progress_device_count')


def normalize_group(raw, group_id=None, what='a group'):
    body = snake_body(raw, what)
    check_about(body, 'group_id', group_id, what)
    if not isinstance(body.get('group_id'), str):
        raise WireError('the service sent %s without a groupId' % what)
    for count in GROUP_COUNTS:
        body[count] = count_of(body.get(count), count, what)
    deployments = body.get('deployments')
    body['deployments'] = [d for d in deployments if isinstance(d, str)] if isinstance(deployments, list) else []
    return body


def normalize_subgroup(raw, group_id, what='a device-class subgroup'):
    body = snake_body(raw, what)
    check_about(body, 'group_id', group_id, what)
    if not isinstance(body.get('device_class_id'), str):
        raise WireError('the service sent %s without a deviceClassId' % what)
    body['device_count'] = count_of(body.get('device_count'), 'device_count', what)
    body.setdefault('deployment_id', None)
    return body


def normalize_best_update(raw, group_id, what='a best update'):
    """{device_class_id, best_update: {update_id, friendly_name, device_count}}."""
    body = snake_body(raw, what)
    check_about(body, 'group_id', group_id, what)
    update = body.get('update') if isinstance(body.get('update'), dict) else {}
    return {'device_class_id': body.get('device_class_id'), 'best_update': {
        'update_id': update_id_of(update.get('update_id') or {}),
        'friendly_name': update.get('friendly_name'),
        'device_count': count_of(body.get('device_count'), 'device_count', what)}}


def normalize_compliance(raw, what='update compliance'):
    """The four counts, and compliance_percentage: on latest over total x 100, one decimal, None when total is 0."""
    body = snake_body(raw, what)
    compliance = dict((count, count_of(body.get(count), count, what)) for count in COMPLIANCE_COUNTS)
    total, latest = compliance['total_device_count'], compliance['on_latest_update_device_count']
    parts = [compliance[c] or 0 for c in COMPLIANCE_COUNTS[1:]]
    if total is not None and (max(parts) > total or sum(parts) > total):
        raise WireError('the service sent %s whose devices on the latest update, with new updates and in progress '
                        '(%s) are more than its %d devices in total; not trusting it'
                        % (what, ', '.join(str(p) for p in parts), total))
    compliance['compliance_percentage'] = round(100.0 * latest / total, 1) if total and latest is not None else None
    return compliance
