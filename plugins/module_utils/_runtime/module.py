# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AduModule: the base every module of the collection is built on.

It adds the shared connection and auth options (their spec lives in connection.py, shared with the
Event-Driven Ansible source), checks the Python requirements, validates the options before any
request, masks every secret in what it returns, and is the one way out of a task: run(work) exits
with work's result, or fails with the AduError's own result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import (
    AduError,
    MissingLibraryError,
    OptionError,
)
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import Redactor
from ansible_collections.adu.device_update.plugins.module_utils._runtime.connection import (
    ALIASES,
    CHOICES,
    CONNECTION_OPTIONS,
    Connection,
    REQUIRED,
    SECRET_OPTIONS,
    TARGET_OPTIONS,
)
from ansible_collections.adu.device_update.plugins.module_utils._transport.client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
)


def argument_spec(options):
    """AnsibleModule's argument spec of a connection.py option table."""
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
        if name in ALIASES:
            entry['aliases'] = list(ALIASES[name])
        spec[name] = entry
    return spec


def check_not_numbers(spec, raw, prefix=''):
    """Refuse a number given where a string is expected: Ansible would turn YAML's
    version: 2026.10 into '2026.1' without a word. raw: the task's arguments before Ansible converted them."""
    for name, entry in spec.items():
        given = [key for key in [name] + list(entry.get('aliases') or []) if isinstance(raw, dict) and key in raw]
        if not given:
            continue
        value = raw[given[0]]
        if entry.get('type', 'str') == 'str' and isinstance(value, (int, float)) and not isinstance(value, bool):
            shown = '' if entry.get('no_log') else ' (YAML read %r)' % (value,)
            raise OptionError(prefix + given[0], 'must be a string, not a number%s: quote it, for example %s: "%s"'
                              % (shown, given[0], example_of(value, entry)))
        if entry.get('type') == 'dict' and entry.get('options') and isinstance(value, dict):
            check_not_numbers(entry['options'], value, '%s%s.' % (prefix, given[0]))


def example_of(number, entry):
    """The quoted form to suggest for a number YAML read where a string belongs: the user's own value for a whole
    number; for a decimal, whose trailing zeros YAML has already dropped, a version as people write them."""
    if entry.get('no_log') or isinstance(number, float):
        return '2026.10'
    return str(number)


def raw_arguments():
    """The task's arguments as the controller sent them, before Ansible's type conversion; {} if unknown."""
    try:
        return basic._load_params()  # pylint: disable=protected-access
    except Exception:  # pylint: disable=broad-except  # a future ansible-core without it: no check, no failure
        return {}


# Documented once, in the doc fragments adu.device_update.connection and adu.device_update.target.
CONNECTION_ARGSPEC = argument_spec(CONNECTION_OPTIONS)
TARGET_ARGSPEC = argument_spec(TARGET_OPTIONS)


class AduModule:
    """AnsibleModule plus the collection's shared options, connection and one way out of a task."""

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
        self.connection = None
        self._spec = spec

    def run(self, work):
        """Connect, call work(self) and exit with the result it returns; any AduError fails the task with
        its own result. The only way a task of the collection ends."""
        try:
            check_not_numbers(self._spec, raw_arguments())
            if not HAS_REQUESTS:
                raise MissingLibraryError('requests', REQUESTS_IMPORT_ERROR)
            self.connection = Connection(self.params, redactor=self.redactor)
            for warning in self.connection.warnings:
                self.warn(warning)
            result = work(self)
        except AduError as exc:
            self.fail_json(**exc.to_result())
        self.exit_json(**result)

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
