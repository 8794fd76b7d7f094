# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The update APIs' long-running operations: followed at the pace the service asks, within wait_timeout (the
OperationFollower), a failed one's error made fit to show with what to fix, and this host's part in them kept in
the pacing file (the HostLedger: the instance's running-operation slots, and notes of the imports it started)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import (
    AduError,
    PacingTimeout,
    PrivateFileError,
    WaitTimeout,
)
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import shown
from ansible_collections.adu.device_update.plugins.module_utils._transport.budgets import (
    MAX_RUNNING_OPERATIONS,
    RUNNING_OPERATIONS,
)
from ansible_collections.adu.device_update.plugins.module_utils._core.wire import innermost_code
from ansible_collections.adu.device_update.plugins.module_utils._updates.wire import ENDED, describe_update

# Poll interval bounds when the service's Retry-After is missing or odd.
DEFAULT_POLL = 5.0
POLL_RANGE = (1.0, 60.0)
_HINTS = (
    ('hash', 'a SHA-256 does not match: the manifest\'s (manifest_sha256, or the file at manifest_path) or a file\'s '
             '(the hashes the manifest lists) differs from what the URL serves; recompute it from the file uploaded'),
    ('size', 'a size does not match: the manifest\'s size or a file\'s sizeInBytes differs from what the URL serves'),
    ('quota', 'an instance quota is reached (100 updates, 25 providers, 25 names per provider, 100 versions per '
              'name): delete old versions with state absent'),
    ('limit', 'an instance quota is reached (100 updates, 25 providers, 25 names per provider, 100 versions per '
              'name): delete old versions with state absent'),
    ('download', 'the service could not fetch a URL: check manifest_url and files, and that their SAS tokens are '
                 'valid and not expired (at least 4 hours for large files)'),
    ('notfound', 'the service could not fetch a URL: check manifest_url and files, and that their SAS tokens are '
                 'valid and not expired'),
    ('manifest', 'the import manifest is not valid: check it against the azure-deviceupdate-import-manifest-5.0 schema'),
)


def _words(code):
    return (code or '').lower().replace('_', '')


def failure_of(operation):
    """The error of a failed operation, fit to show: code, message, details, innermost code, trace id."""
    error = operation.get('error') if isinstance(operation.get('error'), dict) else {}
    details = error.get('details') if isinstance(error.get('details'), list) else []
    return {
        'code': shown(error.get('code')) if error.get('code') else None,
        'message': shown(error.get('message'), 2000) if error.get('message') else None,
        'details': [dict(code=shown(d.get('code')) if d.get('code') else None,
                         message=shown(d.get('message'), 1000) if d.get('message') else None)
                    for d in details[:20] if isinstance(d, dict)],
        'innermost_code': shown(innermost_code(error)) if innermost_code(error) else None,
        'trace_id': shown(operation.get('trace_id')) if operation.get('trace_id') else None,
    }


def hint_for(error):
    """What to fix, from the codes and messages of a failed import."""
    words = ' '.join(_words(error.get(k)) for k in ('code', 'innermost_code', 'message'))
    words += ' ' + ' '.join(_words(d.get('code')) + ' ' + _words(d.get('message')) for d in error['details'])
    for key, hint in _HINTS:
        if key in words:
            return hint
    return 'see error for the service\'s account of it'


class OperationFollower:
    """Follows one operation of an UpdatesApi to its end: read at the pace its Retry-After asks (bounded by
    POLL_RANGE), within wait_timeout seconds; a WaitTimeout carries the operation as last read."""

    def __init__(self, api, wait_timeout, clock=time.time, sleep=time.sleep):
        self.api = api
        self.wait_timeout = wait_timeout
        self.clock = clock
        self.sleep = sleep

    def started(self, operation, result, update_id):
        """wait: false: the operation as it is now, read once."""
        result['operation'] = self.api.read_operation(operation, update_id).body
        result['msg'] += ' (started: operation %s, %s; not waiting)' % (
            operation.operation_id, operation.body['status'])
        return result

    def follow(self, operation, result, update_id):
        """Poll the operation until it ends; result['operation'] holds it as last read."""
        deadline = self.clock() + self.wait_timeout
        if operation.body is None:
            self.api.read_operation(operation, update_id)
        while True:
            result['operation'] = operation.body
            if operation.body['status'] in ENDED:
                return operation
            pause = operation.retry_after if operation.retry_after is not None else DEFAULT_POLL
            pause = min(POLL_RANGE[1], max(POLL_RANGE[0], pause))
            if self.clock() + pause > deadline:
                result['msg'] += '; operation %s did not end within wait_timeout (%s s), last %s' % (
                    operation.operation_id, self.wait_timeout, operation.body['status'])
                raise WaitTimeout(result['msg'], operation.body, result, timeout=self.wait_timeout)
            self.sleep(pause)
            self.api.read_operation(operation, update_id)


class HostLedger:
    """This host's part in an instance's operations, kept in the pacing file (pacer; None: pacing off, nothing
    kept). Best effort: a broken pacing file fails a slot before any write, and is otherwise passed over."""

    def __init__(self, pacer):
        self.pacer = pacer

    def take_slot(self, describe):
        """One of the instance's operation slots (the service runs 10 at once), held while an operation runs."""
        if self.pacer is None:
            return None
        try:
            return self.pacer.take_running(RUNNING_OPERATIONS, MAX_RUNNING_OPERATIONS)
        except PacingTimeout as exc:
            raise AduError('%s: %s' % (describe, exc.message))
        except (PrivateFileError, OSError) as exc:
            raise AduError('%s: the pacing file cannot be used (%s); nothing was sent' % (describe, exc))

    def release(self, slot):
        if self.pacer is not None and slot is not None:
            try:
                self.pacer.release_running(RUNNING_OPERATIONS, slot)
            except (PrivateFileError, OSError):
                pass  # a slot left behind is dropped once this process is gone

    def note_import(self, update_id, operation):
        """The import's location under its update (a rerun follows it before the service names the update), and its
        update under the operation (so that tasks importing other updates know it is not theirs meanwhile)."""
        if self.pacer is not None:
            try:
                self.pacer.remember('import ' + describe_update(update_id), operation.url)
                self.pacer.remember('operation ' + operation.operation_id, describe_update(update_id))
            except (PrivateFileError, OSError):
                pass  # the service's own list finds the import too, once it names its update

    def noted_import(self, update_id):
        """The location of an import of update_id this host started, or None."""
        return self._remembered('import ' + describe_update(update_id))

    def known_other(self, operation_id, update_id):
        """Whether a task of this host noted operation_id as an import of another update than update_id."""
        noted = self._remembered('operation ' + operation_id) if operation_id else None
        return noted is not None and noted != describe_update(update_id)

    def _remembered(self, what):
        if self.pacer is None:
            return None
        try:
            return self.pacer.remembered(what)
        except (PrivateFileError, OSError):
            return None
