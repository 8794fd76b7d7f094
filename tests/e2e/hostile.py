# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A hostile server on 127.0.0.1: it answers what a test scripts, however wrong that is.

It serves TLS with the emulator's certificate, so the same ca_path trusts both, and it records
every request (method, path, headers, body) for the test to inspect.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Answer:
    """status, headers and body; drip: seconds between single bytes of the body (of the headers too,
    with drip_headers)."""

    def __init__(self, status=200, body=b'', headers=None, drip=None, drip_headers=False):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode('utf-8') if not isinstance(body, str) else body.encode('utf-8')
        self.status = status
        self.body = body
        self.headers = dict({'Content-Type': 'application/json'}, **(headers or {}))
        self.drip = drip
        self.drip_headers = drip_headers


class HostileServer:
    """script(request) -> Answer, where request is a dict: method, path, query, headers, body."""

    def __init__(self, ssl_context, script):
        self.script = script
        self.requests = []
        self.ssl_context = ssl_context
        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.hostile = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self):
        return 'https://127.0.0.1:%d' % self.httpd.server_address[1]

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def seen(self, method=None, contains=''):
        return [r for r in self.requests if method in (None, r['method']) and contains in r['path'] + '?' + r['query']]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet."""

    def setup(self):
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.request = self.server.hostile.ssl_context.wrap_socket(self.request, server_side=True)
        BaseHTTPRequestHandler.setup(self)

    def _handle(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length).decode('utf-8', 'replace') if length else ''
        path, _sep, query = self.path.partition('?')
        request = {'method': self.command, 'path': path, 'query': query, 'headers': dict(self.headers.items()),
                   'body': body}
        self.server.hostile.requests.append(request)
        answer = self.server.hostile.script(request)
        if answer.drip_headers:
            self.wfile.write(b'HTTP/1.1 200 OK\r\n')
            self._drip(b'X-Slow: ' + b'a' * 400, answer.drip)
            return
        self.send_response(answer.status)
        for key, value in answer.headers.items():
            self.send_header(key, value)
        self.send_header('Content-Length', str(len(answer.body)))
        self.end_headers()
        if self.command == 'HEAD':
            return  # a HEAD answer has headers only
        if answer.drip is None:
            self.wfile.write(answer.body)
            return
        self._drip(answer.body, answer.drip)

    def _drip(self, data, pause):
        try:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(pause)
        except OSError:
            pass  # the client gave up, as it should

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle  # noqa: N815
