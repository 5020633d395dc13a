"""Secrets never reach an artefact.

Header values of authentication headers, cookies, and query parameters named
like keys, tokens, signatures or secrets become ``***`` in every report and
log line. A ``Redactor`` also remembers the secret values it has seen and
scrubs them from any other text (bodies, curl commands), because servers echo.
"""

from __future__ import annotations

from typing import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"

SECRET_HEADERS = frozenset({
    "authorization", "proxy-authorization", "x-auth-token", "x-subject-token", "app_key", "app-key", "x-app-key",
    "cookie", "set-cookie", "x-api-key", "api-key", "x-access-token", "x-amz-security-token",
})
_SECRET_WORDS = frozenset({"sign", "signature", "token", "secret", "password", "passwd", "pwd", "credential",
                           "credentials", "session", "sessionid", "auth", "authorization"})
_SECRET_PAIRS = ("accesskey", "apikey", "appkey", "secretkey", "privatekey", "clientsecret")


def _secret_name(name: str) -> bool:
    """By words, so accessKey, access_key and X-Auth-Token match but 'designation' does not."""
    from .suggest import words

    parts = words(name)
    joined = "".join(parts)
    return bool(_SECRET_WORDS.intersection(parts)) or any(pair in joined for pair in _SECRET_PAIRS)


def is_secret_header(name: str) -> bool:
    return name.lower() in SECRET_HEADERS or _secret_name(name)


def is_secret_param(name: str) -> bool:
    return _secret_name(name)


class Redactor:
    """Masks secret headers and query parameters, and scrubs known secret values."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        for s in secrets:
            self.remember(s)

    def remember(self, value: str) -> None:
        value = value.strip()
        if len(value) >= 4:  # scrubbing tiny strings would mangle ordinary text
            self._values.add(value)
            if value.lower().startswith(("bearer ", "basic ")):
                self.remember(value.split(" ", 1)[1])

    @property
    def values(self) -> frozenset[str]:
        return frozenset(self._values)

    def scrub(self, text: str) -> str:
        for value in sorted(self._values, key=len, reverse=True):
            if value in text:
                text = text.replace(value, MASK)
        return text

    def header_value(self, name: str, value: str) -> str:
        if is_secret_header(name):
            self.remember(value)
            if value.lower().startswith(("bearer ", "basic ")):
                return value.split(" ", 1)[0] + " " + MASK
            return MASK
        return self.scrub(value)

    def headers(self, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(k, self.header_value(k, v)) for k, v in headers]

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.query:
            pairs = parse_qsl(parts.query, keep_blank_values=True)
            masked = []
            for k, v in pairs:
                if is_secret_param(k):
                    self.remember(v)
                    masked.append((k, MASK))
                else:
                    masked.append((k, v))
            query = urlencode(masked, safe="*{}:/,")
            url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
        if parts.username or parts.password:
            netloc = parts.hostname or ""
            if parts.port:
                netloc += f":{parts.port}"
            url = urlunsplit((parts.scheme, f"{MASK}@{netloc}", *urlsplit(url)[2:]))
        return self.scrub(url)

    def params(self, params: dict[str, str]) -> dict[str, str]:
        out = {}
        for k, v in params.items():
            if is_secret_param(k):
                self.remember(v)
                out[k] = MASK
            else:
                out[k] = v
        return out
