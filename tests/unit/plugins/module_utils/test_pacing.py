# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess

import pytest

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import PacingTimeout
from ansible_collections.adu.device_update.plugins.module_utils._transport.pacing import WritePacer


class Clock:
    """A shared fake clock: sleeping advances it."""

    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def pacer(tmp_path, clock, limit=6, window=60.0, deadline=None, scope='https://h/blue'):
    directory = str(tmp_path / 'cache')
    return WritePacer(directory, scope, limit=limit, window=window, deadline=deadline, clock=clock,
                      sleep=clock.sleep)


def test_first_limit_writes_go_at_once_then_one_window_later(tmp_path):
    clock = Clock()
    sent = []
    for _write in range(13):
        p = pacer(tmp_path, clock)  # a new task each time, sharing the file
        ticket = p.acquire('deployment_action')
        sent.append(clock.now - 1000.0)
        p.sent('deployment_action', ticket)
    margin = 0.25
    assert sent[:6] == [0.0] * 6
    assert sent[6:12] == [60.0 + margin] * 6
    assert sent[12] == pytest.approx(120.0 + 2 * margin)


def test_operations_and_instances_have_their_own_budgets(tmp_path):
    clock = Clock()
    for _write in range(6):
        pacer(tmp_path, clock).acquire('deployment_action')
    pacer(tmp_path, clock).acquire('delete')
    pacer(tmp_path, clock, scope='https://h/green').acquire('deployment_action')
    assert clock.now == 1000.0


def test_a_slot_counts_from_when_its_answer_came(tmp_path):
    clock = Clock()
    first = pacer(tmp_path, clock, limit=1)
    ticket = first.acquire('create')
    clock.now += 5  # the answer took 5 s
    first.sent('create', ticket)
    pacer(tmp_path, clock, limit=1).acquire('create')
    assert clock.now == pytest.approx(1005.0 + 60.0 + 0.25)


def test_waiting_past_the_deadline_fails_without_taking_a_slot(tmp_path):
    clock = Clock()
    for _write in range(6):
        pacer(tmp_path, clock).acquire('deployment_action')
    late = pacer(tmp_path, clock, deadline=clock.now + 30)
    with pytest.raises(PacingTimeout, match='past the time budget'):
        late.acquire('deployment_action')
    assert clock.now == 1000.0  # it did not sleep in vain
    on_time = pacer(tmp_path, clock, deadline=clock.now + 90)
    on_time.acquire('deployment_action')
    assert clock.now == pytest.approx(1060.25)  # the failed task's reservation was not kept


def test_not_before_keeps_the_queue_order(tmp_path):
    clock = Clock()
    p = pacer(tmp_path, clock)
    p.acquire('deployment_action', not_before=clock.now + 60)
    assert clock.now == 1060.0
    # A later ticket never goes before one taken earlier.
    p.acquire('deployment_action')
    assert clock.now == 1060.0


def test_limit_zero_only_waits_what_it_is_told(tmp_path):
    clock = Clock()
    p = pacer(tmp_path, clock, limit=0, deadline=clock.now + 100)
    assert p.acquire('deployment_action') is None and clock.now == 1000.0
    p.acquire('deployment_action', not_before=clock.now + 60)
    assert clock.now == 1060.0
    with pytest.raises(PacingTimeout):
        p.acquire('deployment_action', not_before=clock.now + 60)
    assert not os.path.exists(str(tmp_path / 'cache'))


def test_the_pacing_file_is_private_and_refuses_a_shared_directory(tmp_path):
    clock = Clock()
    pacer(tmp_path, clock).acquire('deployment_action')
    directory = tmp_path / 'cache'
    assert oct(os.stat(str(directory)).st_mode & 0o777) == '0o700'
    assert oct(os.stat(str(directory / 'writes.json')).st_mode & 0o777) == '0o600'
    os.chmod(str(directory), 0o755)
    with pytest.raises(Exception, match='other users'):
        pacer(tmp_path, clock).acquire('deployment_action')


def _tickets(tmp_path):
    with open(str(tmp_path / 'cache' / 'writes.json')) as handle:
        return [t for k, v in json.load(handle).items() if k != 'holds' for t in v]


def test_a_ticket_of_a_process_that_died_while_waiting_does_not_count(tmp_path):
    """A task killed (SIGKILL) while waiting for its slot sent nothing: the next write is not held back by it."""
    clock = Clock()
    p = pacer(tmp_path, clock, limit=1, window=10.0)
    p.sent('create', p.acquire('create'))
    dead = subprocess.Popen(['true'])
    dead.wait()
    data_path = str(tmp_path / 'cache' / 'writes.json')
    with open(data_path) as handle:
        data = json.load(handle)
    key = list(data)[0]
    data[key].append({'id': 'ghost', 't': clock.now + 10.25, 'nb': clock.now, 'pid': dead.pid, 'w': True})
    with open(data_path, 'w') as handle:
        json.dump(data, handle)
    pacer(tmp_path, clock, limit=1, window=10.0).acquire('create')
    assert clock.now == pytest.approx(1010.1)  # one window after the last write, not two


