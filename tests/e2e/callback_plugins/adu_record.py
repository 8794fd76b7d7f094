# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: adu_record
type: aggregate
short_description: Writes every task result as a JSON line, for the end-to-end tests
description:
  - Appends one JSON object per task result to the file named by the environment variable E(ADU_RECORD_FILE).
options: {}
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'adu_record'
    CALLBACK_NEEDS_ENABLED = True

    def _write(self, result, outcome):
        path = os.environ.get('ADU_RECORD_FILE')
        if not path:
            return
        record = {'task': result._task.get_name(), 'host': result._host.get_name(), 'outcome': outcome,
                  'time': time.time(), 'result': self._clean(result._result)}
        with open(path, 'a') as handle:
            handle.write(json.dumps(record, default=str) + '\n')

    @staticmethod
    def _clean(data):
        return dict((k, v) for k, v in data.items() if k not in ('invocation', '_ansible_no_log'))

    def v2_runner_on_ok(self, result):
        self._write(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._write(result, 'skipped')

    def v2_runner_item_on_ok(self, result):
        self._write(result, 'item_ok')

    def v2_runner_item_on_failed(self, result):
        self._write(result, 'item_failed')

    def v2_runner_item_on_skipped(self, result):
        self._write(result, 'item_skipped')

    def v2_playbook_on_task_start(self, task, is_conditional):
        path = os.environ.get('ADU_RECORD_FILE')
        if path:
            with open(path, 'a') as handle:
                handle.write(json.dumps({'task': task.get_name(), 'outcome': 'task_start', 'time': time.time(),
                                         'host': None, 'result': {}}) + '\n')
