# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pacing file cannot stall the host: what a killed task, a hostile local user or a 429 leaves behind,
end to end through ansible-playbook."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import signal
import time

UPDATE = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.11.25'}
WINDOW = 4.0


def create(runner, deployment_id, **options):
    return runner.task('present', deployment_id, auth='access_token', group_id='canary', update=UPDATE,
                       start_date_time='2026-11-25T08:00:00Z', write_rate_limit=1, write_rate_window=WINDOW,
                       **options)


def create_times(emulator):
    return dict((e['deployment_id'], e['time']) for e in emulator.requests('ga_create'))


def modules_of(tmp_path):
    """The module processes of this test's plays (their XDG_CACHE_HOME is the test's own)."""
    mark = ('XDG_CACHE_HOME=%s' % (tmp_path / 'cache')).encode()
    found = []
    for pid in os.listdir('/proc'):
        try:
            with open('/proc/%s/cmdline' % pid, 'rb') as handle:
                cmdline = handle.read()
            with open('/proc/%s/environ' % pid, 'rb') as handle:
                environ = handle.read().split(b'\0')
        except (IOError, OSError):
            continue
        if b'AnsiballZ_adu_deployment' in cmdline and mark in environ:
            found.append(int(pid))
    return found


def test_a_task_killed_while_waiting_for_its_slot_leaves_no_ghost(runner, emulator):
    assert runner.play([create(runner, 'paced-1')]).rc == 0
    waiting = runner.play([create(runner, 'paced-2')], background=True)
    time.sleep(2.0)  # its module is waiting for the slot after paced-1's window
    modules = modules_of(runner.tmp_path)
    assert modules, 'no module process found waiting'
    for pid in modules:
        os.kill(pid, signal.SIGKILL)
    os.killpg(waiting.pid, signal.SIGKILL)
    waiting.wait()
    assert runner.play([create(runner, 'paced-3')]).rc == 0
    times = create_times(emulator)
    assert 'paced-2' not in times  # the killed task sent nothing
    # One window after paced-1, not two: the killed task's ticket does not count as a write.
    assert WINDOW <= times['paced-3'] - times['paced-1'] < 2 * WINDOW


def test_a_fifo_or_a_symlink_in_the_cache_directory_fails_at_once(runner, emulator, tmp_path):
    cache = tmp_path / 'cache' / 'adu.device_update'
    cache.mkdir(parents=True, mode=0o700)
    os.mkfifo(str(cache / 'writes.json'), 0o600)
    start = time.time()
    play = runner.play([create(runner, 'fifo-1')])
    assert play.rc != 0 and time.time() - start < 30
    assert 'write pacing file' in play.result['msg'] and 'is not a regular file' in play.result['msg']
    os.unlink(str(cache / 'writes.json'))
    os.symlink(str(tmp_path / 'elsewhere'), str(cache / 'writes.json.lock'))
    play = runner.play([create(runner, 'link-1')])
    assert play.rc != 0 and 'symbolic link' in play.result['msg']
    assert not (tmp_path / 'elsewhere').exists() and emulator.requests('ga_create') == []


def test_throttle_timeout_zero_takes_a_free_slot_and_refuses_to_wait(runner, emulator):
    play = runner.play([create(runner, 'now-1', throttle_timeout=0), create(runner, 'now-2', throttle_timeout=0)])
    first, second = play.results
    assert first['changed'] is True and [r['outcome'] for r in play.records] == ['ok', 'failed']
    assert 'past the time budget (throttle_timeout)' in second['msg']
    assert list(create_times(emulator)) == ['now-1']
