# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's state: deployments and statuses per instance, service principals, tokens.

Deployments are built on the bodies the real service sent (recorded/), so the module is
tested against the shapes the service really uses: camelCase keys and isRetry.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os
import secrets
import threading
import time

RECORDED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'recorded')
DEFAULT_SEED = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'seed.json')
TOKEN_LIFETIME = 3599
ADU_SCOPE = 'https://api.adu.microsoft.com/.default'


def recorded_body(name):
    """The body of one recorded response, e.g. recorded_body('v2-get-deployment')."""
    with open(os.path.join(RECORDED_DIR, name + '.json')) as handle:
        return json.load(handle)['body']


def _pascal(value):
    if isinstance(value, dict):
        return dict((k[:1].upper() + k[1:], _pascal(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_pascal(v) for v in value]
    return value


class Store:
    """Everything the emulated service knows. All methods are thread-safe."""

    def __init__(self, seed):
        self.lock = threading.RLock()
        self.seed = seed
        self.reset()

    @classmethod
    def from_file(cls, path=DEFAULT_SEED):
        with open(path) as handle:
            return cls(json.load(handle))

    def reset(self):
        with self.lock:
            seed = copy.deepcopy(self.seed)
            self.principals = seed.get('principals', [])
            # Managed identities of "this host": 'system' and user-assigned client ids -> their client id.
            self.managed_identities = seed.get('managed_identities', {})
            self.identity_header = seed.get('identity_header', 'emu-identity-header')
            self.static_tokens = set(seed.get('access_tokens', []))
            self.tokens = {}  # token -> {tenant_id, client_id, expires}
            self.instances = {}
            for name, spec in seed.get('instances', {}).items():
                self.instances[name] = {'key_case': spec.get('key_case', 'camel'), 'deployments': {}}
                for item in spec.get('deployments', []):
                    self.add_deployment(name, item.get('deployment', {}), item.get('status', {}))

    def add_deployment(self, instance, deployment, status=None):
        """Add or replace a deployment; fields not given come from the recorded bodies."""
        with self.lock:
            body = recorded_body('v2-get-deployment')
            body.update(deployment)
            state = recorded_body('v2-get-deployment-status')
            state.update(status or {})
            if body.get('isCanceled'):
                state.setdefault('deploymentState', 'Canceled')
            inst = self.instances.setdefault(instance, {'key_case': 'camel', 'deployments': {}})
            inst['deployments'][body['deploymentId']] = {'deployment': body, 'status': state}
            return body

    def _entry(self, instance, deployment_id):
        inst = self.instances.get(instance)
        return None if inst is None else inst['deployments'].get(deployment_id)

    def _render(self, instance, body):
        body = copy.deepcopy(body)
        return _pascal(body) if self.instances[instance]['key_case'] == 'pascal' else body

    def get_deployment(self, instance, deployment_id):
        with self.lock:
            entry = self._entry(instance, deployment_id)
            return None if entry is None else self._render(instance, entry['deployment'])

    def get_status(self, instance, deployment_id):
        with self.lock:
            entry = self._entry(instance, deployment_id)
            return None if entry is None else self._render(instance, entry['status'])

    def raw(self, instance, deployment_id):
        """The stored entry itself, for tests that inspect or change it."""
        with self.lock:
            return self._entry(instance, deployment_id)

    def apply(self, instance, deployment_id, action):
        """Apply cancel/retry as the service does; returns the Deployment after it, None if unknown."""
        with self.lock:
            entry = self._entry(instance, deployment_id)
            if entry is None:
                return None
            deployment, status = entry['deployment'], entry['status']
            if action == 'cancel':
                deployment['isCanceled'] = True
                status['deploymentState'] = 'Canceled'
                status['devicesCanceledCount'] = status.get('devicesCanceledCount', 0) + status.get('devicesInProgressCount', 0)
                status['devicesInProgressCount'] = 0
            elif action == 'retry':
                # Retry moves the failed devices back to in progress.
                deployment['isRetry'] = True
                status['devicesInProgressCount'] = status.get('devicesInProgressCount', 0) + status.get('devicesCompletedFailedCount', 0)
                status['devicesCompletedFailedCount'] = 0
            else:
                raise ValueError(action)
            return self._render(instance, deployment)

    # Azure AD side
    def principal(self, tenant_id, client_id):
        for principal in self.principals:
            if principal.get('tenant_id') == tenant_id and principal.get('client_id') == client_id:
                return principal
        return None

    def issue_token(self, tenant_id, client_id, lifetime=TOKEN_LIFETIME):
        with self.lock:
            token = 'emu-' + secrets.token_urlsafe(24)
            self.tokens[token] = {'tenant_id': tenant_id, 'client_id': client_id, 'expires': time.time() + lifetime}
            return token

    def token_valid(self, token):
        with self.lock:
            if token in self.static_tokens:
                return True
            info = self.tokens.get(token)
            return info is not None and info['expires'] > time.time()

    def revoke_tokens(self):
        """Expire every issued token, as if they had all timed out."""
        with self.lock:
            self.tokens.clear()
