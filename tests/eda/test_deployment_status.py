# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deployment_status source with an asyncio queue: events on change, none without, back-off on faults.

Outside tests/unit: ansible-test's unit runs copy plugins/ and tests/, not extensions/. The end-to-end run
with the real ansible-rulebook is in tests/e2e/test_eda.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import os
import runpy

import pytest

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import Redactor
from ansible_collections.adu.device_update.plugins.module_utils._deployments.watch import (
    DeploymentWatcher,
    failed_percentage,
)
from ansible_collections.adu.device_update.plugins.module_utils._deployments.wire import (
    normalize_deployment,
    normalize_group_status,
    normalize_status,
)

SOURCE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'extensions',
                      'eda', 'plugins', 'event_source', 'deployment_status.py')


def status(failed=0, in_progress=5, total=10, state='Active', dc=None):
    raw = {'deploymentState': state, 'totalDevices': total, 'devicesInProgressCount': in_progress,
           'devicesCompletedFailedCount': failed}
    if dc:
        raw['deviceClassId'] = dc
    return raw


class SeedApi:
    """Answers reads from scripted statuses, one per poll."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.reads = 0

    def get_deployment(self, deployment_id):
        return normalize_deployment({'deploymentId': deployment_id, 'deviceClassId': 'dc'})

    def get_status(self, deployment_id):
        self.reads += 1
        return normalize_status(self.statuses[min(self.reads, len(self.statuses)) - 1])


def test_events_on_first_sight_and_on_change_only():
    watcher = DeploymentWatcher(SeedApi([status(), status(), status(failed=2, in_progress=3)]), 'blue',
                                deployment_ids=['d1'])
    first, second, third = watcher.poll(), watcher.poll(), watcher.poll()
    assert len(first) == 1 and first[0]['adu']['first_seen'] is True and first[0]['adu']['changed'] == []
    assert first[0]['adu']['device_class_id'] == 'dc' and first[0]['adu']['group_id'] is None
    assert second == []
    moved = third[0]['adu']
    assert moved['changed'] == ['devices_in_progress_count', 'devices_completed_failed_count', 'failed_percentage']
    assert moved['failed_percentage'] == 20.0 and moved['first_seen'] is False


@pytest.mark.parametrize('total, incompatible, failed, expected', [(10, 2, 2, 25.0), (0, 0, 0, 0), (3, 3, 0, 0),
                                                                   (3, 0, 1, 33.33)])
def test_failed_percentage(total, incompatible, failed, expected):
    assert failed_percentage(normalize_status({'totalDevices': total, 'devicesIncompatibleCount': incompatible,
                                               'devicesCompletedFailedCount': failed})) == expected


class GroupApi:
    """A GA group whose deployments and statuses the test changes between polls."""

    def __init__(self):
        self.deployments = {}
        self.statuses = {}
        self.status_reads = []

    def list_deployments(self):
        return [normalize_deployment(d) for d in self.deployments.values()]

    def get_deployment(self, deployment_id):
        return normalize_deployment(self.deployments[deployment_id])

    def get_status(self, deployment_id):
        self.status_reads.append(deployment_id)
        return normalize_group_status({'subgroupStatus': self.statuses[deployment_id]})


def test_a_group_is_watched_for_active_deployments_new_ones_and_their_last_change():
    api = GroupApi()
    api.deployments['old'] = {'deploymentId': 'old', 'isCanceled': True}
    api.deployments['done'] = {'deploymentId': 'done'}
    api.statuses['done'] = [status(state='Inactive', dc='a')]
    api.deployments['live'] = {'deploymentId': 'live'}
    api.statuses['live'] = [status(dc='a'), status(dc='b')]
    watcher = DeploymentWatcher(api, 'blue', group_id='g')
    first = watcher.poll()
    assert [(e['adu']['deployment_id'], e['adu']['device_class_id']) for e in first] == [('live', 'a'), ('live', 'b')]
    assert 'old' not in api.status_reads  # canceled before it was watched: not even read
    api.deployments['new'] = {'deploymentId': 'new'}
    api.statuses['new'] = [status(dc='a')]
    api.deployments['live']['isCanceled'] = True
    api.statuses['live'] = [status(state='Canceled', dc='a'), status(state='Canceled', dc='b')]
    second = watcher.poll()
    assert [(e['adu']['deployment_id'], e['adu']['changed']) for e in second] == [
        ('live', ['deployment_state', 'is_canceled']), ('live', ['deployment_state', 'is_canceled']), ('new', [])]
    api.status_reads[:] = []
    assert watcher.poll() == [] and 'live' not in api.status_reads  # its last change was reported


class ScriptedWatcher:
    def __init__(self, script):
        self.script = list(script)

    def poll(self):
        item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        return item


class Clock:
    """Stands in for asyncio in the source: records the pauses instead of sleeping."""

    def __init__(self):
        self.pauses = []

    @staticmethod
    def get_running_loop():
        return asyncio.get_running_loop()

    async def sleep(self, seconds):
        self.pauses.append(seconds)


def run_source(script, params=None, redactor=None):
    main = runpy.run_path(SOURCE)['main']
    clock = Clock()
    settings = dict({'interval': 5.0, 'max_polls': len(script), 'write_rate_window': 60.0}, **(params or {}))
    # run_path hands back a copy of the plugin's globals: patch the ones main() reads.
    main.__globals__['_setup'] = lambda args: (ScriptedWatcher(script), settings, redactor or Redactor())
    main.__globals__['asyncio'] = clock
    queue = asyncio.Queue()
    asyncio.run(main(queue, {}))
    events = []
    while not queue.empty():
        events.append(queue.get_nowait())
    return events, clock.pauses


def event(n):
    return {'adu': {'deployment_id': 'd%d' % n, 'changed': []}}


def test_the_source_puts_events_and_backs_off_on_faults_without_ending():
    script = [[event(1)], AduError('reading: HTTP 429', 429), AduError('reading: HTTP 503', 503),
              AduError('reading failed: the connection was refused'), [], [event(2), event(3)]]
    events, pauses = run_source(script)
    assert [e['adu']['deployment_id'] for e in events] == ['d1', 'd2', 'd3']
    # interval; a 429 waits a whole window; then the interval doubles per failure; back to the interval.
    assert pauses == [5.0, 60.0, 20.0, 40.0, 5.0]


def test_rejected_credentials_end_the_source_with_one_clear_message_and_no_secret():
    module_error = AduError('reading deployment d: HTTP 401 (message: token tok-secret-123 expired)', 401)
    with pytest.raises(Exception) as err:
        run_source([module_error], redactor=Redactor(['tok-secret-123']))
    assert type(err.value).__name__ == 'SourceError'
    assert 'HTTP 401' in str(err.value) and 'tok-secret-123' not in str(err.value)


def test_credentials_azure_ad_rejects_end_the_source_rather_than_retry_forever():
    refused = AduError('Azure AD refused a token (auth_method client_secret, ...): invalid_client: AADSTS7000215')
    refused.credentials_rejected = True
    with pytest.raises(Exception) as err:
        run_source([refused, [event(1)]])
    assert type(err.value).__name__ == 'SourceError' and 'invalid_client' in str(err.value)


def test_events_never_carry_a_secret():
    leaky = {'adu': {'deployment_id': 'tok-secret-123', 'changed': []}}
    events, _pauses = run_source([[leaky]], redactor=Redactor(['tok-secret-123']))
    assert 'tok-secret-123' not in repr(events)


@pytest.mark.parametrize('args, expected', [
    ({'endpoint': 'https://127.0.0.1:1', 'group_id': 'g'}, 'instance: is required'),
    ({'endpoint': 'https://127.0.0.1:1', 'instance': 'blue', 'access_token': 't'}, 'deployment_ids: is required'),
    ({'endpoint': 'https://127.0.0.1:1', 'instance': 'blue', 'group_id': 'g', 'access_token': 't', 'colour': 1},
     'colour: is not an option here'),
    ({'endpoint': 'https://127.0.0.1:1', 'instance': 'blue', 'group_id': 'g', 'access_token': 't',
      'interval': 'often'}, 'interval: must be a number'),
    ({'endpoint': 'https://127.0.0.1:1', 'instance': 'blue', 'access_token': 't', 'deployment_ids': ['a/b']},
     'deployment_ids: must be 1 to 256 characters'),
    ({'endpoint': 'http://example.com', 'instance': 'blue', 'group_id': 'g', 'access_token': 't'},
     'endpoint: plain http:// is only allowed to a loopback host'),
    ({'endpoint': 'https://127.0.0.1:1', 'instance': 'blue', 'group_id': 'g', 'access_token': 't', 'interval': 1e400},
     'interval: must be between 0.1 and 86400'),
    ({'endpoint': 'https://127.0.0.1:1', 'instance': 'blue', 'group_id': 'g', 'access_token': 't',
      'max_polls': 10 ** 30}, 'max_polls: must be between 0 and'),
    ({'endpoint': 'https://127.0.0.1:1', 'instance': 'blue', 'access_token': 't', 'deployment_ids': ['..']},
     'deployment_ids: must be 1 to 256 characters'),
    ({'endpoint': 'https://127.0.0.1:1', 'instance': 'blue', 'group_id': 'g', 'access_token': 't',
      'interval': 10 ** 400}, 'interval: must be a number within its range'),
    ({'endpoint': 'https://127.0.0.1:1', 'instance': 'blue', 'group_id': 'g', 'access_token': 't',
      'timeout': 10 ** 400}, 'timeout: must be a number within its range'),
    ({'endpoint': 'https://127.0.0.1:1', 'instance': 'blue', 'group_id': 'g', 'access_token': 't',
      'timeout': '1e30'}, 'timeout: must be between'),
    ({'endpoint': 'https://127.0.0.1:1', 'instance': 'blue', 'group_id': 'g', 'access_token': 't',
      'write_rate_window': 1e30}, 'write_rate_window: must be between'),
])
def test_bad_options_end_the_source_before_any_request(args, expected):
    module = runpy.run_path(SOURCE)
    with pytest.raises(Exception) as err:
        asyncio.run(module['main'](asyncio.Queue(), args))
    assert type(err.value).__name__ == 'SourceError' and str(err.value).startswith(expected), str(err.value)
