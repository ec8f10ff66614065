"""The client's address: the one function that says who is calling from where.

Behind proxies the socket peer is the last proxy, so the address comes from
X-Forwarded-For, which every proxy appends to: the entries on the right were written by
our own proxies, anything to their left by whoever sent the request. TRUSTED_PROXY_HOPS
says how many of the right-most entries our proxies wrote, and the client is the left-most
of those (the n-th from the right); a client can prepend whatever it likes but cannot move
that entry. Google's external Application Load Balancer appends "<client>, <load
balancer>" (2). With 0 (local runs, or no proxy) the header is ignored and the socket peer
is the client. A header too short or an entry that is not an address falls back to the
socket peer: wrong configuration or a request that bypassed the proxy, never an error.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated

from fastapi import Depends, Request

from infra.settings import get_settings

# Counted as one client when the peer is unknown (a test transport without one).
UNKNOWN = "unknown"


def client_address(request: Request) -> str:
    """The address the request came from (an IP address, normalised)."""
    peer = request.client.host if request.client is not None else UNKNOWN
    hops = get_settings().trusted_proxy_hops
    if hops == 0:
        return _normalised(peer) or peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for")).split(",")
    if len(forwarded) < hops:
        return _normalised(peer) or peer
    return _normalised(forwarded[-hops]) or _normalised(peer) or peer


def client_key(address: str) -> str:
    """The address budgets and login failures are counted under. IPv6 by its /64, which one
    host usually holds whole (counting each address would give it 2**64 tries)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _normalised(entry: str) -> str | None:
    """An X-Forwarded-For entry as an address, or None if it is not one. Accepts the forms
    proxies write: a bare address, and IPv4 with a port or bracketed IPv6 (RFC 7239 style)."""
    entry = entry.strip().strip('"')
    if entry.startswith("["):
        entry = entry[1:].split("]", 1)[0]
    elif entry.count(":") == 1:
        entry = entry.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(entry))
    except ValueError:
        return None


def client_key_of(request: Request) -> str:
    return client_key(client_address(request))


# An endpoint's parameter: the key its client's budgets and failures are counted under.
ClientKey = Annotated[str, Depends(client_key_of)]
