# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Continuation tokens as the service has them: opaque, issued by the emulator, and a token it did not issue (the
real service's `[{"token":"+RID:~...","range":{...}}]`, say) refused with 400 and an error body, never a dropped
connection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json


class BadContinuationToken(ValueError):
    """A continuation token the emulator did not issue: answered 400 with an error body, as the service does."""


_TOKEN_MARK = 'adu-emulator'


def issue_token(offset):
    """An opaque continuation token for the item at offset (the service's tokens are opaque JSON too)."""
    return base64.urlsafe_b64encode(json.dumps({'m': _TOKEN_MARK, 'o': offset}).encode('utf-8')).decode('ascii')


def read_token(value):
    """The offset of a token issue_token() made; 0 for none; BadContinuationToken for anything else."""
    if not value:
        return 0
    try:
        token = json.loads(base64.urlsafe_b64decode(value.encode('ascii')).decode('utf-8'))
        if token.get('m') == _TOKEN_MARK and isinstance(token.get('o'), int) and token['o'] >= 0:
            return token['o']
    except (ValueError, TypeError, AttributeError, UnicodeError):
        pass
    raise BadContinuationToken(value)
