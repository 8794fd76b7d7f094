# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""deployment_status: an Event-Driven Ansible source of Azure Device Update deployment status."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
name: deployment_status
short_description: Events from the status of Azure Device Update deployments
version_added: 1.1.0
description:
  - Polls the status of Device Update deployments and puts an event on the queue for each deployment (2020-09-01
    preview API) or each device-class subgroup (GA API) when it is first seen and whenever a field moved since the
    last poll.
  - With O(group_id) and no O(deployment_ids), watches every active deployment of the group and picks up new ones.
  - Every event is a dict under the key C(adu) with C(instance), C(group_id), C(deployment_id), C(device_class_id),
    C(deployment_state), the device counts as the modules return them (C(total_devices),
    C(devices_incompatible_count), C(devices_already_in_deployment_count), C(devices_in_progress_count),
    C(devices_completed_failed_count), C(devices_completed_succeeded_count), C(devices_canceled_count)),
    C(failed_percentage) (failed / (total - incompatible) in percent, 0 when nothing is targeted), C(is_canceled),
    C(changed) (the names of the fields that moved; empty on first sight) and C(first_seen).
  - A throttled or failing poll (429, 5xx, a timeout, a lost connection) never ends the source; it backs off and
    keeps watching. Rejected credentials (401, 403) and bad options end it with one message. No secret ever
    reaches an event or a log line.
  - Uses the collection's own client, credentials and token cache (plugins/module_utils), so it works from an
    installed collection too.
extends_documentation_fragment:
  - adu.device_update.connection
  - adu.device_update.target
options:
  deployment_ids:
    description:
      - The deployments to watch. Required on the 2020-09-01 preview API (no O(group_id)).
    type: list
    elements: str
  interval:
    description:
      - Seconds between two polls. A poll reads, on the GA API, the list of the group's deployments and the status of
        each watched one; the service allows 30 group reads a minute per instance.
    type: float
    default: 30
  max_polls:
    description:
      - Stop after this many polls; V(0) watches until the rulebook stops.
    type: int
    default: 0
notes:
  - The connection and authentication options are the modules' (doc fragment C(adu.device_update.connection)),
    with the same environment fallbacks (E(AZURE_TENANT_ID), E(AZURE_CLIENT_ID), E(AZURE_CLIENT_SECRET), ...).
'''

EXAMPLES = r'''
- name: Stop failing rollouts
  hosts: localhost
  sources:
    - adu.device_update.deployment_status:
        account: contoso
        instance: blue
        group_id: fleet-eu
        interval: 60
  rules:
    - name: Cancel a subgroup whose devices fail
      condition: event.adu.failed_percentage > 10 and event.adu.is_canceled == false
      action:
        run_module:
          name: adu.device_update.adu_deployment
          module_args:
            account: contoso
            instance: blue
            group_id: "{{ event.adu.group_id }}"
            deployment_id: "{{ event.adu.deployment_id }}"
            state: canceled
