# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-back: after a write whose answer was lost, a read decides whether it happened; never a second write."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import AduError


def read_back(exc, read, verdict, what='', thing='the deployment'):
    """After a write whose answer was lost or unclear: the task succeeds only if a read shows the write.

    verdict(found) is True (it shows), False (it does not) or None (a read cannot tell). The write is
    never sent again here: a rerun of the task reads first and acts only if needed anyway. thing: what
    is read back, as messages name it.
    """
    try:
        found = read()
    except AduError as read_exc:
        raise exc.add('; reading %s back to check failed too (%s)' % (thing, read_exc.message))
    effect = verdict(found)
    if effect:
        return found
    if effect is None:
        raise exc.add('; reading %s back cannot tell, since it was retried before: check its status '
                      'before running the task again' % thing)
    if 'may or may not have happened' not in exc.message:
        what += ' (yet), so the write may or may not have happened: run the task again, it reads first'
    raise exc.add('; reading %s back does not show it%s' % (thing, what))
