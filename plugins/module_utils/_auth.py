# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential sources: each a small class that turns module options into a bearer token.

The sources and the options that make each complete are listed once, in SOURCES; auth_method names
one, or auto takes the first complete one. A token the caller already has is used as it is; the
Azure AD flows (_azure_ad) are imported only when one is chosen, and msal (with cryptography) only
when a token really has to be requested.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._errors import AuthConfigError

PUBLIC_AUTHORITY_HOST = 'https://login.microsoftonline.com'

# name: the options that make the source complete (all must be set). The order is the order
# auth_method=auto tries; managed identity is never guessed (its endpoint always "exists").
SOURCES = (
    ('access_token', ('access_token',)),
    ('certificate', ('tenant_id', 'client_id', 'client_certificate_path')),
    ('workload_identity', ('tenant_id', 'client_id', 'federated_token_file')),
    ('client_secret', ('tenant_id', 'client_id', 'client_secret')),
    ('managed_identity', ()),
    ('cli', ()),
)
REQUIRED = dict(SOURCES)
# Never guessed either: the Azure CLI's signed-in account (auth_method cli) is not a service principal's.
AUTO_ORDER = tuple(name for name, _required in SOURCES if name not in ('managed_identity', 'cli'))
AUTH_METHODS = ('auto',) + tuple(name for name, _required in SOURCES)
ENV_HINT = ('AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH, '
            'AZURE_FEDERATED_TOKEN_FILE')


class Credential:
    """A source of bearer tokens for the ADU API."""

    name = None
    # Whether a token the service rejects can be replaced by asking again.
    refreshable = False

    @property
    def required(self):
        return REQUIRED[self.name]

    def get_token(self, http, force_refresh=False):
        raise NotImplementedError

    def invalidate(self):
        """Forget the current token: the service rejected it."""

    def with_scope(self, scope):
        """This credential for another audience (Blob Storage, when staging), or None when it has no other: a
        token given as access_token is for the ADU service only."""
        if getattr(self, 'scope', None) is None:
            return None
        import copy  # pylint: disable=import-outside-toplevel  # only a staging task gets here
        other = copy.copy(self)
        other.scope = scope
        other._token = None  # pylint: disable=protected-access,attribute-defined-outside-init
        return other


class AccessTokenCredential(Credential):
    """A token the caller already has; msal is never imported."""

    name = 'access_token'

    def __init__(self, params):
        self._token = params['access_token']

    def get_token(self, http, force_refresh=False):
        return self._token


def _source(name):
    """The class of a credential source; the Azure AD ones are imported only when chosen."""
    if name == 'access_token':
        return AccessTokenCredential
    if name == 'cli':
        from ansible_collections.adu.device_update.plugins.module_utils._azure_cli import AzureCliCredential  # pylint: disable=import-outside-toplevel
        return AzureCliCredential
    from ansible_collections.adu.device_update.plugins.module_utils._azure_ad import AZURE_AD_SOURCES  # pylint: disable=import-outside-toplevel
    return AZURE_AD_SOURCES[name]


def select_credential(params):
    """The credential for these options: the named auth_method, or the first complete source."""
    method = params.get('auth_method') or 'auto'
    names = AUTO_ORDER if method == 'auto' else [name for name in REQUIRED if name == method]
    if not names:
        raise AuthConfigError('auth_method: must be one of %s (got %r)' % (', '.join(AUTH_METHODS), method))
    looked_at = []
    for name in names:
        missing = [option for option in REQUIRED[name] if not params.get(option)]
        if not missing:
            return _source(name)(params)
        looked_at.append('%s (missing %s)' % (name, ', '.join(missing)))
    raise AuthConfigError(
        'no complete credential for auth_method=%s; looked at: %s. Set the options (or module_defaults for '
        'group/adu.device_update.adu) or their environment variables (%s)' % (method, '; '.join(looked_at), ENV_HINT))
