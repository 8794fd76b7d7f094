# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""scripts/bench.py on small sizes: it must keep running, and its request counts must be the targets.
Timings are printed by `make bench`, never asserted."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_bench_runs_and_counts_requests_as_targeted(tmp_path):
    out = tmp_path / 'bench.json'
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'bench.py'), '--per', '3', '--fan', '12',
                           '--growth', '3,6', '--stop', '8', '--stop-window', '2', '--json', str(out)], capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for heading in ('1. Per-deployment cost', '2. 12 deployments, forks 10', '3. Import cost', '4. Cost growth',
                    '5. Emergency stop: 8 deployments'):
        assert heading in proc.stdout
    figures = json.loads(out.read_text())
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
    out = tmp_path / 'staging.json'
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'bench_staging.py'), '--size', '8',
                           '--json', str(out)], capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '6. Staging a 8 MB build file' in proc.stdout
    figures = json.loads(out.read_text())
    assert figures['first']['rc'] == 0 and figures['rerun']['rc'] == 0
    assert 0 < figures['first']['peak_rss_mb'] < 400
    assert '[True, True] imported update Contoso/Large/1.0.8' in proc.stdout
    assert '[] update Contoso/Large/1.0.8 is imported; nothing to do' in proc.stdout
    assert all(run['rc'] == 0 for run in figures['sdk'].values()) and figures['ratio_to_best_sdk_upload'] > 0


def test_manifest_bench_runs(tmp_path):
    out = tmp_path / 'manifest.json'
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'bench_manifest.py'), '--size', '8',
                           '--files', '2', '--json', str(out)], capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '7. The import manifest of a 8 MB build in 2 files' in proc.stdout
    figures = json.loads(out.read_text())
    assert figures['sha256sum']['rc'] == 0 and figures['module']['rc'] == 0, proc.stdout
    assert 0 < figures['module']['peak_rss_mb'] < 400


def test_inventory_bench_lists_every_device(tmp_path):
    out = tmp_path / 'inventory.json'
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'bench_inventory.py'), '--devices', '300',
                           '--page-size', '100', '--json', str(out)], capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    figures = json.loads(out.read_text())
    # the seed's own 10 devices of dpokluda-test, beside the bench's group
    assert figures['inventory']['hosts'] == int(figures['sdk']['listed']) == 310, proc.stdout
    assert figures['parse']['hosts'] == '310'


def test_listing_bench_lists_every_device_state(tmp_path):
    out = tmp_path / 'listing.json'
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'bench_listing.py'), '--devices', '250',
                           '--page-sizes', '50', '--json', str(out)], capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    row = json.loads(out.read_text())[0]
    assert row['module']['rc'] == 0 and row['sdk']['listed'] == '250', proc.stdout


def test_rollout_bench_counts_requests_per_ring(tmp_path):
    out = tmp_path / 'rollout.json'
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'bench_rollout.py'), '--json', str(out)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    figures = json.loads(out.read_text())
    for row in figures['first']['rings'].values():  # a read, adu_deployment's read and PUT, one request a poll
        assert row['writes'] == 1 and row['requests'] == 3 + row['polls'], proc.stdout
    assert all(row == {'requests': 2, 'polls': 1, 'writes': 0} for row in figures['rerun']['rings'].values())


def test_groups_bench_reads_within_the_limits(tmp_path):
    out = tmp_path / 'groups.json'
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'bench_groups.py'), '--groups', '40',
                           '--window', '2', '--json', str(out)], capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    figures = json.loads(out.read_text())
    # the module's reads take their budgets' slots: no 429 from one controller, and no sooner than the limits allow
    assert figures['module']['rc'] == 0 and figures['module']['throttled'] == 0, proc.stdout
    assert figures['module']['floor'] > 0 and figures['module']['seconds'] >= figures['module']['floor']


def test_tasks_bench_measures_a_no_op_task_against_ping(tmp_path):
    out = tmp_path / 'tasks.json'
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'bench_tasks.py'), '--items', '3',
                           '--rounds', '1', '--modules', 'adu_update_info,adu_update_manifest', '--json', str(out)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    figures = json.loads(out.read_text())
    assert sorted(figures) == ['adu_update_info', 'adu_update_manifest']
    assert all(row['ms'] > 0 and row['ping_ms'] > 0 for row in figures.values())
