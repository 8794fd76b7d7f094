# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""UpdateService: an update imported (present) or deleted (absent), each a long-running operation.

present: GET the update; there: nothing to do. An import of it already under way (noted on this host, or
listed by the service as running): follow that one. Else one POST updates:import, then follow its
operation. absent: GET; there: one DELETE, then follow its operation. The POST and the DELETE are sent
once; a lost answer is settled by reading back (the update, the running imports), never by a second write.
Imports and deletes hold one of the instance's 10 operation slots of this host while they are followed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import (
    AduError,
    OperationFailed,
    WireError,
)
from ansible_collections.adu.device_update.plugins.module_utils._transport.api import or_none
from ansible_collections.adu.device_update.plugins.module_utils._updates.operations import (
    DEFAULT_POLL,
    HostLedger,
    OperationFollower,
    failure_of,
    hint_for,
)
from ansible_collections.adu.device_update.plugins.module_utils._updates.wire import (
    ENDED,
    describe_update,
    operation_update_id,
)

# Another client imported the same update (or content) first: the service reports it as a failed operation.
ALREADY_THERE = ('UpdateAlreadyExists', 'DuplicateContentImport')


# After a lost import answer: how often to look for the operation again while running imports name no update.
READ_BACK_POLL = 2.0


# How long a task without wait_timeout (wait: false) looks again at running imports that name no update yet.
UNNAMED_WAIT = 30.0


