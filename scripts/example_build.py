# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a firmware build leaves behind, for the demo and the examples: a payload file and an import manifest
naming it (azure-deviceupdate-import-manifest-5.0), in the directory given. Usage: example_build.py DIR VERSION."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import json
import os
import sys


def sha256(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode('ascii')


def main(directory, version):
    os.makedirs(directory, exist_ok=True)
    payload = ('Contoso Gateway firmware %s\n' % version).encode('utf-8') * 4096
    name = 'gateway-%s.swu' % version
    with open(os.path.join(directory, name), 'wb') as handle:
        handle.write(payload)
    manifest = {
        'updateId': {'provider': 'Contoso', 'name': 'Gateway', 'version': version},
        'isDeployable': True,
        'compatibility': [{'manufacturer': 'contoso', 'model': 'gateway'}],
        'instructions': {'steps': [{'handler': 'microsoft/swupdate:2', 'files': [name],
                                    'handlerProperties': {'installedCriteria': version}}]},
        'files': [{'filename': name, 'sizeInBytes': len(payload), 'hashes': {'sha256': sha256(payload)}}],
        'createdDateTime': '2026-12-03T08:00:00Z',
        'manifestVersion': '5.0',
    }
    with open(os.path.join(directory, 'gateway.importmanifest.json'), 'w') as handle:
        json.dump(manifest, handle, indent=2)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
