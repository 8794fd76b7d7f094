# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes of device management: /deviceUpdate/{instance}/management/devices, deviceClasses, devices:import and its
operations.

The service's limits page names no throttle for these routes; a 429 is retried as every call's is (retry.py).
Renaming or deleting a device class and importing devices are writes: sent once."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.options import path_segment
from ansible_collections.adu.device_update.plugins.module_utils._devices.wire import (
    normalize_device,
    normalize_device_class,
    normalize_installable,
)
from ansible_collections.adu.device_update.plugins.module_utils._transport.api import filter_query
from ansible_collections.adu.device_update.plugins.module_utils._updates.api import OperationsApi


class DevicesApi(OperationsApi):
    """The devices, device classes and device imports of one instance; its operations are device imports."""

    NAMES_UPDATE = False
    KIND = 'device import operation'

    def device_pages(self, filter_=None):
        """The devices (module identities included) of each page as it comes: a listing of a million devices is
        never held whole by this call."""
        what = 'the devices of instance %s' % self.instance
        for page in self._item_pages(self._url('/devices', filter_query(filter_)), 'listing ' + what,
                                     'instance %s' % self.instance, what):
            yield [normalize_device(item, what='a device in ' + what) for item in page]

    def device(self, device_id, module_id=None):
        name = 'device %s' % device_id + (' module %s' % module_id if module_id else '')
        path = '/devices/%s' % path_segment(device_id)
        if module_id:
            path += '/modules/%s' % path_segment(module_id)
        return normalize_device(self._call('GET', self._url(path), 'reading ' + name, name), device_id, module_id,
                                what=name)

    def device_classes(self, filter_=None):
        what = 'the device classes of instance %s' % self.instance
        return [normalize_device_class(item, what='a device class in ' + what) for item in self._pages(
            self._url('/deviceClasses', filter_query(filter_)), 'listing ' + what, 'instance %s' % self.instance,
            what)]

    @staticmethod
    def _class_path(device_class_id, suffix=''):
        return '/deviceClasses/%s%s' % (path_segment(device_class_id), suffix)

    def device_class(self, device_class_id):
        name = 'device class %s' % device_class_id
        return normalize_device_class(self._call('GET', self._url(self._class_path(device_class_id)),
                                                 'reading ' + name, name), device_class_id, what=name)

    def installable_updates(self, device_class_id):
        name = 'device class %s' % device_class_id
        what = 'the updates device class %s can install' % device_class_id
        return [normalize_installable(item, what='an update in ' + what) for item in self._pages(
            self._url(self._class_path(device_class_id, '/installableUpdates')), 'listing ' + what, name, what)]

    def rename_device_class(self, device_class_id, friendly_name):
        name = 'device class %s' % device_class_id
        return normalize_device_class(self._call(
            'PATCH', self._url(self._class_path(device_class_id)), 'renaming ' + name, name, safe_to_repeat=False,
            body={'friendlyName': friendly_name}), device_class_id, what=name)

    def delete_device_class(self, device_class_id):
        name = 'device class %s' % device_class_id
        self._call('DELETE', self._url(self._class_path(device_class_id)), 'deleting ' + name, name,
                   safe_to_repeat=False)

    def start_import(self, import_type):
        """POST devices:import, once, with the import type (Devices, Modules or All) as the JSON body; returns the
        Operation its Operation-Location names."""
        describe = 'importing %s from IoT Hub' % import_type.lower()
        response = self._response('POST', self._url('/devices:import'), describe, 'instance %s' % self.instance,
                                  safe_to_repeat=False, body=import_type)
        return self._operation_of(response, describe)
