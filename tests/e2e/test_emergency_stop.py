# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emergency stop under the service's write limits, end to end through ansible-playbook.

The emulator enforces 6 cancel/retry calls per window per instance and answers 429 without
Retry-After, as the real service does; windows are scaled from a minute to WINDOW seconds, and the
modules are told the same window. make bench runs the same stops under real one-minute windows.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import sys
import threading
import time

from conftest import adu_calls

WINDOW = 2.0
LIMIT = 6


def stop_fleet(emulator, count, prefix='stop'):
    ids = ['%s-%02d' % (prefix, i) for i in range(count)]
    for deployment_id in ids:
        emulator.store.add_deployment('blue', {'deploymentId': deployment_id})
    return ids


def inventory_of(tmp_path, hosts):
    inventory = tmp_path / 'hosts.ini'
    inventory.write_text(''.join('%s ansible_connection=local ansible_python_interpreter=%s\n' % (h, sys.executable)
                                 for h in hosts))
    return str(inventory)


def applied_once_each(emulator, route, key='deployment_id'):
    """Every write the service applied, counted per deployment (or subgroup)."""
    return collections.Counter(e[key] for e in emulator.requests(route) if e['status'] == 200)


def throttled(emulator):
    return [e for e in emulator.journal if e.get('throttled')]


def assert_paced(emulator, route):
    """No window of the service ever saw more than LIMIT applied writes."""
    times = sorted(e['time'] for e in emulator.requests(route) if e['status'] == 200)
    for i in range(LIMIT, len(times)):
        assert times[i] - times[i - LIMIT] >= WINDOW, 'more than %d writes within %s s' % (LIMIT, WINDOW)


def test_24_deployments_with_10_forks_all_canceled_without_a_429(runner, emulator, tmp_path):
    emulator.throttle(action=(LIMIT, WINDOW), read=None)
    ids = stop_fleet(emulator, 24)
    hosts = [i.replace('stop', 'host') for i in ids]
    task = runner.task('canceled', '{{ inventory_hostname | replace("host", "stop") }}', write_rate_window=WINDOW)
    start = time.time()
    play = runner.play([task], hosts='all', inventory=inventory_of(tmp_path, hosts), forks=10)
    elapsed = time.time() - start
    assert play.rc == 0, play.output
    assert sorted(r['host'] for r in play.records if r['result'].get('changed')) == hosts
    assert applied_once_each(emulator, 'cancel') == dict((i, 1) for i in ids)
    assert throttled(emulator) == []  # the play is the only client: the pacer kept it under the limit
    assert_paced(emulator, 'cancel')
    assert elapsed >= 3 * WINDOW  # 24 writes at 6 a window: the last 6 cannot start before 3 windows


def test_24_deployments_in_a_loop_on_one_host(runner, emulator):
    emulator.throttle(action=(LIMIT, WINDOW), read=None)
    ids = stop_fleet(emulator, 24, 'loop')
    task = runner.task('canceled', '{{ item }}', write_rate_window=WINDOW)
    task['loop'] = ids
    play = runner.play([task])
    assert play.rc == 0, play.output
    assert applied_once_each(emulator, 'cancel') == dict((i, 1) for i in ids)
    assert throttled(emulator) == []
    assert_paced(emulator, 'cancel')


def test_ga_group_of_12_subgroups_in_one_task(runner, emulator):
    emulator.throttle(action=(LIMIT, WINDOW), read=None)
    classes = ['%040x' % i for i in range(12)]
    emulator.store.add_ga_deployment('blue', 'fleet', {'deploymentId': 'wide'},
                                     dict((dc, {'totalDevices': 2, 'devicesInProgressCount': 2}) for dc in classes))
    args = dict(runner.connection(), group_id='fleet', deployment_id='wide', state='canceled',
                write_rate_window=WINDOW)
    play = runner.play([{'name': 'cancel the group', 'adu.device_update.adu_deployment': args}])
    assert play.rc == 0, play.output
    assert play.result['failed_subgroups'] == [] and len(play.result['subgroups']) == 12
    assert applied_once_each(emulator, 'ga_cancel', 'device_class_id') == dict((dc, 1) for dc in classes)
    assert throttled(emulator) == []
    assert_paced(emulator, 'ga_cancel')


