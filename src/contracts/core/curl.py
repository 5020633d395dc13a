"""A copy-pasteable curl command that reproduces a (redacted) request."""

from __future__ import annotations

import shlex

from .http import Request

_SKIP = {"content-length", "host", "accept-encoding", "connection", "user-agent"}


def to_curl(request: Request) -> str:
    parts = ["curl", "-sS", "-X", request.method.upper(), shlex.quote(request.url)]
    for name, value in request.headers:
        if name.lower() not in _SKIP:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if request.body:
        text = request.body.decode("utf-8", errors="replace")
        parts += ["--data-binary", shlex.quote(text)]
    return " ".join(parts)
