# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The managed identity of the VM, AKS node, App Service or Arc machine, through msal."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from ansible_collections.adu.device_update.plugins.module_utils._auth.azure_ad import AzureAdCredential, RESOURCE
from ansible_collections.adu.device_update.plugins.module_utils._auth.azure_cli import SCOPE


class ManagedIdentityCredential(AzureAdCredential):
    """The managed identity of the VM, AKS node, App Service or Arc machine (msal finds the
    endpoint from the environment); managed_identity_client_id picks a user-assigned one."""

    name = 'managed_identity'

    def identity(self):
        identity = (self.name, os.environ.get('IDENTITY_ENDPOINT') or os.environ.get('MSI_ENDPOINT') or 'imds',
                    self.params.get('managed_identity_client_id'))
        return identity if self.scope == SCOPE else identity + (self.scope,)

    def transport_origin(self):
        """The host's identity endpoint, which msal finds in the environment."""
        return None

    def acquire(self, http):
        client_id = self.params.get('managed_identity_client_id')

        def request(msal, transport):
            identity = (msal.UserAssignedManagedIdentity(client_id=client_id) if client_id
                        else msal.SystemAssignedManagedIdentity())
            client = msal.ManagedIdentityClient(identity, http_client=transport, token_cache=None)
            return client.acquire_token_for_client(
                resource=RESOURCE if self.scope == SCOPE else self.scope[:-len('/.default')])
        return self._result(self._call_msal(http, request), http.redactor)
