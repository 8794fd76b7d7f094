# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest

from ansible_collections.adu.device_update.plugins.module_utils._auth.token_cache import (
    EXPIRY_MARGIN,
    TokenCache,
    TokenCacheError,
    cache_key,
    default_cache_path,
)


def test_default_path_follows_xdg():
    assert default_cache_path({'XDG_CACHE_HOME': '/x'}) == '/x/adu.device_update/tokens.json'
    assert default_cache_path({}).endswith('/.cache/adu.device_update/tokens.json')


def test_keys_differ_by_tenant_and_client():
    assert cache_key('cs', 'h', 't1', 'c') != cache_key('cs', 'h', 't2', 'c')
    assert cache_key('cs', 'h', 't', 'c1') != cache_key('cs', 'h', 't', 'c2')
    assert cache_key('cs', 'h', 't', 'c') == cache_key('cs', 'h', 't', 'c')


def test_put_get_and_expiry_margin(tmp_path):
    cache = TokenCache(str(tmp_path / 'c' / 'tokens.json'))
    with cache.locked():
        cache.put('k', 'tok', expires_on=1000.0 + EXPIRY_MARGIN + 10, now=1000.0)
        assert cache.get('k', now=1000.0) == 'tok'
        assert cache.get('k', now=1011.0) is None  # too close to expiry to be used
        assert cache.get('other', now=1000.0) is None
    assert stat.S_IMODE(os.stat(str(tmp_path / 'c')).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cache.path).st_mode) == 0o600


def test_put_drops_expired_entries_and_drop_removes(tmp_path):
    cache = TokenCache(str(tmp_path / 'tokens.json'))
    os.chmod(str(tmp_path), 0o700)
    with cache.locked():
        cache.put('old', 'a', expires_on=5.0, now=1.0)
        cache.put('new', 'b', expires_on=10000.0, now=10.0)
        assert set(cache.load()) == {'new'}
        cache.drop('new')
        assert cache.load() == {}


def test_corrupt_file_is_an_empty_cache(tmp_path):
    os.chmod(str(tmp_path), 0o700)
    path = tmp_path / 'tokens.json'
    path.write_text('{not json')
    os.chmod(str(path), 0o600)
    cache = TokenCache(str(path))
    with cache.locked():
        assert cache.get('k') is None


@pytest.mark.parametrize('dir_mode, file_mode, needle', [
    (0o755, None, 'directory'), (0o770, None, 'directory'), (0o700, 0o644, 'file'), (0o700, 0o660, 'file'),
])
def test_shared_directory_or_file_is_refused(tmp_path, dir_mode, file_mode, needle):
    directory = tmp_path / 'cache'
    directory.mkdir()
    os.chmod(str(directory), dir_mode)
    path = directory / 'tokens.json'
    if file_mode is not None:
        path.write_text('{}')
        os.chmod(str(path), file_mode)
    with pytest.raises(TokenCacheError, match='token cache %s .* other users' % needle):
        with TokenCache(str(path)).locked():
            pass


def test_symlinked_cache_file_is_refused(tmp_path):
    os.chmod(str(tmp_path), 0o700)
    target = tmp_path / 'elsewhere.json'
    target.write_text('{}')
    os.chmod(str(target), 0o600)
    link = tmp_path / 'tokens.json'
    link.symlink_to(target)
    with pytest.raises(TokenCacheError, match='symbolic link'):
        with TokenCache(str(link)).locked():
            pass


def test_directory_created_meanwhile_by_another_fork_is_fine(tmp_path, monkeypatch):
    cache = TokenCache(str(tmp_path / 'new' / 'tokens.json'))
    real_makedirs = os.makedirs

    def racing_makedirs(path, mode=0o777, exist_ok=False):
        real_makedirs(path, mode)  # the other fork wins the race
        real_makedirs(path, mode, exist_ok=exist_ok)

    monkeypatch.setattr(os, 'makedirs', racing_makedirs)
    with cache.locked():
        cache.put('k', 't', expires_on=10 ** 10)
