"""Two questions every view may ask of a request: where "back" is (the `next` a form carries),
and who is asking (the client's address, through the trusted proxies only).

Stdlib and `django.conf` only at import: settings.py parses `TRUSTED_PROXIES` with
`parse_trusted_proxies`.
"""

from __future__ import annotations

import ipaddress
import re

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# "no proxy" (0), a count of proxies in front of the app, or the proxies' own networks.
TrustedProxies = int | tuple[IPNetwork, ...]

# Browsers read "\" as "/" and drop tabs and line breaks, so "/\evil" and "/\t/evil" lead off-site.
_UNSAFE_IN_PATH = re.compile(r"[\x00-\x1f\x7f\\]")


def local_path(target: object, default: str) -> str:
    """`target` when it is a path on this site: one leading "/", no scheme, host, backslash or
    control character. Anything else (a bare word, "//evil", "https://…") gives `default`."""
    if (
        isinstance(target, str)
        and target.startswith("/")
        and not target.startswith("//")
        and not _UNSAFE_IN_PATH.search(target)
    ):
        return target
    return default


def next_path(request, default: str) -> str:
    """Back to where the form came from: its `next` (POST, else the query string) when it is a
    local path, else `default`."""
    return local_path(request.POST.get("next") or request.GET.get("next"), default)


def parse_trusted_proxies(value: str) -> TrustedProxies:
    """The `TRUSTED_PROXIES` setting: empty or "0" (none), a count such as "1", or
    comma-separated addresses and CIDRs ("10.0.0.0/8,192.0.2.7"). Anything else is an error."""
    value = value.strip()
    if not value:
        return 0
    if value.isascii() and value.isdigit():
        return int(value)
    try:
        return tuple(ipaddress.ip_network(part.strip()) for part in value.split(","))
    except ValueError as exc:
        raise ValueError(
            f"TRUSTED_PROXIES={value!r}: give a number of proxies or comma-separated "
            f"addresses/CIDRs ({exc})"
        ) from None


def client_ip(request) -> str:
    """The address of whoever sent the request. Without `TRUSTED_PROXIES` it is `REMOTE_ADDR`
    and `X-Forwarded-For` is ignored (any client can write it). With N trusted proxies it is the
    Nth address from the right of `X-Forwarded-For`; with trusted networks, the rightmost address
    that is not one of them (the request must come from one). A header the proxies could not have
    written (too short, not an address) gives `REMOTE_ADDR`."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted: TrustedProxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not trusted or not forwarded:
        return remote
    hops = [_address(hop) for hop in forwarded.split(",")]
    if isinstance(trusted, int):
        client = hops[-trusted] if len(hops) >= trusted else None
        return str(client) if client is not None else remote
    if not _is_trusted(_address(remote), trusted):
        return remote
    for hop in reversed(hops):
        if hop is None:
            return remote
        if not _is_trusted(hop, trusted):
            return str(hop)
    return str(hops[0])  # every hop is a trusted proxy: the first one asked


def _address(text: str) -> IPAddress | None:
    """An address as a proxy writes it: bare, or with a port (`203.0.113.7:41234`,
    `[2001:db8::1]:443`, as Azure's front door and some load balancers write them)."""
    text = text.strip()
    if text.startswith("["):
        text, _, port = text[1:].partition("]")
        if port and not (port.startswith(":") and port[1:].isdigit()):
            return None
    elif text.count(":") == 1:
        text, _, port = text.partition(":")
        if not port.isdigit():
            return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_trusted(address: IPAddress | None, networks: tuple[IPNetwork, ...]) -> bool:
    return address is not None and any(address in network for network in networks)
