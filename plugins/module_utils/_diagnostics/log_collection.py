# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""LogCollectionService: a log collection from named devices, or from a deployment's devices in a state.

Reads first: there with the same devices (any order): nothing to do; there with others: a failure naming the
difference, no write; not there: one PUT. A lost answer is read back, never sent again. With a waiter, the
detailed status is polled until every device is done; a device whose upload failed does not fail the task.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import (
    AduError,
    PlanError,
    WaitTimeout,
    WireError,
)
from ansible_collections.adu.device_update.plugins.module_utils._core.read_back import read_back

DONE = ('Succeeded', 'Failed')


def _pairs(devices):
    return sorted((d['device_id'], d.get('module_id') or None) for d in devices)


def _shown(pairs):
    return ', '.join(d if m is None else '%s/%s' % (d, m) for d, m in pairs) or 'none'


def devices_done(status):
    """Whether every device of a detailed status has finished (or the collection itself has)."""
    devices = status['device_status']
    return all(d['status'] in DONE for d in devices) and (bool(devices) or status.get('status') in DONE)


class LogCollectionService:
    """api: a DiagnosticsApi; waiter: a waiting.Waiter, or None."""

    def __init__(self, api, check_mode, waiter=None):
        self.api = api
        self.check_mode = check_mode
        self.waiter = waiter

    def ensure(self, log_collection_id, devices, description, source):
        name = 'log collection %s' % log_collection_id
        before = self.api.find_log_collection(log_collection_id)
        wanted = _pairs(devices)
        after_view = {'log_collection_id': log_collection_id, 'device_list': [
            {'device_id': d, 'module_id': m} for d, m in wanted], 'description': description}
        if before is not None:
            there = _pairs(before['device_list'])
            if there != wanted:
                missing, extra = sorted(set(wanted) - set(there)), sorted(set(there) - set(wanted))
                raise PlanError('%s exists with other devices (it lacks %s; it has besides %s); a log collection '
                                'cannot be changed: give it another log_collection_id' % (
                                    name, _shown(missing), _shown(extra)), before)
            result = self._result(False, '%s exists with the same devices; nothing to do' % name, before,
                                  self._view(before), self._view(before))
            result['device_status'] = self.api.log_collection_status(log_collection_id)['device_status']
            return self._wait(result, log_collection_id)
        if not wanted:
            return self._result(False, 'no device to collect logs from (%s); nothing sent' % source, None, {}, {})
        if self.check_mode:
            return self._result(True, 'would start %s from %d device(s) (%s)' % (name, len(wanted), source), None, {},
                                after_view)
        try:
            created = self.api.create_log_collection(log_collection_id, devices, description)
            if _pairs(created['device_list']) != wanted:
                raise WireError('starting %s: the service answered with other devices (%s) than were asked (%s); not '
                                'trusting it' % (name, _shown(_pairs(created['device_list'])), _shown(wanted)),
                                action_unknown=True)
            msg = 'started %s from %d device(s) (%s)' % (name, len(wanted), source)
        except AduError as exc:
            if not exc.action_unknown:
                raise
            created = read_back(exc, lambda: self.api.find_log_collection(log_collection_id),
                                lambda found: found is not None and _pairs(found['device_list']) == wanted,
                                ' with these devices', 'the log collection')
            msg = 'started %s from %d device(s) (%s; the answer was lost, reading back confirmed it)' % (
                name, len(wanted), source)
        result = self._result(True, msg, created, {}, self._view(created))
        return self._wait(result, log_collection_id)

    def _wait(self, result, log_collection_id):
        if self.waiter is None or self.check_mode:
            return result
        try:
            status = self.waiter.wait(lambda: self.api.log_collection_status(log_collection_id), devices_done,
                                      'log collection %s' % log_collection_id)
        except WaitTimeout as exc:
            result['device_status'] = (exc.status or {}).get('device_status')
            result['msg'] += '; %s (%s)' % (exc, summary(result['device_status'] or []))
            raise WaitTimeout(result['msg'], exc.status, result)
        result['device_status'] = status['device_status']
        result['log_collection']['status'] = status.get('status')
        result['msg'] += '; %s' % summary(status['device_status'])
        return result

    @staticmethod
    def _view(collection):
        return {'log_collection_id': collection.get('operation_id'), 'device_list': collection['device_list'],
                'description': collection.get('description')}

    @staticmethod
    def _result(changed, msg, collection, before, after):
        return {'changed': changed, 'msg': msg, 'log_collection': collection, 'diff': {'before': before, 'after': after}}


def summary(device_status):
    """Devices by upload status, for msg: 3 Succeeded, 1 Failed."""
    counts = {}
    for device in device_status:
        counts[device['status']] = counts.get(device['status'], 0) + 1
    return ', '.join('%d %s' % (n, s) for s, n in sorted(counts.items(), key=lambda i: str(i[0]))) or 'no devices'
