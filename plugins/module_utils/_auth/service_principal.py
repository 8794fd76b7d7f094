# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A service principal's credentials (client credentials grant through msal): a client secret, a certificate, or a
federated token (workload identity). Each keys the token cache by a fingerprint of what proves it, never the secret."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re

from ansible_collections.adu.device_update.plugins.module_utils._auth.azure_ad import AzureAdCredential, _read_file
from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AuthConfigError

_PEM_KEY = re.compile(r'-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----.+?-----END (?:[A-Z]+ )*PRIVATE KEY-----', re.S)


_PEM_CERT = re.compile(r'-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----', re.S)


class ConfidentialClientCredential(AzureAdCredential):
    """Client credentials grant of a service principal; subclasses say how it proves itself."""

    def client_credential(self, redactor):
        raise NotImplementedError

    def acquire(self, http):
        credential = self.client_credential(http.redactor)  # read files before any request

        def request(msal, transport):
            app = msal.ConfidentialClientApplication(
                self.params['client_id'], client_credential=credential,
                authority='%s/%s' % (self.authority_host, self.params['tenant_id']), http_client=transport,
                # Instance discovery would ask login.microsoftonline.com about any other host;
                # the authority is the user's choice, so only its own OIDC metadata is read.
                instance_discovery=False, token_cache=None)
            return app.acquire_token_for_client(scopes=[self.scope])
        return self._result(self._call_msal(http, request), http.redactor)


class ClientSecretCredential(ConfidentialClientCredential):
    name = 'client_secret'

    def fingerprint(self):
        return _digest(self.params.get('client_secret'))

    def client_credential(self, redactor):
        return redactor.add(self.params['client_secret'])


class CertificateCredential(ConfidentialClientCredential):
    """A certificate (PEM with key and certificate, or PFX); the chain is sent (x5c) so that
    subject name/issuer authentication works."""

    name = 'certificate'

    def fingerprint(self):
        """The certificate file's digest (its thumbprint and key with it) and its password's: a new certificate, or
        a wrong password, is asked of Azure AD."""
        return '%s:%s' % (_digest(_read_file('client_certificate_path', self.params['client_certificate_path'])),
                          _digest(self.params.get('client_certificate_password')))

    def client_credential(self, redactor):
        path = self.params['client_certificate_path']
        password = self.params.get('client_certificate_password')
        data = _read_file('client_certificate_path', path)
        if not data.lstrip().startswith(b'-----'):  # binary: PKCS#12 / PFX, read by msal itself
            credential = {'private_key_pfx_path': path, 'public_certificate': True}
        else:
            text = data.decode('utf-8', 'replace')
            key, certs = _PEM_KEY.search(text), _PEM_CERT.findall(text)
            if key is None or not certs:
                raise AuthConfigError('client_certificate_path: %s must hold a private key and its certificate '
                                      '(PEM), or be a PFX/PKCS#12 file' % path)
            credential = {'private_key': key.group(0), 'public_certificate': '\n'.join(certs)}
        if password:
            credential['passphrase'] = redactor.add(password)
        return credential


class WorkloadIdentityCredential(ConfidentialClientCredential):
    """A federated token (AKS workload identity, GitHub OIDC) exchanged for an Azure AD token.
    The file is read again for each token request, since it rotates."""

    name = 'workload_identity'

    def fingerprint(self):
        """The federated token file's path: its content rotates, the identity it proves does not."""
        return self.params.get('federated_token_file')

    def client_credential(self, redactor):
        path = self.params['federated_token_file']
        # Read now to fail early and clearly if it is unreadable.
        redactor.add(_read_file('federated_token_file', path).decode('utf-8', 'replace').strip())

        def assertion():
            return redactor.add(_read_file('federated_token_file', path).decode('utf-8', 'replace').strip())
        return {'client_assertion': assertion}


def _digest(value):
    """A SHA-256 of a secret (text or bytes), to tell two apart without keeping either; None for none."""
    if value is None:
        return None
    return hashlib.sha256(value if isinstance(value, bytes) else value.encode('utf-8')).hexdigest()


SERVICE_PRINCIPAL_SOURCES = dict((source.name, source) for source in (
    ClientSecretCredential, CertificateCredential, WorkloadIdentityCredential))
