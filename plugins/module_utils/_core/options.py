# -*- coding: utf-8 -*-
# Copyright: (c) 2026, adu.device_update contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of the connection options, done before any request is sent.

Every check raises OptionError naming the option and the accepted form, so a typo
never turns into a request to an unintended URL."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import ipaddress
import os
import re
import stat
from urllib.parse import quote, urlsplit

from ansible_collections.adu.device_update.plugins.module_utils._core.errors import OptionError

PUBLIC_SERVICE_DOMAIN = 'api.adu.microsoft.com'
TIMEOUT_RANGE = (0.1, 600.0)
RETRIES_RANGE = (0, 20)
_DNS_LABEL = re.compile(r'[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?')


def shown_value(value, limit=40):
    """A short, printable rendering of a rejected value for error messages."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + '...'


def validate_dns_label(option, value):
    """account/instance: one DNS label, letters, digits and inner hyphens, at most 63."""
    if value is None or not _DNS_LABEL.fullmatch(value):
        raise OptionError(
            option, 'must be one DNS label of 1 to 63 ASCII letters, digits and hyphens, '
            'not starting or ending with a hyphen (got %s)' % shown_value(value))
    return value


def is_loopback_host(host):
    if host.lower() == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


DEFAULT_PORTS = {'https': 443, 'http': 80}


def origin_of(url):
    """(scheme, host, port) of a URL, as the HTTP stack will connect to it; None when it cannot be parsed.

    The one URL parser of the collection: endpoint, authority_host, nextLink and every URL a bearer
    token or a secret is sent to are compared through it. Anything urllib's and urllib3's parsers
    could read differently (a backslash, white space, control characters, non-ASCII) is refused.
    """
    return _origin_of(url) if isinstance(url, str) else None


@functools.lru_cache(maxsize=64)  # a pure function of the URL; a listing asks it of each page's link and request
def _origin_of(url):
    if not url or any(ord(c) < 33 or ord(c) > 126 or c == '\\' for c in url):
        return None
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:  # 'http://[::1', a port that is no number
        return None
    if parts.scheme not in DEFAULT_PORTS or not host:
        return None
    origin = (parts.scheme, host.lower(), port or DEFAULT_PORTS[parts.scheme])
    if _urllib3_origin(url) not in (None, origin):
        return None
    return origin


def _urllib3_origin(url):
    """The same URL as urllib3 (under requests) sees it; None when urllib3 is not there."""
    # Imported here: _core needs the standard library alone; urllib3 comes with requests when a task runs.
    try:
        from urllib3.util import parse_url  # pylint: disable=import-outside-toplevel
    except ImportError:  # pragma: no cover - requests brings urllib3
        return None
    try:
        parsed = parse_url(url)
    except Exception:  # pylint: disable=broad-except  # urllib3's LocationParseError and friends
        return ('unparsable',)
    if not parsed.host or parsed.scheme not in DEFAULT_PORTS:
        return ('unparsable',)
    return (parsed.scheme, parsed.host.strip('[]').lower(), parsed.port or DEFAULT_PORTS[parsed.scheme])


def validate_endpoint(value, option='endpoint', allow_http=True):
    """endpoint: scheme://host[:port] only; plain http only to a loopback host."""
    if allow_http:
        accepted = 'must be https://host[:port] (or http://127.0.0.1[:port] for a local emulator)'
    else:
        accepted = 'must be https://host[:port]'
    if not isinstance(value, str) or not value or any(ord(c) < 33 or ord(c) > 126 for c in value):
        raise OptionError(option, '%s in printable ASCII, got %s' % (accepted, shown_value(value)))
    if '\\' in value:
        raise OptionError(option, '%s; a backslash is not accepted (got %s)' % (accepted, shown_value(value)))
    try:
        parts = urlsplit(value)
    except ValueError:
        raise OptionError(option, '%s (got %s, which is not a URL)' % (accepted, shown_value(value)))
    if parts.scheme not in (('https', 'http') if allow_http else ('https',)):
        raise OptionError(option, '%s; scheme %s is not supported' % (accepted, shown_value(parts.scheme)))
    if parts.username is not None or parts.password is not None or '@' in parts.netloc:
        # The value itself is not echoed: it may hold a password.
        raise OptionError(option, '%s; credentials in the URL are not accepted' % accepted)
    if parts.path not in ('', '/') or parts.query or parts.fragment or '?' in value or '#' in value:
        raise OptionError(option, '%s, with no path, query or fragment (got %s)' % (accepted, shown_value(value)))
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise OptionError(option, '%s; the port must be a number from 1 to 65535 (got %s)' % (accepted, shown_value(value)))
    if not host:
        raise OptionError(option, '%s; no host given (got %s)' % (accepted, shown_value(value)))
    if parts.scheme == 'http' and not is_loopback_host(host):
        raise OptionError(
            option, 'plain http:// is only allowed to a loopback host, a bearer token is never sent '
            'in clear over a network; use https:// (got %s)' % shown_value(value))
    if port == 0:
        raise OptionError(option, '%s; the port must be a number from 1 to 65535' % accepted)
    if origin_of(value) is None:
        raise OptionError(option, '%s (got %s, which the HTTP stack would read differently)'
                          % (accepted, shown_value(value)))
    return '%s://%s' % (parts.scheme, parts.netloc.lower())