def test_an_interrupted_wait_gives_its_place_back(tmp_path):
    clock = Clock()
    pacer(tmp_path, clock, limit=1).acquire('create')

    def interrupted(seconds):
        raise KeyboardInterrupt
    impatient = WritePacer(str(tmp_path / 'cache'), 'https://h/blue', limit=1, window=60.0, clock=clock,
                           sleep=interrupted)
    with pytest.raises(KeyboardInterrupt):
        impatient.acquire('create')
    assert [t['id'] for t in _tickets(tmp_path)] != [] and all(not t.get('w') for t in _tickets(tmp_path))


def test_slot_times_far_in_the_future_are_a_clock_change_not_obeyed(tmp_path):
    clock = Clock(now=100000.0)
    p = pacer(tmp_path, clock, limit=1, window=10.0)
    p.sent('create', p.acquire('create'))
    clock.now -= 7200  # the clock was set back two hours
    pacer(tmp_path, clock, limit=1, window=10.0).acquire('create')
    assert clock.now == pytest.approx(100000.0 - 7200 + 10.1)  # one window, not two hours


def test_throttle_timeout_zero_takes_a_free_slot_now_and_only_that(tmp_path):
    clock = Clock()
    assert pacer(tmp_path, clock, limit=1, deadline=clock.now - 1).acquire('create') is not None
    with pytest.raises(PacingTimeout):
        pacer(tmp_path, clock, limit=1, deadline=clock.now).acquire('create')


def test_a_429_one_task_met_holds_back_every_task_of_the_host(tmp_path):
    clock = Clock()
    pacer(tmp_path, clock).throttled('deployment_action', clock.now + 60)
    pacer(tmp_path, clock).acquire('deployment_action')
    assert clock.now == 1060.0


def test_read_budgets_have_their_own_limits(tmp_path):
    clock = Clock()
    paced = WritePacer(str(tmp_path / 'cache'), 'https://h/blue', limit=6, window=60.0, clock=clock,
                       sleep=clock.sleep, limits={'group_read': 30})
    times = []
    for _read in range(31):
        paced.sent('group_read', paced.acquire('group_read'))
        times.append(clock.now)
    assert times[29] == 1000.0 and times[30] > 1060.0  # the 31st read waits a window, the writes' 6 do not apply


def test_running_slots_are_bounded_and_freed_by_release_or_a_dead_process(tmp_path):
    clock = Clock()
    paced = pacer(tmp_path, clock, deadline=1010.0)
    slots = [paced.take_running('update_operations', 2) for _slot in range(2)]
    with pytest.raises(PacingTimeout):
        paced.take_running('update_operations', 2)  # all taken by this (live) process until the deadline
    paced.release_running('update_operations', slots[0])
    clock.now = 1000.0
    assert paced.take_running('update_operations', 2) is not None
    data = json.loads(open(os.path.join(str(tmp_path / 'cache'), 'writes.json')).read())
    dead = subprocess.Popen(['true'])
    dead.wait()
    for key, value in data.items():
        if isinstance(value, list) and len(value) == 2 and all('pid' in s and 'w' not in s for s in value):
            for slot in value:
                slot['pid'] = dead.pid
    with open(os.path.join(str(tmp_path / 'cache'), 'writes.json'), 'w') as handle:
        json.dump(data, handle)
    assert paced.take_running('update_operations', 2) is not None  # the dead process's slots no longer count


def test_notes_are_kept_until_they_expire(tmp_path):
    clock = Clock()
    paced = pacer(tmp_path, clock)
    paced.remember('import a/b/1', '/deviceUpdate/blue/updates/operations/1', keep=60)
    assert paced.remembered('import a/b/1') == '/deviceUpdate/blue/updates/operations/1'
    assert paced.remembered('import a/b/2') is None
    clock.now += 61
    assert paced.remembered('import a/b/1') is None


def test_notes_are_bounded(tmp_path):
    from ansible_collections.adu.device_update.plugins.module_utils._transport.pacing import MAX_NOTES  # pylint: disable=import-outside-toplevel
    clock = Clock()
    paced = pacer(tmp_path, clock)
    for index in range(MAX_NOTES + 5):
        clock.now += 1
        paced.remember('import a/b/%d' % index, 'op%d' % index)
    assert paced.remembered('import a/b/0') is None and paced.remembered('import a/b/%d' % (MAX_NOTES + 4)) is not None
