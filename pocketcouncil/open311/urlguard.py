"""Server-side request forgery guard for addresses council admins type in (webhooks and
back-office endpoints): in production they may not point at loopback, private, link-local or
otherwise internal addresses, so nobody can make the server call the council's own network or
a cloud metadata service. Development and tests allow them (``conf.allow_private_urls``): there
the back office is another process on this machine.

The address is checked when it is saved and again before every request (a name can be made to
resolve somewhere else later). A name that resolves to several addresses must be public for all
of them.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from pocketcouncil.open311 import conf


class UnsafeUrlError(ValueError):
    pass


def _is_internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check(url: str, *, resolve=socket.getaddrinfo) -> None:
    """Raise ``UnsafeUrlError`` (with a plain-English message) unless ``url`` may be called."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UnsafeUrlError(_("Enter a full web address starting with https://"))
    if conf.allow_private_urls():
        return
    host = parts.hostname
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = resolve(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError, UnicodeError):
        raise UnsafeUrlError(
            _("The address %(host)s cannot be found. Check it is spelt correctly.") % {"host": host}
        ) from None
    addresses = {info[4][0] for info in found}
    if not addresses or any(_is_internal(a) for a in addresses):
        raise UnsafeUrlError(
            _(
                "The address %(host)s is on a private or internal network. "
                "Use an address that can be reached from the internet."
            )
            % {"host": host}
        )
