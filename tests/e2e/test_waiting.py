# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""No task waits in line behind another's network call, and a lock nobody releases fails a task clearly."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import signal
import subprocess
import sys
import time

import pytest

from hostile import Answer, HostileServer

FORKS = 6
TIMEOUT = 2


@pytest.fixture
def silent_authority(emulator):
    """An authority that takes every connection and never answers in time."""
    def script(request):
        time.sleep(15)
        return Answer(500, {'error': 'late'})
    server = HostileServer(emulator.ssl_context, script).start()
    yield server
    server.stop()


def inventory(tmp_path, count):
    path = tmp_path / 'hosts.ini'
    path.write_text(''.join('host-%d ansible_connection=local ansible_python_interpreter=%s\n' % (i, sys.executable)
                            for i in range(count)))
    return str(path)


def test_forks_do_not_wait_in_line_behind_an_authority_that_never_answers(runner, emulator, silent_authority, tmp_path):
    task = runner.task('canceled', 'dpokluda-test.2020-1111-1124-8', authority_host=silent_authority.url,
                       timeout=TIMEOUT, retries=0)
    start = time.time()
    play = runner.play([task], hosts='all', inventory=inventory(tmp_path, FORKS), forks=FORKS)
    ended = [r['time'] - start for r in play.records]
    assert len(ended) == FORKS and all(r['outcome'] == 'failed' for r in play.records), play.output
    assert all('could not get a token' in r['result']['msg'] for r in play.records)
    # Each fork waits at most one timeout for the fork asking, then asks itself: none waits for all the others.
    # In line behind one lock they ended 2, 4, ... 12 s in.
    assert max(ended) < 3 * TIMEOUT + 4, ended
    assert emulator.requests('cancel') == []


def test_one_token_request_for_forks_starting_together(runner, emulator, tmp_path):
    task = runner.task('canceled', 'dpokluda-test.2020-1111-1124-8')
    play = runner.play([task], hosts='all', inventory=inventory(tmp_path, FORKS), forks=FORKS)
    assert play.rc == 0, play.output
    assert len(emulator.requests('token')) == 1


def test_a_stopped_process_holding_the_token_cache_lock_fails_the_task_within_its_timeout(runner, emulator, tmp_path):
    cache = tmp_path / 'cache' / 'adu.device_update'
    cache.mkdir(parents=True, mode=0o700)
    holder = subprocess.Popen([sys.executable, '-c', (
        'import fcntl, os, sys, time\n'
        'fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)\n'
        'fcntl.flock(fd, fcntl.LOCK_EX)\n'
        'print("locked", flush=True)\n'
        'time.sleep(120)\n'), str(cache / 'tokens.json.lock')], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == 'locked'
        os.kill(holder.pid, signal.SIGSTOP)
        start = time.time()
        play = runner.play([runner.task('canceled', 'dpokluda-test.2020-1111-1124-8', timeout=TIMEOUT)])
        took = time.time() - start
    finally:
        holder.kill()
        holder.wait()
    assert play.rc != 0 and took < TIMEOUT + 10
    assert 'could not lock the token cache' in play.result['msg'] and 'within 2 s' in play.result['msg']
    assert emulator.journal == []
