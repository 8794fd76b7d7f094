#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench: adu_deployment against the floor, on the local emulator, printed as tables.

1. Per-deployment cost: adu_deployment (token from the cache), ansible.builtin.ping (the floor of
   any task), and the hand-written alternative (ansible.builtin.uri: a token once, then per
   deployment a GET task and a POST task guarded by `when`), canceling and already canceled.
2. A play canceling many deployments with forks 10 and client-secret auth: wall time, token
   requests, HTTP requests per deployment; the same play again.
3. Import cost of the module, and whether msal/cryptography stay off the path.
4. Cost growth: per-deployment time at several play sizes.
5. The emergency stop: 24 deployments of one instance canceled under the service's write limit
   (6 a window, 429 without Retry-After unless asked), with forks and with a loop, against the
   floor the limit alone sets (the first 6 at once, then 6 a window). Real one-minute windows by
   default (about 13 minutes); --stop-window scales them.

Sections 1, 2 and 4 measure the module, not the service's limit: the emulator does not throttle
there, and the pacer runs with a budget that never binds (its file is still locked and written).

It measures and prints; it asserts nothing (targets are shown beside the figures).
"""

from __future__ import absolute_import, division, print_function

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'e2e'))

from adu_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position
from conftest import CLIENT_ID, CLIENT_SECRET, TENANT_ID, Runner  # noqa: E402  pylint: disable=wrong-import-position


class Bench:
    def __init__(self, work):
        self.work = work
        self.emulator = Emulator(cert_dir=os.path.join(work, 'ca')).start()
        self.runner = Runner(self.emulator, _Path(work))
        self.cache = os.path.join(work, 'cache')
        self.env = {'XDG_CACHE_HOME': self.cache}

    def fresh(self, count, prefix='bench'):
        """A reset service holding `count` active deployments; returns their ids."""
        self.emulator.reset()
        shutil.rmtree(self.cache, ignore_errors=True)
        ids = ['%s-%05d' % (prefix, i) for i in range(count)]
        for deployment_id in ids:
            self.emulator.store.add_deployment('blue', {'deploymentId': deployment_id})
        return ids

    def adu_args(self, **options):
        args = dict(self.runner.connection(auth='none'), authority_host=self.emulator.url, tenant_id=TENANT_ID,
                    client_id=CLIENT_ID, client_secret=CLIENT_SECRET, write_rate_limit=1000, write_rate_window=0.1)
        args.update(options)
        return args

    def play(self, tasks, **kwargs):
        play = self.runner.play(tasks, env=self.env, **kwargs)
        if play.rc != 0:
            raise RuntimeError('benchmark play failed:\n%s' % play.output[-3000:])
        return play

    def warm_token(self):
        self.play([{'name': 'warm', 'adu.device_update.adu_deployment_info':
                    dict(self.adu_args(), deployment_id='rollout-2026-11-healthy')}])

    # 1. Per-deployment cost
    def adu(self, ids):
        task = {'name': 'adu', 'adu.device_update.adu_deployment': dict(
            self.adu_args(), deployment_id='{{ item }}', state='canceled'), 'loop': ids}
        play = self.play([task])
        return self.runner.item_durations(play, 'adu')

    def ping(self, ids):
        play = self.play([{'name': 'ping', 'ansible.builtin.ping': {}, 'loop': ids}])
        return self.runner.item_durations(play, 'ping')

    def uri(self, ids):
        base = '%s/deviceupdate/blue/v2/management/deployments/' % self.emulator.url
        tasks = [
            {'name': 'token', 'no_log': True, 'register': 'aad', 'ansible.builtin.uri': {
                'url': '%s/%s/oauth2/v2.0/token' % (self.emulator.url, TENANT_ID), 'method': 'POST',
                'ca_path': self.emulator.ca_path, 'body_format': 'form-urlencoded', 'body': {
                    'grant_type': 'client_credentials', 'client_id': CLIENT_ID, 'client_secret': CLIENT_SECRET,
                    'scope': 'https://api.adu.microsoft.com/.default'}}},
            {'name': 'get', 'register': 'read', 'loop': ids, 'ansible.builtin.uri': {
                'url': base + '{{ item }}', 'ca_path': self.emulator.ca_path,
                'headers': {'Authorization': 'Bearer {{ aad.json.access_token }}'}}},
            {'name': 'post', 'loop': '{{ read.results }}', 'loop_control': {'label': '{{ item.item }}'},
             'when': 'not item.json.isCanceled', 'changed_when': True, 'ansible.builtin.uri': {
                 'url': base + '{{ item.item }}?action=cancel', 'method': 'POST', 'ca_path': self.emulator.ca_path,
                 'headers': {'Authorization': 'Bearer {{ aad.json.access_token }}'}}},
        ]
        play = self.play(tasks)
        gets, posts = self.runner.item_durations(play, 'get'), self.runner.item_durations(play, 'post')
        return [g + p for g, p in zip(gets, posts)]

    def per_deployment(self, count):
        rows = {}
        for case in ('canceling', 'already canceled'):
            for name, contender in (('adu_deployment', self.adu), ('ansible.builtin.ping', self.ping),
                                    ('uri, hand-written', self.uri)):
                ids = self.fresh(count)
                self.warm_token()
                if case == 'already canceled':
                    for deployment_id in ids:
                        self.emulator.store.apply('blue', deployment_id, 'cancel')
                durations = contender(ids)
                rows[(case, name)] = durations
        return rows

    def inventory(self, name, ids):
        """An inventory with one local host per deployment id, for plays with forks."""
        path = os.path.join(self.work, name + '.ini')
        with open(path, 'w') as handle:
            for deployment_id in ids:
                handle.write('%s ansible_connection=local ansible_python_interpreter=%s\n'
                             % (deployment_id, sys.executable))
        return path

    # 2. Many deployments, forks 10
    def fan(self, count, forks=10):
        ids = self.fresh(count, prefix='fan')
        inventory = self.inventory('fan', ids)
        task = {'name': 'cancel', 'adu.device_update.adu_deployment': dict(
            self.adu_args(), deployment_id='{{ inventory_hostname }}', state='canceled')}
        figures = []
        for run in ('first run', 'second run'):
            self.emulator.journal[:] = []
            start = time.time()
            play = self.play([task], hosts='all', inventory=inventory, forks=forks)
            wall = time.time() - start
            changed = sum(1 for r in play.records if r['result'].get('changed'))
            adu_calls = [e for e in self.emulator.journal if e['route'] not in ('discovery', 'token')]
            figures.append({'run': run, 'wall_s': wall, 'changed': changed, 'ok': len(play.records),
                            'token_requests': len(self.emulator.requests('token')),
                            'http_per_deployment': len(adu_calls) / float(count)})
        return figures

    # 3. Import cost
    def imports(self):
        probe = (
            'import sys, json, io, contextlib\n'
            'from ansible.module_utils.testing import patch_module_args\n'
            'from ansible_collections.adu.device_update.plugins.modules import adu_deployment\n'
            'args = json.loads(sys.argv[1])\n'
            'with contextlib.redirect_stdout(io.StringIO()), patch_module_args(args):\n'
            '    try:\n'
            '        adu_deployment.main()\n'
            '    except SystemExit:\n'
            '        pass\n'
            'print(json.dumps({m: m in sys.modules for m in ("msal", "cryptography", "requests")}))\n')
        results = {}
        env = dict(os.environ, XDG_CACHE_HOME=self.cache)
        self.fresh(1)
        self.warm_token()
        for label, args in (('access_token', dict(self.runner.connection(auth='access_token'))),
                            ('cached token', self.adu_args())):
            args.update(deployment_id='rollout-2026-11-healthy', state='canceled')
            out = subprocess.run([sys.executable, '-X', 'importtime', '-c', probe, json.dumps(args)], env=env,
                                 capture_output=True, text=True, check=True)
            loaded = json.loads(out.stdout.strip().splitlines()[-1])
            cumulative = {}
            for line in out.stderr.splitlines():
                parts = [p.strip() for p in line.split('|')]
                if len(parts) == 3 and parts[1].isdigit():
                    cumulative[parts[2]] = int(parts[1])
            top = dict((name, cumulative.get(name, 0) / 1000.0) for name in (
                'ansible.module_utils.basic', 'requests',
                'ansible_collections.adu.device_update.plugins.module_utils._module'))
            results[label] = {'loaded': loaded, 'ms': top}
        return results

    # 4. Growth
    def growth(self, sizes):
        out = []
        for size in sizes:
            ids = self.fresh(size)
            self.warm_token()
            durations = self.adu(ids)
            out.append((size, statistics.median(durations), statistics.mean(durations)))
        return out

    # 5. The emergency stop under the write limit
    def stop(self, count, window, mode, retry_after):
        ids = self.fresh(count, prefix='stop')
        self.emulator.throttle(action=(6, window), read=None, retry_after=retry_after)
        args = self.adu_args(write_rate_limit=6, write_rate_window=window)
        if mode == 'forks 10':
            inventory = self.inventory('stop', ids)
            task = {'name': 'stop', 'adu.device_update.adu_deployment': dict(
                args, deployment_id='{{ inventory_hostname }}', state='canceled')}
            kwargs = dict(hosts='all', inventory=inventory, forks=10)
        else:
            task = {'name': 'stop', 'loop': ids, 'adu.device_update.adu_deployment': dict(
                args, deployment_id='{{ item }}', state='canceled')}
            kwargs = {}
        start = time.time()
        play = self.runner.play([task], env=self.env, **kwargs)
        wall = time.time() - start
        posts = self.emulator.requests('cancel')
        applied = [e['deployment_id'] for e in posts if e['status'] == 200]
        floor = ((count - 1) // 6) * window
        self.emulator.throttle(action=None, read=None, create=None, delete=None)
        return {'mode': mode, 'retry_after': retry_after, 'wall_s': wall, 'floor_s': floor,
                'ratio': wall / floor if floor else None, 'rc': play.rc,
                'failed': sum(1 for r in play.records if r['outcome'] == 'failed'),
                'canceled': len(set(applied)), 'throttled': sum(1 for e in posts if e.get('throttled')),
                'extra_writes': len(applied) - len(set(applied))}


class _Path(str):
    """The bit of pathlib the Runner uses."""

    def __truediv__(self, other):
        return _PathFile(os.path.join(self, other))


class _PathFile(str):
    def write_text(self, text):
        with open(self, 'w') as handle:
            handle.write(text)

    def exists(self):
        return os.path.exists(self)

    def read_text(self):
        with open(self) as handle:
            return handle.read()

    def __truediv__(self, other):
        return _PathFile(os.path.join(self, other))


def ms(seconds):
    return '%.0f' % (seconds * 1000)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--per', type=int, default=60, help='deployments per contender (median over them)')
    parser.add_argument('--fan', type=int, default=500, help='deployments in the forks play')
    parser.add_argument('--growth', default='50,500,2000', help='play sizes for the growth table')
    parser.add_argument('--stop', type=int, default=24, help='deployments in the emergency stop (0: skip it)')
    parser.add_argument('--stop-window', type=float, default=60.0, help='seconds of the service\'s write window')
    parser.add_argument('--stop-only', action='store_true', help='run only the emergency stop (section 5)')
    parser.add_argument('--json', help='write the figures here as JSON')
    parser.add_argument('--plot', help='write a PNG of the per-task times here (needs matplotlib)')
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix='adu-bench-')
    bench = Bench(work)
    figures = {'machine': {'python': platform.python_version(), 'platform': platform.platform(),
                           'cpus': os.cpu_count(), 'processor': platform.processor() or platform.machine()}}
    try:
        if not args.stop_only:
            print('1. Per-deployment cost, ms per deployment (median over %d), on %s with %d CPUs'
                  % (args.per, platform.platform(), os.cpu_count()))
            rows = bench.per_deployment(args.per)
            print('%-18s %-20s %8s %8s %10s' % ('case', 'contender', 'median', 'mean', 'vs ping'))
            per = {}
            for (case, name), durations in sorted(rows.items()):
                median = statistics.median(durations)
                floor = statistics.median(rows[(case, 'ansible.builtin.ping')])
                per.setdefault(case, {})[name] = {'median_ms': median * 1000,
                                                  'mean_ms': statistics.mean(durations) * 1000,
                                                  'n': len(durations), 'samples_ms': [d * 1000 for d in durations]}
                print('%-18s %-20s %8s %8s %9.2fx' % (case, name, ms(median), ms(statistics.mean(durations)),
                                                      median / floor))
            for case, contenders in per.items():
                names = ('adu_deployment', 'ansible.builtin.ping', 'uri, hand-written')
                adu, ping, uri = (contenders[n]['median_ms'] for n in names)
                print('  %s: adu_deployment / ping = %.2f (target <= 1.5, aim 1.3); uri / adu_deployment = %.2f '
                      '(target >= 1.5)' % (case, adu / ping, uri / adu))
            figures['per_deployment'] = per

            print('\n2. %d deployments, forks 10, client-secret auth' % args.fan)
            fan = bench.fan(args.fan)
            columns = ('run', 'wall s', 'changed', 'ok', 'token requests', 'HTTP per deployment')
            print('%-11s %8s %8s %5s %15s %20s' % columns)
            for row in fan:
                print('%-11s %8.1f %8d %5d %15d %20.2f' % (row['run'], row['wall_s'], row['changed'], row['ok'],
                                                           row['token_requests'], row['http_per_deployment']))
            print('  targets: 1 token request; 2 HTTP requests per deployment when canceling, 1 when already canceled')
            figures['fan'] = fan

            print('\n3. Import cost of the module (python -X importtime, cumulative ms)')
            imports = bench.imports()
            for label, data in imports.items():
                print('  %-13s basic %.0f, requests %.0f, our module_utils %.0f; loaded: %s' % (
                    label, data['ms']['ansible.module_utils.basic'], data['ms']['requests'],
                    data['ms']['ansible_collections.adu.device_update.plugins.module_utils._module'],
                    ', '.join('%s=%s' % kv for kv in sorted(data['loaded'].items()))))
            figures['imports'] = imports

            sizes = [int(s) for s in args.growth.split(',') if s]
            print('\n4. Cost growth: adu_deployment ms per deployment by play size')
            growth = bench.growth(sizes)
            for size, median, mean in growth:
                print('  %6d deployments: median %s, mean %s' % (size, ms(median), ms(mean)))
            figures['growth'] = [{'deployments': s, 'median_ms': m * 1000, 'mean_ms': a * 1000}
                                 for s, m, a in growth]

        if args.stop:
            print('\n5. Emergency stop: %d deployments of one instance, 6 cancels per %.0f s window, pacing on'
                  % (args.stop, args.stop_window))
            columns = ('mode', 'Retry-After', 'wall s', 'floor s', 'ratio', 'failed', 'canceled', '429 seen',
                       'extra writes')
            print('%-9s %-12s %8s %8s %7s %7s %9s %10s %13s' % columns)
            stops = []
            for mode in ('forks 10', 'loop'):
                for retry_after in (False, True):
                    row = bench.stop(args.stop, args.stop_window, mode, retry_after)
                    stops.append(row)
                    print('%-9s %-12s %8.1f %8.1f %6.3fx %7d %9d %10d %13d' % (
                        mode, 'sent' if retry_after else 'not sent', row['wall_s'], row['floor_s'],
                        row['ratio'] or 0, row['failed'], row['canceled'], row['throttled'], row['extra_writes']))
            print('  goal: at most 1.05x the floor, 0 failed, 0 extra writes; the floor is what the limit alone '
                  'needs: the first 6 at once, then 6 a window')
            figures['stop'] = stops
    finally:
        bench.emulator.stop()
        shutil.rmtree(work, ignore_errors=True)

    if args.json:
        with open(args.json, 'w') as handle:
            json.dump(figures, handle, indent=1)
    if args.plot and 'per_deployment' in figures:
        plot(figures, args.plot)
    return 0


def plot(figures, path):
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    names = ['ansible.builtin.ping', 'adu_deployment', 'uri, hand-written']
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5), sharey=True)
    for axis, case in zip(axes, ('canceling', 'already canceled')):
        data = [figures['per_deployment'][case][n]['samples_ms'] for n in names]
        axis.boxplot(data, showfliers=False)
        axis.set_xticks(range(1, len(names) + 1))
        axis.set_xticklabels(['ping\n(floor)', 'adu_deployment', 'uri\n(hand-written)'])
        axis.set_title('deployments %s' % case)
        axis.grid(axis='y', alpha=0.3)
    axes[0].set_ylabel('ms per deployment')
    fig.suptitle('Time per deployment against the local ADU emulator (%s)' % figures['machine']['platform'],
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


if __name__ == '__main__':
    sys.exit(main())
