# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fixtures every test suite shares: one real ADU emulator on 127.0.0.1 per test session (per xdist
worker), back at its seed for every test that asks for it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from adu_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope='session')
def emulator_server(tmp_path_factory):
    emulator = Emulator(cert_dir=str(tmp_path_factory.mktemp('emulator-ca'))).start()
    yield emulator
    emulator.stop()


@pytest.fixture
def emulator(emulator_server):
    """The shared emulator, back at its seed for every test."""
    emulator_server.reset()
    yield emulator_server
    emulator_server.reset()
