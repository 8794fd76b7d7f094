# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which credential a task uses: auth_method, or with auto the first source whose inputs are all given."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._auth.credential import (
    AUTH_METHODS,
    AUTO_ORDER,
    AccessTokenCredential,
    ENV_HINT,
    REQUIRED,
)
from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AuthConfigError


def _source(name):
    """The class of a credential source."""
    if name == 'access_token':
        return AccessTokenCredential
    # Imported here, to spare every other task the start-up cost: only the chosen source's code (and msal) loads.
    if name == 'cli':
        from ansible_collections.adu.device_update.plugins.module_utils._auth.azure_cli import AzureCliCredential  # pylint: disable=import-outside-toplevel
        return AzureCliCredential
    if name == 'managed_identity':
        from ansible_collections.adu.device_update.plugins.module_utils._auth import managed_identity  # pylint: disable=import-outside-toplevel
        return managed_identity.ManagedIdentityCredential
    from ansible_collections.adu.device_update.plugins.module_utils._auth import service_principal  # pylint: disable=import-outside-toplevel
    return service_principal.SERVICE_PRINCIPAL_SOURCES[name]


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
