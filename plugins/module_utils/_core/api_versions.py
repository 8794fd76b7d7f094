# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The GA API's versions the collection speaks, and what each supports: the one table, checked before any request.

A new api-version is one row here (and its emulator routes); a feature that only some versions have is a name in
their rows, asked for with require(). The 2020-09-01 preview API (deployments without group_id) has no
api-version parameter and is not in this table.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError
from ansible_collections.adu.device_update.plugins.module_utils._core.redact import shown

DEFAULT = '2022-10-01'
# api-version -> the features it has beyond the first GA version's (REST spec, stable/<version>/deviceupdate.json).
VERSIONS = {
    '2022-10-01': frozenset(),
    '2026-06-01': frozenset(('download_security',)),
}


def api_version(value, option='api_version'):
    """A given api-version checked against the table, or the default when none is given."""
    if value is None:
        return DEFAULT
    if value not in VERSIONS:
        raise OptionError(option, 'must be a date like %s, an api-version of the GA API this collection knows (%s; '
                          'got %s)' % (' or '.join(sorted(VERSIONS)), ', '.join(sorted(VERSIONS)),
                                       shown(repr(value), 80)))
    return value


def supports(version, feature):
    return feature in VERSIONS.get(version, ())


def require(version, feature, option):
    """OptionError naming option unless the api-version supports feature."""
    if not supports(version, feature):
        having = sorted(v for v, features in VERSIONS.items() if feature in features)
        raise OptionError(option, 'needs the GA API with api_version %s (got %s)'
                          % (' or '.join(having), 'no group_id' if version is None else version))
