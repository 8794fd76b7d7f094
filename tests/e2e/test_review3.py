# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The third outside review's broken promises, end to end: each test failed on 1.2.0."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from conftest import CLIENT_ID, CLIENT_SECRET, TENANT_ID
from test_updates import NEW, build, update_task


def test_already_exists_nested_two_levels_down_is_found(runner, emulator, tmp_path):
    """The service nests errors (innererror -> innerError): the code to act on is followed to the innermost."""
    path, url, files = build(emulator, tmp_path)
    catalog = emulator.store.catalog
    catalog.nested_errors = True
    original = catalog.get
    calls = []

    def get_then_appear(instance, update_id):
        calls.append(1)
        found = original(instance, update_id)
        if len(calls) == 1:
            catalog.add(instance, {'updateId': dict(update_id)})  # another client wins the race
        return found if len(calls) == 1 else original(instance, update_id)
    catalog.get = get_then_appear
    try:
        play = runner.play([update_task(runner, manifest_path=path, manifest_url=url, files=files)])
    finally:
        catalog.get = original
    assert play.rc == 0, play.output
    assert play.result['changed'] is False and play.result['update']['update_id'] == NEW
    assert len(emulator.requests('update_import')) == 1


def test_a_cached_token_does_not_hide_a_wrong_secret(runner, emulator):
    """The cache key holds a fingerprint of the secret: a rotated or mistyped one is asked of Azure AD."""
    from test_auth import auth_task  # pylint: disable=import-outside-toplevel
    good = auth_task(runner, emulator, tenant_id=TENANT_ID, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert runner.play([good]).rc == 0
    wrong = auth_task(runner, emulator, tenant_id=TENANT_ID, client_id=CLIENT_ID, client_secret='not-the-secret-at-all')
    play = runner.play([wrong])
    assert play.rc != 0 and 'not-the-secret-at-all' not in play.output
    assert 'credentials' in play.result['msg'] or 'invalid_client' in play.result['msg'], play.result['msg']
    emulator.journal.clear()
    again = runner.play([good])  # the right secret still finds its token in the cache: no new token request
    assert again.rc == 0, again.output
    assert 'token' not in [e['route'] for e in emulator.journal]
