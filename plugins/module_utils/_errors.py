# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every failure the collection raises, and how each becomes a module result.

One base, AduError: a module's run() catches it alone and fails with exc.to_result(). A failed call
to the service carries status_code, error and url; an option, auth or plan refusal only its message
(and what it refused, e.g. the deployment read); a wait that timed out the whole result so far.
The advice a person gets with a failed call (what to check, what to do) is written here too.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

ROLE_HINT = 'the caller needs the "Device Update Deployments Administrator" role on the ADU account'
RERUN_HINT = 'run the task again, it reads the deployment first and acts only if needed'


class AduError(Exception):
    """A failure, with everything a person needs to act on it.

    As a failed call: status_code, error ({code, message, trace_id}), url and method; action_unknown is
    True when a state-changing request may or may not have been applied. result: partial results the
    failed task still returns (a group deployment's subgroups, the last status of a wait).
    """

    # Whether the result carries status_code, error and url (a call), or only msg (a refusal).
    call_keys = True

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
        """What fail_json returns: msg and, for a failed call, status_code, error and url."""
        result = dict(self.result or {})
        result['msg'] = self.message
        if self.call_keys:
            result.update(status_code=self.status_code, error=self.error, url=self.url)
            if self.method:
                result['method'] = self.method
        if self.action_unknown:
            result['action_may_have_happened'] = True
        return result

    def entry(self):
        """What one failed item of many (a subgroup) returns under its error key."""
        entry = dict(self.error or {}, msg=self.message, status_code=self.status_code)
        if self.action_unknown:
            entry['action_may_have_happened'] = True
        return entry


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
        from ansible.module_utils.basic import missing_required_lib  # pylint: disable=import-outside-toplevel
        return {'msg': missing_required_lib(self.library), 'exception': self.import_error}


class PlanError(Refusal):
    """The requested state cannot be reached from what was read; nothing may be sent."""

    def __init__(self, message, deployment=None):
        super(PlanError, self).__init__(message, result={'deployment': deployment})
        self.deployment = deployment


class WaitTimeout(Refusal):
    """A status did not settle in time; `status` is the last one read, `result` what the task returns."""

    def __init__(self, message, status, result=None):
        super(WaitTimeout, self).__init__(message, result=result)
        self.status = status


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


# What a failed call says, built from what the client saw; the advice lives here with the errors.

def transport_error(describe, method, url, reason, detail, retries, action_unknown):
    """The connection failed (refused, reset, timed out, TLS) after `retries` retries."""
    msg = '%s failed: %s' % (describe, detail)
    if retries:
        msg += ' after %d retries' % retries
    if action_unknown:
        msg += ('; the connection failed after the request was sent, so the action may or may not have happened: '
                + RERUN_HINT)
    elif 'TLS' in detail or 'certificate' in detail:
        msg += '; check ca_path (the CA bundle that signed the server certificate) or validate_certs'
    return AduError(msg, None, {'code': reason, 'message': detail, 'trace_id': None}, url, method,
                    action_unknown=action_unknown)


def status_error(describe, method, url, status, error, safe_to_repeat, gave_up=None):
    """The service answered `status`; error is its parsed body; gave_up: why retries stopped, when they ran."""
    shown = dict(error)
    if shown.get('message') == shown.get('code'):
        shown['message'] = None
    told = ', '.join('%s: %s' % (k, shown[k]) for k in ('code', 'message', 'trace_id') if shown.get(k))
    msg = '%s: HTTP %d' % (describe, status)
    if told:
        msg += ' (%s)' % told
    if gave_up:
        msg += '; ' + gave_up
        if status == 429:
            msg += '; the instance is throttled: run fewer deployments at once or raise retries'
        elif safe_to_repeat:
            msg += '; the service keeps failing: try again later, and give the trace_id to Azure support'
    elif status == 401:
        msg += ('; the credentials were rejected: check tenant_id, client_id and the secret or certificate, '
                'or that access_token is current and issued for https://api.adu.microsoft.com/.default')
    elif status == 403:
        msg += '; permission denied: %s' % ROLE_HINT
    if not safe_to_repeat and (status >= 500 or status in (401, 408)):
        # A 4xx other than 408 is the service refusing the request: nothing was done. A 401 to a
        # write is read back all the same: a broken or hostile service may have acted first.
        msg += '; the action may or may not have happened: ' + RERUN_HINT
        return AduError(msg, status, error, url, method, action_unknown=True)
    return AduError(msg, status, error, url, method)


def body_error(describe, method, url, status, error, safe_to_repeat):
    """A 2xx answer whose body is not a JSON object."""
    msg = '%s: the service answered HTTP %d with a body that is not a JSON object (%s)' % (
        describe, status, error.get('message') or 'empty')
    if not safe_to_repeat:
        msg += '; the action may or may not have happened'
    else:
        msg += '; a proxy between this host and Azure may be answering instead of the service'
    return AduError(msg, status, error, url, method, action_unknown=not safe_to_repeat)


def pacing_error(describe, method, url, reason, throttled):
    """No write slot in time (PacingTimeout's reason), or the pacing file cannot be used (reason None)."""
    if throttled:
        msg = '%s: HTTP 429, the instance is throttled by another client as well; %s' % (describe, reason)
    else:
        msg = '%s: %s' % (describe, reason)
    msg += ('. Nothing was applied. Raise throttle_timeout, run fewer writes at once, or lower '
            'write_rate_limit if other clients share the instance; a rerun acts only on what is left')
    error = {'code': 'TooManyRequests' if throttled else 'PacingTimeout', 'message': str(reason), 'trace_id': None}
    return AduError(msg, 429 if throttled else None, error, url, method)


def pacing_file_error(describe, method, url, exc):
    return AduError('%s: the write pacing file next to the token cache cannot be used (%s); set token_cache_path to '
                    'a private location, or write_rate_limit to 0' % (describe, exc), url=url, method=method)
