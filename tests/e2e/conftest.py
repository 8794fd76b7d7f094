# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""End-to-end fixtures: a real emulator on 127.0.0.1 and real ansible-playbook runs against it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


SEED = os.path.join(os.path.dirname(HERE), 'adu_emulator', 'seed.json')
with open(SEED) as _handle:
    _PRINCIPAL = json.load(_handle)['principals'][0]
TENANT_ID = _PRINCIPAL['tenant_id']
CLIENT_ID = _PRINCIPAL['client_id']
CLIENT_SECRET = _PRINCIPAL['client_secret']
STATIC_TOKEN = 'emu-static-access-token-for-tests'


class PlayResult:
    """What one ansible-playbook run left behind: exit code, output, task results in order."""

    def __init__(self, rc, stdout, stderr, records):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self._all = records  # with task starts, for timing
        self.records = [r for r in records if r['outcome'] != 'task_start']

    @property
    def results(self):
        return [r['result'] for r in self.records]

    @property
    def all_records(self):
        return self._all

    @property
    def result(self):
        """The result of the only (or last) task."""
        assert self.records, 'no task result recorded; output:\n%s\n%s' % (self.stdout, self.stderr)
        return self.records[-1]['result']

    @property
    def output(self):
        return self.stdout + self.stderr


class Runner:
    """Runs playbooks against the emulator the way a user does."""

    def __init__(self, emulator, tmp_path):
        self.emulator = emulator
        self.tmp_path = tmp_path
        self.count = 0

    def connection(self, auth='client_secret'):
        """Task options that reach the emulator; auth: client_secret, access_token or none."""
        opts = {'endpoint': self.emulator.url, 'ca_path': self.emulator.ca_path, 'instance': 'blue'}
        if auth == 'client_secret':
            opts.update(tenant_id=TENANT_ID, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                        authority_host=self.emulator.url)
        elif auth == 'access_token':
            opts['access_token'] = STATIC_TOKEN
        return opts

    def play(self, tasks, check=False, diff=False, verbosity=0, env=None, forks=None, hosts='localhost',
             inventory=None, extra_args=(), background=False):
        """Run a play of `tasks` (a list of task dicts, or YAML text) and return a PlayResult (background:
        start it and return its Popen)."""
        self.count += 1
        if not isinstance(tasks, str):
            tasks = json.dumps(tasks)
        playbook = self.tmp_path / ('play%d.yml' % self.count)
        playbook.write_text(textwrap.dedent('''\
            - hosts: %s
              gather_facts: false
              tasks: %s
            ''') % (hosts, tasks) if tasks.startswith('[') else textwrap.dedent('''\
            - hosts: %s
              gather_facts: false
              tasks:
            %s
            ''') % (hosts, textwrap.indent(textwrap.dedent(tasks), '    ')))
        record = self.tmp_path / ('play%d.jsonl' % self.count)
        cmd = ['ansible-playbook', str(playbook)]
        if inventory:
            cmd += ['-i', inventory]
        else:
            cmd += ['-i', 'localhost,', '-c', 'local']
        if check:
            cmd.append('--check')
        if diff:
            cmd.append('--diff')
        if verbosity:
            cmd.append('-' + 'v' * verbosity)
        if forks:
            cmd += ['--forks', str(forks)]
        cmd += list(extra_args)
        run_env = dict(os.environ)
        for name in list(run_env):
            if name.startswith('AZURE_'):
                del run_env[name]
        run_env.update({
            'ADU_RECORD_FILE': str(record),
            'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
            'ANSIBLE_CALLBACKS_ENABLED': 'adu_record',
            'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
            'ANSIBLE_LOCALHOST_WARNING': 'false',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_RETRY_FILES_ENABLED': 'false',
            'ANSIBLE_HOME': str(self.tmp_path / 'ansible-home'),
            # Each test has its own token cache, so no test sees another's tokens.
            'XDG_CACHE_HOME': str(self.tmp_path / 'cache'),
        })
        run_env.update(env or {})
        if background:  # the caller waits for it, or kills it
            return subprocess.Popen(cmd, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        proc = subprocess.run(cmd, capture_output=True, text=True, env=run_env, timeout=600, check=False)
        records = []
        if record.exists():
            records = [json.loads(line) for line in record.read_text().splitlines() if line.strip()]
        return PlayResult(proc.returncode, proc.stdout, proc.stderr, records)

    @staticmethod
    def item_durations(play, task_name):
        """Seconds each loop item of a task took: from the task's start (or the previous item) to its result."""
        times = [r['time'] for r in play.all_records if r['task'] == task_name]
        return [b - a for a, b in zip(times, times[1:])]

    def task(self, state, deployment_id, auth='client_secret', register=None, **options):
        """One adu_deployment task as a dict."""
        args = self.connection(auth)
        args.update(deployment_id=deployment_id, state=state)
        args.update(options)
        task = {'name': 'adu_deployment %s %s' % (state, deployment_id), 'adu.device_update.adu_deployment': args}
        if register:
            task['register'] = register
        return task


@pytest.fixture
def runner(emulator, tmp_path):
    return Runner(emulator, tmp_path)


def adu_calls(emulator):
    """(method, route) of the ADU API calls in the journal, token requests left out."""
    return [(e['method'], e['route']) for e in emulator.journal if e['route'] not in ('discovery', 'token')]
