# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The demo play through ansible-runner, the engine AWX uses, with credentials the way AWX injects
them (environment variables from a credential type) and the connection in module_defaults."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import os
import shutil
import sys

import ansible_runner

from conftest import CLIENT_ID, CLIENT_SECRET, TENANT_ID

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_job(emulator, private_data_dir):
    envvars = {
        # What the ADU credential type of docs/awx.md injects.
        'AZURE_TENANT_ID': TENANT_ID, 'AZURE_CLIENT_ID': CLIENT_ID, 'AZURE_CLIENT_SECRET': CLIENT_SECRET,
        'AZURE_AUTHORITY_HOST': emulator.url,
        'ANSIBLE_COLLECTIONS_PATH': os.environ['ANSIBLE_COLLECTIONS_PATH'],
        'XDG_CACHE_HOME': os.path.join(private_data_dir, 'cache'),
    }
    job = ansible_runner.run(
        private_data_dir=private_data_dir, playbook='demo.yml', quiet=True, envvars=envvars,
        inventory='localhost ansible_connection=local ansible_python_interpreter=%s' % sys.executable,
        extravars={'adu_endpoint': emulator.url, 'adu_ca_path': emulator.ca_path})
    changed = collections.Counter()
    for event in job.events:
        if event['event'] == 'runner_on_ok':
            data = event['event_data']
            if data.get('res', {}).get('changed'):
                changed[(data['host'], data['task'])] += 1
    return job, changed


def test_demo_play_through_ansible_runner(emulator, tmp_path):
    project = tmp_path / 'project'
    project.mkdir()
    shutil.copy(os.path.join(ROOT, 'docs', 'examples', 'demo.yml'), str(project / 'demo.yml'))

    job, changed = run_job(emulator, str(tmp_path))
    assert job.status == 'successful' and job.rc == 0
    assert changed == {
        ('localhost', 'Roll firmware 2026.11.25 out to the fleet-eu group, rolling back past 10% failures'): 1,
        ('localhost', 'Retry the failed devices'): 1,
        ('localhost', 'Stop another rollout, in every device class of its group'): 1,
        ('localhost', 'Delete a finished deployment (an instance holds at most 100)'): 1}
    assert job.stats['changed'] == {'localhost': 4} and not job.stats['failures']
    assert len(emulator.requests('token')) == 1

    again, changed = run_job(emulator, str(tmp_path))
    assert again.status == 'successful' and changed == {}
    assert again.stats['changed'] == {} and again.stats['ok'] == {'localhost': 7}
    assert len(emulator.requests('token')) == 1  # the second job reuses the cached token
    # What the job produced (not runner's 'command' file, its own record of the environment it was given).
    produced = [os.path.join(d, f) for d, _dirs, files in os.walk(str(tmp_path / 'artifacts')) for f in files
                if f != 'command']
    assert any(p.endswith('stdout') for p in produced)
    assert [p for p in produced if CLIENT_SECRET in open(p, errors='replace').read()] == []
