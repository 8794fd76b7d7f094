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
    recaps = re.findall(r'localhost\s+: ok=\d+\s+changed=(\d+)\s+unreachable=0\s+failed=(\d+)', proc.stdout)
    # Each round: the pipeline (stage, import, deploy, clean up), the rollout story, the staged rollout
    # (which stops at its failing ring, reported rather than failed); the second round changes nothing.
    assert recaps == [('3', '0'), ('4', '0'), ('3', '0'), ('0', '0'), ('0', '0'), ('0', '0')], proc.stdout
    assert '[ERROR]' not in proc.stdout + proc.stderr
    assert 'imported update Contoso/Gateway/2026.12.3' in proc.stdout
    assert 'fleet-eu-c61300e6-device-001' in proc.stdout  # the failed devices were listed, by their device ids
    assert 'deployment fw-2026-11-25: retried in 1 of 2 subgroup(s)' in proc.stdout
    assert proc.stdout.count('staged rollout fw-2026-11-25 stopped at ring pilot') >= 2
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith('make demo passed: against the emulator on https://127.0.0.1:')
    assert 'stopped a 3-ring rollout at ring pilot' in last and 'the second run changed nothing' in last
