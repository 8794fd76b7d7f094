# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection and auth options, and what they build: a validated service and its HTTP client.

Shared by the modules (through AduModule, which adds Ansible's argument handling) and by the
Event-Driven Ansible source, which has no AnsibleModule: option_values() applies the same
defaults, environment fallbacks and types there. Documented once, in the doc fragment
adu.device_update.connection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

from ansible_collections.adu.device_update.plugins.module_utils._auth.credential import PUBLIC_AUTHORITY_HOST
from ansible_collections.adu.device_update.plugins.module_utils._auth.select import AUTH_METHODS, select_credential
from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.options import (
    RETRIES_RANGE,
    TIMEOUT_RANGE,
    check_regular_file,
    origin_of,
    service_base_url,
    validate_authority_host,
    validate_dns_label,
    validate_range,
)
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import Redactor
from ansible_collections.adu.device_update.plugins.module_utils._transport.client import HttpClient

# The service's write limit: 6 calls a window of 60 s per instance and operation (see pacing.py).
DEFAULT_WRITE_LIMIT = 6
DEFAULT_WRITE_WINDOW = 60.0
# The service's other budgets per instance and minute (a window of write_rate_window, scaled with it): every
# call of the update APIs, listing import operations, and reads of groups, best updates and compliance.
# Accepted ranges of the pacing options.
WRITE_RATE_LIMIT_RANGE = (0, 1000)
WRITE_RATE_WINDOW_RANGE = (0.1, 3600.0)
THROTTLE_TIMEOUT_RANGE = (0, 86400)
# Options whose values are secrets, masked wherever they could show.
SECRET_OPTIONS = ('client_secret', 'access_token', 'client_certificate_password')
VALIDATE_CERTS_WARNING = ('validate_certs is false: the server certificate is not checked, so the bearer token could '
                          'be sent to an impostor. Prefer ca_path with the CA that signed it.')

# name: (type, default, environment variables read when the option is not set, no_log)
CONNECTION_OPTIONS = dict(
    account=('str', None, (), False),
    endpoint=('str', None, (), False),
    instance=('str', None, (), False),
    auth_method=('str', 'auto', (), False),
    tenant_id=('str', None, ('AZURE_TENANT_ID', 'AZURE_TENANT'), False),
    client_id=('str', None, ('AZURE_CLIENT_ID',), False),
    client_secret=('str', None, ('AZURE_CLIENT_SECRET', 'AZURE_SECRET'), True),
    access_token=('str', None, (), True),
    client_certificate_path=('path', None, ('AZURE_CLIENT_CERTIFICATE_PATH',), False),
    client_certificate_password=('str', None, ('AZURE_CLIENT_CERTIFICATE_PASSWORD',), True),
    federated_token_file=('path', None, ('AZURE_FEDERATED_TOKEN_FILE',), False),
    managed_identity_client_id=('str', None, (), False),
    token_cache=('bool', True, (), False),
    token_cache_path=('path', None, (), False),
    authority_host=('str', PUBLIC_AUTHORITY_HOST, ('AZURE_AUTHORITY_HOST',), False),
    ca_path=('path', None, (), False),
    validate_certs=('bool', True, (), False),
    timeout=('float', 30.0, (), False),
    retries=('int', 5, (), False),
    write_rate_limit=('int', DEFAULT_WRITE_LIMIT, (), False),
    write_rate_window=('float', DEFAULT_WRITE_WINDOW, (), False),
    throttle_timeout=('float', 900.0, (), False),
)
CHOICES = {'auth_method': list(AUTH_METHODS)}
# azure.azcollection's names for the same options (their environment variables are read already).
ALIASES = {'tenant_id': ('tenant',), 'client_secret': ('secret',)}
REQUIRED = ('instance',)
# Which deployment API to use; documented once, in the doc fragment adu.device_update.target.
TARGET_OPTIONS = dict(group_id=('str', None, (), False), device_class_id=('str', None, (), False),
                      api_version=('str', None, (), False))

_KIND_NAMES = {'str': 'string', 'path': 'path', 'bool': 'boolean', 'int': 'whole number', 'float': 'number'}
_TRUE = ('1', 'true', 'yes', 'on', 'y', 't')
_FALSE = ('0', 'false', 'no', 'off', 'n', 'f')


def _convert(name, kind, value):
    """A value as Ansible's argument spec would convert it; OptionError naming the option otherwise."""
    if value is None:
        return None
    try:
        if kind == 'bool':
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE + _FALSE:
                return text in _TRUE
            raise ValueError(value)
        if kind in ('int', 'float'):
            if isinstance(value, bool):
                raise ValueError(value)
            number = float(value) if kind == 'float' else int(str(value), 10) if isinstance(value, str) else value
            if kind == 'int' and not isinstance(number, int):
                raise ValueError(value)
            return number
        if not isinstance(value, str):
            raise ValueError(value)
        return os.path.expanduser(os.path.expandvars(value)) if kind == 'path' else value
    except OverflowError:
        raise OptionError(name, 'must be a %s within its range (got one too large to use)' % _KIND_NAMES[kind])
    except (TypeError, ValueError):
        raise OptionError(name, 'must be a %s (got %r)' % (_KIND_NAMES[kind], type(value).__name__))


def option_values(args, extra=None, environ=None):
    """The connection, target and extra options from plain args (a rulebook source's), with the modules'
    defaults, environment fallbacks, types and choices. Unknown options are refused."""
    environ = os.environ if environ is None else environ
    spec = dict(CONNECTION_OPTIONS, **TARGET_OPTIONS)
    spec.update(extra or {})
    args = dict(args)
    for name, aliases in ALIASES.items():
        for alias in aliases:
            if alias in args:
                if args.get(name) is not None:
                    raise OptionError(alias, 'is another name of %s: give one of them' % name)
                args[name] = args.pop(alias)
    unknown = sorted(set(args) - set(spec))
    if unknown:
        raise OptionError(unknown[0], 'is not an option here; the options are %s' % ', '.join(sorted(spec)))
    params = {}
    for name, (kind, default, env, _secret) in spec.items():
        value = args.get(name)
        if value is None:
            value = next((environ[e] for e in env if environ.get(e)), None)
        value = _convert(name, kind, value)
        params[name] = default if value is None else value
        if name in CHOICES and params[name] not in CHOICES[name]:
            raise OptionError(name, 'must be one of %s (got %r)' % (', '.join(CHOICES[name]), params[name]))
    for name in REQUIRED:
        if params.get(name) is None:
            raise OptionError(name, 'is required')
    return params


class Connection:
    """A validated service (base_url, instance), its HTTP client and the secrets to mask."""

    def __init__(self, params, pacing=True, redactor=None):
        self.redactor = redactor if redactor is not None else Redactor(params.get(o) for o in SECRET_OPTIONS)
        self.base_url = service_base_url(params['account'], params['endpoint'])
        self.instance = validate_dns_label('instance', params['instance'])
        validate_range('timeout', params['timeout'], TIMEOUT_RANGE)
        validate_range('retries', params['retries'], RETRIES_RANGE)
        validate_range('write_rate_limit', params['write_rate_limit'], WRITE_RATE_LIMIT_RANGE)
        validate_range('write_rate_window', params['write_rate_window'], WRITE_RATE_WINDOW_RANGE)
        validate_range('throttle_timeout', params['throttle_timeout'], THROTTLE_TIMEOUT_RANGE)
        # Checked even when the credential does not use it: a bad value is a typo worth hearing about.
        validate_authority_host(params['authority_host'])
        if params['ca_path'] and not os.path.isdir(params['ca_path']):
            check_regular_file('ca_path', params['ca_path'])
        self.credential = select_credential(params)
        self.write_limit, self.write_window = params['write_rate_limit'], params['write_rate_window']
        self.warnings = [] if params['validate_certs'] else [VALIDATE_CERTS_WARNING]
        verify = params['ca_path'] or True if params['validate_certs'] else False
        deadline = time.time() + params['throttle_timeout']
        self.http = HttpClient(credential=self.credential, timeout=params['timeout'], verify=verify,
                               retries=params['retries'], origin=origin_of(self.base_url), redactor=self.redactor,
                               pacer=(lambda: self._pacer(params, deadline)) if pacing else None)

    def api(self, api_class, *args, **kwargs):
        """An API object (a surface's routes) of this connection's service and instance: the one way to make one."""
        return api_class(self.http, self.base_url, self.instance, *args, **kwargs)

    @property
    def pacer(self):
        """The host's pacing file of this instance's budgets (made at first use), or None when pacing is off."""
        return self.http.pacer

    def report_pacing(self, result):
        """pacing_wait (seconds the writes waited for their slots) in a write's result, and in its msg when
        it was long enough for a person to wonder why the task sat silent."""
        waited = round(self.http.pacing_wait(), 1)
        result['pacing_wait'] = waited
        if waited >= 1:
            result['msg'] += (' (waited %.0f s for a write slot: %d writes of a kind per %g s per instance, shared by '
                              'every task on this host; see write_rate_limit)'
                              % (waited, self.write_limit, self.write_window))
        return result

    def _pacer(self, params, deadline):
        """The pacer of this instance's writes, its file next to the token cache (also without a cache).
        Made at the first write: a task that only reads never loads the pacing code."""
        # Imported here, to spare every other task the start-up cost: a task that only reads never writes to the pacing file.
        from ansible_collections.adu.device_update.plugins.module_utils._transport.budgets import READ_BUDGETS  # pylint: disable=import-outside-toplevel
        from ansible_collections.adu.device_update.plugins.module_utils._transport.pacing import WritePacer  # pylint: disable=import-outside-toplevel
        from ansible_collections.adu.device_update.plugins.module_utils._auth.token_cache import default_cache_path  # pylint: disable=import-outside-toplevel
        directory = os.path.dirname(os.path.abspath(params['token_cache_path'] or default_cache_path()))
        return WritePacer(directory, '%s/%s' % (self.base_url, self.instance), limit=params['write_rate_limit'],
                          window=params['write_rate_window'], deadline=deadline, limits=READ_BUDGETS)
