# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential sources: each a small class that turns module options into a bearer token.

msal is imported only when a token has to be requested, so a task given an access_token
never pays for importing msal and cryptography.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible_collections.adu.device_update.plugins.module_utils._client import AduError, describe_transport_error
from ansible_collections.adu.device_update.plugins.module_utils._options import validate_authority_host

SCOPE = 'https://api.adu.microsoft.com/.default'
PUBLIC_AUTHORITY_HOST = 'https://login.microsoftonline.com'


class MissingLibraryError(Exception):
    """A Python library a credential source needs is not installed."""

    def __init__(self, library, import_error):
        super(MissingLibraryError, self).__init__(library)
        self.library = library
        self.import_error = import_error


class AuthConfigError(Exception):
    """The auth options do not make up one complete credential; names what was looked at."""


def _import_msal():
    try:
        import msal  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise MissingLibraryError('msal', traceback.format_exc())
    return msal


class _MsalTransport:
    """msal's http_client interface on top of our HttpClient, so the authority gets the same
    TLS settings (ca_path, validate_certs) and timeout as the ADU API."""

    def __init__(self, http):
        self._http = http

    def post(self, url, params=None, data=None, headers=None, **kwargs):  # pylint: disable=unused-argument
        return self._http.send('POST', url, headers=headers, data=data, params=params)

    def get(self, url, params=None, headers=None, **kwargs):  # pylint: disable=unused-argument
        return self._http.send('GET', url, headers=headers, params=params)

    def close(self):
        """msal may close its client; the session belongs to HttpClient."""


class Credential:
    """A source of bearer tokens for the ADU API."""

    name = None
    # Whether a token the service rejects can be replaced by asking again.
    refreshable = False

    def get_token(self, http, force_refresh=False):
        raise NotImplementedError

    def invalidate(self):
        """Forget the current token: the service rejected it."""


class AccessTokenCredential(Credential):
    """A token the caller already has; msal is never imported."""

    name = 'access_token'

    def __init__(self, access_token):
        self._token = access_token

    @classmethod
    def missing(cls, params):
        return [] if params.get('access_token') else ['access_token']

    @classmethod
    def from_params(cls, params):
        return cls(params['access_token'])

    def get_token(self, http, force_refresh=False):
        return self._token


class MsalCredential(Credential):
    """Common part of every flow that asks Azure AD through msal."""

    refreshable = True

    def __init__(self, tenant_id, client_id, authority_host):
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.authority_host = validate_authority_host(authority_host or PUBLIC_AUTHORITY_HOST)
        self._token = None
        self.token_requests = 0

    @property
    def authority(self):
        return '%s/%s' % (self.authority_host, self.tenant_id)

    def client_credential(self):
        """What msal's ConfidentialClientApplication takes as client_credential."""
        raise NotImplementedError

    def get_token(self, http, force_refresh=False):
        if self._token is not None and not force_refresh:
            return self._token
        msal = _import_msal()
        self.token_requests += 1
        try:
            app = msal.ConfidentialClientApplication(
                self.client_id,
                client_credential=self.client_credential(),
                authority=self.authority,
                http_client=_MsalTransport(http),
                # Instance discovery would ask login.microsoftonline.com about any other host;
                # the authority is the user's choice, so only its own OIDC metadata is read.
                instance_discovery=False,
            )
            result = app.acquire_token_for_client(scopes=[SCOPE])
        except AduError:
            raise
        except Exception as exc:  # msal raises ValueError/RuntimeError and requests' errors
            detail = describe_transport_error(exc, http.timeout)
            raise AduError(
                'could not get a token from %s for client_id %s: %s; check authority_host, tenant_id, '
                'ca_path and network access to the authority' % (self.authority, self.client_id, detail),
                error={'code': type(exc).__name__, 'message': detail, 'trace_id': None},
                url=self.authority)
        if 'access_token' not in result:
            raise AduError(
                'Azure AD refused a token for client_id %s in tenant %s (%s: %s); check the %s' % (
                    self.client_id, self.tenant_id, result.get('error'),
                    (result.get('error_description') or '').split('\n')[0][:300], self.describe_inputs()),
                error={'code': result.get('error'), 'message': result.get('error_description'),
                       'trace_id': result.get('correlation_id')},
                url=self.authority)
        self._token = result['access_token']
        return self._token

    def describe_inputs(self):
        return 'tenant_id, client_id and credential'

    def invalidate(self):
        self._token = None


class ClientSecretCredential(MsalCredential):
    """Service principal with a client secret (client credentials grant)."""

    name = 'client_secret'

    def __init__(self, tenant_id, client_id, client_secret, authority_host=None):
        super(ClientSecretCredential, self).__init__(tenant_id, client_id, authority_host)
        self._secret = client_secret

    @classmethod
    def missing(cls, params):
        return [k for k in ('tenant_id', 'client_id', 'client_secret') if not params.get(k)]

    @classmethod
    def from_params(cls, params):
        return cls(params['tenant_id'], params['client_id'], params['client_secret'], params.get('authority_host'))

    def client_credential(self):
        return self._secret

    def describe_inputs(self):
        return 'tenant_id, client_id and client_secret'


# The order auth_method=auto tries, first complete source wins.
CREDENTIAL_SOURCES = (AccessTokenCredential, ClientSecretCredential)
AUTH_METHODS = ('auto',) + tuple(source.name for source in CREDENTIAL_SOURCES)


def select_credential(params):
    """The credential for these options: the named auth_method, or the first complete source."""
    method = params.get('auth_method') or 'auto'
    sources = CREDENTIAL_SOURCES if method == 'auto' else [s for s in CREDENTIAL_SOURCES if s.name == method]
    if not sources:
        raise AuthConfigError('auth_method: must be one of %s (got %r)' % (', '.join(AUTH_METHODS), method))
    looked_at = []
    for source in sources:
        missing = source.missing(params)
        if not missing:
            return source.from_params(params)
        looked_at.append('%s (missing %s)' % (source.name, ', '.join(missing)))
    raise AuthConfigError(
        'no complete credential for auth_method=%s; looked at: %s. Set the options or their '
        'environment variables (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET)' % (method, '; '.join(looked_at)))
