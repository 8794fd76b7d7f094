# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client of the collection.

It alone knows about TLS verification, deadlines, retries with backoff, Retry-After, write
pacing, bearer tokens and error bodies. Everything above it sees parsed JSON or an AduError whose
text is safe to show: secrets masked, the service's words escaped and cut.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import email.utils
import json
import random
import signal
import threading
import time
import traceback

try:
    import requests
    from requests.exceptions import ConnectTimeout, RequestException
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

    class RequestException(Exception):
        """Stands in so that this module imports; AduModule fails first, naming requests."""

from ansible_collections.adu.device_update.plugins.module_utils._options import origin_of
from ansible_collections.adu.device_update.plugins.module_utils._pacing import PacingTimeout
from ansible_collections.adu.device_update.plugins.module_utils._private_file import PrivateFileError
from ansible_collections.adu.device_update.plugins.module_utils._redact import Redactor, shown

# Statuses worth another try for a read: throttling and the service's transient failures.
RETRYABLE_STATUSES = frozenset((429, 500, 502, 503, 504))
# The longest the client waits across all retries of one request, Retry-After included.
MAX_TOTAL_WAIT = 300.0
# The longest one backoff step (without Retry-After) may be.
MAX_BACKOFF = 60.0
BACKOFF_BASE = 1.0
# A 429 without Retry-After: the service's windows are a minute long, so five retries must span one.
THROTTLE_BACKOFF_BASE = 5.0
USER_AGENT = 'adu.device_update-ansible'
# The largest answer read; no deployment, status or page comes near it.
MAX_BODY_BYTES = 16 * 1024 * 1024
READ_CHUNK = 65536

ROLE_HINT = 'the caller needs the "Device Update Deployments Administrator" role on the ADU account'


class AduError(Exception):
    """A failed call, with everything a person needs to act on it.

    action_unknown is True when a state-changing request may or may not have been applied.
    """

    def __init__(self, message, status_code=None, error=None, url=None, method=None, action_unknown=False):
        super(AduError, self).__init__(message)
        self.message = message
        self.status_code = status_code
        self.error = error or {}
        self.url = url
        self.method = method
        self.action_unknown = action_unknown

    def scrub(self, redactor):
        """Mask every registered secret in what this error will show; returns self."""
        self.message = redactor.scrub(self.message)
        self.args = (self.message,)
        self.error = redactor.scrub(self.error)
        self.url = redactor.scrub(self.url)
        return self

    def to_result(self):
        """The keys fail_json returns besides msg."""
        result = {'status_code': self.status_code, 'error': self.error, 'url': self.url}
        if self.method:
            result['method'] = self.method
        if self.action_unknown:
            result['action_may_have_happened'] = True
        return result


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if unusable."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _trace_id(headers, body):
    for key in ('traceId', 'traceid', 'trace_id'):
        if isinstance(body, dict) and body.get(key):
            return str(body[key])
    for header in ('x-ms-correlation-request-id', 'traceparent', 'x-ms-request-id', 'apim-request-id'):
        if headers.get(header):
            return headers[header]
    return None


def parse_error_body(text, content_type, headers):
    """{code, message, trace_id} from `{"error": {...}}`, RFC 7807 problem+json, or anything else."""
    body = None
    if text:
        try:
            body = json.loads(text)
        except (ValueError, RecursionError):
            body = None
    code = message = None
    if isinstance(body, dict):
        inner = body.get('error') if isinstance(body.get('error'), dict) else None
        if inner is not None:
            code = inner.get('code')
            message = inner.get('message')
            body = dict(body, **dict((k, v) for k, v in inner.items() if k in ('traceId', 'traceid')))
        else:  # problem+json: {type, title, status, detail, traceId}
            code = body.get('code') or body.get('title')
            message = body.get('detail') or body.get('message') or body.get('title')
    elif text:
        kind = (content_type or 'unknown type').split(';')[0]
        message = 'non-JSON response (%s): %s' % (shown(kind, 60), shown(text, 120))
    return {'code': _text(code, 100), 'message': _text(message), 'trace_id': _text(_trace_id(headers, body), 100)}


