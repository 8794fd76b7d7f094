# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A throwaway CA and server certificate for 127.0.0.1: msal insists on https authorities."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import ssl
import tempfile

import trustme


def make_server_context(cert_dir=None):
    """(server SSLContext, path of the CA bundle clients should trust via ca_path)."""
    ca = trustme.CA()
    cert = ca.issue_cert('127.0.0.1', 'localhost', '::1')
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    cert.configure_cert(context)
    cert_dir = cert_dir or tempfile.mkdtemp(prefix='adu-emulator-')
    os.makedirs(cert_dir, exist_ok=True)
    ca_path = os.path.join(cert_dir, 'emulator-ca.pem')
    ca.cert_pem.write_to_path(ca_path)
    return context, ca_path
