# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wire shapes of devices, their module identities and device classes, each checked to be about what was asked and
given the same keys whatever the service left out, so that a playbook or an inventory can rely on them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import WireError
from ansible_collections.adu.device_update.plugins.module_utils._core.wire import (
    check_about,
    flag_of,
    snake_body,
    update_id_of,
)

# The states a device's last deployment can be in (the spec's DeviceDeploymentState).
DEPLOYMENT_STATUSES = ('Succeeded', 'InProgress', 'Canceled', 'Failed')
IMPORT_TYPES = {'devices': 'Devices', 'modules': 'Modules', 'all': 'All'}


def _text(body, field, what, required=False):
    value = body.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise WireError('the service sent %s without a usable %s' % (what, field))
    return value


def _update_of(raw):
    """An update a device names ({updateId, friendlyName?}) as its update id, or None."""
    return update_id_of(raw.get('update_id')) if isinstance(raw, dict) else None


def _install_result(raw):
    if not isinstance(raw, dict):
        return None
    return {'result_code': raw.get('result_code'), 'extended_result_code': raw.get('extended_result_code'),
            'result_details': raw.get('result_details')}


def normalize_device(raw, device_id=None, module_id=None, what='a device'):
    """A device or module identity: device_id, module_id, device_class_id, group_id, installed_update and
    last_attempted_update (update ids), deployment_status, on_latest_update, last_deployment_id, last_install_result."""
    body = snake_body(raw, what)
    check_about(body, 'device_id', device_id, what)
    check_about(body, 'module_id', module_id, what)
    status = body.get('deployment_status')
    if status is not None and status not in DEPLOYMENT_STATUSES:
        raise WireError('the service sent %s whose deploymentStatus is not one of %s (%r)'
                        % (what, ', '.join(DEPLOYMENT_STATUSES), status))
    return {
        'device_id': _text(body, 'device_id', what, required=True),
        'module_id': _text(body, 'module_id', what),
        'device_class_id': _text(body, 'device_class_id', what),
        'group_id': _text(body, 'group_id', what),
        'installed_update': _update_of(body.get('installed_update')),
        'last_attempted_update': _update_of(body.get('last_attempted_update')),
        'deployment_status': status,
        'on_latest_update': flag_of(body.get('on_latest_update'), 'onLatestUpdate', what),
        'last_deployment_id': _text(body, 'last_deployment_id', what),
        'last_install_result': _install_result(body.get('last_install_result')),
    }


def normalize_device_class(raw, device_class_id=None, what='a device class'):
    """device_class_id, friendly_name, compat_properties (manufacturer, model, ...), contract_model,
    best_compatible_update (an update id or None)."""
    body = snake_body(raw, what)
    check_about(body, 'device_class_id', device_class_id, what)
    properties = body.get('device_class_properties') if isinstance(body.get('device_class_properties'), dict) else {}
    compat = properties.get('compat_properties')
    best = body.get('best_compatible_update')
    return {
        'device_class_id': _text(body, 'device_class_id', what, required=True),
        'friendly_name': body.get('friendly_name') if isinstance(body.get('friendly_name'), str) else None,
        'compat_properties': dict(compat) if isinstance(compat, dict) else {},
        'contract_model': properties.get('contract_model') if isinstance(properties.get('contract_model'), dict)
        else None,
        'best_compatible_update': {'update_id': _update_of(best), 'friendly_name': best.get('friendly_name')}
        if isinstance(best, dict) else None,
    }


def normalize_installable(raw, what='an installable update'):
    """An update a device class can install: update_id and friendly_name."""
    body = snake_body(raw, what)
    update_id = update_id_of(body.get('update_id'))
    if update_id is None or not all(update_id.values()):
        raise WireError('the service sent %s without its updateId' % what)
    return {'update_id': update_id, 'friendly_name': body.get('friendly_name')}


def device_figures(devices):
    """Devices in a few words: how many, and how many in each state and on the latest update."""
    counts = {}
    for device in devices:
        counts[device['deployment_status']] = counts.get(device['deployment_status'], 0) + 1
    words = ['%d %s' % (counts[s], w) for s, w in (('Succeeded', 'succeeded'), ('Failed', 'failed'),
                                                   ('InProgress', 'in progress'), ('Canceled', 'canceled'))
             if counts.get(s)]
    words.append('%d on the latest update' % sum(1 for d in devices if d['on_latest_update']))
    return '%d device(s): %s' % (len(devices), ', '.join(words))
