# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The target of the 2020-09-01 preview API: deployments named by id alone; the base of the GA targets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import validate_deployment_id
from ansible_collections.adu.device_update.plugins.module_utils._core.options import shown_value
from ansible_collections.adu.device_update.plugins.module_utils._deployments.actions import ActionService
from ansible_collections.adu.device_update.plugins.module_utils._deployments.wire import DEVICE_STATES


class PreviewTarget:
    """Deployments of the 2020-09-01 preview API: /deviceupdate/{instance}/v2/management/deployments/{id}."""

    kind = 'preview'
    group_id = device_class_id = None

    def __init__(self, api):
        self.api = api

    @staticmethod
    def check_deployment_id(value, option='deployment_id'):
        return validate_deployment_id(value, option)

    def describe(self, deployment_id):
        return self.api.describe(deployment_id)

    def desired(self, params):
        """What state present declares, checked before any request (None for other states)."""
        return declared(params, False, None)

    def find(self, deployment_id):
        return self.api.find_deployment(deployment_id)

    def missing_group(self):
        """The device group this target names when the service does not have it, else None (the preview API has
        no group)."""
        return None

    def create(self, deployment_id, desired):
        return self.api.create(deployment_id, desired)

    def delete(self, deployment_id):
        self.api.delete(deployment_id)

    def actions(self, check_mode):
        """The cancel/retry service of this target."""
        return ActionService(self.api, check_mode)

    def service_for(self, state, check_mode, warn):
        """The service that brings a deployment of this target to `state` (adu_deployment)."""
        if state not in ('present', 'absent'):
            return self.actions(check_mode)
        # Imported here, to spare every other task the start-up cost: only present and absent need it.
        from ansible_collections.adu.device_update.plugins.module_utils._deployments.presence import PresenceService  # pylint: disable=import-outside-toplevel
        return PresenceService(self, self.actions(check_mode), check_mode, warn)

    def status(self, deployment_id):
        return self.api.get_status(deployment_id)

    def read(self, deployment_id, status_only=False):
        """The deployment and its status (adu_deployment_info); its status alone with status_only."""
        result = {} if status_only else {'deployment': self.api.get_deployment(deployment_id)}
        result['status'] = self.status(deployment_id)
        return result

    def device_states(self, deployment_id, device_state, deployment, max_items=None):  # pylint: disable=unused-argument
        # The preview API cannot filter: every device is read (max_items bounds them all) and the wanted state kept.
        return in_state(self.api.device_states(deployment_id, max_items), device_state)

    @staticmethod
    def list_deployments():
        raise OptionError('deployment_id', 'required on the 2020-09-01 preview API; give group_id to list the '
                                           'deployments of a device group on the GA API')


def declared(params, ga, api_version):
    if params.get('state') != 'present':
        return None
    # Imported here, to spare every other task the start-up cost: only present and absent need it.
    from ansible_collections.adu.device_update.plugins.module_utils._deployments.presence import declared_deployment  # pylint: disable=import-outside-toplevel
    return declared_deployment(params, ga, api_version)


def in_state(devices, device_state):
    return [d for d in devices if device_state == 'any' or d['device_state'] == device_state]


DEVICE_STATE_CHOICES = DEVICE_STATES + ('any',)


def device_state_option(value):
    """device_state in any case (failed, FAILED), as the service spells it; None when not given."""
    if value is None:
        return None
    for choice in DEVICE_STATE_CHOICES:
        if isinstance(value, str) and value.strip().lower() == choice.lower():
            return choice
    raise OptionError('device_state', 'must be one of %s, in any case (got %s)'
                      % (', '.join(DEVICE_STATE_CHOICES), shown_value(value)))