'''

import asyncio
import logging
import os
import sys


def _collection_root(path):
    """The directory that holds ansible_collections/, from the path of this file inside the installed
    collection (.../ansible_collections/adu/device_update/extensions/eda/plugins/event_source/...).

    ansible-rulebook runs a source file with runpy and sets up no collection loader, so the collection's
    module_utils are imported from there as a plain namespace package.
    """
    parts = os.path.abspath(path).split(os.sep)
    if 'ansible_collections' not in parts:
        return None
    return os.sep.join(parts[:len(parts) - 1 - parts[::-1].index('ansible_collections')]) or os.sep


try:
    import ansible_collections.adu.device_update.plugins.module_utils  # noqa: F401  pylint: disable=unused-import
except ImportError:
    sys.path.insert(0, _collection_root(__file__) or os.curdir)

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError, OptionError  # noqa: E402
from ansible_collections.adu.device_update.plugins.module_utils._core.options import validate_range  # noqa: E402
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import Redactor  # noqa: E402
from ansible_collections.adu.device_update.plugins.module_utils._deployments.targets import resolve_target  # noqa: E402
from ansible_collections.adu.device_update.plugins.module_utils._deployments.watch import DeploymentWatcher  # noqa: E402
from ansible_collections.adu.device_update.plugins.module_utils._runtime.connection import Connection, option_values

LOGGER = logging.getLogger('adu.device_update.deployment_status')
SOURCE_OPTIONS = {'interval': ('float', 30.0, (), False), 'max_polls': ('int', 0, (), False)}
# The longest pause between two polls after faults.
MAX_BACKOFF = 300.0


class SourceError(Exception):
    """The source cannot go on: bad options or rejected credentials. The message is safe to show."""


def _setup(args):
    """(watcher, params, redactor) from the rulebook's args, validated before any request."""
    args = dict(args)
    args.pop('eda_feedback_queue', None)
    redactor = Redactor(args.get(k) for k in ('client_secret', 'access_token', 'client_certificate_password'))
    deployment_ids = args.pop('deployment_ids', None)
    try:
        params = option_values(args, SOURCE_OPTIONS)
        validate_range('interval', params['interval'], (0.1, 86400))
        validate_range('max_polls', params['max_polls'], (0, 10 ** 9))
        if deployment_ids is not None and (not isinstance(deployment_ids, list) or
                                           not all(isinstance(d, str) for d in deployment_ids)):
            raise OptionError('deployment_ids', 'must be a list of deployment ids')
        connection = Connection(params, pacing=False, redactor=redactor)
        target = resolve_target(connection, params)
        for deployment_id in deployment_ids or []:
            target.check_deployment_id(deployment_id, 'deployment_ids')
        if params['group_id'] is None and not deployment_ids:
            raise OptionError('deployment_ids', 'is required on the 2020-09-01 preview API; give group_id to watch '
                              'every active deployment of a device group on the GA API')
    except AduError as exc:  # bad options or credentials: nothing was sent yet
        raise SourceError(redactor.scrub(exc.message))
    for warning in connection.warnings:
        LOGGER.warning(warning)
    watcher = DeploymentWatcher(target.api, connection.instance, params['group_id'], deployment_ids)
    return watcher, params, redactor


def _pause_after(exc, failures, params):
    """Seconds to wait after a failed poll: the interval doubled per failure, a whole window for a 429."""
    pause = min(MAX_BACKOFF, params['interval'] * (2 ** min(failures, 10)))
    if exc.status_code == 429:
        pause = max(pause, params['write_rate_window'])
    return pause


async def main(queue, args):
    """Poll until max_polls (or forever); put one event per new or moved deployment or subgroup."""
    watcher, params, redactor = _setup(args)
    loop = asyncio.get_running_loop()
    polls = failures = 0
    while True:
        try:
            events = await loop.run_in_executor(None, watcher.poll)
        except AduError as exc:
            message = redactor.scrub(exc.message)
            if exc.status_code in (401, 403) or not exc.call_keys or exc.credentials_rejected:
                # Rejected credentials (by the service or by Azure AD) and refused options: no retry can help.
                raise SourceError(message)
            failures += 1
            pause = _pause_after(exc, failures, params)
            LOGGER.warning('poll failed (%s); polling again in %.0f s', message, pause)
        else:
            failures = 0
            pause = params['interval']
            for event in events:
                await queue.put(redactor.scrub(event))
        polls += 1
        if params['max_polls'] and polls >= params['max_polls']:
            return
        await asyncio.sleep(pause)


if __name__ == '__main__':
    # python deployment_status.py: print events to the terminal, with args from ADU_SOURCE_ARGS (JSON).
    import json

    class _Printer:
        async def put(self, event):
            print(json.dumps(event), flush=True)

    asyncio.run(main(_Printer(), json.loads(os.environ.get('ADU_SOURCE_ARGS', '{}'))))
