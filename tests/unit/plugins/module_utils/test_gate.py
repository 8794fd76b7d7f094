# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gate's arithmetic at its boundaries: exact comparisons, figures checked before they are believed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.adu.device_update.plugins.module_utils._rollout import gate


@pytest.mark.parametrize('part, whole, percentage, above', [
    (1, 2001, 0, True),        # 0.05% rounds to 0.0 but is more than none
    (0, 2001, 0, False),
    (100, 2000, 5, False),     # exactly 5%: at the bound, not above it
    (101, 2000, 5, True),
    (1, 10, 0.1, True),        # 0.1 is one tenth exactly, not a binary float
    (1, 1000, 0.1, False),
    (0, 0, 0, False),          # nothing targeted: never above
])
def test_above_is_exact(part, whole, percentage, above):
    assert gate.above(part, whole, percentage) is above


@pytest.mark.parametrize('part, whole, percentage, reaches', [
    (1999, 2000, 100, False),  # 99.95% rounds to 100.0 but is not all
    (2000, 2000, 100, True),
    (19, 20, 95, True),
    (1899, 2000, 95, False),
    (0, 0, 0, False),
])
def test_reaches_is_exact(part, whole, percentage, reaches):
    assert gate.reaches(part, whole, percentage) is reaches


def test_display_keeps_a_nonzero_share_visible():
    assert gate.percentage(1, 2001) == 0.05 and gate.percentage(1, 3) == 33.3 and gate.percentage(0, 0) == 0.0
    assert gate.percentage(1999, 2000) == 99.95 and gate.percentage(2000, 2000) == 100.0
