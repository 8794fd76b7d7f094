#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench, section 7: the import manifest of a large build (adu_update_manifest) against sha256sum.

Writes a build of --size MB in --files files, then times `sha256sum` over them and one ansible-playbook run of
adu_update_manifest writing their manifest (whose sizes and hashes it computes in one streaming read each), and
prints both with the peak resident memory of the largest process each left behind. It measures and prints; it
asserts nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import shutil
import sys
import tempfile

from bench_common import timed, write_json


def build(directory, size_mb, files):
    """files files of size_mb MB together, of incompressible bytes."""
    block = os.urandom(1024 * 1024)
    paths = []
    for index in range(files):
        path = os.path.join(directory, 'part-%d.bin' % index)
        with open(path, 'wb') as handle:
            for _block in range(max(1, size_mb // files)):
                handle.write(block)
        paths.append(path)
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--size', type=int, default=2048, help='MB of build files in all')
    parser.add_argument('--files', type=int, default=4, help='how many files')
    parser.add_argument('--json', help='write the figures here as JSON')
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix='adu-bench-manifest-')
    try:
        paths = build(work, args.size, args.files)
        play = os.path.join(work, 'play.yml')
        with open(play, 'w') as handle:
            json.dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': [{
                'adu.device_update.adu_update_manifest': {
                    'path': os.path.join(work, 'bench.importmanifest.json'),
                    'update': {'provider': 'Contoso', 'name': 'Large', 'version': '1.0'},
                    'compatibility': [{'manufacturer': 'contoso', 'model': 'large'}],
                    'steps': [{'handler': 'microsoft/swupdate:2', 'files': paths}]}}]}], handle)
        env = dict(os.environ, ANSIBLE_PYTHON_INTERPRETER=sys.executable)
        sums = timed(['sha256sum'] + paths)
        module = timed(['ansible-playbook', '-i', 'localhost,', '-c', 'local', play], env=env)
        figures = {'size_mb': args.size, 'files': args.files, 'sha256sum': sums.figures(), 'module': module.figures()}
        print('7. The import manifest of a %d MB build in %d files' % (args.size, args.files))
        print('%-30s %10s %14s' % ('', 'seconds', 'peak RSS (MB)'))
        print('%-30s %10.2f %14s' % ('sha256sum of the files', sums.seconds, sums.peak_mb))
        print('%-30s %10.2f %14s' % ('adu_update_manifest (a play)', module.seconds, module.peak_mb))
        print('ratio %.2f (the play includes ansible-playbook\'s own start, about a second)' % (
            module.seconds / sums.seconds))
        if module.returncode:
            print(module.stdout[-2000:])
        write_json(args.json, figures)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
