# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of client assertions as Azure AD makes them: a JWT signed with the principal's
registered certificate, or a federated token the principal trusts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import time

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import Encoding

JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'


def _b64(part):
    return base64.urlsafe_b64decode(part + '=' * (-len(part) % 4))


def check_client_assertion(principal, form, token_endpoint):
    """None when the assertion proves the principal, else the reason it does not."""
    if form.get('client_assertion_type') != JWT_BEARER:
        return 'client_assertion_type must be %s' % JWT_BEARER
    assertion = form.get('client_assertion') or ''
    if principal.get('federated_token') is not None:
        if assertion != principal['federated_token']:
            return 'The federated token does not match a trusted federated identity credential.'
        return None
    if not principal.get('certificate_pem'):
        return 'The client has no certificate or federated credential registered.'
    try:
        header_b64, payload_b64, signature_b64 = assertion.split('.')
        header, payload = json.loads(_b64(header_b64)), json.loads(_b64(payload_b64))
        signature = _b64(signature_b64)
    except ValueError:
        return 'The client assertion is not a JWT.'
    cert = x509.load_pem_x509_certificate(principal['certificate_pem'].encode('ascii'))
    if principal.get('require_x5c') and not header.get('x5c'):
        return 'Subject name/issuer authentication needs the certificate chain (x5c) in the assertion.'
    if header.get('x5c') and base64.b64decode(header['x5c'][0]) != cert.public_bytes(Encoding.DER):
        return 'The certificate in x5c is not the registered certificate.'
    signed = ('%s.%s' % (header_b64, payload_b64)).encode('ascii')
    alg = header.get('alg')
    try:
        if alg == 'RS256':
            cert.public_key().verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
        elif alg == 'PS256':
            cert.public_key().verify(signature, signed, padding.PSS(mgf=padding.MGF1(hashes.SHA256()),
                                                                    salt_length=padding.PSS.DIGEST_LENGTH),
                                     hashes.SHA256())
        else:
            return 'Unsupported assertion algorithm %s.' % alg
    except InvalidSignature:
        return 'The client assertion signature does not verify with the registered certificate.'
    if payload.get('aud') != token_endpoint:
        return 'The assertion audience %s is not the token endpoint.' % payload.get('aud')
    if payload.get('iss') != principal['client_id'] or payload.get('sub') != principal['client_id']:
        return 'The assertion issuer and subject must be the client id.'
    if payload.get('exp', 0) < time.time():
        return 'The client assertion has expired.'
    return None
