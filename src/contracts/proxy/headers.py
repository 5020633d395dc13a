"""Which header fields cross the proxy, per RFC 9110.

Hop-by-hop fields (section 7.6.1: ``Connection`` and every field it names,
``Keep-Alive``, ``Proxy-Connection``, ``TE``, ``Transfer-Encoding``,
``Upgrade``; and the proxy's own ``Proxy-Authorization``) describe one
connection and are never forwarded, in either direction; each side frames
its own messages. Everything else passes unchanged.

Host: the target gets its own host name (what virtual hosting and TLS need),
and the client's Host travels in ``X-Forwarded-Host``, with
``X-Forwarded-For`` (the client's address appended to any chain it brought),
``X-Forwarded-Proto``, and a ``Via`` entry, which section 7.6.3 asks of a
gateway on inbound requests. Answers pass back untouched but for framing.
"""

from __future__ import annotations

from typing import Iterable

RawHeaders = list[tuple[bytes, bytes]]

HOP_BY_HOP = frozenset({b"connection", b"keep-alive", b"proxy-connection", b"te", b"transfer-encoding",
                        b"upgrade", b"trailer", b"proxy-authorization", b"proxy-authenticate"})
VIA = b"1.1 contracts-proxy"


def _connection_names(headers: Iterable[tuple[bytes, bytes]]) -> set[bytes]:
    """The field names a Connection header lists: hop-by-hop too (RFC 9110, 7.6.1)."""
    names: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            names.update(token.strip().lower() for token in value.split(b",") if token.strip())
    return names


def end_to_end(headers: Iterable[tuple[bytes, bytes]]) -> RawHeaders:
    """The fields that cross a hop, in their order, names and values unchanged."""
    items = list(headers)
    dropped = HOP_BY_HOP | _connection_names(items)
    return [(k, v) for k, v in items if k.lower() not in dropped]


def upstream(headers: Iterable[tuple[bytes, bytes]], client: str | None, scheme: str) -> RawHeaders:
    """The client's request fields as the target receives them (httpx adds Host from the target URL)."""
    out: RawHeaders = []
    host = b""
    forwarded_for = b""
    via = b""
    for name, value in end_to_end(headers):
        lowered = name.lower()
        if lowered == b"host":
            host = value
        elif lowered == b"x-forwarded-for":
            forwarded_for = value if not forwarded_for else forwarded_for + b", " + value
        elif lowered == b"via":
            via = value if not via else via + b", " + value
        elif lowered in (b"x-forwarded-host", b"x-forwarded-proto"):
            continue  # ours replace them: this hop is the one the client made
        else:
            out.append((name, value))
    if client:
        address = client.encode("latin-1")
        out.append((b"X-Forwarded-For", forwarded_for + b", " + address if forwarded_for else address))
    elif forwarded_for:
        out.append((b"X-Forwarded-For", forwarded_for))
    if host:
        out.append((b"X-Forwarded-Host", host))
    out.append((b"X-Forwarded-Proto", scheme.encode("latin-1")))
    out.append((b"Via", via + b", " + VIA if via else VIA))
    return out


__all__ = ["HOP_BY_HOP", "RawHeaders", "end_to_end", "upstream"]
