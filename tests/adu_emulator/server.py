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
import socket
import ssl
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from .assertions import check_client_assertion
from .store import ADU_SCOPE, TOKEN_LIFETIME, Store, recorded_body

GA_ROUTES = ('ga_list', 'ga_get_deployment', 'ga_group_status', 'ga_get_subgroup', 'ga_subgroup_status',
             'ga_cancel', 'ga_retry')
ROUTES = ('discovery', 'token', 'managed_identity', 'get_deployment', 'get_status', 'cancel', 'retry',
          'control', 'unknown') + GA_ROUTES
GA_API_VERSIONS = ('2022-10-01', '2026-06-01')


# Which per-instance limit each route counts against: the documented limits are per operation
# (ProcessSubgroupDeployment for cancel and retry, CreateOrUpdateDeployment, DeleteDeployment).
THROTTLE_KINDS = {'get_deployment': 'read', 'get_status': 'read', 'cancel': 'action', 'retry': 'action',
                  'ga_list': 'read', 'ga_get_deployment': 'read', 'ga_group_status': 'read', 'ga_get_subgroup': 'read',
                  'ga_subgroup_status': 'read', 'ga_cancel': 'action', 'ga_retry': 'action'}


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

    def throttle(self, action=(6, 60.0), read=(30, 60.0), create=(6, 60.0), delete=(6, 60.0), retry_after=False):
        """Enforce the service's per-instance limits, (calls, window seconds) per operation: cancel/retry
        (action), create, delete and reads; None lifts one. Past a limit the answer is 429, without
        Retry-After as the real service sends it, or with it when retry_after is true. Tests scale
        the windows down."""
        with self.lock:
            self.limits = {'action': action, 'read': read, 'create': create, 'delete': delete}
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

    def reset(self):
        """Back to the seed: deployments, tokens, faults, throttling and journal."""
        with self.lock:
            self.faults = []
            self.journal = []
            self.limits = {}
            self.retry_after = False
            self._calls.clear()
        self.store.reset()

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


def _new_trace_id():
    return '00-%s-%s-00' % (uuid.uuid4().hex, uuid.uuid4().hex[:16])


