"""Secrets never reach an artefact.

Header values of authentication headers, cookies, and query parameters named
like keys, tokens, signatures or secrets become ``***`` in every report and
log line. A ``Redactor`` also remembers the secret values it has seen and
scrubs them, in their common encodings, from any other text (bodies, curl
commands, messages), because servers echo.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Iterable
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from .finding import Finding

MASK = "***"
MIN_SECRET = 4  # shorter values are not scrubbed: they would mangle ordinary text
MIN_TAIL = 4  # the shortest beginning of a secret masked at the end of a cut text
RECENT = 256  # per-request secrets (signatures) remembered at once
_SCHEME = re.compile(r"(?i:bearer|basic|digest|negotiate|[A-Z0-9]+-HMAC-[A-Z0-9-]+)")
_SIGNED = re.compile(r"^[A-Z0-9-]+-HMAC-[A-Z0-9]+\s+Access=([^,\s]+),.*Signature=([0-9a-fA-F]{16,})\s*$")

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
    """Masks secret headers and query parameters, and scrubs known secret values everywhere.

    A value is scrubbed in its common encodings too (URL-encoded, base64,
    JSON-escaped), because a server that echoes a token rarely echoes it
    verbatim; and a text cut at a size cap loses the part of a secret that
    the cut left behind. ``finding()`` is the one place a finding is scrubbed
    before it becomes an artefact (``report/check.Report`` calls it).
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        self._recent: OrderedDict[str, None] = OrderedDict()  # per-request secrets (signatures), bounded
        self._pattern: re.Pattern[str] | None = None
        for s in secrets:
            self.remember(s)

    def remember(self, value: str, *, recent: bool = False) -> None:
        """Scrub ``value`` from now on; ``recent``: a per-request value (a signature), kept among the last few."""
        value = value.strip()
        if len(value) < MIN_SECRET:  # scrubbing tiny strings would mangle ordinary text
            return
        signed = _SIGNED.match(value)
        if signed is not None:  # SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…
            self.remember(signed.group(1))
            self.remember(signed.group(2), recent=True)
            recent = True  # the whole header differs per request: kept among the recent, never piled up
        if recent:
            if value not in self._recent and value not in self._values:
                self._recent[value] = None
                if len(self._recent) > RECENT:
                    self._recent.popitem(last=False)
                self._pattern = None
            return
        if value.lower().startswith(("bearer ", "basic ")):
            scheme, _, rest = value.partition(" ")
            self.remember(rest)
            if scheme.lower() == "basic":
                try:
                    decoded = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
                except (binascii.Error, ValueError):
                    decoded = ""
                user, sep, password = decoded.partition(":")
                if sep:
                    self.remember(password)
        if value in self._values:
            return
        self._values.add(value)
        self._pattern = None

    @property
    def values(self) -> frozenset[str]:
        return frozenset(self._values) | frozenset(self._recent)

    def _variants(self) -> set[str]:
        out: set[str] = set()
        for value in self.values:
            raw = value.encode("utf-8")
            out |= {value, quote(value, safe=""), quote_plus(value), quote(value),
                    json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1],
                    base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode(),
                    base64.b64encode(raw).decode().rstrip("="), base64.urlsafe_b64encode(raw).decode().rstrip("="),
                    raw.hex()}
        return {v for v in out if len(v) >= MIN_SECRET}

    @property
    def pattern(self) -> re.Pattern[str] | None:
        if self._pattern is None and (self._values or self._recent):
            variants = sorted(self._variants(), key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(v) for v in variants))
        return self._pattern

    def scrub(self, text: str, *, cut: bool = False) -> str:
        """``text`` with every known secret, in any of its encodings, replaced by ``***``.

        ``cut=True``: the text was cut at a size cap, so a secret's beginning
        left at its very end is masked too.
        """
        if not text or self.pattern is None:
            return text
        pattern = self.pattern
        if pattern is None:
            return text
        text = pattern.sub(MASK, text)
        if cut:
            text = self._cut_tail(text)
        return text

    def _cut_tail(self, text: str) -> str:
        for value in sorted(self._variants(), key=len, reverse=True):
            for size in range(min(len(value) - 1, len(text)), MIN_TAIL - 1, -1):
                if text.endswith(value[:size]):
                    return text[:-size] + MASK
        return text

    def header_value(self, name: str, value: str) -> str:
        if is_secret_header(name):
            self.remember(value)
            scheme, sep, _ = value.partition(" ")
            if sep and _SCHEME.fullmatch(scheme):  # Bearer ***, SDK-HMAC-SHA256 ***: the scheme is no secret
                return f"{scheme} {MASK}"
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
            if parts.password:
                self.remember(parts.password)
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

    # -- the boundary: everything that becomes an artefact ---------------------------
    def data(self, value: Any) -> Any:
        """Any JSON-like value with every string scrubbed (summaries, extras, evidence)."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {self.scrub(k) if isinstance(k, str) else k: self.data(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.data(v) for v in value)
        return value

    def finding(self, f: "Finding") -> "Finding":
        """The finding as it may be written anywhere: no known secret in any of its strings."""
        if self.pattern is None:
            return f
        from .finding import Evidence

        evidence = f.evidence
        if evidence is not None:
            evidence = Evidence(self.data(dict(evidence.request)) if evidence.request is not None else None,
                                self.data(dict(evidence.response)) if evidence.response is not None else None,
                                self.scrub(evidence.curl) if evidence.curl else evidence.curl)
        return f.with_(message=self.scrub(f.message), suggestion=self.scrub(f.suggestion) if f.suggestion else
                       f.suggestion, location=self.scrub(f.location), operation=self.scrub(f.operation),
                       extra=self.data(dict(f.extra)), evidence=evidence)
