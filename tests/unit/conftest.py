# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

RECORDED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'adu_emulator', 'recorded')


@pytest.fixture
def recorded():
    """recorded('v2-get-deployment') -> the body the real service sent."""
    def load(name):
        with open(os.path.join(RECORDED, name + '.json')) as handle:
            return json.load(handle)
    return load
