# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.adu.device_update.plugins.module_utils._core.redact import MASK, Redactor, shown

SECRET = 'sec-ret\nvalue"42'


@pytest.mark.parametrize('echo', [
    SECRET, repr(SECRET), json.dumps(SECRET), ' '.join(SECRET.split()), 'line: sec-ret', 'value"42 tail',
])
def test_every_echoed_form_is_masked(echo):
    text = Redactor([SECRET]).scrub('the server said <%s>' % echo)
    assert 'sec-ret' not in text and 'value"42' not in text and MASK in text


def test_scrub_walks_results_and_leaves_short_values_alone():
    redactor = Redactor(['tok-abcdef', None, 'ab'])
    result = redactor.scrub({'msg': 'x tok-abcdef', 'list': ['tok-abcdef', 3], 'nested': {'k': ('ab tok-abcdef',)}})
    assert result == {'msg': 'x ' + MASK, 'list': [MASK, 3], 'nested': {'k': ('ab ' + MASK,)}}


@pytest.mark.parametrize('secret', [SECRET, 'back\\slash-\u00e9t\u00e9-\x01ctl', 'tab\tand "quotes" \u2028 here'])
def test_a_container_is_searched_as_json_then_walked_only_when_a_form_is_in_it(secret):
    redactor = Redactor([secret])
    holding = {'items': [{'id': 'd-%d' % i, 'state': 'Succeeded'} for i in range(3)] + [{'said': 'x ' + secret}],
               'keyed': {'k ' + secret: 1}}
    scrubbed = json.dumps(redactor.scrub(holding), ensure_ascii=False)
    assert secret not in scrubbed and json.dumps(secret, ensure_ascii=False)[1:-1] not in scrubbed
    assert scrubbed.count(MASK) == 2
    clean = {'items': [{'id': 'd-%d' % i, 'state': 'Succeeded'} for i in range(3)]}
    assert redactor.scrub(clean) is clean  # nothing to mask: no walk, no copy


def test_a_container_json_cannot_write_is_walked():
    redactor = Redactor(['tok-abcdef'])
    assert redactor.scrub({('a', 1): ['x tok-abcdef']}) == {('a', 1): ['x ' + MASK]}


def test_shown_escapes_hidden_characters_and_cuts():
    assert shown('a\u202eb\u200bc\x00d') == 'a\\u202eb\\u200bc\\u0000d'
    assert shown('x' * 1000, 10) == 'x' * 10 + '... (cut)'
    assert shown('  many \n lines\t') == 'many lines'


def test_a_sas_is_masked_in_every_encoding_of_its_signature():
    redactor = Redactor()
    redactor.add_sas('https://acct.blob.core.windows.net/c/b.swu?sv=2024-11-04&sr=b&sp=r&sig=AbC%2Bde%2Ffg12%3D%3D')
    for echoed in ('sig=AbC+de/fg12==', 'AbC%2bde%2ffg12%3d%3d', 'AbC\\u002Bde\\/fg12\\u003D\\u003D',
                   'AbC\\u002bde/fg12\\u003d\\u003d', json.dumps('AbC+de/fg12==')):
        assert 'fg12' not in redactor.scrub(echoed), echoed


def test_each_secret_part_of_a_connection_string_is_masked():
    redactor = Redactor()
    redactor.add_connection_string('AccountName=a;AccountKey=S2V5S2V5S2V5+/==;BlobEndpoint=https://x/;'
                                   'SharedAccessSignature=sv=2024&sig=U2lnU2ln%2F123')
    assert redactor.scrub('key S2V5S2V5S2V5+/== sig U2lnU2ln/123') == 'key ******** sig ********'
