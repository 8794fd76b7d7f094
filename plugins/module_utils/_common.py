# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AduModule: the base every module of the collection is built on.

It adds the shared connection and auth options, checks the Python requirements, validates
the connection options before any request, and turns AduError into one fail_json.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.adu.device_update.plugins.module_utils._api import GaApi, SeedApi
from ansible_collections.adu.device_update.plugins.module_utils._auth import (
    AUTH_METHODS,
    PUBLIC_AUTHORITY_HOST,
    AuthConfigError,
    MissingLibraryError,
    select_credential,
)
from ansible_collections.adu.device_update.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    AduError,
    HttpClient,
)
from ansible_collections.adu.device_update.plugins.module_utils._options import (
    RETRIES_RANGE,
    TIMEOUT_RANGE,
    OptionError,
    check_regular_file,
    origin_of,
    service_base_url,
    validate_api_version,
    validate_authority_host,
    validate_deployment_id,
    validate_dns_label,
    validate_ga_deployment_id,
    validate_range,
)
from ansible_collections.adu.device_update.plugins.module_utils._pacing import DEFAULT_LIMIT, DEFAULT_WINDOW, WritePacer
from ansible_collections.adu.device_update.plugins.module_utils._redact import Redactor
from ansible_collections.adu.device_update.plugins.module_utils._token_cache import default_cache_path

# Accepted ranges of the pacing options.
WRITE_RATE_LIMIT_RANGE = (0, 1000)
WRITE_RATE_WINDOW_RANGE = (0.1, 3600.0)
THROTTLE_TIMEOUT_RANGE = (0, 86400)
# Options whose values are secrets, masked wherever they could show.
SECRET_OPTIONS = ('client_secret', 'access_token', 'client_certificate_password')

# Documented once, in the doc fragment adu.device_update.connection.
CONNECTION_ARGSPEC = dict(
    account=dict(type='str'),
    endpoint=dict(type='str'),
    instance=dict(type='str', required=True),
    auth_method=dict(type='str', default='auto', choices=list(AUTH_METHODS)),
    tenant_id=dict(type='str', fallback=(env_fallback, ['AZURE_TENANT_ID', 'AZURE_TENANT'])),
    client_id=dict(type='str', fallback=(env_fallback, ['AZURE_CLIENT_ID'])),
    client_secret=dict(type='str', no_log=True, fallback=(env_fallback, ['AZURE_CLIENT_SECRET', 'AZURE_SECRET'])),
    access_token=dict(type='str', no_log=True),
    client_certificate_path=dict(type='path', fallback=(env_fallback, ['AZURE_CLIENT_CERTIFICATE_PATH'])),
    client_certificate_password=dict(type='str', no_log=True,
                                     fallback=(env_fallback, ['AZURE_CLIENT_CERTIFICATE_PASSWORD'])),
    federated_token_file=dict(type='path', fallback=(env_fallback, ['AZURE_FEDERATED_TOKEN_FILE'])),
    managed_identity_client_id=dict(type='str'),
    token_cache=dict(type='bool', default=True),
    token_cache_path=dict(type='path'),
    authority_host=dict(type='str', default=PUBLIC_AUTHORITY_HOST,
                        fallback=(env_fallback, ['AZURE_AUTHORITY_HOST'])),
    ca_path=dict(type='path'),
    validate_certs=dict(type='bool', default=True),
    timeout=dict(type='float', default=30.0),
    retries=dict(type='int', default=5),
    write_rate_limit=dict(type='int', default=DEFAULT_LIMIT),
    write_rate_window=dict(type='float', default=DEFAULT_WINDOW),
    throttle_timeout=dict(type='float', default=900.0),
)


# Which deployment API to use; documented once, in the doc fragment adu.device_update.target.
TARGET_ARGSPEC = dict(
    group_id=dict(type='str'),
    device_class_id=dict(type='str'),
    api_version=dict(type='str'),
)


class AduModule:
    """AnsibleModule plus the collection's shared options, HTTP client and failure handling."""

    def __init__(self, argument_spec, **kwargs):
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
            self.base_url = service_base_url(self.params['account'], self.params['endpoint'])
            self.instance = validate_dns_label('instance', self.params['instance'])
            validate_range('timeout', self.params['timeout'], TIMEOUT_RANGE)
            validate_range('retries', self.params['retries'], RETRIES_RANGE)
            validate_range('write_rate_limit', self.params['write_rate_limit'], WRITE_RATE_LIMIT_RANGE)
            validate_range('write_rate_window', self.params['write_rate_window'], WRITE_RATE_WINDOW_RANGE)
            validate_range('throttle_timeout', self.params['throttle_timeout'], THROTTLE_TIMEOUT_RANGE)
            # Checked even when the credential does not use it: a bad value is a typo worth hearing about.
            validate_authority_host(self.params['authority_host'])
            if self.params['ca_path'] and not os.path.isdir(self.params['ca_path']):
                check_regular_file('ca_path', self.params['ca_path'])
            self.credential = select_credential(self.params)
        except (OptionError, AuthConfigError) as exc:
            self.fail_json(msg=str(exc))
        if not self.params['validate_certs']:
            self.warn('validate_certs is false: the server certificate is not checked, so the bearer '
                      'token could be sent to an impostor. Prefer ca_path with the CA that signed it.')
        verify = self.params['ca_path'] or True if self.params['validate_certs'] else False
        self.http = HttpClient(credential=self.credential, timeout=self.params['timeout'], verify=verify,
                               retries=self.params['retries'], origin=origin_of(self.base_url),
                               pacer=self.write_pacer(), redactor=self.redactor)

    def write_pacer(self):
        """The pacer of this instance's writes, its file next to the token cache (also without a cache)."""
        params = self.params
        directory = os.path.dirname(os.path.abspath(params['token_cache_path'] or default_cache_path()))
        return WritePacer(directory, '%s/%s' % (self.base_url, self.instance), limit=params['write_rate_limit'],
                          window=params['write_rate_window'], deadline=time.time() + params['throttle_timeout'])

    def target_api(self):
        """SeedApi, or GaApi when group_id is given; validates the target options first."""
        params = self.params
        try:
            if params.get('group_id') is None:
                for option in ('device_class_id', 'api_version'):
                    if params.get(option) is not None:
                        raise OptionError(option, 'is only for the GA API: give group_id as well')
                return SeedApi(self.http, self.base_url, self.instance)
            validate_deployment_id(params['group_id'], 'group_id')
            if params.get('device_class_id') is not None:
                validate_deployment_id(params['device_class_id'], 'device_class_id')
            if params.get('api_version') is not None:
                validate_api_version(params['api_version'])
            return GaApi(self.http, self.base_url, self.instance, params['group_id'], params.get('api_version'))
        except OptionError as exc:
            self.fail_json(msg=str(exc))

    def deployment_id(self, api, required=True):
        """The validated deployment_id (GA rules on the GA API), or None when absent and not required."""
        value = self.params.get('deployment_id')
        if value is None and not required:
            return None
        check = validate_ga_deployment_id if isinstance(api, GaApi) else validate_deployment_id
        return self.run(lambda: check(value))

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