class UpdateService:
    """Bring one update to present or absent. api: an UpdatesApi; wait_timeout: None for wait: false; pacer: the
    host's pacing file (None: pacing off), where its slots and notes are kept (HostLedger)."""

    def __init__(self, api, check_mode, wait_timeout=None, pacer=None, clock=time.time, sleep=time.sleep):
        self.api = api
        self.check_mode = check_mode
        self.wait_timeout = wait_timeout
        self.ledger = HostLedger(pacer)
        self.operations = OperationFollower(api, wait_timeout, clock, sleep)
        self.clock = clock
        self.sleep = sleep

    # present
    def present(self, source):
        """source: where the files come from (manifest.UrlSource, storage.StagedSource); asked for its declaration
        only when an import is to be sent, so a staging task uploads nothing when the update is there."""
        update_id = source.update_id
        name = describe_update(update_id)
        found = self.api.find_update(update_id)
        if found is not None:
            return self._result(False, '%s is imported; nothing to do' % name, found, update_id)
        appeared, under_way = self._under_way(update_id)
        if appeared is not None:
            return self._result(False, '%s is imported (an import of it ended meanwhile); nothing to do' % name,
                                appeared, update_id)
        if under_way is not None:
            result = self._result(False, 'an import of %s was under way already (operation %s, %s)' % (
                name, under_way.operation_id, under_way.body['status']), None, update_id, under_way)
            if self.check_mode or self.wait_timeout is None:
                result['msg'] += '; not starting another'
                return result
            result['msg'] += '; waited for it rather than start another'
            return self._follow_import(under_way, result, update_id)
        if self.check_mode:
            return self._result(True, 'would import %s from %s' % (name, source.where()), None, update_id)
        declaration = source.declaration()
        slot = self.ledger.take_slot('importing ' + name)
        try:
            result = self._result(True, 'imported %s' % name, None, update_id)
            try:
                operation = self.api.start_import(update_id, declaration.manifest, declaration.files,
                                                  declaration.friendly_name)
            except AduError as exc:
                if not exc.action_unknown:
                    raise
                return self._import_read_back(exc, update_id, result)
            self.ledger.note_import(update_id, operation)
            if self.wait_timeout is None:
                return self.operations.started(operation, result, update_id)
            return self._follow_import(operation, result, update_id)
        finally:
            self.ledger.release(slot)

    def _under_way(self, update_id):
        """(the update if it appeared meanwhile, a running import of update_id): one this host started (noted),
        else one the service lists (_running). None, None: no import is under way."""
        noted = self.ledger.noted_import(update_id)
        if noted:
            # Gone (404): the service keeps operations a while only; the list below still tells.
            operation = or_none(self.api.read_operation, self.api.operation_at(noted, 'following a noted import'),
                                update_id)
            if operation is not None and operation.body['status'] not in ENDED:
                return None, operation
        found, under_way, unnamed = self._running(update_id, self.clock() + (self.wait_timeout or UNNAMED_WAIT),
                                                  absent=True)
        if unnamed and not self.check_mode:
            raise AduError('%s: %d running import(s) name no update yet, so one may be of it; not starting another: '
                           'run the task again once they do (the service names the update after reading the '
                           'manifest)' % (describe_update(update_id), unnamed))
        return found, under_way

    def _running(self, update_id, deadline, absent=False):
        """The one rule for "an import is under way", on every path: (the update if it is there, the running import
        of it, how many running imports still name no update). Those that name none may be of it (the service names
        the update only once it has read the manifest): they are looked at again until they do, the update appears,
        or deadline passes. absent: the update was read as not there just now."""
        while True:
            found = None if absent else self.api.find_update(update_id)
            absent = False
            if found is not None:
                return found, None, 0
            under_way, unnamed = self._listed(update_id)
            if under_way is not None or not unnamed or self.check_mode or self.clock() + READ_BACK_POLL > deadline:
                return None, under_way, unnamed
            self.sleep(READ_BACK_POLL)

    def _listed(self, update_id):
        """(the running import the service lists for update_id or None, how many running imports name no update
        yet: the service names it only once it has read the manifest)."""
        unnamed = 0
        for listed in self.api.operations(running=True):
            if listed['status'] in ENDED:
                continue
            named = operation_update_id(listed)
            if named == update_id:
                operation = self.api.operation_at(self.api.operation_path(listed['operation_id']), 'listed import')
                operation.body = listed
                return operation, 0
            unnamed += named is None and not self.ledger.known_other(listed['operation_id'], update_id)
        return None, unnamed

    def _import_read_back(self, exc, update_id, result):
        """The import POST's answer was lost: the update there, or a running import of it, shows it started.
        Running imports that name no update yet may be this one: looked at again until they do (wait_timeout)."""
        try:
            found, under_way, _unnamed = self._running(update_id, self.clock() + (self.wait_timeout or 0))
        except AduError as read_exc:
            raise exc.add('; reading back to check failed too (%s), so the import may or may not have started: '
                          'run the task again, it reads first' % read_exc.message)
        if found is not None:
            result.update(update=found, msg=result['msg'] + ' (the answer was lost; reading back found it imported)')
            return result
        if under_way is None:
            raise exc.add('; reading back found neither the update nor a running import of it, so the import may or '
                          'may not have started: run the task again, it reads first')
        result['msg'] += ' (the answer was lost; reading back found its import running)'
        if self.wait_timeout is None:
            result['operation'] = under_way.body
            return result
        return self._follow_import(under_way, result, update_id)

    def _follow_import(self, operation, result, update_id):
        operation = self.operations.follow(operation, result, update_id)
        body = operation.body
        if body['status'] == 'Succeeded':
            found = self.api.find_update(update_id)
            if found is None:
                raise WireError('%s: its import operation %s succeeded, but the service does not have the update'
                                % (describe_update(update_id), operation.operation_id), result=result)
            result['update'] = found
            return result
        error = failure_of(body)
        if error['code'] in ALREADY_THERE or error['innermost_code'] in ALREADY_THERE:
            found = self.api.find_update(update_id)
            if found is not None:
                result.update(changed=False, update=found, msg='%s is imported (another import of it finished first: '
                              '%s); nothing to do' % (describe_update(update_id), error['code']))
                return result
        raise self._failed(result, 'importing %s failed' % describe_update(update_id), error)

    # absent
    def absent(self, update_id):
        name = describe_update(update_id)
        found = self.api.find_update(update_id)
        if found is None:
            return self._result(False, '%s is not there; nothing to do' % name, None, None)
        if self.check_mode:
            return self._result(True, 'would delete %s' % name, found, None)
        slot = self.ledger.take_slot('deleting ' + name)
        try:
            result = self._result(True, 'deleted %s' % name, found, None)
            try:
                operation = self.api.start_delete(update_id)
            except AduError as exc:
                if not exc.action_unknown:
                    raise
                return self._delete_read_back(exc, update_id, result)
            if self.wait_timeout is None:
                return self.operations.started(operation, result, update_id)
            operation = self.operations.follow(operation, result, update_id)
            if operation.body['status'] == 'Failed':
                raise self._failed(result, 'deleting %s failed' % name, failure_of(operation.body), delete=True)
            if self.api.find_update(update_id) is not None:
                raise WireError('%s: its delete operation %s succeeded, but the service still has the update'
                                % (name, operation.operation_id), result=result)
            result['update'] = None
            return result
        finally:
            self.ledger.release(slot)

    def _delete_read_back(self, exc, update_id, result):
        """Delete operations are not listed: read the update until it is gone, at most wait_timeout."""
        deadline = self.clock() + (self.wait_timeout or 0)
        while True:
            try:
                found = self.api.find_update(update_id)
            except AduError as read_exc:
                raise exc.add('; reading the update back failed too (%s), so the delete may or may not have happened: '
                              'run the task again, it reads first' % read_exc.message)
            if found is None:
                result.update(update=None, msg=result['msg'] + ' (the answer was lost; reading back found it gone)')
                return result
            if self.clock() + DEFAULT_POLL > deadline:
                raise exc.add('; the update is still there after %s s, so the delete may or may not have happened: '
                              'run the task again, it reads first' % (self.wait_timeout or 0))
            self.sleep(DEFAULT_POLL)

    @staticmethod
    def _failed(result, what, error, delete=False):
        result['changed'] = True
        result['error'] = error
        hint = 'the service refused to delete it; see error for its account of why' if delete else hint_for(error)
        return OperationFailed('%s: %s%s (operation %s, trace id %s); %s' % (
            what, error['code'] or 'no error code', ': %s' % error['message'] if error['message'] else '',
            (result.get('operation') or {}).get('operation_id'), error['trace_id'], hint), result=result)

    @staticmethod
    def _result(changed, msg, update, after_id, operation=None):
        """A result; its diff shows the update's id before and after ({} where there is none)."""
        result = {'changed': changed, 'msg': msg, 'update': update,
                  'diff': {'before': {'update_id': update['update_id']} if update else {},
                           'after': {'update_id': after_id} if after_id else {}}}
        if operation is not None:
            result['operation'] = operation.body
        return result
