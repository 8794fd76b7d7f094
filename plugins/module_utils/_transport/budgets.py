# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every budget of the service in one place: the operations it limits per window and instance, how many calls each
allows, and how many operations it runs at once. Names and numbers only, so that a route can name its budget
without loading the pacing file's code (pacing.py), which only a write needs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The budgets of an instance, one per operation the service limits (API-FACTS 3 and 5), shared by every task on
# the host. Writes: ProcessSubgroupDeployment (cancel and retry), CreateOrUpdateDeployment, DeleteDeployment,
# write_rate_limit each per write_rate_window.
DEPLOYMENT_ACTION = 'deployment_action'
CREATE = 'create'
DELETE = 'delete'
# Reads, per window: the update API, the operations list, and groups, best updates and compliance.
UPDATE_API = 'update_api'
OPERATIONS_LIST = 'update_operations_list'
GROUP_READ = 'group_read'
BEST_UPDATES_READ = 'best_updates_read'
COMPLIANCE_READ = 'compliance_read'
READ_BUDGETS = {UPDATE_API: 510, OPERATIONS_LIST: 50, GROUP_READ: 30, BEST_UPDATES_READ: 30, COMPLIANCE_READ: 30}
# Import and delete operations the service runs at once per instance: slots held while they run.
RUNNING_OPERATIONS = 'update_operations'
MAX_RUNNING_OPERATIONS = 10
