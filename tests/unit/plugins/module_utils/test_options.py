# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import validate_deployment_id
from ansible_collections.adu.device_update.plugins.module_utils._core.options import (
    path_segment,
    service_base_url,
    validate_authority_host,
    validate_dns_label,
    validate_endpoint,
    validate_range,
)


@pytest.mark.parametrize('value', ['contoso', 'a', 'blue-1', 'A' * 63])
def test_dns_label_accepts(value):
    assert validate_dns_label('account', value) == value


@pytest.mark.parametrize('value', [
    '', None, 'contoso.evil', 'a/b', 'user@host', 'host:443', 'two words', '-lead', 'trail-',
    'a' * 64, u'cont\u043eso', 'blue\n', 'blue\x00',
])
def test_dns_label_rejects_naming_the_option(value):
    with pytest.raises(OptionError) as err:
        validate_dns_label('instance', value)
    assert err.value.option == 'instance' and str(err.value).startswith('instance: ')


@pytest.mark.parametrize('value, expected', [
    ('https://contoso.api.adu.microsoft.com', 'https://contoso.api.adu.microsoft.com'),
    ('https://Host.Example:8443/', 'https://host.example:8443'),
    ('http://127.0.0.1:8080', 'http://127.0.0.1:8080'),
    ('http://localhost', 'http://localhost'),
    ('http://[::1]:9000', 'http://[::1]:9000'),
])
def test_endpoint_accepts(value, expected):
    assert validate_endpoint(value) == expected


@pytest.mark.parametrize('value, needle', [
    ('https://host/path', 'no path'),
    ('https://host?x=1', 'no path'),
    ('https://host#frag', 'no path'),
    ('https://user:pw@host', 'credentials'),
    ('ftp://host', 'scheme'),
    ('host.example', 'scheme'),
    ('http://10.0.0.5', 'loopback'),
    ('http://adu.example.com', 'loopback'),
    ('https://host:99999', 'port'),
    ('https://', 'no host'),
    ('https://ho st', 'must be'),
    ('', 'must be'),
])
def test_endpoint_rejects(value, needle):
    with pytest.raises(OptionError) as err:
        validate_endpoint(value)
    assert err.value.option == 'endpoint' and needle in str(err.value)


def test_credentials_in_endpoint_are_not_echoed():
    with pytest.raises(OptionError) as err:
        validate_endpoint('https://me:hunter2@host')
    assert 'hunter2' not in str(err.value)


def test_authority_host_is_https_only():
    assert validate_authority_host('https://login.microsoftonline.us') == 'https://login.microsoftonline.us'
    with pytest.raises(OptionError, match='^authority_host: '):
        validate_authority_host('http://127.0.0.1:1')


@pytest.mark.parametrize('value', ['dpokluda-test.2020-1111-1124-8', 'a', 'x' * 256, 'with space', u'd\u00e9ploiement', '..a'])
def test_deployment_id_accepts(value):
    assert validate_deployment_id(value) == value


@pytest.mark.parametrize('value', ['', '/', 'a/b', 'a\\b', 'a?b', 'a#b', '%2F', 'a\r\nb', 'a\x00', '.', '..',
                                   'x' * 257, ' lead', 'trail ', 'del\x7f'])
def test_deployment_id_rejects(value):
    with pytest.raises(OptionError, match='^deployment_id: '):
        validate_deployment_id(value)


def test_path_segment_is_one_segment():
    assert path_segment('a b:c@d') == 'a%20b%3Ac%40d'
    assert '/' not in path_segment(u'd\u00e9p')


def test_service_base_url():
    assert service_base_url(account='Contoso') == 'https://contoso.api.adu.microsoft.com'
    assert service_base_url(endpoint='http://127.0.0.1:1') == 'http://127.0.0.1:1'
    with pytest.raises(OptionError):
        service_base_url()
    with pytest.raises(OptionError):
        service_base_url('a', 'https://b')


@pytest.mark.parametrize('value', [-1, 0, 601, None])
def test_range_rejects(value):
    with pytest.raises(OptionError, match='^timeout: must be between'):
        validate_range('timeout', value, (0.1, 600))
