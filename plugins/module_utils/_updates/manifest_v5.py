# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An import manifest (azure-deviceupdate-import-manifest-5.0) composed from a task's options: every rule of the
schema checked before anything is written, each refusal naming the option and the rule (positions from 0), and
each file's size and base64 SHA-256 computed in one streaming read (bounded memory for a 2 GB build)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import os
import re

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.ids import manifest_update_id
from ansible_collections.adu.device_update.plugins.module_utils._core.options import open_regular_file, shown_value

MANIFEST_VERSION = '5.0'
_HANDLER = re.compile(r'[A-Za-z0-9._-]+/[A-Za-z0-9._-]+:[0-9]+')
MAX_FILE_SIZE = 2147483648
MAX_TOTAL_SIZE = 2 * 1024 ** 3
READ_CHUNK = 1024 * 1024
# (least, most) of each list the schema bounds.
COMPATIBILITY_SETS = (1, 10)
COMPATIBILITY_PROPERTIES = (1, 5)
STEPS = (1, 10)
STEP_FILES = (1, 10)
MANIFEST_FILES = (0, 10)
RELATED_FILES = (0, 4)


def _text(option, value, least, most, what='a string'):
    if not isinstance(value, str) or not least <= len(value) <= most:
        raise OptionError(option, 'must be %s of %d to %d characters (got %s)' % (what, least, most, shown_value(value)))
    return value


def _count(option, items, bounds, what):
    if not isinstance(items, list) or not bounds[0] <= len(items) <= bounds[1]:
        raise OptionError(option, 'must be a list of %d to %d %s (got %s)' % (
            bounds[0], bounds[1], what, len(items) if isinstance(items, list) else shown_value(items)))
    return items


def compatibility(sets):
    _count('compatibility', sets, COMPATIBILITY_SETS, 'sets of device properties')
    for index, properties in enumerate(sets):
        option = 'compatibility[%d]' % index
        if not isinstance(properties, dict) or not COMPATIBILITY_PROPERTIES[0] <= len(properties) <= \
                COMPATIBILITY_PROPERTIES[1]:
            raise OptionError(option, 'must be a dict of %d to %d device properties, such as manufacturer and model '
                              '(got %s)' % (COMPATIBILITY_PROPERTIES + (shown_value(properties, 120),)))
        for name, value in properties.items():
            _text('%s: the property name %s' % (option, shown_value(name)), name, 1, 32, 'a name')
            _text('%s.%s' % (option, name), value, 1, 64)
    return [dict(properties) for properties in sets]


class FileSet:
    """The files of a manifest, in the order steps name them: each hashed once, names unique."""

    def __init__(self):
        self.entries = []
        self._by_name = {}
        self.total = 0

    def add(self, option, item):
        """A step's file (a path, or a dict of path, related_files and download_handler): its manifest name."""
        if isinstance(item, str):
            item = {'path': item}
        if not isinstance(item, dict) or not isinstance(item.get('path'), str) or not item['path']:
            raise OptionError(option, 'must be a file path, or a dict of path, related_files and download_handler')
        unknown = sorted(set(item) - {'path', 'related_files', 'download_handler'})
        if unknown:
            raise OptionError('%s.%s' % (option, unknown[0]), 'is not a key of a file: path, related_files and '
                              'download_handler are')
        name = os.path.basename(item['path'])
        known = self._by_name.get(name)
        if known is not None:
            if known['path'] != os.path.abspath(item['path']) or known['given'] != item:
                raise OptionError(option, 'names the file %s, and so does another step with another path or other '
                                  'related files: file names are unique in an update' % name)
            return name
        entry = self._file(option, item['path'])
        entry['given'] = item
        related = item.get('related_files') or []
        _count('%s.related_files' % option, related, RELATED_FILES, 'related files')
        entry['related'] = []
        for index, other in enumerate(related):
            where = '%s.related_files[%d]' % (option, index)
            if not isinstance(other, dict) or not isinstance(other.get('path'), str):
                raise OptionError(where, 'must be a dict of path and optional properties')
            found = self._file(where, other['path'])
            if other.get('properties') is not None:
                if not isinstance(other['properties'], dict):
                    raise OptionError('%s.properties' % where, 'must be a dict (passed to the device)')
                found['properties'] = other['properties']
            entry['related'].append(found)
        handler = item.get('download_handler')
        if handler is not None and (not isinstance(handler, str) or not _HANDLER.fullmatch(handler)):
            raise OptionError('%s.download_handler' % option, 'must look like vendor/name:1, such as microsoft/delta:1 '
                              '(got %s)' % shown_value(handler))
        if related and handler is None:
            raise OptionError('%s.download_handler' % option, 'is required with related_files (a delta update), '
                              'such as microsoft/delta:1')
        entry['download_handler'] = handler
        self._by_name[name] = entry
        self.entries.append(entry)
        if len(self.entries) > MANIFEST_FILES[1]:
            raise OptionError(option, 'is the %d-th file of the update; at most %d are allowed'
                              % (len(self.entries), MANIFEST_FILES[1]))
        return name

    def _file(self, option, path):
        name = os.path.basename(path)
        _text('%s: the file name' % option, name, 1, 255, 'a file name')
        digest, size = hashlib.sha256(), 0
        with open_regular_file(option, path) as handle:
            while True:
                chunk = handle.read(READ_CHUNK)
                if not chunk:
                    break
                digest.update(chunk)
                size += len(chunk)
        if not 1 <= size <= MAX_FILE_SIZE:
            raise OptionError(option, '%s is %d bytes; a file of an update is 1 to %d bytes' % (path, size, MAX_FILE_SIZE))
        self.total += size
        if self.total > MAX_TOTAL_SIZE:
            raise OptionError(option, 'brings the update\'s files to %d bytes; at most %d (2 GB) in all'
                              % (self.total, MAX_TOTAL_SIZE))
        return {'name': name, 'path': os.path.abspath(path), 'size': size,
                'sha256': base64.b64encode(digest.digest()).decode('ascii')}

    def manifest_files(self):
        """The files as the schema writes them."""
        files = []
        for entry in self.entries:
            item = _wire_file(entry)
            if entry['related']:
                item['relatedFiles'] = [_wire_file(other) for other in entry['related']]
                item['downloadHandler'] = {'id': entry['download_handler']}
            files.append(item)
        return files

    def listed(self):
        """Every file, related ones after theirs: name, size, sha256."""
        return [dict((k, f[k]) for k in ('name', 'size', 'sha256'))
                for entry in self.entries for f in [entry] + entry['related']]


