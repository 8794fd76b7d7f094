# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: adu_devices
short_description: Azure Device Update devices as Ansible hosts
version_added: 1.3.0
description:
  - Every device of a Device Update instance (or those a O(filter) selects) as a host, named by its device id, with
    its device class, group, installed and last attempted update, deployment status and last install result as host
    variables under the C(adu_) prefix, in the groups C(adu_group_<group id>) and C(adu_class_<device class id>).
  - "The inventory source is a file whose name ends in C(adu_devices.yml) or C(adu_devices.yaml) with
    C(plugin: adu.device_update.adu_devices)."
  - "A host is never an address Ansible connects to by itself. Target devices with the collection's modules in a play
    on C(localhost) (or C(delegate_to: localhost)), or compose C(ansible_connection: local) yourself."
  - Reads the device classes once (for C(adu_manufacturer) and C(adu_model)) and the devices page by page; with the
    cache on, a run within O(cache_timeout) of the last sends no request.
  - Host variables C(adu_device_id), C(adu_module_id), C(adu_device_class_id), C(adu_group_id), C(adu_manufacturer),
    C(adu_model), C(adu_installed_update), C(adu_last_attempted_update) (update ids, dicts of C(provider), C(name),
    C(version)), C(adu_deployment_status), C(adu_on_latest_update), C(adu_last_deployment_id), C(adu_last_install_result)
    (C(result_code), C(extended_result_code), C(result_details)).
author:
  - ADU collection maintainers (@adu-device-update)
options:
  plugin:
    description: The name of this plugin, to mark the file as its source.
    type: str
    required: true
    choices: [adu.device_update.adu_devices]
  filter:
    description:
      - The service's filter of the device listing, for example C(groupId eq 'ring-canary') or
        C(deviceClassId eq '<id>') (see M(adu.device_update.adu_device_info)).
    type: str
  include_modules:
    description:
      - Also make a host of each module identity, named C(<device id>/<module id>). Without it, module identities are
        left out.
    type: bool
    default: false
extends_documentation_fragment:
  - adu.device_update.connection
  - adu.device_update.target.GA_API
  - constructed
  - inventory_cache
'''

EXAMPLES = r'''
# fleet.adu_devices.yml: every device of instance blue, grouped by group and device class, with a group per
# deployment status and one for the devices not on their latest update
plugin: adu.device_update.adu_devices
endpoint: https://contoso.api.adu.microsoft.com
instance: blue
auth_method: client_secret   # AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET from the environment
keyed_groups:
  - key: adu_deployment_status | default('none', true)
    prefix: status
groups:
  behind: not adu_on_latest_update
compose:
  firmware: adu_installed_update.version | default(None)
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/adu_devices
cache_timeout: 600

# canary.adu_devices.yml, the canary ring only, in a file of its own:
# plugin: adu.device_update.adu_devices
# account: contoso
# instance: blue
# filter: "groupId eq 'ring-canary'"
'''

from ansible.errors import AnsibleParserError
from ansible.inventory.group import to_safe_group_name
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import Redactor
from ansible_collections.adu.device_update.plugins.module_utils._devices.api import DevicesApi
from ansible_collections.adu.device_update.plugins.module_utils._runtime.connection import (
    CONNECTION_OPTIONS,
    SECRET_OPTIONS,
    Connection,
    option_values,
)

# Host variables, each from a key of the device as the collection reads it (module_utils/_devices/wire.py).
HOST_VARS = ('device_id', 'module_id', 'device_class_id', 'group_id', 'installed_update', 'last_attempted_update',
             'deployment_status', 'on_latest_update', 'last_deployment_id', 'last_install_result')
PREFIX = 'adu_'


def group_name(prefix, value):
    """A default group's name, as Ansible's group names require (letters, digits and _), whatever the service sent."""
    return to_safe_group_name('%s%s' % (prefix, value), force=True, silent=True)


def hosts_of(devices, classes, include_modules):
    """(host name, host vars) of each device: a module identity only with include_modules, named device/module."""
    for device in devices:
        if device['module_id'] and not include_modules:
            continue
        name = device['device_id'] + ('/' + device['module_id'] if device['module_id'] else '')
        host_vars = dict((PREFIX + key, device[key]) for key in HOST_VARS)
        compat = classes.get(device['device_class_id']) or {}
        host_vars[PREFIX + 'manufacturer'] = compat.get('manufacturer')
        host_vars[PREFIX + 'model'] = compat.get('model')
        yield name, host_vars


def untrusted(value):
    """What the service sends is data, never a template to render (ids and names come from devices): ansible-core
    2.19 trusts no inventory plugin's value by default; before it, they are marked unsafe."""
    return value if _TRUSTED_BY_DEFAULT_KNOWN else wrap_var(value)


_TRUSTED_BY_DEFAULT_KNOWN = hasattr(BaseInventoryPlugin, 'trusted_by_default')


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """Devices of an instance as hosts."""

    NAME = 'adu.device_update.adu_devices'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(('adu_devices.yml',
                                                                                 'adu_devices.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        if self.get_option('cache') and cache:
            try:
                self._populate(self._cache[cache_key])
                return
            except KeyError:
                pass
        # Hosts are added page by page; only a cache needs them all at once.
        kept = [] if self.get_option('cache') else None
        for hosts in self._host_pages():
            self._populate(hosts)
            if kept is not None:
                kept.extend(hosts)
        if kept is not None:
            self._cache[cache_key] = kept

    def _host_pages(self):
        """[[host name, host vars]] of each page of devices the service lists."""
        args = dict((name, self.get_option(name)) for name in CONNECTION_OPTIONS)
        args['api_version'] = self.get_option('api_version')
        redactor = Redactor(args.get(name) for name in SECRET_OPTIONS)
        try:
            connection = Connection(option_values(dict((k, v) for k, v in args.items() if v is not None)),
                                    redactor=redactor)
            for warning in connection.warnings:
                self.display.warning(warning)
            api = connection.api(DevicesApi, args['api_version'])
            classes = dict((c['device_class_id'], c['compat_properties']) for c in api.device_classes())
            count, include_modules = 0, self.get_option('include_modules')
            for page in api.device_pages(self.get_option('filter')):
                hosts = [[name, host_vars] for name, host_vars in hosts_of(page, classes, include_modules)]
                count += len(hosts)
                self.display.vvv('adu_devices: %d hosts read from instance %s' % (count, connection.instance))
                yield hosts
        except AduError as exc:
            raise AnsibleParserError('adu_devices: %s' % redactor.scrub(exc.message))

    def _populate(self, hosts):
        strict = self.get_option('strict')
        for name, host_vars in hosts:
            self.inventory.add_host(name)
            for key, value in host_vars.items():
                self.inventory.set_variable(name, key, untrusted(value))
            for prefix, key in (('adu_group_', 'adu_group_id'), ('adu_class_', 'adu_device_class_id')):
                if host_vars.get(key):
                    group = self.inventory.add_group(group_name(prefix, host_vars[key]))
                    self.inventory.add_child(group, name)
            self._set_composite_vars(self.get_option('compose'), host_vars, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), host_vars, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), host_vars, name, strict=strict)