class _Handler(BaseHTTPRequestHandler):
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

    def _send(self, status, body=None, content_type='application/json; charset=utf-8', headers=None):
        payload = body if isinstance(body, bytes) else (b'' if body is None else json.dumps(body).encode('utf-8'))
        self._journal(status)
        trace = _new_trace_id()
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(payload)))
        self.send_header('traceparent', trace)
        self.send_header('x-ms-correlation-request-id', str(uuid.uuid4()))
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
        body['traceId'] = _new_trace_id()
        return self._send(404, body, 'application/problem+json; charset=utf-8')

    def _error(self, status, code, message, headers=None):
        return self._send(status, {'error': {'code': code, 'message': message, 'target': None, 'details': None,
                                             'innererror': None}}, headers=headers)

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

    def _dispatch(self, method):
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
            entry['status'] = handler(params, body, query, entry,
                                      fault if fault is not None and fault.after_apply else None)
        finally:
            self._journal(entry['status'])

    # Azure AD authority
    def _route_discovery(self, params, body, query, entry, fault):
        base = self.emulator.url
        tenant = params['tenant']
        return self._send(200, {
            'token_endpoint': '%s/%s/oauth2/v2.0/token' % (base, tenant),
            'authorization_endpoint': '%s/%s/oauth2/v2.0/authorize' % (base, tenant),
            'issuer': '%s/%s/v2.0' % (base, tenant),
            'jwks_uri': '%s/%s/discovery/v2.0/keys' % (base, tenant),
            'token_endpoint_auth_methods_supported': ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
            'response_types_supported': ['code', 'id_token', 'code id_token', 'id_token token'],
            'tenant_region_scope': 'EU',
        })

    def _route_token(self, params, body, query, entry, fault):
        form = dict((k, v[0]) for k, v in parse_qs(body.decode('utf-8')).items())
        tenant = params['tenant']
        client_id = form.get('client_id')
        entry['client_id'] = client_id
        entry['grant_type'] = form.get('grant_type')
        principal = self.emulator.store.principal(tenant, client_id)

        def refuse(status, error, code, description):
            return self._send(status, {'error': error, 'error_description': 'AADSTS%d: %s' % (code, description),
                                       'error_codes': [code], 'trace_id': str(uuid.uuid4()),
                                       'correlation_id': str(uuid.uuid4())})

        if form.get('grant_type') != 'client_credentials':
            return refuse(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.')
        if ADU_SCOPE not in (form.get('scope') or '').split():
            return refuse(400, 'invalid_scope', 1002012, 'The provided value for scope is not valid.')
        if principal is None:
            return refuse(400, 'unauthorized_client', 700016,
                          "Application with identifier '%s' was not found in the directory '%s'." % (client_id, tenant))
        if 'client_assertion' in form:
            entry['credential'] = 'assertion'
            token_endpoint = '%s/%s/oauth2/v2.0/token' % (self.emulator.url, tenant)
            problem = check_client_assertion(principal, form, token_endpoint)
            if problem:
                return refuse(401, 'invalid_client', 700027, problem)
        elif form.get('client_secret') is None or form.get('client_secret') != principal.get('client_secret'):
            entry['credential'] = 'secret'
            return refuse(401, 'invalid_client', 7000215, 'Invalid client secret provided.')
        else:
            entry['credential'] = 'secret'
        token = self.emulator.store.issue_token(tenant, client_id)
        return self._send(200, {'token_type': 'Bearer', 'expires_in': TOKEN_LIFETIME,
                                'ext_expires_in': TOKEN_LIFETIME, 'access_token': token})

    def _route_managed_identity(self, params, body, query, entry, fault):
        """The App Service style endpoint msal uses when IDENTITY_ENDPOINT and IDENTITY_HEADER are set."""
        store = self.emulator.store
        client_id = query.get('client_id', [None])[0]
        entry['client_id'] = client_id
        if self.headers.get('X-IDENTITY-HEADER') != store.identity_header:
            return self._send(401, {'statusCode': 401, 'message': 'The identity header is missing or wrong.'})
        if query.get('resource', [None])[0] not in (ADU_SCOPE.replace('/.default', ''), ADU_SCOPE):
            return self._send(400, {'statusCode': 400, 'message': 'resource is not valid'})
        identity = client_id or 'system'
        if identity not in store.managed_identities:
            return self._send(400, {'statusCode': 400, 'message': 'no managed identity %s on this host' % identity})
        token = store.issue_token('managed-identity', identity)
        return self._send(200, {'access_token': token, 'expires_on': str(int(time.time()) + TOKEN_LIFETIME),
                                'resource': query['resource'][0], 'token_type': 'Bearer',
                                'client_id': store.managed_identities[identity]})

    # ADU management API (2020-09-01 preview)
    def _authorized(self, entry):
        header = self.headers.get('Authorization') or ''
        ok = header.startswith('Bearer ') and self.emulator.store.token_valid(header[len('Bearer '):])
        entry['authorized'] = ok
        return ok

    def _unauthorized(self):
        return self._error(401, 'Unauthorized', 'A valid bearer token is required.', {'WWW-Authenticate': 'Bearer'})

    def _answer(self, entry, fault, result):
        """The answer to an API call: 404 when unknown, else the result, or the fault after applying it."""
        if result is None:
            return self._not_found()
        if fault is not None:
            entry['fault'] = fault.kind
            return self._apply_fault(fault) or self._send(200, result)
        return self._send(200, result)

    def _deployment_call(self, params, entry, fault, read):
        if not self._authorized(entry):
            return self._unauthorized()
        return self._answer(entry, fault, read(params['instance'], params['deployment_id']))

    def _route_get_deployment(self, params, body, query, entry, fault):
        return self._deployment_call(params, entry, fault, self.emulator.store.get_deployment)

    def _route_get_status(self, params, body, query, entry, fault):
        return self._deployment_call(params, entry, fault, self.emulator.store.get_status)

    def _route_cancel(self, params, body, query, entry, fault):
        return self._deployment_call(params, entry, fault, lambda i, d: self.emulator.store.apply(i, d, 'cancel'))

    def _route_retry(self, params, body, query, entry, fault):
        return self._deployment_call(params, entry, fault, lambda i, d: self.emulator.store.apply(i, d, 'retry'))

    # GA management API (api-version 2022-10-01 / 2026-06-01)
    def _ga_call(self, params, query, entry, fault, read):
        if not self._authorized(entry):
            return self._unauthorized()
        version = query.get('api-version', [None])[0]
        entry['api_version'] = version
        if version not in GA_API_VERSIONS:
            return self._error(400, 'UnsupportedApiVersion', 'The api-version %r is not supported; use one of %s.'
                               % (version, ', '.join(GA_API_VERSIONS)))
        return self._answer(entry, fault, read(self.emulator.store, params))

    def _route_ga_list(self, params, body, query, entry, fault):
        def read(store, p):
            items = store.ga_deployments(p['instance'], p['group_id'])
            if items is None:
                return None
            page_size = self.emulator.page_size
            start = int(query.get('skip', ['0'])[0])
            page = {'value': items[start:start + page_size]}
            if start + page_size < len(items):
                page['nextLink'] = '/deviceUpdate/%s/management/groups/%s/deployments?api-version=%s&skip=%d' % (
                    p['instance'], p['group_id'], query['api-version'][0], start + page_size)
            return page
        return self._ga_call(params, query, entry, fault, read)

    def _route_ga_get_deployment(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: store.ga_deployment(
            p['instance'], p['group_id'], p['deployment_id']))

    def _route_ga_group_status(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: store.ga_status(
            p['instance'], p['group_id'], p['deployment_id']))

    def _route_ga_get_subgroup(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: store.ga_deployment(
            p['instance'], p['group_id'], p['deployment_id'], p['device_class_id']))

    def _route_ga_subgroup_status(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: store.ga_status(
            p['instance'], p['group_id'], p['deployment_id'], p['device_class_id']))

    def _route_ga_cancel(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: store.ga_apply(
            p['instance'], p['group_id'], p['deployment_id'], p['device_class_id'], 'cancel'))

    def _route_ga_retry(self, params, body, query, entry, fault):
        return self._ga_call(params, query, entry, fault, lambda store, p: store.ga_apply(
            p['instance'], p['group_id'], p['deployment_id'], p['device_class_id'], 'retry'))

    def _route_unknown(self, params, body, query, entry, fault):
        return self._error(404, 'NotFound', 'No route for %s %s' % (self.command, urlsplit(self.path).path))

    # Control API for a running emulator (CLI mode): journal, faults, reset
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
        if method == 'POST' and what == 'faults':
            try:
                self.emulator.add_fault(**json.loads(body.decode('utf-8') or '{}'))
            except (TypeError, ValueError) as exc:
                return self._error(400, 'BadFault', str(exc))
            return self._send(200, {'added': True})
        return self._error(404, 'NotFound', 'unknown control call')


def _route(method, segments, query):
    """(route, params) of a request; params hold decoded path segments."""
    n = len(segments)
    if segments and segments[0] == '_emulator':
        return 'control', {}
    if n == 4 and segments[1:] == ['v2.0', '.well-known', 'openid-configuration'] and method == 'GET':
        return 'discovery', {'tenant': unquote(segments[0])}
    if n == 4 and segments[1:] == ['oauth2', 'v2.0', 'token'] and method == 'POST':
        return 'token', {'tenant': unquote(segments[0])}
    if segments == ['msi', 'token'] and method == 'GET':
        return 'managed_identity', {}
    if n >= 6 and segments[0] == 'deviceupdate' and segments[2:5] == ['v2', 'management', 'deployments']:
        params = {'instance': unquote(segments[1]), 'deployment_id': unquote(segments[5]), 'segments': n - 5}
        if n == 6 and method == 'GET':
            return 'get_deployment', params
        if n == 7 and segments[6] == 'status' and method == 'GET':
            return 'get_status', params
        if n == 6 and method == 'POST':
            action = query.get('action', [''])[0]
            if action in ('cancel', 'retry'):
                return action, params
    if n >= 6 and segments[0] == 'deviceUpdate' and segments[2:4] == ['management', 'groups']:
        return _ga_route(method, segments)
    return 'unknown', {}


def _ga_route(method, segments):
    """GA routes: /deviceUpdate/{instance}/management/groups/{group}/..."""
    n = len(segments)
    params = {'instance': unquote(segments[1]), 'group_id': unquote(segments[4])}
    if segments[5] == 'deployments':
        if n == 6 and method == 'GET':
            return 'ga_list', params
        params.update(deployment_id=unquote(segments[6]), segments=n - 6)
        if n == 7 and method == 'GET':
            return 'ga_get_deployment', params
        if n == 8 and segments[7] == 'status' and method == 'GET':
            return 'ga_group_status', params
    elif segments[5] == 'deviceClassSubgroups' and n >= 9 and segments[7] == 'deployments':
        raw_id, _colon, action = segments[8].rpartition(':') if method == 'POST' else (segments[8], '', '')
        params.update(device_class_id=unquote(segments[6]), deployment_id=unquote(raw_id), segments=n - 8)
        if n == 9 and method == 'GET':
            return 'ga_get_subgroup', params
        if n == 10 and segments[9] == 'status' and method == 'GET':
            return 'ga_subgroup_status', params
        if n == 9 and method == 'POST' and action in ('cancel', 'retry'):
            return 'ga_' + action, params
    return 'unknown', {}
