# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local emulator of the Azure Device Update management API and of an Azure AD authority."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .server import Emulator, Fault
from .store import Store

__all__ = ['Emulator', 'Fault', 'Store']
