# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client of the collection: one attempt of one request, repeated as the retry policy says.

It alone knows about TLS verification, deadlines, size caps, bearer tokens and error bodies; when to send
again is retry.py's, when a write may go out pacing.py's, what a failure says failures.py's. Everything above it
sees parsed JSON or an AduError whose text is safe to show: secrets masked, the service's words escaped
and cut."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time
import traceback
from urllib.parse import urlsplit
try:
    import requests
    from requests.utils import get_environ_proxies
    from requests.exceptions import RequestException
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

    class RequestException(Exception):
        """Stands in so that this module imports; AduModule fails first, naming requests."""

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import (
    AduError,
    PacingTimeout,
    PrivateFileError,
)
from ansible_collections.adu.device_update.plugins.module_utils._core.options import origin_of
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import Redactor, shown
from ansible_collections.adu.device_update.plugins.module_utils._transport.deadline import (
    BodyError,
    deadline_alarm,
    read_body,
)
from ansible_collections.adu.device_update.plugins.module_utils._transport.retry import (
    Backoff,
    MAX_TOTAL_WAIT,
    RetryPolicy,
    parse_retry_after,
)

USER_AGENT = 'adu.device_update-ansible'


class Response:
    """What the client hands back: status, parsed JSON body and headers."""

    def __init__(self, status_code, body, headers, size=0):
        self.status_code = status_code
        self.body = body
        self.headers = headers
        self.size = size  # bytes of the body as received


class BearerToken:
    """The Authorization header of one request. A token the service rejects is dropped and acquired
    again, once, for a read; a write is never sent again: a broken service may have acted before a 401."""

    def __init__(self, credential, redactor, may_resend):
        self.credential = credential
        self.redactor = redactor
        self.may_resend = may_resend
        self.refreshed = False

    def header(self, http):
        token = self.credential.get_token(http, force_refresh=self.refreshed)
        return 'Bearer %s' % self.redactor.add(token)

    def rejected(self):
        """After a 401: whether to send the request again with a new token."""
        if not self.credential.refreshable:
            return False
        self.credential.invalidate()
        if self.may_resend and not self.refreshed:
            self.refreshed = True
            return True
        return False


