# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """Attributes shared by the modules of adu.device_update."""

    # Modules that act: check mode reads and decides, diff shows what an action changes.
    DOCUMENTATION = r'''
attributes:
  check_mode:
    description: Reads exactly as a real run does, sends no write (create, cancel, retry, delete), and reports the same RV(ignore:changed).
    support: full
  diff_mode:
    description:
      - Shows what the task changes, before and after.
      - C(is_canceled) and C(is_retried) for a cancel or retry; what the deployment declares for a create or delete.
    support: full
  action_group:
    description: Use C(group/adu.device_update.adu) in C(module_defaults) to set the connection and auth options once.
    support: full
    membership:
      - adu.device_update.adu
'''

    # Read-only modules.
    INFO_MODULE = r'''
attributes:
  check_mode:
    description: This module only reads, so it runs in check mode as in a real run.
    support: full
  diff_mode:
    description: This module never changes anything, so there is no diff.
    support: N/A
  action_group:
    description: Use C(group/adu.device_update.adu) in C(module_defaults) to set the connection and auth options once.
    support: full
    membership:
      - adu.device_update.adu
'''

    # Modules that act on updates or log collections.
    RESOURCE = r'''
attributes:
  check_mode:
    description: Reads exactly as a real run does, sends no write (import, delete, log collection), and reports the same RV(ignore:changed).
    support: full
  diff_mode:
    description: Shows the resource's id before and after (V({}) where there is none).
    support: full
  action_group:
    description: Use C(group/adu.device_update.adu) in C(module_defaults) to set the connection and auth options once.
    support: full
    membership:
      - adu.device_update.adu
'''
