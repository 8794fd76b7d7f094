# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad and hostile input: a clear error naming the option, and not one request sent."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.adu.device_update.plugins.module_utils._auth.credential import AccessTokenCredential
from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError, OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import validate_deployment_id
from ansible_collections.adu.device_update.plugins.module_utils._deployments.api_preview import PreviewApi
from ansible_collections.adu.device_update.plugins.module_utils._transport.client import HttpClient
from conftest import STATIC_TOKEN

# (case, options replacing the valid ones, how the error message starts)
CASES = [
    ('account with a dot', {'account': 'contoso.evil', 'endpoint': None}, 'account: '),
    ('account with a slash', {'account': 'contoso/x', 'endpoint': None}, 'account: '),
    ('account with @', {'account': 'me@contoso', 'endpoint': None}, 'account: '),
    ('account with a port', {'account': 'contoso:443', 'endpoint': None}, 'account: '),
    ('account with a space', {'account': 'con toso', 'endpoint': None}, 'account: '),
    ('account with a cyrillic o', {'account': u'c\u043entoso', 'endpoint': None}, 'account: '),
    ('account empty', {'account': '', 'endpoint': None}, 'account: '),
    ('account too long', {'account': 'a' * 64, 'endpoint': None}, 'account: '),
    ('account and endpoint', {'account': 'contoso'}, 'parameters are mutually exclusive: account|endpoint'),
    ('instance with a dot', {'instance': 'blue.evil'}, 'instance: '),
    ('instance with a slash', {'instance': '../blue'}, 'instance: '),
    ('instance with a fullwidth letter', {'instance': u'blu\uff45'}, 'instance: '),
    ('instance empty', {'instance': ''}, 'instance: '),
    ('endpoint with a path', {'endpoint': 'https://127.0.0.1:1/deviceupdate'}, 'endpoint: '),
    ('endpoint with a query', {'endpoint': 'https://127.0.0.1:1?x=1'}, 'endpoint: '),
    ('endpoint with credentials', {'endpoint': 'https://user:hunter2@127.0.0.1:1'}, 'endpoint: '),
    ('endpoint with ftp', {'endpoint': 'ftp://127.0.0.1'}, 'endpoint: '),
    ('endpoint file scheme', {'endpoint': 'file:///etc/passwd'}, 'endpoint: '),
    ('endpoint http to a remote host', {'endpoint': 'http://adu.example.com'}, 'endpoint: '),
    ('endpoint http to a private address', {'endpoint': 'http://10.1.2.3:8080'}, 'endpoint: '),
    ('endpoint bad port', {'endpoint': 'https://127.0.0.1:99999'}, 'endpoint: '),
    ('deployment_id with a slash', {'deployment_id': 'a/b'}, 'deployment_id: '),
    ('deployment_id dot dot', {'deployment_id': '..'}, 'deployment_id: '),
    ('deployment_id encoded slash', {'deployment_id': 'a%2Fb'}, 'deployment_id: '),
    ('deployment_id with ?', {'deployment_id': 'a?action=cancel'}, 'deployment_id: '),
    ('deployment_id with #', {'deployment_id': 'a#b'}, 'deployment_id: '),
    ('deployment_id with CR LF', {'deployment_id': 'a\r\nX-Injected: 1'}, 'deployment_id: '),
    ('deployment_id with NUL', {'deployment_id': 'a\x00b'}, 'deployment_id: '),
    ('deployment_id with a backslash', {'deployment_id': 'a\\b'}, 'deployment_id: '),
    ('deployment_id 1 MB long', {'deployment_id': "{{ 'x' * 1048576 }}"}, 'deployment_id: '),
    ('deployment_id empty', {'deployment_id': ''}, 'deployment_id: '),
    ('state misspelled', {'state': 'cancel'}, 'value of state must be one of: canceled, cancelled, retried'),
    ('timeout negative', {'timeout': -1}, 'timeout: must be between'),
    ('timeout huge', {'timeout': 1e9}, 'timeout: must be between'),
    ('retries negative', {'retries': -2}, 'retries: must be between'),
    ('retries huge', {'retries': 10 ** 6}, 'retries: must be between'),
    ('authority_host over http', {'authority_host': 'http://login.example.com'}, 'authority_host: '),
    ('unreadable certificate', {'access_token': None, 'client_certificate_path': '/nonexistent/sp.pem',
                                'tenant_id': 't', 'client_id': 'c'}, 'client_certificate_path: cannot read'),
    ('unreadable token file', {'access_token': None, 'auth_method': 'workload_identity', 'tenant_id': 't',
                               'client_id': 'c', 'federated_token_file': '/nonexistent/token'},
     'federated_token_file: cannot read'),
    ('unknown auth_method', {'auth_method': 'password'}, 'value of auth_method must be one of'),
]


def test_table_of_bad_input_fails_before_any_request(runner, emulator):
    assert len(CASES) >= 30
    tasks = []
    for name, changes, _expected in CASES:
        task = runner.task('canceled', 'dpokluda-test.2020-1111-1124-8', auth='access_token')
        args = task['adu.device_update.adu_deployment']
        args['authority_host'] = emulator.url
        for key, value in changes.items():
            if value is None:
                args.pop(key, None)
            else:
                args[key] = value
        task['name'] = name
        task['ignore_errors'] = True
        tasks.append(task)
    play = runner.play(tasks)
    by_task = dict((r['task'], r) for r in play.records)
    for name, _changes, expected in CASES:
        record = by_task[name]
        assert record['outcome'] == 'failed', name
        assert record['result']['msg'].startswith(expected), (name, record['result']['msg'][:200])
        assert 'Traceback' not in record['result']['msg']
        assert 'hunter2' not in record['result']['msg']
    assert emulator.journal == []


@given(st.text(min_size=1, max_size=80))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_accepted_ids_travel_as_one_segment_and_come_back_unchanged(emulator_server, deployment_id):
    try:
        validate_deployment_id(deployment_id)
    except OptionError:
        return
    before = len(emulator_server.journal)
    api = PreviewApi(HttpClient(AccessTokenCredential({'access_token': STATIC_TOKEN}), verify=emulator_server.ca_path,
                                retries=0), emulator_server.url, 'blue')
    try:
        api.get_deployment(deployment_id)
    except AduError as exc:
        assert exc.status_code == 404, exc.message
    entry = emulator_server.journal[before]
    assert entry['route'] == 'get_deployment' and entry['segments'] == 1
    assert entry['deployment_id'] == deployment_id
