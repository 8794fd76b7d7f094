# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AduModule: the base every module of the collection is built on.

It adds the shared connection and auth options (their spec lives in _connection, shared with the
Event-Driven Ansible source), checks the Python requirements, validates the options before any
request, masks every secret in what it returns, and turns AduError into one fail_json.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.adu.device_update.plugins.module_utils._auth import AuthConfigError, MissingLibraryError
from ansible_collections.adu.device_update.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    AduError,
)
from ansible_collections.adu.device_update.plugins.module_utils._connection import (
    CHOICES,
    CONNECTION_OPTIONS,
    REQUIRED,
    SECRET_OPTIONS,
    TARGET_OPTIONS,
    Connection,
)
from ansible_collections.adu.device_update.plugins.module_utils._options import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._redact import Redactor


def argument_spec(options):
    """AnsibleModule's argument spec of a _connection option table."""
    spec = {}
    for name, (kind, default, environment, secret) in options.items():
        entry = dict(type=kind)
        if default is not None:
            entry['default'] = default
        if environment:
            entry['fallback'] = (env_fallback, list(environment))
        if secret:
            entry['no_log'] = True
        if name in CHOICES:
            entry['choices'] = CHOICES[name]
        if name in REQUIRED:
            entry['required'] = True
        spec[name] = entry
    return spec


# Documented once, in the doc fragments adu.device_update.connection and adu.device_update.target.
CONNECTION_ARGSPEC = argument_spec(CONNECTION_OPTIONS)
TARGET_ARGSPEC = argument_spec(TARGET_OPTIONS)


class AduModule:
    """AnsibleModule plus the collection's shared options, HTTP client and failure handling."""

    def __init__(self, argument_spec, **kwargs):  # pylint: disable=redefined-outer-name
        spec = dict(CONNECTION_ARGSPEC)
        spec.update(argument_spec)
        mutually_exclusive = list(kwargs.pop('mutually_exclusive', [])) + [('account', 'endpoint')]
        required_one_of = list(kwargs.pop('required_one_of', [])) + [('account', 'endpoint')]
        self.module = AnsibleModule(argument_spec=spec, mutually_exclusive=mutually_exclusive,
                                    required_one_of=required_one_of, **kwargs)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self.redactor = Redactor(self.params.get(option) for option in SECRET_OPTIONS)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        try:
            self.connection = Connection(self.params, redactor=self.redactor)
        except (OptionError, AuthConfigError) as exc:
            self.fail_json(msg=str(exc))
        for warning in self.connection.warnings:
            self.warn(warning)
        self.http = self.connection.http

    def target_api(self):
        """SeedApi, or GaApi when group_id is given; validates the target options first."""
        try:
            return self.connection.target_api(self.params)
        except OptionError as exc:
            self.fail_json(msg=str(exc))

    def deployment_id(self, api, required=True):
        """The validated deployment_id (GA rules on the GA API), or None when absent and not required."""
        value = self.params.get('deployment_id')
        if value is None and not required:
            return None
        return self.run(lambda: self.connection.check_deployment_id(api, value))

    def fail_from_error(self, exc, **extra):
        """One fail_json for a failed call: msg a person can act on, status_code, error, url."""
        result = exc.to_result()
        result.update(extra)
        self.fail_json(msg=exc.message, **result)

    def run(self, work):
        """Call work(); turn the collection's errors into fail_json, never a traceback."""
        try:
            return work()
        except AduError as exc:
            self.fail_from_error(exc)
        except MissingLibraryError as exc:
            self.fail_json(msg=missing_required_lib(exc.library), exception=exc.import_error)
        except (OptionError, AuthConfigError) as exc:
            self.fail_json(msg=str(exc))

    def _masked(self, result):
        """The result with every secret seen at run time masked, and Ansible told about each form."""
        self.module.no_log_values.update(self.redactor.forms)
        return self.redactor.scrub(result)

    def warn(self, text):
        self.module.warn(self.redactor.scrub(text))

    def exit_json(self, **result):
        self.module.exit_json(**self._masked(result))

    def fail_json(self, **result):
        self.module.fail_json(**self._masked(result))
