# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator answers as the real service did: every public recording of the api-versions the collection
claims (v2 and 2022-10-01, recorded/harvest/, copied from the Azure SDKs' test recordings) is replayed against it,
and its answer compared by shape: status, content type, keys and JSON types at every level, nextLink form, headers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests

HARVEST = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'recorded', 'harvest')
EXCHANGES = sorted(glob.glob(os.path.join(HARVEST, '*.json')))
TOKEN = {'Authorization': 'Bearer emu-static-access-token-for-tests'}


def load(path):
    with open(path) as handle:
        return json.load(handle)


def header(headers, name):
    return next((v for k, v in (headers or {}).items() if k.lower() == name), None)


# Keys real recordings of the same call disagree on: deviceClassId on a v2 deployment of deviceGroupType
# Devices (one 2020 recording of four), the undocumented update.updateId.internalId of GA bodies (recorded
# since 2023, absent from the 2022 ones).
OPTIONAL = ('deviceClassId', 'internalId')


def shape(value):
    """Keys and JSON types at every level; a list by the shape of its first item."""
    if isinstance(value, dict):
        return dict((k, shape(v)) for k, v in value.items() if k != 'nextLink' and k not in OPTIONAL)
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool) or value is None:
        return type(value).__name__
    return 'number' if isinstance(value, (int, float)) else type(value).__name__


def seed(store, method, path, status):
    """Put what the recorded request found into the emulator (or take it away, for a recorded 404)."""
    segments = [unquote(s) for s in path.split('/')[1:]]
    instance = segments[1]
    if segments[2] == 'v2' and len(segments) > 5:
        deployment_id = segments[5]
        store.delete_deployment(instance, deployment_id)
        if status == 200 and method != 'PUT':
            store.add_deployment(instance, {'deploymentId': deployment_id},
                                 {'totalDevices': 1, 'devicesCompletedSucceededCount': 1})
    elif segments[2] == 'management' and status == 200:
        group = segments[4]
        dc = segments[6] if len(segments) > 6 and segments[5] == 'deviceClassSubgroups' else 'c' * 40
        deployment = next((s for s in segments[7:] if s not in ('deployments', 'status', 'devicestates')), None)
        store.add_ga_deployment(instance, group, {'deploymentId': deployment or 'sdk-tests-deployment'},
                                {dc: {'totalDevices': 1, 'devicesCompletedSucceededCount': 1}})


@pytest.mark.parametrize('path', EXCHANGES, ids=[os.path.basename(p)[:-5] for p in EXCHANGES])
def test_the_emulator_answers_as_the_recording_shows(emulator, path):
    recorded = load(path)
    uri = urlsplit(recorded['uri'])
    seed(emulator.store, recorded['method'], uri.path, recorded['status'])
    query = '&'.join('%s=%s' % (k, v[0]) for k, v in parse_qs(uri.query).items() if k in ('api-version', 'action'))
    body = recorded.get('request_body')
    if recorded['method'] == 'PUT' and not isinstance(body, dict):  # the old Java recorder kept no request body
        body = dict((k, v) for k, v in recorded['response_body'].items() if not k.startswith('is'))
    resp = requests.request(recorded['method'], '%s%s%s' % (emulator.url, uri.path, '?' + query if query else ''),
                            headers=dict(TOKEN, traceparent='00-%s-%s-00' % ('a' * 32, 'b' * 16)),
                            json=body if isinstance(body, dict) else None, verify=emulator.ca_path, timeout=10)
    assert resp.status_code == recorded['status']
    wanted_type = header(recorded['response_headers'], 'content-type')
    assert (resp.headers.get('Content-Type') or '').split(';')[0] == (wanted_type or '').split(';')[0]
    # The service's only tracing header is traceparent, here carrying the trace id the client sent.
    assert resp.headers['traceparent'].startswith('00-' + 'a' * 32 + '-')
    assert not [k for k in resp.headers if k.lower().startswith('x-ms-')]
    wanted = recorded.get('response_body')
    if isinstance(wanted, dict):
        got = resp.json()
        if 'traceId' in wanted:  # a problem+json body's traceId is the trace of its traceparent
            assert got['traceId'].split('-')[1] == resp.headers['traceparent'].split('-')[1]
        items = [i for i in wanted.get('value', []) if isinstance(i, dict)]  # a harvester's excerpt note is no item
        if 'value' in wanted:
            wanted = dict(wanted, value=items)
            got = dict(got, value=got['value'][:1] if items else [])
        assert shape(got) == shape(wanted)
        if isinstance(got.get('nextLink'), str):
            assert got['nextLink'].startswith('/deviceupdate/' if '/v2/' in uri.path else '/deviceUpdate/')
    else:
        assert resp.content == b''