class HttpClient:
    """requests.Session plus the collection's rules for deadlines, retries, pacing, auth and errors.

    origin: the (scheme, host, port) the bearer token may go to; a request elsewhere is refused before
    it is sent. pacer: a pacing.WritePacer every write takes a slot from, or a function that makes it
    at the first write. redactor: the secrets to mask in every error this client raises.
    """

    def __init__(self, credential=None, timeout=30.0, verify=True, retries=5,
                 max_total_wait=MAX_TOTAL_WAIT, session=None, sleep=time.sleep, origin=None, pacer=None,
                 redactor=None):
        self.credential = credential
        self.timeout = timeout
        # ca_path or validate_certs; passed per request, the environment's CA bundle only where it is True.
        self.verify = verify
        self.retries = retries
        self.max_total_wait = max_total_wait
        self.session = session or requests.Session()
        self.session.headers['User-Agent'] = USER_AGENT
        # The environment is read here, once per host (environment()), not by requests at every request: a listing
        # sends thousands. And ~/.netrc is never read: its Basic credentials would replace the bearer token.
        self.session.trust_env = False
        self._environment = {}
        self.sleep = sleep
        self.origin = origin
        self._pacer = pacer
        self.redactor = redactor if redactor is not None else Redactor()
        self.request_count = 0

    @property
    def pacer(self):
        if callable(self._pacer):
            self._pacer = self._pacer()
        return self._pacer

    def pacing_wait(self):
        """Seconds this client's writes waited for their slots (0 when none was paced)."""
        return 0.0 if self._pacer is None or callable(self._pacer) else getattr(self._pacer, 'waited', 0.0)

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
            proxies, verify = self.environment(url)
            with deadline_alarm(self.timeout, self.session):
                resp = self.session.request(method, url, headers=headers, data=data, params=params, stream=True,
                                            timeout=self.timeout, verify=verify, proxies=proxies,
                                            allow_redirects=False)
                read_body(resp, deadline, self.timeout)
            if not retry_throttled or resp.status_code != 429:
                return resp
            wait = backoff.next_wait(parse_retry_after(resp.headers.get('Retry-After')), throttled=True)
            if wait is None:
                return resp
            backoff.wait(wait)

    def environment(self, url):
        """(proxies, verify) for url's host as requests reads them from the environment: HTTPS_PROXY and the like
        unless NO_PROXY names the host; REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE when verify is True (no ca_path)."""
        host = urlsplit(url)[:2]
        if host not in self._environment:
            verify = self.verify
            if verify is True:
                verify = os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True
            self._environment[host] = (get_environ_proxies(url), verify)
        return self._environment[host]

    def request(self, method, url, describe, safe_to_repeat=True, pace=None, body=None):
        """Send an authenticated request and return a Response with a JSON body.

        safe_to_repeat=False (writes) resends only when the service certainly did not act: 429 or a
        refused connection. pace: the write operation whose per-instance budget this request takes a
        slot of (see pacing.py); a 429 to it waits a whole window, keeping its place in the queue.
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
        policy = RetryPolicy(self.retries, self.max_total_wait, safe_to_repeat, paced=bool(pace), sleep=self.sleep,
                             window=self.pacer.window if pace and self.pacer is not None else 60.0)
        token = BearerToken(self.credential, self.redactor, safe_to_repeat) if self.credential else None
        ticket = self._slot(pace, None, method, url, describe)
        while True:
            try:
                resp = self._attempt(method, url, body, token, pace, ticket)
            except (RequestException, BodyError) as exc:
                unsent = _failures().never_reached_service(exc)
                retry = policy.after_transport_error(unsent, _failures().refused(exc))
                if retry is None:
                    raise self._transport_error(exc, method, url, describe, not safe_to_repeat and not unsent,
                                                policy.backoff.attempt)
            else:
                if resp.status_code == 401 and token is not None and token.rejected():
                    continue
                if resp.status_code < 300:
                    answer = self._json_object(resp)
                    if answer is not None:
                        return Response(resp.status_code, answer, resp.headers, len(resp.content or b''))
                    retry = policy.after_unreadable_body()
                    if retry is None:
                        raise _failures().body_error(describe, method, url, resp.status_code, _error_of(resp),
                                                     safe_to_repeat)
                else:
                    retry = policy.after_status(resp.status_code, resp.headers)
                    if retry is None:
                        raise _failures().status_error(describe, method, url, resp.status_code, _error_of(resp),
                                                       safe_to_repeat, policy.gave_up() if policy.exhausted else None)
            if retry.new_slot:
                self._hold_back(pace, time.time() + retry.wait, method, url, describe)
            if pace and self.pacer is not None:
                # Sent again is another call against the service's budget, whatever the reason (a 429, a 5xx, a
                # lost answer): it takes a new slot, no earlier than the retry's wait.
                if not retry.new_slot:
                    policy.backoff.record(retry.wait)
                ticket = self._slot(pace, time.time() + retry.wait, method, url, describe, throttled=retry.new_slot)
            elif retry.new_slot:
                ticket = self._slot(pace, time.time() + retry.wait, method, url, describe, throttled=True)
            else:
                policy.wait(retry)

    def _attempt(self, method, url, body, token, pace, ticket):
        """One attempt: the request with its token, then the pacing slot marked as used."""
        headers = {'Accept': 'application/json'}
        if token is not None:
            headers['Authorization'] = token.header(self)
        data = None
        if body is not None:
            data = json.dumps(body).encode('utf-8')
            headers['Content-Type'] = 'application/json'
        elif method in ('POST', 'PUT', 'DELETE'):
            headers['Content-Length'] = '0'
        try:
            return self.send(method, url, headers=headers, data=data)
        finally:
            if pace and self.pacer is not None:
                try:
                    self.pacer.sent(pace, ticket)
                except (PrivateFileError, OSError):
                    # The write went out: a fault in the bookkeeping must not hide that. Its slot keeps the
                    # time it was taken, which the next window's margin covers.
                    pass

    def _hold_back(self, pace, until, method, url, describe):
        """A 429 to a paced write: every task of the host waits out the same window (nothing was sent)."""
        if self.pacer is None:
            return
        try:
            self.pacer.throttled(pace, until)
        except (PrivateFileError, OSError) as exc:
            raise _failures().pacing_file_error(describe, method, url, exc)

    def _slot(self, pace, not_before, method, url, describe, throttled=False):
        """Wait for a write slot of `pace` (None: not a paced request); a timeout is an AduError."""
        if not pace or self.pacer is None:
            if throttled:  # no pacer: a throttled write waits out the window all the same
                self.sleep(max(0.0, not_before - time.time()))
            return None
        try:
            return self.pacer.acquire(pace, not_before)
        except PacingTimeout as exc:
            raise _failures().pacing_error(describe, method, url, exc, throttled)
        except (PrivateFileError, OSError) as exc:
            raise _failures().pacing_file_error(describe, method, url, exc)

    @staticmethod
    def _json_object(resp):
        """The body as a dict, {} when empty, None when it is not a JSON object."""
        try:
            body = resp.json() if resp.content else {}
        except (ValueError, RecursionError):  # JSON nested 100,000 deep is no deployment
            return None
        return body if isinstance(body, dict) else None

    def _transport_error(self, exc, method, url, describe, action_unknown, retries):
        reason = 'Timeout' if isinstance(exc, BodyError) else type(exc).__name__
        failures = _failures()
        detail = str(exc) if isinstance(exc, BodyError) else failures.describe_transport_error(exc, self.timeout, url)
        return failures.transport_error(describe, method, url, reason, detail, retries, action_unknown)


def _error_of(resp):
    return _failures().parse_error_body(resp.text, resp.headers.get('Content-Type'), resp.headers)


def _failures():
    """What a failed call says (failures.py), loaded at the first failure."""
    # Imported here, to spare every other task the start-up cost: a task whose calls succeed needs none of it.
    from ansible_collections.adu.device_update.plugins.module_utils._transport import failures  # pylint: disable=import-outside-toplevel
    return failures
