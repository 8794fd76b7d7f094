# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets never leave: not at -vvvv, not in failures, diffs, the journal or the cache listing; TLS is checked."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from conftest import CLIENT_ID, CLIENT_SECRET, STATIC_TOKEN, TENANT_ID

ACTIVE = 'dpokluda-test.2020-1111-1124-8'


def test_no_secret_in_any_output(runner, emulator, tmp_path):
    cache = tmp_path / 'cache-dir' / 'tokens.json'
    emulator.add_fault(route='retry', status=500, body={'error': {'code': 'Boom', 'message': 'failed'}})
    connection = dict(runner.connection(auth='none'), authority_host=emulator.url, token_cache_path=str(cache))
    secret_task = dict(connection, tenant_id=TENANT_ID, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    tasks = [
        {'name': 'cancel', 'adu.device_update.adu_deployment': dict(secret_task, deployment_id=ACTIVE, state='canceled')},
        {'name': 'failing retry', 'ignore_errors': True, 'adu.device_update.adu_deployment':
            dict(secret_task, deployment_id='rollout-2026-11-failing', state='retried')},
        {'name': 'with a token', 'adu.device_update.adu_deployment':
            dict(connection, access_token=STATIC_TOKEN, deployment_id='rollout-2026-11-healthy', state='canceled')},
        {'name': 'wrong password', 'ignore_errors': True, 'adu.device_update.adu_deployment':
            dict(connection, tenant_id=TENANT_ID, client_id=CLIENT_ID, client_certificate_path=str(tmp_path / 'x.pfx'),
                 client_certificate_password='cert-Passw0rd-secret', deployment_id=ACTIVE, state='canceled')},
    ]
    (tmp_path / 'x.pfx').write_bytes(b'\x30\x82not a real pfx')
    play = runner.play(tasks, verbosity=4, diff=True)
    assert [r['outcome'] for r in play.records] == ['ok', 'failed', 'ok', 'failed'], play.output
    issued = list(emulator.store.tokens)
    assert issued
    secrets = [CLIENT_SECRET, STATIC_TOKEN, 'cert-Passw0rd-secret'] + issued
    places = {
        'ansible-playbook output at -vvvv': play.output,
        'task results': json.dumps(play.records),
        'the emulator journal': json.dumps(emulator.journal),
        'the token cache directory listing': ' '.join(os.listdir(str(cache.parent))),
    }
    for where, text in places.items():
        for secret in secrets:
            assert secret not in text, 'a secret appears in %s' % where


def test_untrusted_certificate_is_refused(runner, emulator):
    task = runner.task('canceled', ACTIVE, auth='access_token', retries=0)
    del task['adu.device_update.adu_deployment']['ca_path']
    play = runner.play([task])
    assert play.rc != 0
    assert 'the server certificate could not be verified' in play.result['msg'] and 'ca_path' in play.result['msg']
    assert emulator.journal == []


def test_validate_certs_false_works_but_warns(runner, emulator):
    task = runner.task('canceled', ACTIVE, auth='access_token', validate_certs=False)
    del task['adu.device_update.adu_deployment']['ca_path']
    play = runner.play([task])
    assert play.rc == 0, play.output
    assert any('validate_certs is false' in w for w in play.result.get('warnings', []))


def test_a_netrc_entry_for_the_service_never_replaces_the_bearer_token(runner, emulator, tmp_path):
    """requests would put a ~/.netrc entry's Basic credentials in place of the task's Authorization header (and
    send them to the service); the client reads the environment itself, and no netrc."""
    netrc = tmp_path / 'netrc'
    netrc.write_text('machine 127.0.0.1 login netrc-user password netrc-Passw0rd-secret\n')
    netrc.chmod(0o600)
    task = runner.task('canceled', 'rollout-2026-11-healthy', auth='access_token')
    play = runner.play([task], env={'NETRC': str(netrc)})
    assert play.rc == 0, play.output
    assert 'netrc-Passw0rd-secret' not in json.dumps(emulator.journal) + play.output
