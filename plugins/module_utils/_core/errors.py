# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every failure the collection raises, and how each becomes a module result.

One base, AduError: a module's run() catches it alone and fails with exc.to_result(). A failed call
to the service carries status_code, error and url; an option, auth or plan refusal only its message
(and what it refused, e.g. the deployment read); a wait that timed out the whole result so far.
What a failed call says, with the advice a person gets (what to check, what to do), is failures.py's.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.redact import shown

# The longest msg a failed task returns; a subgroup-by-subgroup account of a large group fits.
RESULT_MESSAGE_LIMIT = 8000


class AduError(Exception):
    """A failure, with everything a person needs to act on it.

    As a failed call: status_code, error ({code, message, trace_id}), url and method; action_unknown is
    True when a state-changing request may or may not have been applied. result: partial results the
    failed task still returns (a group deployment's subgroups, the last status of a wait).
    """

    # Whether the result carries status_code, error and url (a call), or only msg (a refusal).
    call_keys = True
    # Azure AD rejected the credentials themselves (a wrong secret, an unknown client): asking again cannot help.
    credentials_rejected = False

    def __init__(self, message, status_code=None, error=None, url=None, method=None, action_unknown=False,
                 result=None):
        super(AduError, self).__init__(message)
        self.message = message
        self.status_code = status_code
        self.error = error or {}
        self.url = url
        self.method = method
        self.action_unknown = action_unknown
        self.result = result

    def add(self, text):
        """Append to the message (what a read-back found, say); returns self."""
        self.message += text
        self.args = (self.message,)
        return self

    def scrub(self, redactor):
        """Mask every registered secret in what this error will show; returns self."""
        self.message = redactor.scrub(self.message)
        self.args = (self.message,)
        self.error = redactor.scrub(self.error)
        self.url = redactor.scrub(self.url)
        return self

    def to_result(self):
        """What fail_json returns: msg and, for a failed call, status_code, error and url. Every text the service
        may have supplied is escaped and cut here, in one place, whatever built the message."""
        result = dict(self.result or {})
        result['msg'] = shown(self.message, RESULT_MESSAGE_LIMIT)
        if self.call_keys:
            result.update(status_code=self.status_code, error=_shown_error(self.error), url=shown(self.url, 2000))
            if self.method:
                result['method'] = self.method
        if self.action_unknown:
            result['action_may_have_happened'] = True
        return result

    def entry(self):
        """What one failed item of many (a subgroup) returns under its error key."""
        entry = dict(_shown_error(self.error), msg=shown(self.message, RESULT_MESSAGE_LIMIT), status_code=self.status_code)
        if self.action_unknown:
            entry['action_may_have_happened'] = True
        return entry


def _shown_error(error):
    """The error's fields (code, message, trace_id, ...) as they may be shown: strings escaped and cut."""
    return dict((k, shown(v) if isinstance(v, str) else v) for k, v in (error or {}).items())


class Refusal(AduError):
    """The collection refuses before sending anything: the result is the message alone."""

    call_keys = False

    def __init__(self, message, result=None):
        super(Refusal, self).__init__(message, result=result)


class OptionError(Refusal, ValueError):
    """A module option has a value the collection will not send anywhere."""

    def __init__(self, option, message):
        super(OptionError, self).__init__('%s: %s' % (option, message))
        self.option = option


class AuthConfigError(Refusal):
    """The auth options do not make up one complete, usable credential."""


class MissingLibraryError(Refusal):
    """A Python library the task needs is not installed."""

    def __init__(self, library, import_error):
        super(MissingLibraryError, self).__init__('the Python library %s is required but not installed' % library)
        self.library = library
        self.import_error = import_error

    def to_result(self):
        # Ansible's own wording, which names the library and the interpreter that lacks it.
        # Imported here, to spare every other task the start-up cost: only a missing library gets here (and _core needs the standard library alone).
        from ansible.module_utils.basic import missing_required_lib  # pylint: disable=import-outside-toplevel
        return {'msg': missing_required_lib(self.library), 'exception': self.import_error}


class PlanError(Refusal):
    """The requested state cannot be reached from what was read; nothing may be sent."""

    def __init__(self, message, deployment=None):
        super(PlanError, self).__init__(message, result={'deployment': deployment})
        self.deployment = deployment


class WaitTimeout(Refusal):
    """A status did not settle in time; `status` is the last one read, `result` what the task returns."""

    def __init__(self, message, status, result=None, timeout=None):
        super(WaitTimeout, self).__init__(message, result=result)
        self.status = status
        self.timeout = timeout


class WireError(AduError):
    """The service sent something the collection will not act on."""


class PartialFailure(AduError):
    """Some items of a task (subgroups) failed and others did not: the result tells each."""

    call_keys = False


class PacingTimeout(AduError):
    """No write slot within the task's time budget; `waited` seconds were spent waiting already."""

    def __init__(self, message, waited):
        super(PacingTimeout, self).__init__(message)
        self.waited = waited


class PrivateFileError(AduError):
    """A private file (token cache, pacing file) or its directory cannot be used safely."""


class OperationFailed(AduError):
    """A long-running operation (an import, a delete) ended Failed: the result holds it and its error."""

    call_keys = False
