# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """Connection and authentication options shared by every module of adu.device_update."""

    DOCUMENTATION = r'''
options:
  account:
    description:
      - Name of the Device Update account. The service is reached at C(https://<account>.api.adu.microsoft.com).
      - One DNS label of letters, digits and hyphens.
      - Exactly one of O(account) and O(endpoint) is required.
    type: str
  endpoint:
    description:
      - Base URL of the Device Update service, replacing the one built from O(account), for private links,
        other clouds or a local emulator.
      - Scheme, host and optional port only, for example V(https://contoso.api.adu.microsoft.com).
      - Plain C(http://) is accepted only for a loopback host, so a bearer token is never sent in clear over a network.
    type: str
  instance:
    description:
      - Name of the Device Update instance in the account, one DNS label.
    type: str
    required: true
  auth_method:
    description:
      - How to get the bearer token for the Device Update API.
      - V(auto) uses the first source whose inputs are complete, in this order
        V(access_token) (O(access_token)),
        V(certificate) (O(tenant_id), O(client_id), O(client_certificate_path)),
        V(workload_identity) (O(tenant_id), O(client_id), O(federated_token_file)),
        V(client_secret) (O(tenant_id), O(client_id), O(client_secret)).
        Each input may come from the task, from C(module_defaults), or from its environment variable, in that order.
      - V(managed_identity) is never picked by V(auto); set it to use the managed identity of the host.
      - V(cli) is never picked by V(auto) either; it takes a token from the Azure CLI's signed-in account
        (C(az account get-access-token --scope https://api.adu.microsoft.com/.default), with C(--tenant) when
        O(tenant_id) is given), as C(auth_source=cli) does in azure.azcollection. Needs C(az) on the C(PATH) of the
        host the task runs on, after C(az login). Added in version 1.2.0.
    type: str
    default: auto
    choices: [auto, access_token, certificate, workload_identity, client_secret, managed_identity, cli]
  tenant_id:
    description:
      - Azure AD tenant (directory) ID of the service principal.
      - If not set, the environment variable E(AZURE_TENANT_ID) (or E(AZURE_TENANT)) is used.
      - The alias O(tenant), azure.azcollection's name, was added in version 1.2.0.
    type: str
    aliases: [tenant]
  client_id:
    description:
      - Application (client) ID of the service principal.
      - If not set, the environment variable E(AZURE_CLIENT_ID) is used.
    type: str
  client_secret:
    description:
      - Client secret of the service principal. Never logged.
      - If not set, the environment variable E(AZURE_CLIENT_SECRET) (or E(AZURE_SECRET)) is used.
      - The alias O(secret), azure.azcollection's name, was added in version 1.2.0.
    type: str
    aliases: [secret]
  access_token:
    description:
      - A bearer token for the scope C(https://api.adu.microsoft.com/.default) that the caller already has.
        No token is requested from Azure AD. Never logged.
    type: str
  client_certificate_path:
    description:
      - Certificate of the service principal, a PEM file holding the private key and the certificate (and its
        chain), or a PFX/PKCS#12 file. The certificate chain is sent, so subject name/issuer authentication works.
      - If not set, the environment variable E(AZURE_CLIENT_CERTIFICATE_PATH) is used.
    type: path
  client_certificate_password:
    description:
      - Password of the private key in O(client_certificate_path), if it is encrypted. Never logged.
      - If not set, the environment variable E(AZURE_CLIENT_CERTIFICATE_PASSWORD) is used.
    type: str
  federated_token_file:
    description:
      - File holding a federated token (AKS workload identity, GitHub Actions OIDC) to exchange for an Azure AD token.
        It is read again for every token request, since it rotates.
      - If not set, the environment variable E(AZURE_FEDERATED_TOKEN_FILE) is used.
    type: path
  managed_identity_client_id:
    description:
      - With O(auth_method=managed_identity), the client ID of a user-assigned managed identity.
        Without it the system-assigned identity is used.
    type: str
  token_cache:
    description:
      - Whether to keep tokens from Azure AD in a cache file shared by every task on the host,
        so that a play asks Azure AD once while the token is valid, whatever its length or number of forks.
    type: bool
    default: true
  token_cache_path:
    description:
      - The token cache file. Its directory is created with mode 0700 and the file with mode 0600;
        a cache file or directory that other users can read or write is refused.
      - Defaults to C(adu.device_update/tokens.json) under E(XDG_CACHE_HOME), or C(~/.cache).
    type: path
  authority_host:
    description:
      - Azure AD authority for other clouds, for example V(https://login.microsoftonline.us).
      - If not set, the environment variable E(AZURE_AUTHORITY_HOST) is used.
    type: str
    default: https://login.microsoftonline.com
  ca_path:
    description:
      - PEM bundle of the certificate authorities trusted for both the Device Update service and the authority,
        for example behind TLS inspection, or for a local emulator.
      - Without it, the bundle named by the environment variable E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE), else
        certifi's. Proxies come from E(HTTPS_PROXY) and the like, except for the hosts E(NO_PROXY) names; C(~/.netrc)
        is never read.
    type: path
  validate_certs:
    description:
      - Whether to verify TLS certificates. Turning this off warns, since the token could then reach an impostor.
    type: bool
    default: true
  timeout:
    description:
      - Seconds each HTTP request may take in total, connecting and its whole answer included, from 0.1 to 600.
    type: float
    default: 30
  retries:
    description:
      - How many times to retry a request on throttling (429), a transient server error (500, 502, 503, 504)
        or a connection error, from 0 to 20.
      - Waits what the C(Retry-After) header says, else backs off exponentially with jitter (from 5 seconds for
        throttling, so that the retries span the service's one-minute windows); all waits of one request together
        are bounded by 300 seconds.
      - A cancel or retry request is sent again only when the service certainly did not act on it (429 or a
        refused connection); any other failure of it ends the task saying the action may or may not have happened.
        A write answered 429 is not limited by this count but by O(throttle_timeout).
    type: int
    default: 5
  write_rate_limit:
    description:
      - How many writes of each kind (cancel and retry together, create, delete) the tasks on this host send to one
        instance per O(write_rate_window), shared by every task, fork and play on the host.
      - The service allows 6 of each a minute per instance and answers 429 without C(Retry-After) past that.
        Before each write a task takes a slot from a small private file next to the token cache (also with
        O(token_cache=false) or O(access_token)); waiting tasks are served first come, first served.
      - Lower it when other clients write to the same instance; V(0) turns pacing off.
      - Reads are not paced; they are retried on throttling as O(retries) says.
    type: int
    default: 6
    version_added: 1.1.0
  write_rate_window:
    description:
      - The window of O(write_rate_limit) in seconds, and how long a write answered 429 waits before it is
        sent again (unless the answer carries C(Retry-After)). The service's windows are a minute.
    type: float
    default: 60
    version_added: 1.1.0
  throttle_timeout:
    description:
      - Seconds a task may wait in total for write slots and for throttled writes to be accepted, from 0 to 86400.
        Past it the task fails saying how long it waited; nothing more is sent, and a rerun acts only on what is left.
      - The default of 900 seconds lets a task wait out 15 one-minute windows. Canceling 24 deployments
        with 10 forks takes 3 minutes in all, and no task waits longer than 2 windows; a group deployment
        of 30 device classes waits 4 windows in one task.
    type: float
    default: 900
    version_added: 1.1.0
requirements:
  - python >= 3.8
  - requests
  - msal (for tokens from Azure AD)
'''
