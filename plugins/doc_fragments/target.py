# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """Which Device Update API a module talks to: the 2020-09-01 preview API, or the GA API."""

    DOCUMENTATION = r'''
options:
  group_id:
    description:
      - Device group of the deployment. When given, the GA API is used
        (C(/deviceUpdate/{instance}/management/groups/{group_id}/...), with O(api_version));
        without it, the 2020-09-01 preview API.
      - On the GA API a deployment ID is at most 73 lower-case characters, without C(& ^ [ ] { } | < > / \ ").
    type: str
  device_class_id:
    description:
      - GA API only. Act on (or read) this device-class subgroup of the deployment only.
      - Without it, every subgroup the deployment lists in C(deviceClassSubgroups).
    type: str
  api_version:
    description:
      - GA API only. The C(api-version) sent with every request, for example V(2022-10-01) or V(2026-06-01).
      - Defaults to V(2022-10-01).
    type: str
'''

    # The modules of the GA API only (updates, groups, log collections): api_version alone.
    GA_API = r'''
options:
  api_version:
    description:
      - The C(api-version) of the GA API sent with every request, V(2022-10-01) or V(2026-06-01).
      - Defaults to V(2022-10-01).
    type: str
    version_added: 1.2.0
'''
