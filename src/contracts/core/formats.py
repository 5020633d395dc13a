"""The string formats contracts asserts, written once for both validators.

jsonschema-rs (the fast accept decision) and python-jsonschema (the detailed
findings) each ship their own format checks, and they disagree at the edges.
Here every asserted format is one Python function, registered with both, so
they agree by construction; the converter keeps ``format`` only for the names
below (``int32``/``int64`` become bounds; ``password``, ``binary``, ``float``
and other annotations are dropped).

Each format also has one valid example, for the values the checker plans.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from datetime import date
from typing import Callable

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)
_TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2})(\.\d+)?([zZ]|[+-](\d{2}):(\d{2}))$", re.ASCII)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_EMAIL = re.compile(r"^[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_URI_CHARS = re.compile(r"^[^\s\x00-\x1f\x7f<>\"{}|\\^`]*$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$", re.ASCII)
_BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$", re.ASCII)


def is_date(value: str) -> bool:
    """RFC 3339 full-date: 2024-01-31 (a real calendar day)."""
    m = _DATE.match(value)
    if m is None:
        return False
    try:
        date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return False
    return True


def is_time(value: str) -> bool:
    """RFC 3339 full-time, offset included: 12:00:00Z, 23:59:60+01:00 (a leap second)."""
    m = _TIME.match(value)
    if m is None:
        return False
    hour, minute, second = int(m[1]), int(m[2]), int(m[3])
    if hour > 23 or minute > 59 or second > 60:
        return False
    if m[6] is not None and (int(m[6]) > 23 or int(m[7]) > 59):
        return False
    return True


def is_date_time(value: str) -> bool:
    """RFC 3339 date-time: 2024-01-31T12:00:00Z (T or t, any offset)."""
    day, sep, time = value.partition("T") if "T" in value else value.partition("t")
    return bool(sep) and is_date(day) and is_time(time)


def is_uuid(value: str) -> bool:
    return _UUID.match(value) is not None


def is_email(value: str) -> bool:
    """One @ between a non-empty local part and domain, no spaces or control characters."""
    return _EMAIL.match(value) is not None and len(value) <= 320


def is_uri(value: str) -> bool:
    """An absolute URI: a scheme, then characters a URI may hold."""
    return _SCHEME.match(value) is not None and _URI_CHARS.match(value) is not None


def is_uri_reference(value: str) -> bool:
    return _URI_CHARS.match(value) is not None


def is_ipv4(value: str) -> bool:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


def is_ipv6(value: str) -> bool:
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return "%" not in value  # no zone index in JSON Schema's ipv6


def is_hostname(value: str) -> bool:
    """RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens."""
    name = value[:-1] if value.endswith(".") else value
    return 0 < len(name) <= 253 and all(_LABEL.match(label) for label in name.split("."))


def is_byte(value: str) -> bool:
    """OpenAPI's byte: standard base64 with padding."""
    if len(value) % 4 or _BASE64.match(value) is None:
        return False
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


FORMATS: dict[str, Callable[[str], bool]] = {
    "date": is_date,
    "date-time": is_date_time,
    "time": is_time,
    "uuid": is_uuid,
    "email": is_email,
    "uri": is_uri,
    "uri-reference": is_uri_reference,
    "ipv4": is_ipv4,
    "ipv6": is_ipv6,
    "hostname": is_hostname,
    "byte": is_byte,
}

EXAMPLES: dict[str, str] = {
    "date": "2024-01-31",
    "date-time": "2024-01-31T12:00:00Z",
    "time": "12:00:00Z",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "uri": "https://example.com/contracts",
    "uri-reference": "/contracts",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "hostname": "example.com",
    "byte": "Y29udHJhY3Rz",
}

# A value every asserted format rejects (spaces, no @, no scheme, not base64, not a date).
NOT_ANY_FORMAT = "not a valid value!"

assert set(EXAMPLES) == set(FORMATS) and all(FORMATS[k](v) for k, v in EXAMPLES.items())
assert not any(check(NOT_ANY_FORMAT) for check in FORMATS.values())

__all__ = ["EXAMPLES", "FORMATS", "NOT_ANY_FORMAT"]
