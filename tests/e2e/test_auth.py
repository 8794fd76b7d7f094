# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every credential source through real msal against the emulator's authority, and the token cache."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import os
import stat
import sys

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from conftest import CLIENT_ID, CLIENT_SECRET, TENANT_ID, adu_calls

ACTIVE = 'dpokluda-test.2020-1111-1124-8'
CERT_CLIENT = '0c0c0c0c-1111-4222-8333-444444444444'
PFX_PASSWORD = 'pfx-Passw0rd-never-shown'


def make_certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u'adu-automation')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    return key, cert


@pytest.fixture
def certificate(emulator, tmp_path):
    """A principal that proves itself with a certificate; returns (pem path, pfx path)."""
    key, cert = make_certificate()
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    emulator.store.principals.append({'tenant_id': TENANT_ID, 'client_id': CERT_CLIENT, 'require_x5c': True,
                                      'certificate_pem': cert_pem.decode('ascii')})
    pem = tmp_path / 'sp.pem'
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()) + cert_pem)
    pfx = tmp_path / 'sp.pfx'
    pfx.write_bytes(pkcs12.serialize_key_and_certificates(
        b'sp', key, cert, None, serialization.BestAvailableEncryption(PFX_PASSWORD.encode())))
    return str(pem), str(pfx)


def auth_task(runner, emulator, deployment_id=ACTIVE, state='canceled', **auth):
    args = dict(runner.connection(auth='none'), deployment_id=deployment_id, state=state,
                authority_host=emulator.url, **auth)
    return {'name': 'adu_deployment', 'adu.device_update.adu_deployment': args}


def test_client_secret_one_token_for_a_play_of_50_tasks(runner, emulator):
    task = auth_task(runner, emulator, deployment_id='{{ item }}', tenant_id=TENANT_ID, client_id=CLIENT_ID,
                     client_secret=CLIENT_SECRET)
    task['loop'] = [ACTIVE] * 50
    play = runner.play([task])
    assert play.rc == 0, play.output
    assert [r['changed'] for r in play.results[-1]['results']] == [True] + [False] * 49
    assert len(emulator.requests('token')) == 1
    assert len(emulator.requests('discovery')) == 1
    assert adu_calls(emulator).count(('GET', 'get_deployment')) == 50


def test_twenty_forks_make_one_token_request(runner, emulator, tmp_path):
    hosts = ['fork%02d' % i for i in range(20)]
    for host in hosts:
        emulator.store.add_deployment('blue', {'deploymentId': 'rollout-' + host})
    inventory = tmp_path / 'hosts.ini'
    inventory.write_text('\n'.join('%s ansible_connection=local ansible_python_interpreter=%s' % (h, sys.executable)
                                   for h in hosts) + '\n')
    # About tokens, not the write limit: the emulator does not throttle here, so pacing is off.
    task = auth_task(runner, emulator, deployment_id='rollout-{{ inventory_hostname }}', tenant_id=TENANT_ID,
                     client_id=CLIENT_ID, client_secret=CLIENT_SECRET, write_rate_limit=0)
    play = runner.play([task], hosts='all', inventory=str(inventory), forks=20)
    assert play.rc == 0, play.output
    assert sorted(r['host'] for r in play.records if r['result'].get('changed')) == hosts
    assert len(emulator.requests('token')) == 1
    assert len(emulator.requests('cancel')) == 20


def test_certificate_pem_sends_the_chain(runner, emulator, certificate):
    pem, _pfx = certificate
    play = runner.play([auth_task(runner, emulator, tenant_id=TENANT_ID, client_id=CERT_CLIENT,
                                  client_certificate_path=pem)])
    assert play.rc == 0, play.output
    tokens = emulator.requests('token')
    assert [(t['client_id'], t['credential'], t['status']) for t in tokens] == [(CERT_CLIENT, 'assertion', 200)]
    assert all(e['authorized'] for e in emulator.requests('get_deployment'))


