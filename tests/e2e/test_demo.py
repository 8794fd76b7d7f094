# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo` is the README's first command: it must keep working."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_demo_acts_then_reports_ok_on_the_second_run():
    proc = subprocess.run(['bash', os.path.join(ROOT, 'scripts', 'demo.sh')], capture_output=True, text=True,
                          timeout=300, check=False, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    recaps = re.findall(r'localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=0\s+failed=(\d+)', proc.stdout)
    assert recaps == [('7', '4', '0'), ('7', '0', '0')], proc.stdout
    assert 'fw-2026-11-25-c61300e6-device-001' in proc.stdout  # the failed devices were listed
    assert 'deployment fw-2026-11-25: retried in 1 of 2 subgroup(s)' in proc.stdout
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith('make demo passed: against the emulator on https://127.0.0.1:')
    assert 'the first run reported changed=4 (created a GA rollout' in last and 'the second run changed=0 (idempotent)' in last
