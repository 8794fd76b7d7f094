# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.adu.device_update.plugins.module_utils._pacing import PacingTimeout, WritePacer


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