def test_certificate_pfx_with_password_from_the_environment(runner, emulator, certificate):
    _pem, pfx = certificate
    env = {'AZURE_TENANT_ID': TENANT_ID, 'AZURE_CLIENT_ID': CERT_CLIENT, 'AZURE_CLIENT_CERTIFICATE_PATH': pfx,
           'AZURE_CLIENT_CERTIFICATE_PASSWORD': PFX_PASSWORD}
    play = runner.play([auth_task(runner, emulator)], env=env, verbosity=4)
    assert play.rc == 0, play.output
    assert emulator.requests('token')[0]['credential'] == 'assertion'
    assert PFX_PASSWORD not in play.output


def test_certificate_of_another_key_is_refused(runner, emulator, certificate, tmp_path):
    key, cert = make_certificate()
    other = tmp_path / 'other.pem'
    other.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()) + cert.public_bytes(serialization.Encoding.PEM))
    play = runner.play([auth_task(runner, emulator, tenant_id=TENANT_ID, client_id=CERT_CLIENT,
                                  client_certificate_path=str(other))])
    assert play.rc != 0
    assert 'Azure AD refused a token' in play.result['msg'] and 'invalid_client' in play.result['msg']
    assert adu_calls(emulator) == []


def test_workload_identity_rereads_the_rotating_token_file(runner, emulator, tmp_path):
    principal = {'tenant_id': TENANT_ID, 'client_id': 'wi-client', 'federated_token': 'federated-1'}
    emulator.store.principals.append(principal)
    token_file = tmp_path / 'federated-token'
    token_file.write_text('federated-1\n')
    task = auth_task(runner, emulator, tenant_id=TENANT_ID, client_id='wi-client', federated_token_file=str(token_file),
                     token_cache=False)
    assert runner.play([task]).rc == 0
    principal['federated_token'] = 'federated-2'  # the platform rotated it
    token_file.write_text('federated-2\n')
    play = runner.play([task])
    assert play.rc == 0, play.output
    assert [(t['credential'], t['status']) for t in emulator.requests('token')] == [('assertion', 200)] * 2


def test_managed_identity_system_and_user_assigned(runner, emulator):
    emulator.store.managed_identities.update({'system': 'sys-mi', 'user-mi-client': 'user-mi-client'})
    env = {'IDENTITY_ENDPOINT': emulator.url + '/msi/token', 'IDENTITY_HEADER': emulator.store.identity_header}
    tasks = [auth_task(runner, emulator, auth_method='managed_identity'),
             auth_task(runner, emulator, auth_method='managed_identity', managed_identity_client_id='user-mi-client')]
    play = runner.play(tasks, env=env)
    assert play.rc == 0, play.output
    assert [e['client_id'] for e in emulator.requests('managed_identity')] == [None, 'user-mi-client']
    assert emulator.requests('token') == []


def test_mixing_task_arguments_with_the_environment(runner, emulator):
    env = {'AZURE_TENANT_ID': TENANT_ID, 'AZURE_SECRET': CLIENT_SECRET}  # azure.azcollection's variable name
    play = runner.play([auth_task(runner, emulator, client_id=CLIENT_ID)], env=env)
    assert play.rc == 0, play.output
    assert emulator.requests('token')[0]['credential'] == 'secret'


def test_module_defaults_set_credentials_once(runner, emulator):
    defaults = dict(runner.connection(), authority_host=emulator.url)
    tasks = '''
    - name: With credentials from module_defaults
      module_defaults:
        group/adu.device_update.adu: %s
      block:
        - name: Cancel
          adu.device_update.adu_deployment:
            deployment_id: %s
            state: canceled
    ''' % (json.dumps(defaults), ACTIVE)
    play = runner.play(tasks)
    assert play.rc == 0, play.output
    assert play.result['changed'] is True


def test_task_argument_wins_over_the_environment(runner, emulator):
    env = {'AZURE_CLIENT_SECRET': 'wrong-secret-from-env'}
    play = runner.play([auth_task(runner, emulator, tenant_id=TENANT_ID, client_id=CLIENT_ID,
                                  client_secret=CLIENT_SECRET)], env=env)
    assert play.rc == 0, play.output


