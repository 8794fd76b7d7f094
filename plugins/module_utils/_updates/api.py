# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes of the update APIs: /deviceUpdate/{instance}/updates/..., ?api-version=...

Every call takes a slot of the instance's update-API budget (510 a minute, shared by import, delete, get,
lists and operation reads); listing import operations has its own budget of 50. Imports and deletes are
long-running operations: their answer names an Operation-Location, followed on the service only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError
from ansible_collections.adu.device_update.plugins.module_utils._core.options import path_segment
from ansible_collections.adu.device_update.plugins.module_utils._transport.api import InstanceApi, filter_query, or_none
from ansible_collections.adu.device_update.plugins.module_utils._transport.budgets import OPERATIONS_LIST, UPDATE_API
from ansible_collections.adu.device_update.plugins.module_utils._transport.retry import parse_retry_after
from ansible_collections.adu.device_update.plugins.module_utils._updates.wire import (
    describe_update,
    import_body,
    normalize_file,
    normalize_operation,
    normalize_update,
)

# The one filter the operations list documents.
RUNNING_FILTER = "status eq 'NotStarted' or status eq 'Running'"


class OperationsApi(InstanceApi):
    """Long-running operations of a surface (updates, and device imports), as the service keeps them under
    <ROOT>/operations: read at the pace the surface's budget allows, listed with the one running filter. A surface
    whose operations name no update drops the key (NAMES_UPDATE false)."""

    OPERATION_PACE = None
    LIST_PACE = None
    NAMES_UPDATE = True
    KIND = 'operation'

    def _operation_body(self, raw, operation_id=None, update_id=None, what=None):
        article = 'an' if self.KIND[0] in 'aeiou' else 'a'
        body = normalize_operation(raw, operation_id, update_id, what=what or '%s %s' % (article, self.KIND))
        if not self.NAMES_UPDATE:
            body.pop('update', None)
        return body

    def read_operation(self, operation, update_id=None):
        """GET the operation; its body and the Retry-After the service asks polls to keep."""
        what = 'operation %s' % operation.operation_id
        response = self._response('GET', operation.url, 'reading ' + what, what, pace=self.OPERATION_PACE)
        operation.body = self._operation_body(response.body, operation.operation_id, update_id)
        operation.retry_after = parse_retry_after(response.headers.get('Retry-After'))
        return operation

    def operations(self, running=True):
        """The operations the service keeps, the running ones with its one filter."""
        what = 'the %ss of instance %s' % (self.KIND, self.instance)
        query = filter_query(RUNNING_FILTER if running else None)
        return [self._operation_body(item, what='an operation in ' + what) for item in self._pages(
            self._url('/operations', query), 'listing ' + what, 'instance %s' % self.instance, what,
            pace=self.LIST_PACE)]

    def operation_path(self, operation_id):
        """The URL of an operation the service listed (its list gives ids, not locations)."""
        return self._url('/operations/' + path_segment(operation_id))


class UpdatesApi(OperationsApi):
    """The update APIs of one instance; its operations are imports (the service lists no deletes)."""

    ROOT = 'updates'
    OPERATION_PACE = UPDATE_API
    LIST_PACE = OPERATIONS_LIST
    KIND = 'update operation'

    def suspects(self, missing):
        return 'the provider, name and version, and that the instance is %s (a wrong instance is answered 404 as well)' \
            % self.instance

    def _update_path(self, update_id):
        return '/providers/%s/names/%s/versions/%s' % tuple(path_segment(update_id[p]) for p in
                                                            ('provider', 'name', 'version'))

    def get_update(self, update_id):
        name = describe_update(update_id)
        return normalize_update(self._call('GET', self._url(self._update_path(update_id)), 'reading ' + name, name,
                                           pace=UPDATE_API), update_id)

    def find_update(self, update_id):
        """The Update, or None when the service does not have it (404)."""
        return or_none(self.get_update, update_id)

    def start_import(self, update_id, manifest, files, friendly_name):
        """POST updates:import, once; returns the Operation its Operation-Location names."""
        name = describe_update(update_id)
        response = self._response('POST', self._url(':import'), 'importing ' + name, name, safe_to_repeat=False,
                                  pace=UPDATE_API, body=import_body(manifest, files, friendly_name))
        return self._operation_of(response, 'importing ' + name)

    def start_delete(self, update_id):
        """DELETE the update, once; returns the Operation its Operation-Location names (a path of its own)."""
        name = describe_update(update_id)
        response = self._response('DELETE', self._url(self._update_path(update_id)), 'deleting ' + name, name,
                                  safe_to_repeat=False, pace=UPDATE_API)
        return self._operation_of(response, 'deleting ' + name)

    def operation(self, operation_id):
        what = 'operation %s' % operation_id
        body = self._call('GET', self.operation_path(operation_id), 'reading ' + what, what, pace=UPDATE_API)
        return normalize_operation(body, operation_id)

    def updates(self, filter_=None):
        what = 'the updates of instance %s' % self.instance
        query = filter_query(filter_)
        return [normalize_update(item, what='an update in ' + what) for item in self._pages(
            self._url('', query), 'listing ' + what, 'instance %s' % self.instance, what, pace=UPDATE_API)]

    def names(self, provider):
        what = 'the update names of provider %s' % provider
        return self._strings(self._url('/providers/%s/names' % path_segment(provider)), what,
                             'provider %s' % provider)

    def versions(self, provider, name):
        what = 'the versions of update %s/%s' % (provider, name)
        return self._strings(self._url('/providers/%s/names/%s/versions' % (path_segment(provider), path_segment(name))),
                             what, 'update %s/%s' % (provider, name))

    def files(self, update_id):
        """Every file of the update, with its details."""
        name = describe_update(update_id)
        base = self._update_path(update_id) + '/files'
        return [normalize_file(self._call('GET', self._url('%s/%s' % (base, path_segment(file_id))),
                                          'reading file %s of %s' % (file_id, name), name, pace=UPDATE_API))
                for file_id in self._strings(self._url(base), 'the files of ' + name, name)]

    def _strings(self, url, what, missing):
        items = self._pages(url, 'listing ' + what, missing, what, pace=UPDATE_API)
        bad = [item for item in items if not isinstance(item, str) or not item]
        if bad:
            raise AduError('listing %s: the service sent an item that is not a name (%r)' % (what, bad[0]))
        return items