def test_two_plays_at_once_share_the_budget(runner, emulator):
    emulator.throttle(action=(LIMIT, WINDOW), read=None)
    ids = stop_fleet(emulator, 16, 'two')
    plays = {}

    def run(name, chunk):
        task = runner.task('canceled', '{{ item }}', write_rate_window=WINDOW)
        task['loop'] = chunk
        plays[name] = runner.play([task], forks=5)

    threads = [threading.Thread(target=run, args=(n, ids[n::2])) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert all(plays[n].rc == 0 for n in (0, 1)), plays[0].output + plays[1].output
    assert applied_once_each(emulator, 'cancel') == dict((i, 1) for i in ids)
    assert throttled(emulator) == []
    assert_paced(emulator, 'cancel')


def test_budget_used_by_another_client_waits_a_window_and_keeps_one_write_each(runner, emulator):
    emulator.throttle(action=(LIMIT, WINDOW), read=None)
    ids = stop_fleet(emulator, 8, 'other')
    # Another client has just used the window: the first write meets a 429 without Retry-After.
    emulator.add_fault(route='cancel', status=429, times=1,
                       body={'error': {'code': 'TooManyRequests', 'message': 'Rate limit exceeded.'}})
    task = runner.task('canceled', '{{ item }}', write_rate_window=WINDOW)
    task['loop'] = ids
    play = runner.play([task])
    assert play.rc == 0, play.output
    assert applied_once_each(emulator, 'cancel') == dict((i, 1) for i in ids)
    posts = emulator.requests('cancel')
    assert [e['status'] for e in posts[:2]] == [429, 200] and posts[0]['deployment_id'] == posts[1]['deployment_id']
    assert posts[1]['time'] - posts[0]['time'] >= WINDOW  # a window waited out, not short steps
    assert [e['status'] for e in posts[2:]] == [200] * 7


def test_throttle_timeout_ends_the_task_saying_how_long_it_waited(runner, emulator):
    emulator.throttle(action=(1, 60.0), read=None)
    assert emulator.throttled('blue', 'action') == 0  # another client holds the only slot for a minute
    task = runner.task('canceled', 'dpokluda-test.2020-1111-1124-8', write_rate_window=1.0, throttle_timeout=2.5)
    start = time.time()
    play = runner.play([task])
    assert play.rc != 0 and time.time() - start < 30
    msg = play.result['msg']
    assert 'HTTP 429' in msg and 'throttle_timeout' in msg and 'waited' in msg and 'Nothing was applied' in msg
    assert [e['status'] for e in emulator.requests('cancel')] == [429] * len(emulator.requests('cancel'))
    assert 1 <= len(emulator.requests('cancel')) <= 3


def test_pacing_applies_with_an_access_token_and_no_token_cache(runner, emulator):
    emulator.throttle(action=(2, WINDOW), read=None)
    ids = stop_fleet(emulator, 4, 'token')
    task = runner.task('canceled', '{{ item }}', auth='access_token', token_cache=False, write_rate_limit=2,
                       write_rate_window=WINDOW)
    task['loop'] = ids
    play = runner.play([task])
    assert play.rc == 0, play.output
    assert throttled(emulator) == []
    times = sorted(e['time'] for e in emulator.requests('cancel'))
    assert times[2] - times[0] >= WINDOW and times[3] - times[1] >= WINDOW
    assert [c for c in adu_calls(emulator) if c[0] == 'POST'] == [('POST', 'cancel')] * 4


def test_bad_pacing_options_fail_before_any_request(runner, emulator):
    for options, expected in (({'write_rate_limit': -1}, 'write_rate_limit: must be between 0 and 1000'),
                              ({'write_rate_window': 0}, 'write_rate_window: must be between 0.1 and 3600'),
                              ({'throttle_timeout': -5}, 'throttle_timeout: must be between 0 and 86400')):
        play = runner.play([runner.task('canceled', 'dpokluda-test.2020-1111-1124-8', **options)])
        assert play.rc != 0 and expected in play.result['msg'], play.result['msg']
    assert emulator.journal == []