def _wire_file(entry):
    item = {'filename': entry['name'], 'sizeInBytes': entry['size'], 'hashes': {'sha256': entry['sha256']}}
    if entry.get('properties') is not None:
        item['properties'] = entry['properties']
    return item


def steps(given, files):
    _count('steps', given, STEPS, 'steps')
    written = []
    for index, step in enumerate(given):
        option = 'steps[%d]' % index
        if not isinstance(step, dict):
            raise OptionError(option, 'must be a dict: handler and files, or type: reference and update')
        kind = step.get('type') or 'inline'
        if kind not in ('inline', 'reference'):
            raise OptionError('%s.type' % option, 'must be inline or reference (got %s)' % shown_value(kind))
        item = {'type': kind}
        if step.get('description') is not None:
            item['description'] = _text('%s.description' % option, step['description'], 1, 64)
        if kind == 'reference':
            extra = sorted(k for k in ('handler', 'files', 'handler_properties') if step.get(k) is not None)
            if extra:
                raise OptionError('%s.%s' % (option, extra[0]), 'is for an inline step; a reference step names '
                                  'another update with update only')
            item['updateId'] = manifest_update_id(step.get('update'), '%s.update' % option)
        else:
            if step.get('update') is not None:
                raise OptionError('%s.update' % option, 'is for a reference step (type: reference)')
            handler = step.get('handler')
            if not isinstance(handler, str) or not 5 <= len(handler) <= 32 or not _HANDLER.fullmatch(handler):
                raise OptionError('%s.handler' % option, 'must look like vendor/name:1, 5 to 32 characters, such as '
                                  'microsoft/swupdate:2 (got %s)' % shown_value(handler))
            item['handler'] = handler
            _count('%s.files' % option, step.get('files'), STEP_FILES, 'files')
            item['files'] = [files.add('%s.files[%d]' % (option, n), f) for n, f in enumerate(step['files'])]
            if step.get('handler_properties') is not None:
                if not isinstance(step['handler_properties'], dict):
                    raise OptionError('%s.handler_properties' % option, 'must be a dict, passed to the handler (for '
                                      'example installedCriteria)')
                item['handlerProperties'] = step['handler_properties']
        written.append(item)
    return written


def compose(params, created):
    """The manifest a task declares, every rule checked; created: its createdDateTime. (manifest, files listed)."""
    files = FileSet()
    manifest = {'updateId': manifest_update_id(params.get('update'), 'update')}
    if params.get('description') is not None:
        manifest['description'] = _text('description', params['description'], 1, 512)
    manifest['isDeployable'] = bool(params.get('is_deployable', True))
    manifest['compatibility'] = compatibility(params.get('compatibility'))
    manifest['instructions'] = {'steps': steps(params.get('steps'), files)}
    manifest['files'] = files.manifest_files()
    manifest['createdDateTime'] = created
    manifest['manifestVersion'] = MANIFEST_VERSION
    return manifest, files.listed()


def same_declaration(one, other):
    """Whether two manifests say the same thing, createdDateTime aside."""
    def strip(manifest):
        return dict((k, v) for k, v in (manifest or {}).items() if k != 'createdDateTime')
    return isinstance(one, dict) and isinstance(other, dict) and strip(one) == strip(other)
