# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a failed call says: the service's error body parsed, a transport failure described, and the
AduError a person reads, with its advice (what to check, what to do). The client loads this module
at the first failure only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError
from ansible_collections.adu.device_update.plugins.module_utils._core.options import origin_of
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import shown
from ansible_collections.adu.device_update.plugins.module_utils._core.wire import innermost_code

try:
    from requests.exceptions import ConnectTimeout
except ImportError:  # pragma: no cover - the client fails first, naming requests
    ConnectTimeout = None

ROLE_HINT = 'the caller needs the "Device Update Deployments Administrator" role on the ADU account'
RERUN_HINT = 'run the task again, it reads the deployment first and acts only if needed'


def _trace_id(headers, body):
    for key in ('traceId', 'traceid', 'trace_id'):
        if isinstance(body, dict) and body.get(key):
            return str(body[key])
    # traceparent is what the real service sends (no recorded answer carries an x-ms-* header).
    for header in ('traceparent', 'x-ms-correlation-request-id', 'x-ms-request-id', 'apim-request-id'):
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
    code = message = innermost = None
    if isinstance(body, dict):
        inner = body.get('error') if isinstance(body.get('error'), dict) else None
        if inner is not None:
            code = inner.get('code')
            message = inner.get('message')
            innermost = innermost_code(inner)  # the REST spec nests the cause (innererror, then innerError)
            body = dict(body, **dict((k, v) for k, v in inner.items() if k in ('traceId', 'traceid')))
        else:  # problem+json: {type, title, status, detail, traceId}
            code = body.get('code') or body.get('title')
            message = body.get('detail') or body.get('message') or body.get('title')
    elif text:
        kind = (content_type or 'unknown type').split(';')[0]
        message = 'non-JSON response (%s): %s' % (shown(kind, 60), shown(text, 120))
    parsed = {'code': _text(code, 100), 'message': _text(message), 'trace_id': _text(_trace_id(headers, body), 100)}
    if innermost is not None and innermost != code:
        parsed['innermost_code'] = _text(innermost, 100)
    return parsed


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


def refused(exc):
    """True when nothing listened at the address (a wrong endpoint or port, or a service that is down)."""
    return any(type(e).__name__ == 'ConnectionRefusedError' or isinstance(e, ConnectionRefusedError)
               for e in _exception_chain(exc))


def describe_transport_error(exc, timeout=None, url=None):
    """A short reason for a failed connection, without the long urllib3 repr; url names where."""
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
        origin = origin_of(url) if url else None
        if origin is None:
            return 'the connection was refused'
        return 'the connection to %s port %d was refused' % (origin[1], origin[2])
    if 'ReadTimeout' in names or 'ReadTimeoutError' in names:
        return 'no answer within %s s' % timeout if timeout else 'the answer timed out'
    if 'ChunkedEncodingError' in names or 'IncompleteRead' in names or 'ProtocolError' in names:
        return 'the connection was closed or reset before the whole answer arrived'
    return shown(str(exc), 200)


def never_reached_service(exc):
    """True when a request certainly never reached the service: refused or unanswered connect."""
    if ConnectTimeout is not None and isinstance(exc, ConnectTimeout):
        return True
    unsent = ('NewConnectionError', 'ConnectionRefusedError', 'NameResolutionError', 'ConnectTimeoutError')
    return any(type(e).__name__ in unsent for e in _exception_chain(exc))


def transport_error(describe, method, url, reason, detail, retries, action_unknown):
    """The connection failed (refused, reset, timed out, TLS) after `retries` retries."""
    msg = '%s failed: %s' % (describe, detail)
    if retries:
        msg += ' after %d retries' % retries
    if action_unknown:
        msg += ('; the connection failed after the request was sent, so the action may or may not have happened: '
                + RERUN_HINT)
    elif reason != 'Timeout' and ' was refused' in detail:
        msg += '; nothing listens there: check endpoint (or account) and that the service is up'
    elif 'TLS' in detail or 'certificate' in detail:
        msg += '; check ca_path (the CA bundle that signed the server certificate) or validate_certs'
    return AduError(msg, None, {'code': reason, 'message': detail, 'trace_id': None}, url, method,
                    action_unknown=action_unknown)


def status_error(describe, method, url, status, error, safe_to_repeat, gave_up=None):
    """The service answered `status`; error is its parsed body; gave_up: why retries stopped, when they ran."""
    shown = dict(error)
    if shown.get('message') == shown.get('code'):
        shown['message'] = None
    told = ', '.join('%s: %s' % (k, shown[k]) for k in ('code', 'innermost_code', 'message', 'trace_id')
                     if shown.get(k))
    msg = '%s: HTTP %d' % (describe, status)
    if told:
        msg += ' (%s)' % told
    if gave_up:
        msg += '; ' + gave_up
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
        msg += '; the action may or may not have happened: ' + RERUN_HINT
        return AduError(msg, status, error, url, method, action_unknown=True)
    return AduError(msg, status, error, url, method)


def body_error(describe, method, url, status, error, safe_to_repeat):
    """A 2xx answer whose body is not a JSON object."""
    msg = '%s: the service answered HTTP %d with a body that is not a JSON object (%s)' % (
        describe, status, error.get('message') or 'empty')
    if not safe_to_repeat:
        msg += '; the action may or may not have happened'
    else:
        msg += '; a proxy between this host and Azure may be answering instead of the service'
    return AduError(msg, status, error, url, method, action_unknown=not safe_to_repeat)


def pacing_error(describe, method, url, reason, throttled):
    """No write slot in time (PacingTimeout's reason), or the pacing file cannot be used (reason None)."""
    if throttled:
        msg = '%s: HTTP 429, the instance is throttled by another client as well; %s' % (describe, reason)
    else:
        msg = '%s: %s' % (describe, reason)
    msg += ('. Nothing was applied. Raise throttle_timeout, run fewer writes at once, or lower '
            'write_rate_limit if other clients share the instance; a rerun acts only on what is left')
    error = {'code': 'TooManyRequests' if throttled else 'PacingTimeout', 'message': str(reason), 'trace_id': None}
    return AduError(msg, 429 if throttled else None, error, url, method)


def pacing_file_error(describe, method, url, exc):
    return AduError('%s: the write pacing file next to the token cache cannot be used (%s); set token_cache_path to '
                    'a private location, or write_rate_limit to 0' % (describe, exc), url=url, method=method)
