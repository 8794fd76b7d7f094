# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""adu_update_manifest end to end: manifests written for a build, checked by jsonschema against the published v5
rules as the tests state them (independent of the module's own checks), imported by adu_update."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import json

import jsonschema
import pytest

from test_updates import update_task

ID_PART = {'type': 'string', 'pattern': '^[A-Za-z0-9.-]{1,64}$'}
UPDATE_ID = {'type': 'object', 'additionalProperties': False, 'required': ['provider', 'name', 'version'],
             'properties': {'provider': ID_PART, 'name': ID_PART,
                            'version': {'type': 'string', 'pattern': r'^\d+(\.\d+){1,3}$'}}}
FILE_BASE = {'filename': {'type': 'string', 'minLength': 1, 'maxLength': 255},
             'sizeInBytes': {'type': 'integer', 'minimum': 1, 'maximum': 2147483648},
             'hashes': {'type': 'object', 'required': ['sha256'], 'minProperties': 1, 'maxProperties': 2,
                        'properties': {'sha256': {'type': 'string', 'pattern': '^[A-Za-z0-9+/]{43}=$'}}},
             'properties': {'type': 'object'}}
HANDLER = {'type': 'string', 'minLength': 5, 'maxLength': 32, 'pattern': '^\\S+/\\S+:\\d+$'}
DESCRIPTION = {'type': 'string', 'minLength': 1, 'maxLength': 64}
INLINE_STEP = {'type': 'object', 'additionalProperties': False, 'required': ['handler', 'files'], 'properties': {
    'type': {'const': 'inline'}, 'description': DESCRIPTION, 'handler': HANDLER,
    'files': {'type': 'array', 'minItems': 1, 'maxItems': 10,
              'items': {'type': 'string', 'minLength': 1, 'maxLength': 255}},
    'handlerProperties': {'type': 'object'}}}
REFERENCE_STEP = {'type': 'object', 'additionalProperties': False, 'required': ['type', 'updateId'], 'properties': {
    'type': {'const': 'reference'}, 'description': DESCRIPTION, 'updateId': UPDATE_ID}}
RELATED_FILE = {'type': 'object', 'additionalProperties': False, 'required': ['filename', 'sizeInBytes', 'hashes'],
                'properties': FILE_BASE}
FILE = {'type': 'object', 'additionalProperties': False, 'required': ['filename', 'sizeInBytes', 'hashes'],
        'properties': dict(FILE_BASE, relatedFiles={'type': 'array', 'maxItems': 4, 'items': RELATED_FILE},
                           downloadHandler={'type': 'object', 'required': ['id'],
                                            'properties': {'id': {'type': 'string', 'pattern': '^\\S+/\\S+:\\d+$'}}})}
COMPATIBILITY_SET = {'type': 'object', 'minProperties': 1, 'maxProperties': 5,
                     'propertyNames': {'minLength': 1, 'maxLength': 32},
                     'additionalProperties': {'type': 'string', 'minLength': 1, 'maxLength': 64}}
# The import manifest v5, as API-FACTS section 6 restates Microsoft's schema page and the published JSON schema.
SCHEMA = {
    '$schema': 'http://json-schema.org/draft-07/schema#', 'type': 'object', 'additionalProperties': False,
    'required': ['updateId', 'compatibility', 'instructions', 'manifestVersion', 'createdDateTime'],
    'properties': {
        '$schema': {'type': 'string'},
        'updateId': UPDATE_ID,
        'description': {'type': 'string', 'minLength': 1, 'maxLength': 512},
        'isDeployable': {'type': 'boolean'},
        'compatibility': {'type': 'array', 'minItems': 1, 'maxItems': 10, 'items': COMPATIBILITY_SET},
        'instructions': {'type': 'object', 'required': ['steps'], 'additionalProperties': False, 'properties': {
            'steps': {'type': 'array', 'minItems': 1, 'maxItems': 10,
                      'items': {'oneOf': [INLINE_STEP, REFERENCE_STEP]}}}},
        'files': {'type': 'array', 'maxItems': 10, 'items': FILE},
        'manifestVersion': {'const': '5.0'},
        'createdDateTime': {'type': 'string', 'pattern': '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$'},
    },
}
UPDATE = {'provider': 'Contoso', 'name': 'Gateway', 'version': '2026.12.9'}


def b64sha(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode('ascii')


def manifest_task(path, **options):
    args = dict(path=str(path), update=UPDATE, compatibility=[{'manufacturer': 'contoso', 'model': 'gateway'}],
                steps=[{'handler': 'microsoft/swupdate:2', 'files': [str(path.parent / 'gateway.swu')],
                        'handler_properties': {'installedCriteria': '2026.12.9'}}])
    args.update(options)
    return {'name': 'manifest', 'adu.device_update.adu_update_manifest': args}


def a_build(tmp_path):
    payload = b'Contoso Gateway firmware 2026.12.9\n' * 5000
    (tmp_path / 'gateway.swu').write_bytes(payload)
    return tmp_path / 'contoso.gateway.2026.12.9.importmanifest.json', payload


def test_a_manifest_is_written_checked_by_the_schema_then_ok_on_rerun(runner, tmp_path):
    path, payload = a_build(tmp_path)
    check = runner.play([manifest_task(path)], check=True, diff=True)
    assert check.rc == 0 and check.result['changed'] is True and not path.exists(), check.output
    play = runner.play([manifest_task(path)], diff=True)
    assert play.rc == 0 and play.result['changed'] is True, play.output
    written = json.loads(path.read_text())
    jsonschema.validate(written, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):  # the schema can fail: a manifest without its version
        jsonschema.validate(dict((k, v) for k, v in written.items() if k != 'manifestVersion'), SCHEMA)
    assert written == play.result['manifest']
    assert written['files'] == [{'filename': 'gateway.swu', 'sizeInBytes': len(payload),
                                 'hashes': {'sha256': b64sha(payload)}}]
    assert play.result['files'] == [{'name': 'gateway.swu', 'size': len(payload), 'sha256': b64sha(payload)}]
    assert play.result['diff']['before'] == {} and play.result['diff']['after'] == written
    again = runner.play([manifest_task(path)])
    assert again.rc == 0 and again.result['changed'] is False and json.loads(path.read_text()) == written
    changed = runner.play([manifest_task(path, description='Gateway firmware, December')])
    assert changed.rc == 0 and changed.result['changed'] is True
    assert json.loads(path.read_text())['description'] == 'Gateway firmware, December'


def test_a_written_manifest_is_staged_and_imported_by_adu_update(runner, emulator, azurite, tmp_path):
    path, _payload = a_build(tmp_path)
    storage = {'connection_string': azurite.connection_string, 'container': 'manifests'}
    imported = update_task(runner, source={'manifest_path': '{{ written.path }}', 'files_dir': str(tmp_path)},
                           storage=storage)
    play = runner.play([dict(manifest_task(path), register='written'), imported])
    assert play.rc == 0, play.output
    assert play.result['changed'] is True and play.result['update']['update_id'] == UPDATE
    again = runner.play([dict(manifest_task(path), register='written'), imported])
    assert again.rc == 0 and [r['changed'] for r in again.results] == [False, False], again.output


def test_a_delta_file_and_a_reference_step(runner, tmp_path):
    path, _payload = a_build(tmp_path)
    (tmp_path / 'gateway-from-2026.11.delta').write_bytes(b'delta' * 100)
    steps = [{'handler': 'microsoft/swupdate:2', 'files': [{
        'path': str(tmp_path / 'gateway.swu'), 'download_handler': 'microsoft/delta:1',
        'related_files': [{'path': str(tmp_path / 'gateway-from-2026.11.delta'),
                           'properties': {'microsoft.sourceFileHashAlgorithm': 'sha256'}}]}]},
             {'type': 'reference', 'update': {'provider': 'Contoso', 'name': 'Modem', 'version': '1.4'},
              'description': 'the modem firmware'}]
    play = runner.play([manifest_task(path, steps=steps)])
    assert play.rc == 0, play.output
    written = json.loads(path.read_text())
    jsonschema.validate(written, SCHEMA)
    assert written['files'][0]['relatedFiles'][0]['filename'] == 'gateway-from-2026.11.delta'
    assert written['files'][0]['downloadHandler'] == {'id': 'microsoft/delta:1'}
    assert written['instructions']['steps'][1] == {'type': 'reference', 'description': 'the modem firmware',
                                                   'updateId': {'provider': 'Contoso', 'name': 'Modem',
                                                                'version': '1.4'}}
    assert [f['name'] for f in play.result['files']] == ['gateway.swu', 'gateway-from-2026.11.delta']


@pytest.mark.parametrize('options, expected', [
    ({'update': dict(UPDATE, version='2026')}, 'update.version: must be 2 to 4 numbers joined by dots'),
    ({'update': dict(UPDATE, provider='Con toso')}, 'update.provider: must be 1 to 64 letters, digits, . and -'),
    ({'compatibility': []}, 'compatibility: must be a list of 1 to 10 sets of device properties'),
    ({'compatibility': [{'a': 'x', 'b': 'x', 'c': 'x', 'd': 'x', 'e': 'x', 'f': 'x'}]},
     'compatibility[0]: must be a dict of 1 to 5 device properties'),
    ({'compatibility': [{'model': 'x' * 65}]}, 'compatibility[0].model: must be a string of 1 to 64 characters'),
    ({'steps': [{'handler': 'microsoft/swupdate:2', 'files': ['FILE']}, {'handler': 'swupdate', 'files': ['FILE']}]},
     'steps[1].handler: must look like vendor/name:1'),
    ({'steps': [{'handler': 'microsoft/swupdate:2', 'files': []}]}, 'steps[0].files: must be a list of 1 to 10 files'),
    ({'steps': [{'handler': 'microsoft/swupdate:2', 'files': ['MISSING']}]}, 'steps[0].files[0]: cannot read'),
    ({'steps': [{'type': 'reference', 'handler': 'microsoft/swupdate:2'}]},
     'steps[0].handler: is for an inline step'),
    ({'steps': [{'handler': 'microsoft/swupdate:2', 'files': [{'path': 'FILE', 'related_files': [{'path': 'FILE'}]}]}]},
     'steps[0].files[0].download_handler: is required with related_files'),
    ({'description': ''}, 'description: must be a string of 1 to 512 characters'),
])
def test_every_rule_is_refused_naming_the_option_before_anything_is_written(runner, tmp_path, options, expected):
    path, _payload = a_build(tmp_path)
    given = json.loads(json.dumps(options).replace('"FILE"', json.dumps(str(tmp_path / 'gateway.swu'))).replace(
        '"MISSING"', json.dumps(str(tmp_path / 'missing.swu'))))
    play = runner.play([manifest_task(path, **given)])
    assert play.rc != 0 and play.result['msg'].startswith(expected), play.result['msg']
    assert not path.exists()


def test_a_path_that_is_no_regular_file_is_refused_naming_it(runner, tmp_path):
    _path, _payload = a_build(tmp_path)
    taken = tmp_path / 'a-directory.json'
    taken.mkdir()
    play = runner.play([manifest_task(taken)])
    assert play.rc != 0 and play.result['msg'].startswith('path: '), play.result['msg']
    assert 'regular file' in play.result['msg']
