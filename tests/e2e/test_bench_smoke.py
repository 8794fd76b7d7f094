# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The scripts of `make bench` on small sizes: they must keep running, and their request counts must be the targets.
Timings are printed by `make bench`, never asserted."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_bench(tmp_path, script, *args, timeout=300):
    """scripts/<script>.py with args and --json: its finished process and the figures it wrote."""
    out = tmp_path / (script + '.json')
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', script + '.py')] + list(args) +
                          ['--json', str(out)], capture_output=True, text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc, json.loads(out.read_text())


def test_bench_runs_and_counts_requests_as_targeted(tmp_path):
    proc, figures = run_bench(tmp_path, 'bench', '--per', '3', '--fan', '12', '--growth', '3,6', '--stop', '8',
                              '--stop-window', '2', timeout=600)
    for heading in ('1. Per-deployment cost', '2. 12 deployments, forks 10', '3. Import cost', '4. Cost growth',
                    '5. Emergency stop: 8 deployments'):
        assert heading in proc.stdout
    for stop in figures['stop']:
        outcome = (stop['rc'], stop['failed'], stop['canceled'], stop['extra_writes'], stop['throttled'])
        assert outcome == (0, 0, 8, 0, 0), stop
    first, second = figures['fan']
    assert (first['changed'], first['token_requests'], first['http_per_deployment']) == (12, 1, 2.0)
    assert (second['changed'], second['token_requests'], second['http_per_deployment']) == (0, 0, 1.0)
    for path in ('access_token', 'cached token'):
        assert figures['imports'][path]['loaded'] == {'msal': False, 'cryptography': False, 'requests': True}
    assert sorted(figures['per_deployment']) == ['already canceled', 'canceling']


def test_staging_bench_runs_and_uploads_once(tmp_path):
    proc, figures = run_bench(tmp_path, 'bench_staging', '--size', '8')
    assert '6. Staging a 8 MB build file' in proc.stdout
    assert figures['first']['rc'] == 0 and figures['rerun']['rc'] == 0
    assert 0 < figures['first']['peak_rss_mb'] < 400
    assert '[True, True] imported update Contoso/Large/1.0.8' in proc.stdout
    assert '[] update Contoso/Large/1.0.8 is imported; nothing to do' in proc.stdout
    assert all(run['rc'] == 0 for run in figures['sdk'].values()) and figures['ratio_to_best_sdk_upload'] > 0
    # The module's own process, inside the task; staging as the emulator saw it; the rerun sends no import.
    assert 0 < figures['first']['module_process']['seconds'] < figures['first']['seconds']
    assert 0 < figures['first']['staging_seconds'] < figures['first']['module_process']['seconds']
    assert figures['rerun']['staging_seconds'] is None


def test_manifest_bench_runs(tmp_path):
    proc, figures = run_bench(tmp_path, 'bench_manifest', '--size', '8', '--files', '2')
    assert '7. The import manifest of a 8 MB build in 2 files' in proc.stdout
    assert figures['sha256sum']['rc'] == 0 and figures['module']['rc'] == 0, proc.stdout
    assert 0 < figures['module']['peak_rss_mb'] < 400


def test_inventory_bench_lists_every_device(tmp_path):
    proc, figures = run_bench(tmp_path, 'bench_inventory', '--devices', '300', '--page-size', '100')
    # the seed's own 10 devices of dpokluda-test, beside the bench's group
    assert figures['inventory']['hosts'] == int(figures['sdk']['listed']) == 310, proc.stdout
    assert figures['parse']['hosts'] == '310'


def test_listing_bench_lists_every_device_state(tmp_path):
    proc, figures = run_bench(tmp_path, 'bench_listing', '--devices', '250', '--page-sizes', '50')
    row = figures[0]
    assert row['module']['rc'] == 0 and row['sdk']['listed'] == '250', proc.stdout
    assert 0 < row['module_process']['seconds'] < row['module']['seconds'] and row['process_ratio'] > 0


def test_rollout_bench_counts_requests_per_ring(tmp_path):
    proc, figures = run_bench(tmp_path, 'bench_rollout')
    for row in figures['first']['rings'].values():  # a read, adu_deployment's read and PUT, one request a poll
        assert row['writes'] == 1 and row['requests'] == 3 + row['polls'], proc.stdout
    assert all(row == {'requests': 2, 'polls': 1, 'writes': 0} for row in figures['rerun']['rings'].values())


def test_groups_bench_reads_within_the_limits(tmp_path):
    proc, figures = run_bench(tmp_path, 'bench_groups', '--groups', '40', '--window', '2')
    # the module's reads take their budgets' slots: no 429 from one controller, and no sooner than the limits allow
    assert figures['module']['rc'] == 0 and figures['module']['throttled'] == 0, proc.stdout
    assert figures['module']['floor'] > 0 and figures['module']['seconds'] >= figures['module']['floor']


def test_tasks_bench_measures_a_no_op_task_against_ping(tmp_path):
    _proc, figures = run_bench(tmp_path, 'bench_tasks', '--items', '3', '--rounds', '1', '--modules',
                               'adu_update_info,adu_update_manifest')
    assert sorted(figures) == ['adu_update_info', 'adu_update_manifest']
    assert all(row['ms'] > 0 and row['ping_ms'] > 0 for row in figures.values())
