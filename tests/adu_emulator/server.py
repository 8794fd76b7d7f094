# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An HTTP(S) server on 127.0.0.1 speaking the ADU management API and an Azure AD authority.

Faults can be injected per route; every request served is written to a journal (never a
secret: no Authorization header, no form body) for tests to assert on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json
import math
import re
import socket
import ssl
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import routes_aad, routes_devices, routes_ga, routes_groups, routes_seed, routes_updates
from .paging import BadContinuationToken
from .store import Store, recorded_body


ROUTES = routes_aad.ROUTES + routes_seed.ROUTES + routes_ga.ROUTES + routes_updates.ROUTES + routes_groups.ROUTES + \
    routes_devices.ROUTES + ('control', 'unknown')
GA_API_VERSIONS = routes_ga.GA_API_VERSIONS
# Which per-instance limit each route counts against.
THROTTLE_KINDS = dict(routes_seed.THROTTLE_KINDS, **routes_ga.THROTTLE_KINDS)
THROTTLE_KINDS.update(routes_updates.THROTTLE_KINDS)
THROTTLE_KINDS.update(routes_groups.THROTTLE_KINDS)
THROTTLE_KINDS.update(routes_devices.THROTTLE_KINDS)


class Fault:
    """One injected fault. Matches a route (or '*'), optionally a deployment id, `times` times.

    kind: 'status' (answer status/headers/body), 'drop' (close without answering),
    'reset' (send headers and half a body, then close), 'delay' (sleep, then serve normally).
    after_apply: for cancel/retry, apply the action first, then misbehave (a lost response).
    """

    def __init__(self, route='*', kind='status', status=500, headers=None, body=None, content_type=None,
                 delay=0.0, times=1, deployment_id=None, device_class_id=None, after_apply=False):
        if route != '*' and route not in ROUTES:
            raise ValueError('unknown route %r' % route)
        self.route = route
        self.kind = kind
        self.status = status
        self.headers = headers or {}
        self.body = body
        self.content_type = content_type
        self.delay = delay
        self.times = times
        self.deployment_id = deployment_id
        self.device_class_id = device_class_id
        self.after_apply = after_apply

    def matches(self, route, params):
        return (self.times is None or self.times > 0) and self.route in ('*', route) and (
            self.deployment_id in (None, params.get('deployment_id'))) and (
            self.device_class_id in (None, params.get('device_class_id')))


