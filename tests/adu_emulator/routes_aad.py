# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's Azure AD: OIDC discovery, the client credentials grant, the managed identity endpoint."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import secrets
import time
import uuid
from urllib.parse import parse_qs, unquote

from .assertions import check_client_assertion
from .store import ADU_SCOPE, TOKEN_LIFETIME

ROUTES = ('discovery', 'token', 'managed_identity')


def match(method, segments):
    """(route, params) of an Azure AD request, or None."""
    n = len(segments)
    if n == 4 and segments[1:] == ['v2.0', '.well-known', 'openid-configuration'] and method == 'GET':
        return 'discovery', {'tenant': unquote(segments[0])}
    if n == 4 and segments[1:] == ['oauth2', 'v2.0', 'token'] and method == 'POST':
        return 'token', {'tenant': unquote(segments[0])}
    if segments == ['msi', 'token'] and method == 'GET':
        return 'managed_identity', {}
    return None


class AadRoutes:
    """Handler methods of the Azure AD routes (mixed into the request handler)."""

    def _route_discovery(self, params, body, query, entry, fault):
        base = self.emulator.url
        tenant = params['tenant']
        return self._send(200, {
            'token_endpoint': '%s/%s/oauth2/v2.0/token' % (base, tenant),
            'authorization_endpoint': '%s/%s/oauth2/v2.0/authorize' % (base, tenant),
            'issuer': '%s/%s/v2.0' % (base, tenant),
            'jwks_uri': '%s/%s/discovery/v2.0/keys' % (base, tenant),
            'token_endpoint_auth_methods_supported': ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
            'response_types_supported': ['code', 'id_token', 'code id_token', 'id_token token'],
            'tenant_region_scope': 'EU',
        })

    def _route_token(self, params, body, query, entry, fault):
        form = dict((k, v[0]) for k, v in parse_qs(body.decode('utf-8')).items())
        tenant = params['tenant']
        client_id = form.get('client_id')
        entry['client_id'] = client_id
        entry['grant_type'] = form.get('grant_type')
        principal = self.emulator.store.principal(tenant, client_id)

        def refuse(status, error, code, description):
            return self._send(status, {'error': error, 'error_description': 'AADSTS%d: %s' % (code, description),
                                       'error_codes': [code], 'trace_id': str(uuid.uuid4()),
                                       'correlation_id': str(uuid.uuid4())})

        if form.get('grant_type') != 'client_credentials':
            return refuse(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.')
        scopes = (form.get('scope') or '').split()
        if ADU_SCOPE not in scopes and STORAGE_SCOPE not in scopes:
            return refuse(400, 'invalid_scope', 1002012, 'The provided value for scope is not valid.')
        if principal is None:
            return refuse(400, 'unauthorized_client', 700016,
                          "Application with identifier '%s' was not found in the directory '%s'." % (client_id, tenant))
        if 'client_assertion' in form:
            entry['credential'] = 'assertion'
            token_endpoint = '%s/%s/oauth2/v2.0/token' % (self.emulator.url, tenant)
            problem = check_client_assertion(principal, form, token_endpoint)
            if problem:
                return refuse(401, 'invalid_client', 700027, problem)
        elif form.get('client_secret') is None or form.get('client_secret') != principal.get('client_secret'):
            entry['credential'] = 'secret'
            return refuse(401, 'invalid_client', 7000215, 'Invalid client secret provided.')
        else:
            entry['credential'] = 'secret'
        entry['scope'] = 'storage' if STORAGE_SCOPE in scopes else 'adu'
        token = (storage_token(tenant, client_id) if STORAGE_SCOPE in scopes
                 else self.emulator.store.issue_token(tenant, client_id))
        return self._send(200, {'token_type': 'Bearer', 'expires_in': TOKEN_LIFETIME,
                                'ext_expires_in': TOKEN_LIFETIME, 'access_token': token})

    def _route_managed_identity(self, params, body, query, entry, fault):
        """The App Service style endpoint msal uses when IDENTITY_ENDPOINT and IDENTITY_HEADER are set."""
        store = self.emulator.store
        client_id = query.get('client_id', [None])[0]
        entry['client_id'] = client_id
        if self.headers.get('X-IDENTITY-HEADER') != store.identity_header:
            return self._send(401, {'statusCode': 401, 'message': 'The identity header is missing or wrong.'})
        if query.get('resource', [None])[0] not in (ADU_SCOPE.replace('/.default', ''), ADU_SCOPE):
            return self._send(400, {'statusCode': 400, 'message': 'resource is not valid'})
        identity = client_id or 'system'
        if identity not in store.managed_identities:
            return self._send(400, {'statusCode': 400, 'message': 'no managed identity %s on this host' % identity})
        token = store.issue_token('managed-identity', identity)
        return self._send(200, {'access_token': token, 'expires_on': str(int(time.time()) + TOKEN_LIFETIME),
                                'resource': query['resource'][0], 'token_type': 'Bearer',
                                'client_id': store.managed_identities[identity]})


STORAGE_SCOPE = 'https://storage.azure.com/.default'


def storage_token(tenant, client_id):
    """A token for Blob Storage as Azurite reads one (a JWT it decodes without checking a signature): audience
    storage, an Azure AD issuer, times, and the object and tenant ids a user delegation key is derived from."""
    now = int(time.time())
    claims = {'aud': 'https://storage.azure.com', 'iss': 'https://sts.windows.net/%s/' % tenant, 'iat': now,
              'nbf': now - 60, 'exp': now + TOKEN_LIFETIME, 'oid': str(uuid.uuid5(uuid.NAMESPACE_URL, client_id)),
              'tid': tenant, 'appid': client_id}

    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode('utf-8')).rstrip(b'=').decode('ascii')
    return '%s.%s.%s' % (part({'alg': 'RS256', 'typ': 'JWT'}), part(claims), secrets.token_urlsafe(32))