def _text(value, limit=None):
    """A value from the service as printable text, or None."""
    if value is None or isinstance(value, (dict, list)):
        return None if value is None else shown(json.dumps(value)[:limit or 500], limit or 500)
    return shown(value, limit) if limit else shown(value)


def _exception_chain(exc):
    """exc and everything it wraps (requests -> urllib3 -> socket), outermost first."""
    seen = set()
    pending = [exc]
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue  # urllib3 sometimes gives a plain string as the reason
        seen.add(id(current))
        yield current
        pending.extend([getattr(current, 'reason', None), current.__cause__, current.__context__])
        pending.extend(arg for arg in getattr(current, 'args', ()) if isinstance(arg, BaseException))


def describe_transport_error(exc, timeout=None):
    """A short reason for a failed connection, without the long urllib3 repr."""
    names = [type(e).__name__ for e in _exception_chain(exc)]
    if 'NameResolutionError' in names or 'gaierror' in names:
        return 'the host name could not be resolved'
    if 'SSLCertVerificationError' in names or 'CertificateError' in names:
        return 'the server certificate could not be verified'
    if 'SSLError' in names:
        return 'the TLS handshake failed'
    if 'ConnectTimeout' in names or 'ConnectTimeoutError' in names:
        return 'no connection within %s s' % timeout if timeout else 'the connection timed out'
    if 'ConnectionRefusedError' in names or 'NewConnectionError' in names:
        return 'the connection was refused'
    if 'ReadTimeout' in names or 'ReadTimeoutError' in names:
        return 'no answer within %s s' % timeout if timeout else 'the answer timed out'
    if 'ChunkedEncodingError' in names or 'IncompleteRead' in names or 'ProtocolError' in names:
        return 'the connection was closed or reset before the whole answer arrived'
    return shown(str(exc), 200)


def _never_reached_service(exc):
    """True when a request certainly never reached the service: refused or unanswered connect."""
    if isinstance(exc, ConnectTimeout):
        return True
    unsent = ('NewConnectionError', 'ConnectionRefusedError', 'NameResolutionError', 'ConnectTimeoutError')
    return any(type(e).__name__ in unsent for e in _exception_chain(exc))


class Backoff:
    """Wait times for successive retries, bounded in total.

    Retry-After wins when the service sends it; otherwise exponential backoff with
    jitter so that many forks throttled together do not come back together.
    """

    def __init__(self, retries, max_total_wait=MAX_TOTAL_WAIT, base=BACKOFF_BASE, sleep=time.sleep, rand=random.random):
        self.retries = retries
        self.max_total_wait = max_total_wait
        self.base = base
        self.waited = 0.0
        self.attempt = 0
        self._sleep = sleep
        self._rand = rand

    def next_wait(self, retry_after=None, throttled=False):
        """Seconds to wait before the next try, or None when no retry is left (count or time)."""
        if self.attempt >= self.retries:
            return None
        if retry_after is None:
            base = max(self.base, THROTTLE_BACKOFF_BASE) if throttled else self.base
            cap = min(MAX_BACKOFF, base * (2 ** self.attempt))
            wait = cap / 2 + self._rand() * cap / 2
        else:
            # A little jitter on top, so that forks throttled together do not all return at once.
            wait = retry_after * (1 + 0.1 * self._rand())
        if self.waited + wait > self.max_total_wait:
            return None
        return wait

    def wait(self, seconds):
        self.attempt += 1
        self.waited += seconds
        if seconds > 0:
            self._sleep(seconds)


class Response:
    """What the client hands back: status, parsed JSON body and headers."""

    def __init__(self, status_code, body, headers):
        self.status_code = status_code
        self.body = body
        self.headers = headers


