# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fixtures every test suite shares: one real ADU emulator on 127.0.0.1 per test session (per xdist
worker), back at its seed for every test that asks for it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from adu_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope='session')
def emulator_server(tmp_path_factory):
    emulator = Emulator(cert_dir=str(tmp_path_factory.mktemp('emulator-ca'))).start()
    yield emulator
    emulator.stop()


@pytest.fixture
def emulator(emulator_server):
    """The shared emulator, back at its seed for every test."""
    emulator_server.reset()
    yield emulator_server
    emulator_server.reset()


# Azurite's well-known development account (public, documented by Microsoft; not a secret of anyone's).
AZURITE_ACCOUNT = 'devstoreaccount1'
AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='


class Azurite:
    """Azurite's blob service on 127.0.0.1, started from npm's package (make azurite installs it)."""

    def __init__(self, workdir, oauth=False):
        """oauth: over https (a CA of its own, ca_path) and accepting Azure AD tokens (credential: auto)."""
        import socket  # pylint: disable=import-outside-toplevel
        import subprocess  # pylint: disable=import-outside-toplevel
        binary = os.environ.get('ADU_AZURITE') or os.path.join(
            os.path.dirname(os.path.dirname(os.path.abspath(__file__))), '.build', 'azurite', 'node_modules', '.bin',
            'azurite-blob')
        if not os.path.exists(binary):
            raise RuntimeError('Azurite is not installed at %s: run make azurite' % binary)
        with socket.socket() as probe:
            probe.bind(('127.0.0.1', 0))
            self.port = probe.getsockname()[1]
        command = [binary, '--blobHost', '127.0.0.1', '--blobPort', str(self.port), '--location', str(workdir),
                   '--silent', '--skipApiVersionCheck', '--loose', '--disableProductStyleUrl']
        scheme, self.ca_path = 'http', None
        if oauth:
            import trustme  # pylint: disable=import-outside-toplevel
            ca = trustme.CA()
            cert = ca.issue_cert('127.0.0.1', 'localhost')
            cert_path, key_path = os.path.join(str(workdir), 'azurite-cert.pem'), os.path.join(str(workdir), 'azurite-key.pem')
            cert.cert_chain_pems[0].write_to_path(cert_path)
            cert.private_key_pem.write_to_path(key_path)
            self.ca_path = os.path.join(str(workdir), 'azurite-ca.pem')
            ca.cert_pem.write_to_path(self.ca_path)
            command += ['--oauth', 'basic', '--cert', cert_path, '--key', key_path]
            scheme = 'https'
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        self.account_url = '%s://127.0.0.1:%d/%s' % (scheme, self.port, AZURITE_ACCOUNT)
        self.connection_string = ('DefaultEndpointsProtocol=%s;AccountName=%s;AccountKey=%s;BlobEndpoint=%s;'
                                  % (scheme, AZURITE_ACCOUNT, AZURITE_KEY, self.account_url))
        import time  # pylint: disable=import-outside-toplevel
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(('127.0.0.1', self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError('Azurite did not start on port %d' % self.port)

    def stop(self):
        import signal  # pylint: disable=import-outside-toplevel
        import subprocess  # pylint: disable=import-outside-toplevel
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except OSError:
                pass
            try:
                self.process.wait(timeout=10)
                return
            except subprocess.TimeoutExpired:
                continue


@pytest.fixture(scope='session')
def azurite(tmp_path_factory):
    server = Azurite(tmp_path_factory.mktemp('azurite'))
    yield server
    server.stop()


@pytest.fixture(scope='session')
def azurite_oauth(tmp_path_factory):
    """Azurite over https, accepting Azure AD tokens: for credential: auto and user delegation SAS."""
    server = Azurite(tmp_path_factory.mktemp('azurite-oauth'), oauth=True)
    yield server
    server.stop()
