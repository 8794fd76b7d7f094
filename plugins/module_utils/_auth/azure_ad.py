# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of the Azure AD credentials: asking Azure AD through msal, on the collection's own HTTP client.

Tokens go through a cache file shared by every task on the host, so a play makes one token request while the
token is valid. The sources are small classes on this base: service_principal.py (a client secret, a
certificate, a federated token) and managed_identity.py. Imported by select.py only when one of them is chosen.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time
import traceback

from ansible_collections.adu.device_update.plugins.module_utils._auth.credential import (
    Credential,
    PUBLIC_AUTHORITY_HOST,
)
from ansible_collections.adu.device_update.plugins.module_utils._auth.token_cache import (
    TokenCache,
    TokenCacheError,
    cache_key,
)
from ansible_collections.adu.device_update.plugins.module_utils._core.errors import (
    AduError,
    AuthConfigError,
    MissingLibraryError,
    OptionError,
)
from ansible_collections.adu.device_update.plugins.module_utils._core.options import (
    origin_of,
    read_regular_file,
    validate_authority_host,
)

SCOPE = 'https://api.adu.microsoft.com/.default'
# Token request fields that prove the client: never shown, in any form.
SECRET_FORM_FIELDS = ('client_secret', 'client_assertion', 'assertion', 'refresh_token', 'password')
# Azure AD's answers that say the credentials themselves are wrong (not a passing fault).
REJECTED_CREDENTIALS = ('invalid_client', 'unauthorized_client', 'invalid_grant', 'unsupported_grant_type')
# How often a task waiting for another task's token looks at the cache.
LEASE_POLL = 0.05
RESOURCE = 'https://api.adu.microsoft.com'


def _import_msal():
    # Imported here, to spare every other task the start-up cost: msal is heavy, and only Azure AD sources need it.
    try:
        import msal  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise MissingLibraryError('msal', traceback.format_exc())
    return msal


def _read_file(option, path):
    """A small regular file's bytes: a FIFO, a device or a huge file is refused, never waited on."""
    try:
        return read_regular_file(option, path)
    except OptionError as exc:
        raise AuthConfigError(str(exc))


class _MsalTransport:
    """msal's http_client interface on our HttpClient: same TLS settings, deadline and handling
    of throttled (429) requests as the ADU API. Requests go only to the authority itself (origin):
    discovery metadata naming another token endpoint does not get the client's secret."""

    def __init__(self, http, origin):
        self._http = http
        self._origin = origin

    def _checked(self, url):
        origin = origin_of(url)
        if self._origin is not None and origin != self._origin:
            raise AduError('the authority sent an endpoint elsewhere (%s); not sending credentials there' % (
                '%s://%s:%d' % origin if origin else 'an unusable URL'))
        return url

    def post(self, url, params=None, data=None, headers=None, **kwargs):  # pylint: disable=unused-argument
        if isinstance(data, dict):
            # What proves the client (a signed assertion replayable for minutes, the secret) is masked in
            # whatever the authority echoes of it.
            for field in SECRET_FORM_FIELDS:
                value = data.get(field)
                self._http.redactor.add(value.decode('ascii', 'replace') if isinstance(value, bytes) else value)
        return self._http.send('POST', self._checked(url), headers=headers, data=data, params=params,
                               retry_throttled=True)

    def get(self, url, params=None, headers=None, **kwargs):  # pylint: disable=unused-argument
        return self._http.send('GET', self._checked(url), headers=headers, params=params, retry_throttled=True)

    def close(self):
        """msal may close its client; the session belongs to HttpClient."""


