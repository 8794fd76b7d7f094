# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the emulator: python -m adu_emulator [--seed FILE] [--port N] [--ready-file FILE].

The ready file receives {"url": ..., "ca_path": ..., "pid": ...} once the server listens,
so a script can start it in the background and wait for that file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import signal
import sys
import threading

from .server import Emulator
from .store import DEFAULT_SEED, Store


def main(argv=None):
    parser = argparse.ArgumentParser(prog='adu_emulator', description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--seed', default=DEFAULT_SEED, help='JSON file of principals, tokens and deployments')
    parser.add_argument('--host', default='127.0.0.1', help='loopback address to listen on (default 127.0.0.1)')
    parser.add_argument('--port', type=int, default=0, help='port, 0 for any free one (default)')
    parser.add_argument('--plain-http', action='store_true', help='serve http instead of https')
    parser.add_argument('--cert-dir', help='where to write the test CA (emulator-ca.pem)')
    parser.add_argument('--ready-file', help='write url, ca_path and pid here once listening')
    args = parser.parse_args(argv)
    if args.host not in ('127.0.0.1', 'localhost', '::1'):
        parser.error('--host must be a loopback address')

    emulator = Emulator(Store.from_file(args.seed), host=args.host, port=args.port,
                        tls=not args.plain_http, cert_dir=args.cert_dir)
    emulator.start()
    info = {'url': emulator.url, 'ca_path': emulator.ca_path, 'pid': os.getpid()}
    if args.ready_file:
        tmp = args.ready_file + '.tmp'
        with open(tmp, 'w') as handle:
            json.dump(info, handle)
        os.replace(tmp, args.ready_file)
    print('adu emulator listening on %s (CA: %s)' % (emulator.url, emulator.ca_path), flush=True)

    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    emulator.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
