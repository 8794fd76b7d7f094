# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The third outside review's broken promises, end to end: each test failed on 1.2.0."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