class AzureAdCredential(Credential):
    """A token from Azure AD through msal, kept in the shared token cache."""

    refreshable = True
    # What the token is for: the ADU service; staging asks for Blob Storage (with_scope).
    scope = SCOPE

    def __init__(self, params):
        self.params = params
        self.authority_host = validate_authority_host(params.get('authority_host') or PUBLIC_AUTHORITY_HOST)
        # The lock is held for milliseconds; waiting longer than one request's timeout means a stopped holder.
        self.cache = TokenCache(params.get('token_cache_path'), lock_timeout=params.get('timeout') or None) \
            if params.get('token_cache', True) else None
        self._token = None

    def identity(self):
        """What makes two credentials the same identity (and audience) with the same proof: a fingerprint of the
        credential, so that a rotated or mistyped secret is asked of Azure AD, not answered from the cache. Never
        a secret."""
        identity = (self.name, self.authority_host, self.params.get('tenant_id'), self.params.get('client_id'),
                    self.fingerprint())
        return identity if self.scope == SCOPE else identity + (self.scope,)

    def fingerprint(self):
        """What the proof of identity is, as a digest (a secret's hash, a certificate's), or a path; never a secret."""
        return None

    def acquire(self, http):
        """Ask Azure AD: return (access_token, expires_on epoch seconds)."""
        raise NotImplementedError

    def transport_origin(self):
        """Where token requests may go: the validated authority."""
        return origin_of(self.authority_host)

    def get_token(self, http, force_refresh=False):
        try:
            return http.redactor.add(self._get_token(http, force_refresh))
        except AduError as exc:  # the authority may echo what it was sent (a federated token)
            raise exc.scrub(http.redactor)

    def _get_token(self, http, force_refresh):
        if self._token is not None and not force_refresh:
            return self._token
        if self.cache is None:
            self._token = self.acquire(http)[0]
            return self._token
        try:
            self._token = self._through_cache(http, cache_key(*self.identity()), force_refresh)
        except (OSError, IOError, TokenCacheError) as exc:
            raise AuthConfigError('token_cache_path: %s' % (exc if isinstance(exc, TokenCacheError) else
                                                            'cannot use %s (%s)' % (self.cache.path, exc)))
        return self._token

    def _through_cache(self, http, key, force_refresh):
        """The cached token, one another task is getting right now, or a new one. No lock is held while Azure AD
        is asked; another task's lease is waited on for at most one request's timeout."""
        give_up_waiting = time.time() + http.timeout
        while True:
            with self.cache.locked():
                if force_refresh:
                    self.cache.drop(key)
                    force_refresh = False
                token = self.cache.get(key)
                if token is not None:
                    return token
                if self.cache.lease_holder(key) is None or time.time() >= give_up_waiting:
                    self.cache.take_lease(key, time.time() + http.timeout * 2)
                    break
            time.sleep(LEASE_POLL)
        try:
            token, expires_on = self.acquire(http)
        except BaseException:
            with self.cache.locked():
                self.cache.drop_lease(key)
            raise
        with self.cache.locked():
            self.cache.put(key, token, expires_on)
        return token

    def invalidate(self):
        self._token = None

    def _result(self, result, redactor):
        """(token, expires_on) from an msal result dict, or an AduError saying what Azure AD said."""
        if 'access_token' in result:
            return result['access_token'], time.time() + int(result.get('expires_in') or 0)
        # Masked before it is cut: a cut would leave the prefix of an echoed secret no longer recognisable.
        said = redactor.scrub((result.get('error_description') or '').split('\n')[0][:100000])[:300]
        error = AduError(
            'Azure AD refused a token (auth_method %s, client_id %s, tenant %s): %s: %s; check the %s' % (
                self.name, self.params.get('client_id'), self.params.get('tenant_id'), result.get('error'),
                said, ', '.join(self.required)),
            error={'code': result.get('error'), 'message': result.get('error_description'),
                   'trace_id': result.get('correlation_id')},
            url=self.authority_host)
        error.credentials_rejected = result.get('error') in REJECTED_CREDENTIALS
        raise error

    def _call_msal(self, http, request):
        try:
            return request(_import_msal(), _MsalTransport(http, self.transport_origin()))
        except (AduError, MissingLibraryError, AuthConfigError):
            raise
        except Exception as exc:  # msal raises ValueError/RuntimeError and requests' errors
            # Imported here, as client.py does: a task whose token comes needs none of failures.py.
            from ansible_collections.adu.device_update.plugins.module_utils._transport.failures import (  # pylint: disable=import-outside-toplevel
                describe_transport_error,
            )
            detail = describe_transport_error(exc, http.timeout)
            raise AduError(
                'could not get a token (auth_method %s) from %s: %s; check authority_host, tenant_id, ca_path and '
                'network access to the authority' % (self.name, self.authority_host, detail),
                error={'code': type(exc).__name__, 'message': detail, 'trace_id': None}, url=self.authority_host)
