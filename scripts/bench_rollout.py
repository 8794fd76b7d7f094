#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench, section 10: the requests the staged rollout sends per ring, on a first run and on a rerun.

Rolls an update out over three rings of the emulator (their devices finish over a few seconds) with a poll interval
of one second, then runs it again; prints, per ring, the requests about its deployment (its read, adu_deployment's
read and create, each poll) and, per run, the rollout's own (the update check, the compatibility reads). It measures
and prints; it asserts nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'e2e'))

from adu_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position
from bench import _Path  # noqa: E402  pylint: disable=wrong-import-position
from bench_common import write_json  # noqa: E402  pylint: disable=wrong-import-position
from conftest import Runner  # noqa: E402  pylint: disable=wrong-import-position
from test_rollout import ring, rollout_play  # noqa: E402  pylint: disable=wrong-import-position

RINGS = (('canary', 'ring-canary'), ('pilot', 'ring-pilot'), ('broad', 'ring-broad'))


def counted(emulator, play):
    """{ring: {routes...}} of the requests about each ring's deployment, and the rollout's other requests."""
    calls = [e for e in emulator.journal if e['route'] not in ('token', 'discovery')]
    per_ring = {}
    for name, _group in RINGS:
        mine = [e['route'] for e in calls if e.get('deployment_id') == 'bench-%s' % name]
        per_ring[name] = {'requests': len(mine), 'polls': mine.count('ga_group_status'),
                          'writes': len([r for r in mine if r in ('ga_create', 'ga_cancel', 'ga_retry')])}
    others = [e['route'] for e in calls if not e.get('deployment_id')]
    return {'rc': play.rc, 'rings': per_ring, 'rollout': len(others), 'rollout_routes': others}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--json', help='write the figures here as JSON')
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix='adu-bench-rollout-')
    emulator = Emulator(cert_dir=os.path.join(work, 'ca')).start()
    runner = Runner(emulator, _Path(work))
    try:
        figures = {}
        rings = [ring(name, group) for name, group in RINGS]
        for run in ('first', 'rerun'):
            emulator.journal.clear()
            play = runner.play(rollout_play(runner, rings, name='bench'))
            figures[run] = counted(emulator, play)
        print('10. The staged rollout\'s requests per ring (three rings, poll interval 1 s)')
        print('%-8s %-8s %10s %8s %8s' % ('run', 'ring', 'requests', 'polls', 'writes'))
        for run in ('first', 'rerun'):
            for name, _group in RINGS:
                row = figures[run]['rings'][name]
                print('%-8s %-8s %10d %8d %8d' % (run, name, row['requests'], row['polls'], row['writes']))
            print('%-8s %-8s %10d   (the update check and the compatibility reads, once per run)'
                  % (run, 'rollout', figures[run]['rollout']))
        write_json(args.json, figures)
    finally:
        emulator.stop()


if __name__ == '__main__':
    main()