def path_segment(value):
    """Percent-encode a validated value as exactly one URL path segment."""
    return quote(value, safe='')


def validate_range(option, value, bounds):
    low, high = bounds
    if value is None or not low <= value <= high:
        raise OptionError(option, 'must be between %s and %s (got %s)' % (low, high, shown_value(value)))
    return value


def service_base_url(account=None, endpoint=None):
    """The ADU service root: from endpoint when given, else https://{account}.api.adu.microsoft.com."""
    if endpoint is not None and account is not None:
        raise OptionError('account', 'give either account or endpoint, not both')
    if endpoint is not None:
        return validate_endpoint(endpoint)
    if account is None:
        raise OptionError('account', 'one of account or endpoint is required')
    return 'https://%s.%s' % (validate_dns_label('account', account).lower(), PUBLIC_SERVICE_DOMAIN)


def validate_authority_host(value):
    """authority_host: an https URL of an Azure AD authority (msal accepts nothing else)."""
    return validate_endpoint(value, option='authority_host', allow_http=False)


# Files the collection reads itself (certificates, federated tokens, the CA bundle) are small.
FILE_SIZE_LIMIT = 1024 * 1024


def open_regular_file(option, path, limit=None, follow_links=True):
    """A regular file opened for reading, checked on the open handle: a FIFO, a device, a directory, a file over
    limit bytes (or, with follow_links False, a symbolic link) is refused without waiting on it, and what is read
    is what was checked, whatever replaces the path afterwards. OptionError naming option otherwise."""
    flags = os.O_RDONLY | getattr(os, 'O_NONBLOCK', 0) | getattr(os, 'O_CLOEXEC', 0)
    if not follow_links:
        flags |= getattr(os, 'O_NOFOLLOW', 0)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer.
        fd = os.open(path, flags)
    except (IOError, OSError) as exc:
        if not follow_links and os.path.islink(path):
            raise OptionError(option, '%s is a symbolic link; give the file itself' % path)
        raise OptionError(option, 'cannot read %s (%s)' % (path, exc.strerror or exc))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OptionError(option, '%s must be a regular file (not a FIFO, device or directory)' % path)
        if limit is not None and info.st_size > limit:
            raise OptionError(option, '%s is %d bytes; at most %d are accepted' % (path, info.st_size, limit))
        return os.fdopen(fd, 'rb')
    except BaseException:
        os.close(fd)
        raise


def check_regular_file(option, path, limit=FILE_SIZE_LIMIT):
    """A regular file of at most limit bytes, or OptionError: a FIFO, a device or a huge file never
    holds a task. Returns its size."""
    with open_regular_file(option, path, limit) as handle:
        return os.fstat(handle.fileno()).st_size


def read_regular_file(option, path, limit=FILE_SIZE_LIMIT):
    """The bytes of a regular file of at most limit bytes, read without blocking on FIFOs or devices."""
    with open_regular_file(option, path, limit) as handle:
        try:
            data = handle.read(limit + 1)
        except (IOError, OSError) as exc:
            raise OptionError(option, 'cannot read %s (%s)' % (path, exc.strerror or exc))
    if len(data) > limit:  # it grew between the check and the read
        raise OptionError(option, '%s is larger than %d bytes' % (path, limit))
    return data
