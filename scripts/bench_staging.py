#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench, section 6: a large build file staged and imported in bounded memory.

One adu_update task with source stages a file of --size MB (and its manifest) in Azurite and imports it from
the emulator. Printed: wall time, the peak resident memory of the largest process the run left behind (the
module's own process, or ansible-playbook's), the module's process alone, and how the peak compares with the file; a
rerun (nothing uploaded, nothing read); Microsoft's SDK uploading the same file. The upload reads the file once, in
4 MiB chunks, so the peak stays near a task's baseline whatever the file's size.
It measures and prints; it asserts nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import base64
import hashlib
import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests'))

from adu_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position
from bench_common import TOKEN, ModuleTimer, ratio, timed, write_json  # noqa: E402  pylint: disable=wrong-import-position
from conftest import Azurite  # noqa: E402  pylint: disable=wrong-import-position


def build(directory, size_mb):
    """A payload of size_mb MB, written and hashed in chunks, and a manifest naming it."""
    os.makedirs(directory)
    digest, chunk = hashlib.sha256(), os.urandom(1024 * 1024)
    with open(os.path.join(directory, 'image.swu'), 'wb') as handle:
        for _block in range(size_mb):
            handle.write(chunk)
            digest.update(chunk)
    manifest = {'updateId': {'provider': 'Contoso', 'name': 'Large', 'version': '1.0.%d' % size_mb},
                'files': [{'filename': 'image.swu', 'sizeInBytes': size_mb * 1024 * 1024,
                           'hashes': {'sha256': base64.b64encode(digest.digest()).decode('ascii')}}]}
    path = os.path.join(directory, 'large.importmanifest.json')
    with open(path, 'w') as handle:
        json.dump(manifest, handle)
    return path


def run(emulator, azurite, manifest, directory, work, timer):
    play = os.path.join(work, 'stage.yml')
    task = {'adu.device_update.adu_update': {
        'endpoint': emulator.url, 'ca_path': emulator.ca_path, 'instance': 'blue',
        'access_token': TOKEN, 'wait_timeout': 600,
        'source': {'manifest_path': manifest, 'files_dir': directory},
        'storage': {'connection_string': azurite.connection_string, 'container': 'bench'}}, 'register': 'staged'}
    show = {'ansible.builtin.debug': {'msg': "{{ staged.staged | map(attribute='uploaded') | list }} {{ staged.msg }}"}}
    with open(play, 'w') as handle:
        json.dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': [task, show]}], handle)
    env = timer.env(dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='false',
                         XDG_CACHE_HOME=os.path.join(work, 'cache')))
    return timed(['ansible-playbook', play, '-i', 'localhost,', '-c', 'local'], env=env)


# Microsoft's own upload of the same file, for comparison: one blob, max_concurrency given.
SDK_UPLOAD = r'''
import sys
from azure.storage.blob import BlobServiceClient
service = BlobServiceClient.from_connection_string(sys.argv[1])
container = service.get_container_client('bench-sdk')
try:
    container.create_container()
except Exception:  # already there from the last run
    pass
with open(sys.argv[2], 'rb') as handle:
    container.upload_blob('image-%s.swu' % sys.argv[3], handle, overwrite=True, max_concurrency=int(sys.argv[3]))
'''


def staging_seconds(emulator):
    """Seconds from the module's last request to the service before staging to its import request: what staging
    took (the storage checks, the upload, the SAS), as the emulator saw it; None when no import was sent."""
    times = [(entry['route'], entry['time']) for entry in emulator.journal if entry['route'] not in ('token', 'control')]
    for index, (route, when) in enumerate(times):
        if route == 'update_import' and index:
            return round(when - times[index - 1][1], 2)
    return None


def sdk_upload(azurite, path, concurrency):
    """The SDK uploading the file with max_concurrency, timed."""
    return timed([sys.executable, '-c', SDK_UPLOAD, azurite.connection_string, path, str(concurrency)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--size', type=int, default=200, help='MB of the build file')
    parser.add_argument('--json', help='write the figures here as JSON')
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix='adu-bench-staging-')
    emulator = Emulator(cert_dir=work).start()
    emulator.store.catalog.import_seconds = 0  # the import ends at once: the figures are the staging's
    azurite = Azurite(os.path.join(work, 'azurite'))
    try:
        directory = os.path.join(work, 'build')
        manifest = build(directory, args.size)
        figures = {'size_mb': args.size}
        timer = ModuleTimer(work)
        print('6. Staging a %d MB build file in Azurite and importing it (one adu_update task; the module\'s own '
              'process in brackets)' % args.size)
        print('%-28s %10s %16s %s' % ('run', 'seconds', 'peak RSS (MB)', 'uploaded'))
        for name in ('first (uploads)', 'rerun (imported)'):
            emulator.journal = []
            staged = run(emulator, azurite, manifest, directory, work, timer)
            process = timer.figures()
            line = [ln for ln in staged.stdout.splitlines() if '"msg":' in ln]
            shown = line[-1].split('"msg":', 1)[1].strip().strip('"')[:60] if line else staged.stdout[-300:]
            print('%-28s %10s %16s %s' % (name, '%.1f [%s]' % (staged.seconds, process['seconds']),
                                          '%s [%s]' % (staged.peak_mb, process['peak_rss_mb']), shown))
            figures[name.split()[0]] = staged.figures(module_process=process, staging_seconds=staging_seconds(emulator))
        print('(peak RSS: the largest process of the run, ansible-playbook or the module; the file is %d MB: a module '
              'that read it whole would show at least that)' % args.size)
        sdk = {}
        for concurrency in (1, 4, 8):
            upload = sdk_upload(azurite, os.path.join(directory, 'image.swu'), concurrency)
            sdk[concurrency] = upload.figures()
            said = 'the file alone, no import' if upload.returncode == 0 else 'failed: rc %s' % upload.returncode
            print('%-28s %10.1f %16s %s' % ('SDK upload_blob, %d at once' % concurrency, upload.seconds,
                                            upload.peak_mb, said))
        best = min(v['seconds'] for v in sdk.values())
        figures['sdk'] = sdk
        first = figures['first']
        figures['ratio_to_best_sdk_upload'] = ratio(first['seconds'], best)
        figures['process_ratio_to_best_sdk_upload'] = ratio(first['module_process']['seconds'], best)
        figures['staging_ratio_to_best_sdk_upload'] = ratio(first['staging_seconds'], best)
        print('first run / the SDK\'s best upload: %s for the task (which also starts ansible-playbook), %s for the '
              'module\'s process (which also asks the service and imports), %s for its staging (%s s, from its last '
              'request before staging to the import request); target 1.3' % (
                  figures['ratio_to_best_sdk_upload'], figures['process_ratio_to_best_sdk_upload'],
                  figures['staging_ratio_to_best_sdk_upload'], first['staging_seconds']))
        write_json(args.json, figures)
    finally:
        azurite.stop()
        emulator.stop()


if __name__ == '__main__':
    main()
