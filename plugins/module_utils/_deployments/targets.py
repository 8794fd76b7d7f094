# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a task's deployments live in, decided once: the preview API, a GA group, or one GA subgroup."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import validate_deployment_id
from ansible_collections.adu.device_update.plugins.module_utils._deployments.api_preview import PreviewApi
from ansible_collections.adu.device_update.plugins.module_utils._deployments.target_preview import PreviewTarget


def resolve_target(connection, params):
    """The target of a task's (or a rulebook source's) options, validated before any request."""
    if params.get('group_id') is None:
        for option in ('device_class_id', 'api_version'):
            if params.get(option) is not None:
                raise OptionError(option, 'is only for the GA API: give group_id as well')
        return PreviewTarget(connection.api(PreviewApi))
    validate_deployment_id(params['group_id'], 'group_id')
    if params.get('device_class_id') is not None:
        validate_deployment_id(params['device_class_id'], 'device_class_id')
    # Imported here, to spare every other task the start-up cost: a preview task needs none of the GA code.
    from ansible_collections.adu.device_update.plugins.module_utils._deployments.target_ga import group_target  # pylint: disable=import-outside-toplevel
    # The api-version is checked against the table when the group's API object is made, still before any request.
    return group_target(connection, params['group_id'], params.get('device_class_id'), params.get('api_version'))
