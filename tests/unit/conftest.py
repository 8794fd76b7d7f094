# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import io
import json
import os
import sys

import pytest

RECORDED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'adu_emulator', 'recorded')


@pytest.fixture
def recorded():
    """recorded('v2-get-deployment') -> the body the real service sent."""
    def load(name):
        with open(os.path.join(RECORDED, name + '.json')) as handle:
            return json.load(handle)
    return load


@pytest.fixture(scope='session')
def plain_emulator():
    """The ADU emulator over plain HTTP on 127.0.0.1 (the collection allows http:// to loopback only),
    so that the modules' main paths run in-process without a CA; reset by each test that uses it."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from adu_emulator import Emulator  # pylint: disable=import-outside-toplevel
    emulator = Emulator(tls=False).start()
    yield emulator
    emulator.stop()


@pytest.fixture
def run_module(plain_emulator, tmp_path, monkeypatch):
    """run_module(module, **args) -> (failed, result): the module's main() in this process, as ansible runs it,
    against the plain emulator with the emulator's static token; its pacing file in tmp_path."""
    from ansible.module_utils.testing import patch_module_args  # pylint: disable=import-outside-toplevel
    plain_emulator.reset()
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))

    def run(module, check_mode=False, **args):
        args = dict({'endpoint': plain_emulator.url, 'instance': 'blue',
                     'access_token': 'emu-static-access-token-for-tests', '_ansible_check_mode': check_mode}, **args)
        out = io.StringIO()
        with patch_module_args(args), contextlib.redirect_stdout(out), pytest.raises(SystemExit):
            module.main()
        result = json.loads(out.getvalue())
        return bool(result.get('failed')), result
    run.emulator = plain_emulator
    return run
