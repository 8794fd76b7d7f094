# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Api base of every surface: calling through the client, naming a 404 precisely, pages and links.

A listing follows nextLink only to the validated service, never twice, within bounds sized for an instance's
largest; what exists is decided once (or_none: a 404 means not there)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote, unquote, urljoin, urlsplit

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError
from ansible_collections.adu.device_update.plugins.module_utils._core.options import origin_of, path_segment
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import shown
from ansible_collections.adu.device_update.plugins.module_utils._core.wire import page_items

# A listing's bounds, sized for an instance's largest (API-FACTS 7: a million devices, any page size): items and
# bytes received, so that endless pages cannot fill the controller's memory, and a run of empty pages, so that a
# service linking on without items ends. A nextLink already followed ends it at once.
MAX_ITEMS = 1000000
MAX_LISTING_BYTES = 512 * 1024 * 1024
MAX_EMPTY_PAGES = 100


class Api:
    """What both APIs share: calling through the client, and naming a 404 precisely."""

    def __init__(self, http, base_url, instance):
        self.http = http
        self.base_url = base_url
        self.instance = instance

    def where(self):
        return 'instance %s' % self.instance

    def describe(self, deployment_id):
        return 'deployment %s' % deployment_id

    def _call(self, method, url, describe, missing, safe_to_repeat=True, pace=None, body=None):
        return self._response(method, url, describe, missing, safe_to_repeat, pace, body).body

    def _response(self, method, url, describe, missing, safe_to_repeat=True, pace=None, body=None):
        try:
            return self.http.request(method, url, describe, safe_to_repeat=safe_to_repeat, pace=pace, body=body)
        except AduError as exc:
            if exc.status_code == 404:
                # The service answers 404 alike for a wrong instance, group or deployment: name each suspect.
                where = self.where()
                if where.startswith(missing + ' of '):
                    where = where[len(missing) + len(' of '):]  # the group itself is missing, not something in it
                exc.message = '%s not found in %s (%s); check %s' % (missing, where, exc.message,
                                                                     self.suspects(missing))
                exc.args = (exc.message,)
            raise

    def suspects(self, missing):
        return 'the id, and that the instance is %s (a wrong instance is answered 404 as well)' % self.instance

    def find_deployment(self, deployment_id, *args):
        """get_deployment(), or None when the service does not have it (404)."""
        return or_none(self.get_deployment, deployment_id, *args)

    def _pages(self, url, describe, missing, what, pace=None, max_items=None):
        """The items of every page, as a list (see _item_pages)."""
        return [item for page in self._item_pages(url, describe, missing, what, pace, max_items) for item in page]

    def _item_pages(self, url, describe, missing, what, pace=None, max_items=None):
        """The items of each page as it comes, following nextLink: same scheme, host and port as the service, never
        a URL seen before. Sized for an instance's largest listing (a million devices) and bounded in memory: at
        most MAX_ITEMS items and MAX_LISTING_BYTES of answers; a page count is no bound (the service chooses its
        page size), but a run of pages without items is. max_items: the task's own bound, when it gives one."""
        count, seen, received, empty_run = 0, set(), 0, 0
        while url:
            seen.add(url)
            response = self._response('GET', url, describe, missing, pace=pace)
            page_values, next_link = page_items(response.body, what)
            count += len(page_values)
            received += response.size
            empty_run = 0 if page_values else empty_run + 1
            if max_items is not None and count > max_items:
                raise AduError('%s: more than max_items (%d) items; narrow the listing with a filter (device_state, '
                               'device_class_id) or raise max_items' % (describe, max_items))
            if count > MAX_ITEMS or received > MAX_LISTING_BYTES:
                raise AduError('%s: the service sent more than %d items or %d MiB in %d pages; stopped rather than fill '
                               'the memory of the controller: narrow the listing with a filter (device_state, group, '
                               'device class)' % (describe, MAX_ITEMS, MAX_LISTING_BYTES // (1024 * 1024), len(seen)))
            yield page_values
            if next_link is None:
                break
            url = follow_link(self.base_url, next_link, describe)
            if url in seen or empty_run >= MAX_EMPTY_PAGES:
                raise AduError('%s: the service keeps sending more pages (%s after %d pages); stopped rather than loop'
                               % (describe, 'a nextLink already followed' if url in seen else
                                  '%d pages without items in a row' % empty_run, len(seen)))


def filter_query(expression):
    """The query part of the service's filter (`&filter=...`, quoted), or nothing for none."""
    return '&filter=' + quote(expression, safe='') if expression else ''


def or_none(read, *args):
    """read(*args), or None when the service answers 404: what exists is decided here, for every resource."""
    try:
        return read(*args)
    except AduError as exc:
        if exc.status_code == 404:
            return None
        raise


def follow_link(base_url, link, describe, what='a nextLink'):
    """A link the service sent (nextLink, Operation-Location), absolute, only when it points at the service
    itself (scheme, host and port): a relative one is resolved against the validated endpoint."""
    url = urljoin(base_url + '/', link) if isinstance(link, str) else None
    origin = origin_of(url) if url is not None else None
    if origin is None or origin != origin_of(base_url):
        raise AduError('%s: the service sent %s to another place (%s); not following it with the bearer '
                       'token' % (describe, what, shown(link if isinstance(link, str) else repr(link), 200)))
    return url


class Operation:
    """A followed long-running operation: its URL on the service, its id, and its last state."""

    def __init__(self, url, operation_id, body=None, retry_after=None):
        self.url = url
        self.operation_id = operation_id
        self.body = body
        self.retry_after = retry_after


class InstanceApi(Api):
    """The base of the GA API's routes of one instance: /deviceUpdate/{instance}/<ROOT>..., ?api-version=..., with
    the api-version checked against the table when the object is made, before any request."""

    ROOT = 'management'

    def __init__(self, http, base_url, instance, api_version=None):
        super(InstanceApi, self).__init__(http, base_url, instance)
        # Imported here, to spare every other task the start-up cost: the preview API has no api-version.
        from ansible_collections.adu.device_update.plugins.module_utils._core import api_versions  # pylint: disable=import-outside-toplevel
        self.api_version = api_versions.api_version(api_version)

    def _url(self, path, query=''):
        return '%s/deviceUpdate/%s/%s%s?api-version=%s%s' % (
            self.base_url, path_segment(self.instance), self.ROOT, path, self.api_version, query)

    def _operation_of(self, response, describe):
        """The Operation a long-running call's answer names in its Operation-Location."""
        location = response.headers.get('Operation-Location')
        if not location:
            raise AduError('%s: the service answered %d without an Operation-Location to follow'
                           % (describe, response.status_code), status_code=response.status_code, action_unknown=True)
        return self.operation_at(location, describe)

    def operation_at(self, location, describe):
        """The Operation of a location the service sent: relative ones resolved against the endpoint, other
        origins refused (they never get the token)."""
        url = follow_link(self.base_url, location, describe, 'an Operation-Location')
        operation_id = unquote(urlsplit(url).path.rstrip('/').rpartition('/')[2])
        return Operation(url, operation_id)
