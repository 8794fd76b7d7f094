# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an adu_update task declares, and the wire shapes of updates and operations."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import json

import pytest

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError, WireError
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import update_id_option
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import Redactor
from ansible_collections.adu.device_update.plugins.module_utils._updates.manifest import declared_import
from ansible_collections.adu.device_update.plugins.module_utils._core.wire import innermost_code
from ansible_collections.adu.device_update.plugins.module_utils._updates.wire import (
    normalize_operation,
    normalize_update,
    shown_urls,
    without_query,
)

UPDATE = {'provider': 'Contoso', 'name': 'Gateway', 'version': '1.0.2'}
SAS = 'sv=2024-08-04&sp=r&sig=SECRETSIGNATURE0123456789'


def params(**options):
    base = dict(state='present', update=None, manifest_url='https://acct.blob.core.windows.net/c/m.json?' + SAS,
                manifest_path=None, manifest_size=None, manifest_sha256=None, files=[], friendly_name=None)
    base.update(options)
    return base


def manifest(tmp_path, files=('a.swu',)):
    data = json.dumps({'updateId': UPDATE, 'files': [{'filename': f, 'sizeInBytes': 1, 'hashes': {'sha256': 'x'}}
                                                     for f in files]}).encode('utf-8')
    path = tmp_path / 'm.json'
    path.write_bytes(data)
    return str(path), data


def test_manifest_path_gives_size_hash_and_update(tmp_path):
    path, data = manifest(tmp_path)
    redactor, warnings = Redactor(), []
    declaration = declared_import(params(manifest_path=path, files=[
        {'filename': 'a.swu', 'url': 'https://acct.blob.core.windows.net/c/a.swu?' + SAS}]), warnings.append, redactor)
    assert declaration.update_id == UPDATE and declaration.manifest['size'] == len(data)
    assert declaration.manifest['sha256'] == base64.b64encode(hashlib.sha256(data).digest()).decode('ascii')
    assert redactor.scrub('x ' + SAS) == 'x ********' and warnings == []
    assert 'sig=' not in json.dumps(declaration.shown())


@pytest.mark.parametrize('options, text', [
    (dict(manifest_size=10, manifest_sha256='abc', update=UPDATE), 'manifest_sha256: must be the base64'),
    (dict(update=UPDATE), 'manifest_size: give manifest_size and manifest_sha256 together'),
    (dict(manifest_url='ftp://x/y', update=UPDATE, manifest_size=1,
          manifest_sha256=base64.b64encode(b'0' * 32).decode()), 'manifest_url: must be an https URL'),
    (dict(state='absent'), 'update: is required with state absent'),
    (dict(update={'provider': 'a/b', 'name': 'n', 'version': '1'}), 'update.provider: must be'),
])
def test_bad_declarations_are_refused(options, text):
    with pytest.raises(OptionError, match=text):
        declared_import(params(**options), lambda text: None, Redactor())


def test_files_must_cover_the_manifest_and_no_more(tmp_path):
    path, _data = manifest(tmp_path, files=('a.swu', 'b.swu'))
    url = 'https://acct.blob.core.windows.net/c/a.swu'
    with pytest.raises(OptionError, match='lists b.swu, which files gives no URL for'):
        declared_import(params(manifest_path=path, files=[{'filename': 'a.swu', 'url': url}]), print, Redactor())
    with pytest.raises(OptionError, match='c.swu: not listed in the manifest'):
        declared_import(params(manifest_path=path, files=[{'filename': n, 'url': url} for n in
                                                          ('a.swu', 'b.swu', 'c.swu')]), print, Redactor())


def test_http_is_accepted_with_a_warning_that_hides_the_query():
    warnings = []
    declared_import(params(manifest_url='http://127.0.0.1:1/m.json?' + SAS, update=UPDATE, manifest_size=1,
                           manifest_sha256=base64.b64encode(b'0' * 32).decode()), warnings.append, Redactor())
    assert len(warnings) == 1 and 'http URL' in warnings[0] and 'sig=' not in warnings[0]


def test_an_update_about_another_id_is_not_trusted():
    with pytest.raises(WireError, match='not trusting it'):
        normalize_update({'updateId': dict(UPDATE, version='9')}, UPDATE)
    assert normalize_update({'updateId': UPDATE, 'isDeployable': True}, UPDATE)['is_deployable'] is True


def test_operations_are_checked_and_read():
    body = {'operationId': 'op1', 'status': 'Failed', 'update': {'updateId': UPDATE},
            'error': {'code': 'ImportFailed', 'innererror': {'code': 'Outer', 'innererror': {'code': 'FileHashMismatch'}}}}
    operation = normalize_operation(body, 'op1', UPDATE)
    assert innermost_code(operation['error']) == 'FileHashMismatch'
    with pytest.raises(WireError):
        normalize_operation(body, 'op2')
    with pytest.raises(WireError):
        normalize_operation(dict(body, status='Weird'), 'op1')
    with pytest.raises(WireError):
        normalize_operation(body, 'op1', dict(UPDATE, version='2'))


def test_urls_are_shown_without_their_queries():
    assert without_query('https://a.blob.core.windows.net/c/b?' + SAS) == 'https://a.blob.core.windows.net/c/b'
    shown = shown_urls({'x': ['https://h/p?' + SAS, '/deviceUpdate/blue/x?api-version=2022-10-01']})
    assert shown == {'x': ['https://h/p', '/deviceUpdate/blue/x?api-version=2022-10-01']}
    assert update_id_option(UPDATE) == UPDATE