class HttpClient:
    """requests.Session plus the collection's rules for deadlines, retries, pacing, auth and errors.

    origin: the (scheme, host, port) the bearer token may go to; a request elsewhere is refused before
    it is sent. pacer: a _pacing.WritePacer every write takes a slot from. redactor: the secrets to mask
    in every error this client raises.
    """

    def __init__(self, credential=None, timeout=30.0, verify=True, retries=5,
                 max_total_wait=MAX_TOTAL_WAIT, session=None, sleep=time.sleep, origin=None, pacer=None,
                 redactor=None):
        self.credential = credential
        self.timeout = timeout
        # Passed per request: REQUESTS_CA_BUNDLE in the environment would override Session.verify.
        self.verify = verify
        self.retries = retries
        self.max_total_wait = max_total_wait
        self.session = session or requests.Session()
        self.session.headers['User-Agent'] = USER_AGENT
        self.sleep = sleep
        self.origin = origin
        self.pacer = pacer
        self.redactor = redactor if redactor is not None else Redactor()
        self.request_count = 0

    def send(self, method, url, headers=None, data=None, params=None, retry_throttled=False):
        """Raw transport, shared with the token flows so the authority gets the same TLS settings.

        Each request has a total deadline of `timeout` seconds for its answer, headers and body
        included, and a body of at most MAX_BODY_BYTES. retry_throttled: a 429 is sent again after
        Retry-After within the retry budget (Azure AD throttles token requests too); anything else
        is the caller's to judge.
        """
        backoff = Backoff(self.retries, self.max_total_wait, sleep=self.sleep)
        while True:
            self.request_count += 1
            deadline = time.time() + self.timeout
            with _deadline_alarm(self.timeout):
                resp = self.session.request(method, url, headers=headers, data=data, params=params, stream=True,
                                            timeout=self.timeout, verify=self.verify, allow_redirects=False)
                _read_body(resp, deadline, self.timeout)
            if not retry_throttled or resp.status_code != 429:
                return resp
            wait = backoff.next_wait(parse_retry_after(resp.headers.get('Retry-After')), throttled=True)
            if wait is None:
                return resp
            backoff.wait(wait)

    def request(self, method, url, describe, safe_to_repeat=True, pace=None, body=None):
        """Send an authenticated request and return a Response with a JSON body.

        safe_to_repeat=False (writes) resends only when the service certainly did not act: 429 or a
        refused connection. pace: the write operation whose per-instance budget this request takes a
        slot of (see _pacing); a 429 to it waits a whole window, keeping its place in the queue.
        body: a dict sent as JSON (a PUT).
        """
        try:
            return self._request(method, url, describe, safe_to_repeat, pace, body)
        except AduError as exc:
            raise exc.scrub(self.redactor)

    def _request(self, method, url, describe, safe_to_repeat, pace, body):
        if self.origin is not None and origin_of(url) != self.origin:
            raise AduError('%s: not sending the bearer token to %s, which is not the service (%s://%s:%d)'
                           % (describe, shown(url, 200), self.origin[0], self.origin[1], self.origin[2]), url=None,
                           method=method)
        backoff = Backoff(self.retries, self.max_total_wait, sleep=self.sleep)
        refreshed = False
        ticket = self._slot(pace, None, method, url, describe)
        while True:
            headers = {'Accept': 'application/json'}
            if self.credential is not None:
                headers['Authorization'] = 'Bearer %s' % self.redactor.add(
                    self.credential.get_token(self, force_refresh=refreshed))
            data = None
            if body is not None:
                data = json.dumps(body).encode('utf-8')
                headers['Content-Type'] = 'application/json'
            elif method in ('POST', 'PUT', 'DELETE'):
                headers['Content-Length'] = '0'
            try:
                resp = self.send(method, url, headers=headers, data=data)
            except (RequestException, _BodyError) as exc:
                unsent = _never_reached_service(exc)
                if safe_to_repeat or unsent:
                    wait = backoff.next_wait()
                    if wait is not None:
                        backoff.wait(wait)
                        continue
                raise self._transport_error(exc, method, url, describe, safe_to_repeat, unsent, backoff)
            finally:
                if pace and self.pacer is not None:
                    self.pacer.sent(pace, ticket)

            if resp.status_code == 401 and self.credential is not None and self.credential.refreshable:
                self.credential.invalidate()
                # A token the service rejects is dropped and acquired again, once, for a read. A write
                # is never sent again: a hostile or broken service may have acted before answering 401.
                if safe_to_repeat and not refreshed:
                    refreshed = True
                    continue
            if resp.status_code == 429 and pace:
                # Another client used the budget: wait the service's window, then take the next slot.
                retry_after = parse_retry_after(resp.headers.get('Retry-After'))
                window = self.pacer.window if self.pacer is not None else 60.0
                ticket = self._slot(pace, time.time() + (window if retry_after is None else retry_after), method,
                                    url, describe, resp)
                backoff.attempt += 1
                continue
            if resp.status_code in RETRYABLE_STATUSES and (safe_to_repeat or resp.status_code == 429):
                retry_after = parse_retry_after(resp.headers.get('Retry-After'))
                wait = backoff.next_wait(retry_after, throttled=resp.status_code == 429)
                if wait is not None:
                    backoff.wait(wait)
                    continue
                raise self._status_error(resp, method, url, describe, safe_to_repeat, backoff, retry_after)
            if resp.status_code >= 300:
                raise self._status_error(resp, method, url, describe, safe_to_repeat, backoff, None)
            answer = self._json_object(resp)
            if answer is None and safe_to_repeat:
                # A truncated or mangled answer to a read (a proxy, a reset) is worth asking again.
                wait = backoff.next_wait()
                if wait is not None:
                    backoff.wait(wait)
                    continue
            if answer is None:
                raise self._body_error(resp, method, url, describe, safe_to_repeat)
            return Response(resp.status_code, answer, resp.headers)

    def _slot(self, pace, not_before, method, url, describe, throttled=None):
        """Wait for a write slot of `pace` (None: not a paced request); a timeout is an AduError."""
        if not pace or self.pacer is None:
            if throttled is not None:  # no pacer: a throttled write waits out the window all the same
                self.sleep(max(0.0, not_before - time.time()))
            return None
        try:
            return self.pacer.acquire(pace, not_before)
        except (PrivateFileError, OSError) as exc:
            raise AduError('%s: the write pacing file next to the token cache cannot be used (%s); set '
                           'token_cache_path to a private location, or write_rate_limit to 0' % (describe, exc),
                           url=url, method=method)
        except PacingTimeout as exc:
            msg = '%s: %s' % (describe, exc)
            if throttled is not None:
                msg = '%s: HTTP 429, the instance is throttled by another client as well; %s' % (describe, exc)
            msg += ('. Nothing was applied. Raise throttle_timeout, run fewer writes at once, or lower '
                    'write_rate_limit if other clients share the instance; a rerun acts only on what is left')
            error = {'code': 'TooManyRequests' if throttled is not None else 'PacingTimeout', 'message': str(exc),
                     'trace_id': None}
            raise AduError(msg, 429 if throttled is not None else None, error, url, method)

    @staticmethod
    def _json_object(resp):
        """The body as a dict, {} when empty, None when it is not a JSON object."""
        try:
            body = resp.json() if resp.content else {}
        except (ValueError, RecursionError):  # JSON nested 100,000 deep is no deployment
            return None
        return body if isinstance(body, dict) else None

    def _body_error(self, resp, method, url, describe, safe_to_repeat):
        """The error for a 2xx answer whose body is not a JSON object."""
        error = parse_error_body(resp.text, resp.headers.get('Content-Type'), resp.headers)
        msg = '%s: the service answered HTTP %d with a body that is not a JSON object (%s)' % (
            describe, resp.status_code, error.get('message') or 'empty')
        if not safe_to_repeat:
            msg += '; the action may or may not have happened'
        else:
            msg += '; a proxy between this host and Azure may be answering instead of the service'
        return AduError(msg, resp.status_code, error, url, method, action_unknown=not safe_to_repeat)

    def _transport_error(self, exc, method, url, describe, safe_to_repeat, unsent, backoff):
        reason = 'Timeout' if isinstance(exc, _BodyError) else type(exc).__name__
        detail = str(exc) if isinstance(exc, _BodyError) else describe_transport_error(exc, self.timeout)
        msg = '%s failed: %s' % (describe, detail)
        if backoff.attempt:
            msg += ' after %d retries' % backoff.attempt
        action_unknown = not safe_to_repeat and not unsent
        if action_unknown:
            msg += ('; the connection failed after the request was sent, so the action may or may not '
                    'have happened: run the task again, it reads the deployment first and acts only if needed')
        elif 'TLS' in detail or 'certificate' in detail:
            msg += '; check ca_path (the CA bundle that signed the server certificate) or validate_certs'
        return AduError(msg, None, {'code': reason, 'message': detail, 'trace_id': None}, url, method,
                        action_unknown=action_unknown)

    def _status_error(self, resp, method, url, describe, safe_to_repeat, backoff, retry_after):
        status = resp.status_code
        error = parse_error_body(resp.text, resp.headers.get('Content-Type'), resp.headers)
        shown = dict(error)
        if shown.get('message') == shown.get('code'):
            shown['message'] = None
        told = ', '.join('%s: %s' % (k, shown[k]) for k in ('code', 'message', 'trace_id') if shown.get(k))
        msg = '%s: HTTP %d' % (describe, status)
        if told:
            msg += ' (%s)' % told
        if status in RETRYABLE_STATUSES and (safe_to_repeat or status == 429):
            if retry_after is not None and backoff.waited + retry_after > backoff.max_total_wait:
                msg += ('; the service asked to wait %.0f s (Retry-After), beyond the retry budget of %.0f s'
                        % (retry_after, backoff.max_total_wait))
            else:
                msg += '; gave up after %d retries (%.1f s waited)' % (backoff.attempt, backoff.waited)
            if status == 429:
                msg += '; the instance is throttled: run fewer deployments at once or raise retries'
            elif safe_to_repeat:
                msg += '; the service keeps failing: try again later, and give the trace_id to Azure support'
        elif status == 401:
            msg += ('; the credentials were rejected: check tenant_id, client_id and the secret or certificate, '
                    'or that access_token is current and issued for https://api.adu.microsoft.com/.default')
        elif status == 403:
            msg += '; permission denied: %s' % ROLE_HINT
        if not safe_to_repeat and (status >= 500 or status in (401, 408)):
            # A 4xx other than 408 is the service refusing the request: nothing was done. A 401 to a
            # write is read back all the same: a broken or hostile service may have acted first.
            msg += ('; the action may or may not have happened: run the task again, it reads the '
                    'deployment first and acts only if needed')
            return AduError(msg, status, error, url, method, action_unknown=True)
        return AduError(msg, status, error, url, method)


