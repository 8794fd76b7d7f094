# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What may be shown to a person: secrets masked, untrusted text escaped and cut.

A server can quote a request's Authorization header, an authority can echo the federated token
it refused, and a secret with a stray newline comes back escaped. Every secret the collection
handles at run time is registered here, in each form it can be echoed in, and every text that
reaches a message, a warning, a log or an event passes through scrub().
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import unicodedata

from urllib.parse import parse_qsl, quote, quote_plus, unquote, unquote_plus, urlsplit

MASK = '********'
# Shorter values are not masked: masking "ab" would shred every message while hiding nothing.
MIN_SECRET_LENGTH = 6
# How much of a message from the service is shown; the rest is cut (a 5 MB message is no message).
MESSAGE_LIMIT = 500
_PERCENT = re.compile('%[0-9A-F]{2}')


# Characters some JSON writers escape as backslash-u escapes though JSON does not require it (.NET escapes + & < > ' by default).
_JSON_ESCAPED = '+&<>\'"='
# Query parameters that are secrets of their own in a SAS (the signature).
SAS_SECRET_PARAMS = ('sig',)
# Parts of a storage connection string that are secrets.
CONNECTION_STRING_SECRETS = ('accountkey', 'sharedaccesssignature')


def _json_forms(value):
    """value as JSON writers may escape it: as json.dumps does, or with the characters above as backslash-u escapes
    (either case of hex digits); each also with / escaped."""
    forms = set()
    for pattern in (None, '\\u%04X', '\\u%04x'):
        escaped = ''.join(pattern % ord(c) if pattern and c in _JSON_ESCAPED else json.dumps(c)[1:-1] for c in value)
        forms.update((escaped, escaped.replace('/', '\\/')))
    return forms


def _forms(value):
    """The ways a secret can come back: raw, trimmed, JSON- or repr-escaped, white space folded, per line, as a
    form or a URL would carry it (an authority echoing its request body: `+ / =` percent-encoded, a space as + or
    %20), and percent-decoded (a service echoing a SAS URL it decoded), each of those JSON-escaped again."""
    forms = {value, value.strip(), ' '.join(value.split())}
    forms.add(repr(value)[1:-1])
    forms.update(line.strip() for line in value.splitlines())
    for form in list(forms):
        forms.update((unquote(form), unquote_plus(form)))
    for form in list(forms):
        for encoded in (quote_plus(form), quote(form, safe=''), quote(form)):
            forms.update((encoded, _PERCENT.sub(lambda m: m.group().lower(), encoded)))
    for form in list(forms):
        forms.update(_json_forms(form))
    return set(f for f in forms if len(f) >= MIN_SECRET_LENGTH)


class Redactor:
    """The secrets of one task or one event source, and scrub() to mask them anywhere."""

    def __init__(self, values=()):
        self._added = set()
        self._forms = set()
        self._ordered = None
        for value in values:
            self.add(value)

    def add(self, value):
        """Register a secret (token, client secret, password, federated token); returns it unchanged. A secret
        registered already costs nothing: the bearer token is registered with every request."""
        if isinstance(value, str) and value and value not in self._added:
            self._added.add(value)
            self._forms.update(_forms(value))
            self._ordered = None
        return value

    def add_sas(self, value):
        """Register a SAS, as a URL or its query: the whole query and each signature in it; returns value."""
        if isinstance(value, str) and value:
            query = urlsplit(value).query if '://' in value else value.lstrip('?')
            self.add(query)
            for key, secret in parse_qsl(query, keep_blank_values=True):
                if key.lower() in SAS_SECRET_PARAMS:
                    self.add(secret)
        return value

    def add_connection_string(self, value):
        """Register a storage connection string: whole, and each secret part (AccountKey, SharedAccessSignature and
        its signature); returns value."""
        if isinstance(value, str) and value:
            self.add(value)
            for part in value.split(';'):
                key, _sep, secret = part.partition('=')
                if key.strip().lower() in CONNECTION_STRING_SECRETS and secret.strip():
                    self.add(secret.strip())
                    if key.strip().lower() == 'sharedaccesssignature':
                        self.add_sas(secret.strip())
        return value

    @property
    def forms(self):
        """Every registered form, for Ansible's own masking (no_log_values)."""
        return frozenset(self._forms)

    def scrub(self, value):
        """value with every secret masked: strings, and strings (keys too) inside dicts, lists and tuples. A container
        holding no form of a secret is returned as it is, found so by one search of its JSON text, not a walk."""
        if isinstance(value, (dict, list, tuple)) and not self._may_hold_secret(value):
            return value
        return self._scrub(value)

    def _ordered_forms(self):
        if self._ordered is None:
            # Longest first, so a secret is never half-masked by a shorter form of it; sorted once per secret. Each
            # with its JSON text: a string holding a form holds it in JSON too, escaping being character by character.
            ordered = sorted(self._forms, key=len, reverse=True)
            self._ordered = [(form, json.dumps(form, ensure_ascii=False)[1:-1]) for form in ordered]
        return self._ordered

    def _may_hold_secret(self, value):
        if not self._forms:
            return False
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):  # a value or key JSON cannot write: only the walk can tell
            return True
        return any(escaped in text for _form, escaped in self._ordered_forms())

    def _scrub(self, value):
        if isinstance(value, str):
            for form, _escaped in self._ordered_forms():
                if form in value:
                    value = value.replace(form, MASK)
            return value
        if isinstance(value, dict):
            return dict((self._scrub(k), self._scrub(v)) for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return type(value)(self._scrub(v) for v in value)
        return value


def is_hidden_char(char):
    """Control, format (bidi overrides, zero-width), surrogate, private or unassigned code points,
    and line or paragraph separators: nothing a person can see or trust in an id."""
    category = unicodedata.category(char)
    return category[0] == 'C' or category in ('Zl', 'Zp')


def shown(text, limit=MESSAGE_LIMIT):
    """Untrusted text made safe to print: hidden characters escaped, white space folded, cut to limit."""
    if text is None:
        return None
    if not isinstance(text, str):
        text = str(text)
    if len(text) > limit * 4:
        text = text[:limit * 4]  # bound the work before escaping
    text = ''.join(('\\u%04x' % ord(c) if ord(c) < 0x10000 else '\\U%08x' % ord(c)) if is_hidden_char(c) and c not in
                   '\t\n\r' else c for c in text)
    text = ' '.join(text.split())
    if len(text) > limit:
        text = text[:limit] + '... (cut)'
    return text
