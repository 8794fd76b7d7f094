# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credential every auth method is: a bearer token for a request, refreshed once when the service
rejects it. One small class per method (azure_ad.py, azure_cli.py, and an access token given as it is)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
        # Imported here, to spare every other task the start-up cost: only a staging task gets here.
        import copy  # pylint: disable=import-outside-toplevel
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