class Emulator:
    """The emulator as an object: start(), url, ca_path, journal, add_fault(), reset(), stop()."""

    def __init__(self, store=None, host='127.0.0.1', port=0, tls=True, cert_dir=None):
        self.store = store or Store.from_file()
        self.faults = []
        self.journal = []
        self.lock = threading.Lock()
        self.tls = tls
        self.ca_path = None
        self.ssl_context = None
        if tls:
            from .tls import make_server_context  # pylint: disable=import-outside-toplevel
            self.ssl_context, self.ca_path = make_server_context(cert_dir)
        self.store.ca_path = self.ca_path
        self.store.catalog.ca_path = self.ca_path
        self.blobs = {}  # name -> {data, sig}: what imports fetch (routes_updates)
        self.running_seen = 0  # the most import/delete operations running at once
        self.running_refused = 0
        self.log_collections = {}  # (instance, id) -> collection (routes_groups)
        self.log_seconds = 2.0
        self.device_import_seconds = 1.0  # until an import of devices succeeds (routes_devices)
        # The service's refusals (deploying an update never imported or to a group that does not exist, deleting an
        # update a deployment uses, deleting a group with active deployments); False: as lenient as before 1.3.
        self.strict = True
        # Fault switches for what the service may send: absolute nextLinks (as every spec example), the 2026-06-01
        # $skiptoken spelling, errors nested two levels, group deployment listings of active deployments only.
        self.absolute_links = False
        self.skiptoken_2026 = False
        self.nested_errors = False
        self.active_deployments_only = False
        self.httpd = _Server((host, port), _Handler, self)
        self.thread = None
        self.limits = {}
        self.retry_after = False
        self._calls = collections.defaultdict(collections.deque)
        self.page_size = 50  # deployments per page of the GA list; tests lower it to exercise nextLink

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return '%s://%s:%d' % ('https' if self.tls else 'http', host, port)

    def start(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, name='adu-emulator', daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def add_fault(self, **kwargs):
        fault = Fault(**kwargs)
        with self.lock:
            self.faults.append(fault)
        return fault

    def throttle(self, action=(6, 60.0), read=(30, 60.0), create=(6, 60.0), delete=(6, 60.0), retry_after=False,
                 update=None, operation_list=None, **more):
        """Enforce the service's per-instance limits, (calls, window seconds) per operation: cancel/retry
        (action), create, delete and reads; None lifts one. Past a limit the answer is 429, without
        Retry-After as the real service sends it, or with it when retry_after is true. Tests scale
        the windows down."""
        with self.lock:
            self.limits = dict({'action': action, 'read': read, 'create': create, 'delete': delete,
                                'update': update, 'operation_list': operation_list}, **more)
            self.retry_after = retry_after
            self._calls.clear()

    def throttled(self, instance, kind):
        """Seconds until a call of this kind is allowed again, or 0 when it is allowed (and counted)."""
        with self.lock:
            if self.limits.get(kind) is None:
                return 0
            limit, window = self.limits[kind]
            calls = self._calls[(instance, kind)]
            now = time.time()
            while calls and calls[0] <= now - window:
                calls.popleft()
            if len(calls) >= limit:
                return calls[0] + window - now
            calls.append(now)
            return 0

    def put_blob(self, name, data, sig='emu-sas-signature-0123456789abcdef'):
        """Store a blob an import can fetch; returns its URL with a SAS-like query (the sig is checked)."""
        with self.lock:
            self.blobs[name] = {'data': data, 'sig': sig}
        return '%s/_files/%s?sv=2024-08-04&sp=r&sig=%s' % (self.url, name, sig)

    def note_running(self, count):
        with self.lock:
            self.running_seen = max(self.running_seen, count)

    def note_running_refused(self):
        with self.lock:
            self.running_refused += 1

    def reset(self):
        """Back to the seed: deployments, updates, tokens, faults, throttling and journal."""
        with self.lock:
            self.blobs = {}
            self.log_collections = {}
            self.log_seconds = 2.0
            self.device_import_seconds = 1.0
            self.strict = True
            self.absolute_links = self.skiptoken_2026 = self.nested_errors = self.active_deployments_only = False
            self.page_size = 50
            self.running_seen = self.running_refused = 0
            self.faults = []
            self.journal = []
            self.limits = {}
            self.retry_after = False
            self._calls.clear()
        self.store.reset()
        self.store.catalog.ca_path = self.ca_path

    def requests(self, route=None):
        """Journal entries, optionally of one route."""
        with self.lock:
            return [e for e in self.journal if route is None or e['route'] == route]

    def take_fault(self, route, params):
        with self.lock:
            for fault in self.faults:
                if fault.matches(route, params):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None

    def record(self, entry):
        with self.lock:
            self.journal.append(entry)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, emulator):
        self.emulator = emulator
        ThreadingHTTPServer.__init__(self, address, handler)

    def handle_error(self, request, client_address):
        """A client that hung up before its answer (a test's timeout) is no error of the emulator's."""
        if not isinstance(sys.exc_info()[1], OSError):
            ThreadingHTTPServer.handle_error(self, request, client_address)

    def finish_request(self, request, client_address):
        # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every answer, which no real service has.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # The TLS handshake runs in the request's own thread, so a slow client blocks nobody.
        if self.emulator.ssl_context is not None:
            try:
                request = self.emulator.ssl_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        ThreadingHTTPServer.finish_request(self, request, client_address)


