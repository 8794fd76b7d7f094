# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""auth_method cli: a token from the Azure CLI's signed-in account (`az login`), as azure.azcollection's
auth_source cli. Imported by _auth only when chosen."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess

from ansible_collections.adu.device_update.plugins.module_utils._auth.credential import Credential
from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError, AuthConfigError
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import shown

SCOPE = 'https://api.adu.microsoft.com/.default'
# What az may print is read up to this much; a token answer is a few kB.
MAX_OUTPUT = 256 * 1024


class AzureCliCredential(Credential):
    """`az account get-access-token --scope <ADU scope>` (with --tenant when tenant_id is given)."""

    name = 'cli'
    refreshable = True
    scope = SCOPE

    def __init__(self, params):
        self.tenant_id = params.get('tenant_id')
        self.timeout = params.get('timeout') or 30.0
        self._token = None

    def command(self):
        az = shutil.which('az')
        if az is None:
            raise AuthConfigError('auth_method=cli needs the Azure CLI: no az on PATH (%s); install it and run '
                                  'az login, or choose another auth_method' % os.environ.get('PATH', ''))
        command = [az, 'account', 'get-access-token', '--scope', self.scope, '--output', 'json']
        if self.tenant_id:
            command += ['--tenant', self.tenant_id]
        return command

    def get_token(self, http, force_refresh=False):
        if self._token is None or force_refresh:
            self._token = http.redactor.add(self._ask(http.redactor))
        return self._token

    def invalidate(self):
        self._token = None

    def _ask(self, redactor):
        command = self.command()
        try:
            proc = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=self.timeout,
                                  check=False)
        except subprocess.TimeoutExpired:
            raise AduError('the Azure CLI (az account get-access-token) did not answer within %s s' % self.timeout)
        except OSError as exc:
            raise AuthConfigError('auth_method=cli: cannot run %s (%s)' % (command[0], exc.strerror or exc))
        out = proc.stdout[:MAX_OUTPUT].decode('utf-8', 'replace')
        try:
            answer = json.loads(out) if proc.returncode == 0 else None
        except ValueError:
            answer = None
        token = answer.get('accessToken') if isinstance(answer, dict) else None
        if isinstance(token, str) and token:
            return token
        # What az said (run az login, no subscription, ...) may hold a token in part: masked, capped.
        said = redactor.scrub(proc.stderr[:MAX_OUTPUT].decode('utf-8', 'replace').strip() or 'no token in its answer')
        raise AduError('the Azure CLI gave no token (az account get-access-token exited %d: %s); run az login '
                       '(az login --service-principal in automation), or choose another auth_method'
                       % (proc.returncode, shown(said, 300)))