class _BodyError(Exception):
    """The answer did not arrive in time or was too large."""


@contextlib.contextmanager
def _deadline_alarm(seconds):
    """Interrupt a request still blocked after `seconds`, wherever it is: connecting, reading headers
    dripped a byte at a time, or the body. Socket timeouts bound each read, not the whole answer.

    Only in a main thread (a module's process), where SIGALRM is delivered; elsewhere (the event
    source's executor) the body's deadline of _read_body and the per-read timeout apply.
    """
    if not hasattr(signal, 'setitimer') or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):  # pylint: disable=unused-argument
        raise _BodyError('no whole answer within %s s' % seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _socket_of(raw):
    """The socket under a streamed urllib3 response, to bound each read by what is left of the deadline."""
    for path in (('_connection', 'sock'), ('_fp', 'fp', 'raw', '_sock')):
        current = raw
        for name in path:
            current = getattr(current, name, None)
        if current is not None and hasattr(current, 'settimeout'):
            return current
    return None


def _read_body(resp, deadline, timeout):
    """Read a streamed answer's body within the request's deadline: a server dripping a byte a
    second cannot hold a task past `timeout`, nor a huge body fill the memory."""
    if getattr(resp, '_content', False) is not False or getattr(resp, 'raw', None) is None:
        return  # already read (an answer without a stream)
    raw, chunks, size = resp.raw, [], 0
    read = getattr(raw, 'read1', None) or (lambda amt: raw.read(min(amt, 256)))
    try:
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise _BodyError('no whole answer within %s s' % timeout)
            sock = _socket_of(raw)
            if sock is not None:
                sock.settimeout(left)
            chunk = read(READ_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise _BodyError('the answer is larger than %d bytes' % MAX_BODY_BYTES)
            chunks.append(chunk)
    except _BodyError:
        resp.close()
        raise
    except Exception as exc:  # pylint: disable=broad-except  # socket timeouts and resets while reading
        resp.close()
        if time.time() >= deadline:
            raise _BodyError('no whole answer within %s s' % timeout)
        raise requests.exceptions.ChunkedEncodingError(exc)
    resp._content = b''.join(chunks)  # pylint: disable=protected-access
    resp._content_consumed = True  # pylint: disable=protected-access