def _new_trace_id(trace=None):
    """A W3C traceparent: the trace id given (the client's), or a new one, with a new span id."""
    return '00-%s-%s-00' % (trace or uuid.uuid4().hex, uuid.uuid4().hex[:16])


_TRACEPARENT = re.compile(r'00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}')


class _Handler(routes_aad.AadRoutes, routes_seed.SeedRoutes, routes_ga.GaRoutes, routes_updates.UpdateRoutes,
               routes_groups.GroupRoutes, routes_devices.DeviceRoutes,
               BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'adu-emulator'

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet: the journal is the log."""

    @property
    def emulator(self):
        return self.server.emulator

    # Plumbing
    def _read_body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def _journal(self, status):
        """Record this request once, before its answer leaves: a client that reads the journal
        right after its answer must find the entry there."""
        entry = getattr(self, '_entry', None)
        if entry is not None:
            entry['status'] = status
            self._entry = None
            self.emulator.record(entry)

    def _trace(self):
        """This request's trace id: the client's (traceparent it sent), else a new one; every answer carries it
        in its traceparent and a 404 body in its traceId, as the service's do. No x-ms-* header: none is sent."""
        if getattr(self, '_trace_id', None) is None:
            sent = _TRACEPARENT.fullmatch((self.headers.get('traceparent') or '').strip())
            self._trace_id = sent.group(1) if sent else uuid.uuid4().hex
        return self._trace_id

    def _send(self, status, body=None, content_type='application/json; charset=utf-8', headers=None):
        payload = body if isinstance(body, bytes) else (b'' if body is None else json.dumps(body).encode('utf-8'))
        self._journal(status)
        self.send_response(status)
        if payload:  # an empty 200 or 204 carries no content type, as recorded
            self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(payload)))
        self.send_header('traceparent', _new_trace_id(self._trace()))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)
        return status

    def _drop(self):
        self._journal('dropped')
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return 'dropped'

    def _reset(self):
        self._journal('dropped')
        self.send_response(200)
        self.send_header('Content-Type', 'application/json; charset=utf-8')
        self.send_header('Content-Length', '4096')
        self.end_headers()
        self.wfile.write(b'{"deploymentId": "trunc')
        self.wfile.flush()
        return self._drop()

    def _not_found(self):
        body = recorded_body('v2-deployment-not-found')
        body['traceId'] = _new_trace_id(self._trace())
        return self._send(404, body, 'application/problem+json; charset=utf-8')

    def _error(self, status, code, message, headers=None):
        inner = None
        if self.emulator.nested_errors:  # fault switch: nested as the REST spec defines (innererror, then innerError)
            inner = {'code': code + 'Detail', 'message': message, 'innerError': {
                'code': code + 'Cause', 'message': message, 'errorDetail': 'nested two levels by the emulator'}}
        return self._send(status, {'error': {'code': code, 'message': message, 'target': None, 'details': None,
                                             'innererror': inner}}, headers=headers)

    def _apply_fault(self, fault):
        if fault.delay:
            time.sleep(fault.delay)
        if fault.kind == 'delay':
            return None
        if fault.kind == 'drop':
            return self._drop()
        if fault.kind == 'reset':
            return self._reset()
        body = fault.body
        if body is None:
            body = {'error': {'code': 'InjectedFault', 'message': 'fault injected by the emulator'}}
        if isinstance(body, str):
            body = body.encode('utf-8')
        content_type = fault.content_type or ('application/json; charset=utf-8' if not isinstance(body, bytes)
                                              else 'text/html; charset=utf-8')
        return self._send(fault.status, body, content_type, fault.headers)

    # Dispatch
    def do_GET(self):  # pylint: disable=invalid-name
        self._dispatch('GET')

    def do_POST(self):  # pylint: disable=invalid-name
        self._dispatch('POST')

    def do_PUT(self):  # pylint: disable=invalid-name
        self._dispatch('PUT')

    def do_DELETE(self):  # pylint: disable=invalid-name
        self._dispatch('DELETE')

    def do_PATCH(self):  # pylint: disable=invalid-name
        self._dispatch('PATCH')

    def _dispatch(self, method):
        self._trace_id = None  # a kept-alive connection's next request has its own
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        body = self._read_body()
        segments = parts.path.split('/')[1:]
        route, params = _route(method, segments, query)
        entry = {'method': method, 'path': parts.path, 'query': parts.query, 'route': route,
                 'time': time.time()}
        entry.update(params)
        if route == 'control':
            self._entry = None
            self._control(method, segments, body)
            return  # the control API is not part of the journal
        entry['status'] = 'no answer'  # until one is sent; a client that hung up still leaves its entry
        self._entry = entry
        try:
            fault = self.emulator.take_fault(route, params)
            if fault is not None and not fault.after_apply:
                if fault.kind != 'delay':
                    entry['fault'] = fault.kind  # before the answer, which records the entry
                outcome = self._apply_fault(fault)
                if outcome is not None:
                    entry['status'] = outcome
                    return
            kind = THROTTLE_KINDS.get(route)
            wait = self.emulator.throttled(params.get('instance'), kind) if kind else 0
            if wait:
                entry['throttled'] = True
                headers = {'Retry-After': str(max(1, int(math.ceil(wait))))} if self.emulator.retry_after else {}
                entry['status'] = self._error(429, 'TooManyRequests', 'Rate limit exceeded for %s calls.' % kind,
                                              headers)
                return
            handler = getattr(self, '_route_' + route)
            try:
                entry['status'] = handler(params, body, query, entry,
                                          fault if fault is not None and fault.after_apply else None)
            except BadContinuationToken:
                entry['status'] = self._error(400, 'BadRequest', 'The continuation token is not valid.')
        finally:
            self._journal(entry['status'])

    def _route_unknown(self, params, body, query, entry, fault):
        return self._error(404, 'NotFound', 'No route for %s %s' % (self.command, urlsplit(self.path).path))

    # Control API for a running emulator (CLI mode): journal, faults, throttling, blobs, reset
    def _control(self, method, segments, body):
        what = segments[1] if len(segments) > 1 else ''
        if method == 'GET' and what == 'journal':
            return self._send(200, {'journal': self.emulator.requests()})
        if method == 'POST' and what == 'reset':
            self.emulator.reset()
            return self._send(200, {'reset': True})
        if method == 'POST' and what == 'throttle':
            try:
                spec = json.loads(body.decode('utf-8') or '{}')
                self.emulator.throttle(**dict((k, tuple(v) if isinstance(v, list) else v) for k, v in spec.items()))
            except (TypeError, ValueError) as exc:
                return self._error(400, 'BadThrottle', str(exc))
            return self._send(200, {'throttle': True})
        if method == 'POST' and what == 'blobs' and len(segments) == 3:
            # What an import fetches (a build's manifest and files), as put_blob(); answers the URL to give.
            return self._send(200, {'url': self.emulator.put_blob(segments[2], body)})
        if method == 'POST' and what == 'faults':
            try:
                self.emulator.add_fault(**json.loads(body.decode('utf-8') or '{}'))
            except (TypeError, ValueError) as exc:
                return self._error(400, 'BadFault', str(exc))
            return self._send(200, {'added': True})
        return self._error(404, 'NotFound', 'unknown control call')


def _route(method, segments, query):
    """(route, params) of a request; params hold decoded path segments."""
    if segments and segments[0] == '_emulator':
        return 'control', {}
    return routes_aad.match(method, segments) or routes_seed.match(method, segments, query) or \
        routes_devices.match(method, segments) or routes_groups.match(method, segments) or routes_ga.match(method, segments) or \
        routes_updates.match(method, segments) or ('unknown', {})
