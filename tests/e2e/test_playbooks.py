# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checked-in, self-checking playbooks (tests/e2e/playbooks) against the emulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys

from conftest import STATIC_TOKEN, adu_calls

PLAYBOOKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'playbooks')


def test_idempotence_playbook(emulator, tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path), ANSIBLE_LOCALHOST_WARNING='false')
    proc = subprocess.run(
        ['ansible-playbook', '-i', 'localhost,', os.path.join(PLAYBOOKS, 'idempotence.yml'),
         '-e', 'ansible_python_interpreter=%s' % sys.executable, '-e', 'adu_endpoint=%s' % emulator.url,
         '-e', 'adu_ca_path=%s' % emulator.ca_path, '-e', 'adu_access_token=%s' % STATIC_TOKEN],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'All assertions passed' in proc.stdout
    assert adu_calls(emulator).count(('POST', 'cancel')) == 1
    assert ('POST', 'retry') not in adu_calls(emulator)