def test_two_tenants_never_share_a_token(runner, emulator):
    second = emulator.store.principals[1]
    tasks = [auth_task(runner, emulator, tenant_id=TENANT_ID, client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
             auth_task(runner, emulator, tenant_id=second['tenant_id'], client_id=second['client_id'],
                       client_secret=second['client_secret']),
             auth_task(runner, emulator, tenant_id=TENANT_ID, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)]
    play = runner.play(tasks)
    assert play.rc == 0, play.output
    assert len(emulator.requests('token')) == 2
    issued = emulator.store.tokens
    assert sorted(info['tenant_id'] for info in issued.values()) == sorted([TENANT_ID, second['tenant_id']])


def test_rejected_cached_token_is_replaced_once(runner, emulator):
    task = auth_task(runner, emulator, tenant_id=TENANT_ID, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert runner.play([task]).rc == 0
    emulator.store.revoke_tokens()  # the cached token is no longer accepted
    emulator.journal.clear()
    play = runner.play([task])
    assert play.rc == 0, play.output
    assert [(e['route'], e['status']) for e in emulator.journal] == [
        ('get_deployment', 401), ('discovery', 200), ('token', 200), ('get_deployment', 200)]


def test_throttled_token_request_is_retried(runner, emulator):
    emulator.add_fault(route='token', status=429, headers={'Retry-After': '1'},
                       body={'error': 'temporarily_unavailable', 'error_description': 'throttled'})
    play = runner.play([auth_task(runner, emulator, tenant_id=TENANT_ID, client_id=CLIENT_ID,
                                  client_secret=CLIENT_SECRET)])
    assert play.rc == 0, play.output
    assert [e['status'] for e in emulator.requests('token')] == [429, 200]


def test_cache_readable_by_others_is_refused(runner, emulator, tmp_path):
    shared = tmp_path / 'shared-cache'
    shared.mkdir()
    os.chmod(str(shared), 0o755)
    play = runner.play([auth_task(runner, emulator, tenant_id=TENANT_ID, client_id=CLIENT_ID,
                                  client_secret=CLIENT_SECRET, token_cache_path=str(shared / 'tokens.json'))])
    assert play.rc != 0
    msg = play.result['msg']
    assert msg.startswith('token_cache_path: ') and 'other users' in msg and 'refusing' in msg
    assert emulator.journal == []


def test_cache_is_private_and_holds_no_secret_in_its_listing(runner, emulator, tmp_path):
    path = tmp_path / 'private' / 'tokens.json'
    play = runner.play([auth_task(runner, emulator, tenant_id=TENANT_ID, client_id=CLIENT_ID,
                                  client_secret=CLIENT_SECRET, token_cache_path=str(path))])
    assert play.rc == 0, play.output
    assert stat.S_IMODE(os.stat(str(path.parent)).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    listing = ' '.join(os.listdir(str(path.parent)))
    assert CLIENT_SECRET not in listing and not any(t in listing for t in emulator.store.tokens)
    assert CLIENT_SECRET not in path.read_text()


@pytest.mark.parametrize('method, missing', [
    ('client_secret', 'tenant_id, client_id, client_secret'),
    ('certificate', 'tenant_id, client_id, client_certificate_path'),
    ('workload_identity', 'tenant_id, client_id, federated_token_file'),
    ('access_token', 'access_token'),
])
def test_missing_inputs_name_what_was_looked_at(runner, emulator, method, missing):
    play = runner.play([auth_task(runner, emulator, auth_method=method)])
    assert play.rc != 0
    assert 'no complete credential for auth_method=%s' % method in play.result['msg']
    assert '%s (missing %s)' % (method, missing) in play.result['msg']
    assert emulator.journal == []


def test_auto_with_nothing_lists_every_source(runner, emulator):
    play = runner.play([auth_task(runner, emulator)])
    msg = play.result['msg']
    for source in ('access_token', 'certificate', 'workload_identity', 'client_secret'):
        assert source + ' (missing' in msg
    assert emulator.journal == []


def test_unreadable_certificate_fails_before_any_request(runner, emulator, tmp_path):
    play = runner.play([auth_task(runner, emulator, tenant_id=TENANT_ID, client_id=CERT_CLIENT,
                                  client_certificate_path=str(tmp_path / 'absent.pem'))])
    assert play.rc != 0
    assert play.result['msg'].startswith('client_certificate_path: cannot read')
    assert emulator.journal == []
