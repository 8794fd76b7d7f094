# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""From a build directory to an imported update in one task: staged in Azurite, imported by the emulator
from the SAS URLs it is given."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import json
import urllib.parse

from azure.storage.blob import BlobServiceClient

from conftest import adu_calls

UPDATE = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.12.4'}
PREFIX = 'Contoso/Gateway/2026.12.4/'


def b64sha(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode('ascii')


def build_dir(tmp_path, files=None, wrong=None, update=None):
    """A build's output: payload files in build/ and a manifest listing them (wrong: a file whose stated hash
    is off)."""
    update = update or UPDATE
    build = tmp_path / 'build'
    build.mkdir(exist_ok=True)
    files = files or {'gateway.swu': b'image ' * 5000, 'install.sh': b'#!/bin/sh\necho ok\n',
                      'gateway.sig': b'signature' * 10}
    listed = []
    for name, data in files.items():
        (build / name).write_bytes(data)
        listed.append({'filename': name, 'sizeInBytes': len(data),
                       'hashes': {'sha256': b64sha(data + b'x' if name == wrong else data)}})
    manifest = {'updateId': update, 'compatibility': [{'manufacturer': 'contoso', 'model': 'gateway'}],
                'instructions': {'steps': [{'handler': 'microsoft/script:1', 'files': sorted(files)}]},
                'files': listed, 'manifestVersion': '5.0', 'createdDateTime': '2026-12-03T08:00:00Z'}
    path = build / 'gateway.importmanifest.json'
    path.write_text(json.dumps(manifest, indent=2))
    return str(path), str(build)


def stage_task(runner, azurite, manifest_path, files_dir, **options):
    args = dict(runner.connection(), source={'manifest_path': manifest_path, 'files_dir': files_dir},
                storage={'connection_string': azurite.connection_string, 'container': 'builds'}, **options)
    return {'name': 'stage and import', 'adu.device_update.adu_update': args}


def blob_names(azurite):
    container = BlobServiceClient.from_connection_string(azurite.connection_string).get_container_client('builds')
    try:
        return sorted(b.name for b in container.list_blobs())
    except Exception:  # pylint: disable=broad-except  # no container yet
        return []


def test_build_directory_staged_and_imported_then_ok(runner, emulator, azurite, tmp_path):
    manifest_path, files_dir = build_dir(tmp_path)
    task = stage_task(runner, azurite, manifest_path, files_dir)
    play = runner.play([task])
    assert play.rc == 0, play.output
    result = play.result
    assert result['changed'] is True and result['update']['update_id'] == UPDATE
    assert [s['blob'] for s in result['staged']] == [
        PREFIX + 'gateway.swu', PREFIX + 'install.sh', PREFIX + 'gateway.sig', PREFIX + 'gateway.importmanifest.json']
    assert all(s['uploaded'] for s in result['staged'])
    assert result['staged'][0]['size'] == 30000 and result['staged'][0]['sha256'] == b64sha(b'image ' * 5000)
    files = emulator.store.catalog.files('blue', UPDATE)
    assert sorted(f['fileName'] for f in files) == ['gateway.sig', 'gateway.swu', 'install.sh']
    assert blob_names(azurite) == sorted(s['blob'] for s in result['staged'])
    again = runner.play([task])
    assert again.rc == 0 and again.result['changed'] is False, again.output
    assert again.result['staged'] == []  # imported already: nothing uploaded
    assert len(emulator.requests('update_import')) == 1


def test_rerun_after_an_interrupted_upload_sends_only_what_is_missing(runner, emulator, azurite, tmp_path):
    """The first run stored two blobs and died: the rerun uploads the other two only."""
    update = dict(UPDATE, version='2026.12.5')
    prefix = 'Contoso/Gateway/2026.12.5/'
    manifest_path, files_dir = build_dir(tmp_path, update=update)
    service = BlobServiceClient.from_connection_string(azurite.connection_string)
    container = service.get_container_client('builds')
    try:
        container.create_container()
    except Exception:  # pylint: disable=broad-except  # there already
        pass
    for name in ('gateway.swu', 'install.sh'):
        data = open('%s/%s' % (files_dir, name), 'rb').read()
        container.get_blob_client(prefix + name).upload_blob(data, overwrite=True, metadata={'sha256': b64sha(data)})
    play = runner.play([stage_task(runner, azurite, manifest_path, files_dir)])
    assert play.rc == 0, play.output
    uploaded = dict((s['blob'], s['uploaded']) for s in play.result['staged'])
    assert uploaded == {prefix + 'gateway.swu': False, prefix + 'install.sh': False, prefix + 'gateway.sig': True,
                        prefix + 'gateway.importmanifest.json': True}
    assert play.result['update']['update_id'] == update


def test_hash_mismatch_commits_no_blob_and_imports_nothing(runner, emulator, azurite, tmp_path):
    """The files are read once, as they are sent (#30): a wrong one is found then, and no blob is committed."""
    update = dict(UPDATE, version='2026.12.6')
    manifest_path, files_dir = build_dir(tmp_path, wrong='install.sh', update=update)
    before = blob_names(azurite)
    play = runner.play([stage_task(runner, azurite, manifest_path, files_dir)])
    assert play.rc != 0
    msg = play.result['msg']
    assert msg.startswith('source.files_dir: install.sh has SHA-256') and 'but the manifest states' in msg
    assert 'nothing was committed to storage' in msg
    assert blob_names(azurite) == before and [c for c in adu_calls(emulator) if c[0] != 'GET'] == []
    check = runner.play([stage_task(runner, azurite, manifest_path, files_dir)], check=True)
    assert check.rc != 0 and check.result['msg'].startswith('source.files_dir: install.sh has SHA-256')
    assert 'nothing was uploaded' in check.result['msg']


def test_size_mismatch_refused_before_any_request(runner, emulator, azurite, tmp_path):
    manifest_path, files_dir = build_dir(tmp_path, update=dict(UPDATE, version='2026.12.12'))
    (tmp_path / 'build' / 'install.sh').write_bytes(b'#!/bin/sh\necho changed\n')
    play = runner.play([stage_task(runner, azurite, manifest_path, files_dir)])
    assert play.rc != 0 and play.result['msg'].startswith('source.files_dir: install.sh is 23 bytes but the manifest')
    assert adu_calls(emulator) == []


def test_a_file_listed_without_its_sha256_is_refused_before_any_request(runner, emulator, azurite, tmp_path):
    manifest_path, files_dir = build_dir(tmp_path, update=dict(UPDATE, version='2026.12.14'))
    manifest = json.loads(open(manifest_path).read())
    del manifest['files'][1]['hashes']
    open(manifest_path, 'w').write(json.dumps(manifest))
    play = runner.play([stage_task(runner, azurite, manifest_path, files_dir)])
    assert play.rc != 0 and play.result['msg'].startswith('source.manifest_path: lists install.sh without hashes.sha256')
    assert adu_calls(emulator) == []


def test_rerun_of_an_imported_build_reads_no_file(runner, emulator, azurite, tmp_path):
    """The service is asked first: once the update is imported, a rerun hashes nothing (#30). A file whose bytes
    changed since (its size kept) goes unnoticed: nothing of it would be sent."""
    manifest_path, files_dir = build_dir(tmp_path, update=dict(UPDATE, version='2026.12.13'))
    task = stage_task(runner, azurite, manifest_path, files_dir)
    assert runner.play([task]).rc == 0
    payload = tmp_path / 'build' / 'gateway.swu'
    payload.write_bytes(b'IMAGE ' * 5000)
    again = runner.play([task])
    assert again.rc == 0 and again.result['changed'] is False and again.result['staged'] == [], again.output


def test_missing_file_refused(runner, emulator, azurite, tmp_path):
    manifest_path, files_dir = build_dir(tmp_path)
    (tmp_path / 'build' / 'gateway.sig').unlink()
    play = runner.play([stage_task(runner, azurite, manifest_path, files_dir)])
    assert play.rc != 0 and 'gateway.sig, which is not in' in play.result['msg'] and adu_calls(emulator) == []


def test_sas_and_keys_never_shown_even_at_vvvv(runner, emulator, azurite, tmp_path):
    update = dict(UPDATE, version='2026.12.7')
    manifest_path, files_dir = build_dir(tmp_path, update=update)
    play = runner.play([stage_task(runner, azurite, manifest_path, files_dir)], verbosity=4)
    assert play.rc == 0, play.output
    text = play.output + json.dumps(play.records)
    key = azurite.connection_string.split('AccountKey=')[1].split(';')[0]
    for secret in (key, urllib.parse.quote(key, safe=''), 'sig=', 'se=20'):
        assert secret not in text
    fetched = [e for e in emulator.journal if e['route'] == 'update_import']
    assert fetched  # the import went out with SAS URLs the emulator could fetch


def test_check_mode_uploads_nothing(runner, emulator, azurite, tmp_path):
    update = dict(UPDATE, version='2026.12.8')
    manifest_path, files_dir = build_dir(tmp_path, update=update)
    before = blob_names(azurite)
    play = runner.play([stage_task(runner, azurite, manifest_path, files_dir)], check=True)
    assert play.rc == 0 and play.result['changed'] is True, play.output
    assert [s['uploaded'] for s in play.result['staged']] == [None] * 4
    assert blob_names(azurite) == before and [c for c in adu_calls(emulator) if c[0] != 'GET'] == []


def test_sas_expiry_out_of_range_is_refused_before_any_request(runner, emulator, azurite, tmp_path):
    update = dict(UPDATE, version='2026.12.9')
    manifest_path, files_dir = build_dir(tmp_path, update=update)
    play = runner.play([stage_task(runner, azurite, manifest_path, files_dir, sas_expiry=0)])
    assert play.rc != 0 and play.result['msg'].startswith('sas_expiry: must be 1 to 168 hours')
    assert adu_calls(emulator) == []


def test_credential_auto_stages_with_the_tasks_azure_ad_identity(runner, emulator, azurite_oauth, tmp_path):
    """credential: auto: a storage token from the same service principal (Azure AD: the emulator), a user
    delegation SAS per blob, and the import fetches through them (the emulator trusts Azurite's CA here)."""
    bundle = tmp_path / 'cas.pem'
    bundle.write_text(open(emulator.ca_path).read() + open(azurite_oauth.ca_path).read())
    emulator.store.catalog.ca_path = str(bundle)
    update = dict(UPDATE, version='2026.12.10')
    manifest_path, files_dir = build_dir(tmp_path, update=update)
    args = dict(runner.connection(), source={'manifest_path': manifest_path, 'files_dir': files_dir},
                storage={'account_url': azurite_oauth.account_url, 'container': 'builds', 'credential': 'auto',
                         'ca_path': azurite_oauth.ca_path})
    play = runner.play([{'name': 'stage with auto', 'adu.device_update.adu_update': args}], verbosity=4)
    assert play.rc == 0, play.output
    assert play.result['update']['update_id'] == update and all(s['uploaded'] for s in play.result['staged'])
    scopes = [e.get('scope') for e in emulator.journal if e['route'] == 'token']
    assert scopes.count('storage') == 1 and scopes.count('adu') == 1
    assert 'skoid=' not in play.output and 'sig=' not in play.output  # user delegation SAS, never shown


def test_credential_auto_is_refused_with_an_access_token(runner, emulator, azurite_oauth, tmp_path):
    manifest_path, files_dir = build_dir(tmp_path, update=dict(UPDATE, version='2026.12.11'))
    args = dict(runner.connection('access_token'), source={'manifest_path': manifest_path, 'files_dir': files_dir},
                storage={'account_url': azurite_oauth.account_url, 'container': 'builds', 'credential': 'auto'})
    play = runner.play([{'name': 'stage with auto', 'adu.device_update.adu_update': args}])
    assert play.rc != 0 and play.result['msg'].startswith('storage.credential: auto needs an Azure AD credential')
    assert [c for c in adu_calls(emulator) if c[0] != 'GET'] == []
