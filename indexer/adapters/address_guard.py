"""Where a fetch may connect: the host is resolved once and every address it resolves to is
checked, so a name that points into the private network (or at this machine) is refused unless
the source allows it. The fetcher then connects to the checked address itself, so a second
lookup (DNS rebinding) cannot swap in another."""

from __future__ import annotations

import ipaddress
import socket

from indexer.errors import FetchFailed, FetchRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def checked_addresses(host: str, port: int, allow_private: bool) -> list[str]:
    """The addresses `host` resolves to, all checked; raises FetchRefused when any of them is
    not a public unicast address (private, loopback, link-local, shared, reserved) and the
    source does not allow that, and always for multicast and unspecified ones."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(f"cannot resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FetchFailed(f"cannot resolve {host}: no addresses")
    for text in addresses:
        address = _parse(text)
        if address.is_multicast or address.is_unspecified:
            raise FetchRefused(f"{host} resolves to {address}, which is never fetched")
        # One bad address refuses the host: the connection could be steered to any of them.
        if not address.is_global and not allow_private:
            raise FetchRefused(
                f"{host} resolves to {address}, a private, loopback or link-local address; "
                "set allow_private on the source to fetch it"
            )
    return addresses


def _parse(text: str) -> IPAddress:
    address = ipaddress.ip_address(text.split("%", 1)[0])  # an IPv6 zone id is not an address
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # ::ffff:10.0.0.1 reaches 10.0.0.1: judge the IPv4 address it carries.
        return address.ipv4_mapped
    return address
