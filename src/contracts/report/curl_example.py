"""A curl command per operation for the reference page: a request the spec itself calls valid.

The values come from the checker's own planner (``runner.plan.Planner``):
the docs' request sample where there is one, completed with any mandatory
parameter it lacks, the ids the docs use, and a body that validates. The
server and the credentials are shell variables set on the lines above, so
the command can be pasted as it is once they are filled in.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Any

from ..core.spec import Operation, SecurityScheme
from ..runner.cases import NO_BODY
from ..runner.plan import Planner

_UNSAFE_IN_DOUBLE_QUOTES = re.compile(r'([\\"$`!])')


@dataclass(frozen=True)
class CurlExample:
    text: str  # the shell lines: variables, then the command
    variables: dict[str, str]  # name -> the placeholder value written for it
    signed_by: str | None = None  # a scheme the command cannot carry (a request signature)


def env_name(text: str) -> str:
    """``X-Auth-Token`` -> ``X_AUTH_TOKEN``, ``BearerToken`` -> ``BEARER_TOKEN``."""
    out = re.sub(r"[^A-Za-z0-9]+", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)).strip("_").upper()
    return out if out and not out[0].isdigit() else f"V_{out}"


def base_url(op: Operation) -> tuple[str, str]:
    """(the server URL with its variables' defaults, the template as the spec writes it)."""
    servers = [s for s in op.spec.data.get("servers", []) if isinstance(s, dict)]
    if not servers:
        return "https://api.example.com", "(no server in the spec)"
    server = servers[0]
    template = str(server.get("url", ""))
    url = template
    for key, var in (server.get("variables") or {}).items():
        if isinstance(var, dict) and "default" in var:
            url = url.replace("{" + str(key) + "}", str(var["default"]))
    return url.rstrip("/"), template


def _alternative(op: Operation) -> list[SecurityScheme]:
    """The security alternative a plain curl can carry: the first one without a request signature."""
    alternatives = [alt for alt in op.security_schemes if alt]
    for alt in alternatives:
        if not any(s.signer for s in alt):
            return alt
    return alternatives[0] if alternatives else []


def _credential(s: SecurityScheme) -> tuple[str, str, str] | None:
    """(where, name, value with a $VARIABLE) for a scheme, or None when curl cannot send it by itself."""
    if s.signer:
        return None
    if s.type in ("oauth2", "openIdConnect") or (s.type == "http" and (s.scheme or "").lower() == "bearer"):
        return "header", "Authorization", "Bearer $" + env_name(s.name if "token" in s.name.lower()
                                                                 else s.name + "_token")
    if s.type == "http" and (s.scheme or "").lower() == "basic":
        return "header", "Authorization", "Basic $" + env_name(s.name + "_base64")
    if s.type == "http":
        return "header", "Authorization", f"{s.scheme} $" + env_name(s.name + "_credentials")
    if s.type == "apiKey" and s.param:
        return s.location or "header", s.param, "$" + env_name(s.param)
    return None


def _double_quoted(text: str, variables: set[str]) -> str:
    """Double quotes, with only our own ``$VARIABLE``s left to expand."""
    escaped = _UNSAFE_IN_DOUBLE_QUOTES.sub(r"\\\1", text)
    for var in sorted(variables, key=len, reverse=True):
        escaped = escaped.replace("\\$" + var, "$" + var)
    return f'"{escaped}"'


def curl_example(op: Operation) -> CurlExample:
    url, template = base_url(op)
    variables: dict[str, str] = {"BASE_URL": url}
    comments = {"BASE_URL": f"the server: {template}"}
    headers: dict[str, str] = {}
    query_creds: dict[str, str] = {}
    signed = None
    for s in _alternative(op):
        cred = _credential(s)
        if cred is None:
            signed = s.name
            continue
        where, key, value = cred
        var = value.rpartition("$")[2]
        variables[var] = "<" + ("token" if "TOKEN" in var else "value") + ">"
        comments[var] = f"{s.name} ({s.type}{', ' + s.scheme if s.scheme else ''}, {where} {key})"
        if where == "header":
            headers[key] = value
        elif where == "query":
            query_creds[key] = value
        elif where == "cookie":
            headers["Cookie"] = f"{key}={value}"
    planner = Planner(headers=headers, auth_headers=frozenset(k.lower() for k in headers))
    case = next(iter(planner.samples(op)), None) or next(iter(planner.positive(op)))
    for key, value in query_creds.items():
        case.query[key] = value
    own = {v for v in variables}
    path_query = case.url("")
    for key, value in query_creds.items():  # urlencode escaped the $ of our own variables: undo it for them
        path_query = path_query.replace(f"{key}=%24{value[1:]}", f"{key}=${value[1:]}")
    lines = [f"{k}={shlex.quote(v)}" + f"  # {comments[k]}" for k, v in variables.items()]
    cmd = [f"curl -sS -X {op.method.upper()} " + _double_quoted("$BASE_URL" + path_query, own)]
    for key, value in case.headers.items():
        text = f"{key}: {value}"
        cmd.append("-H " + (_double_quoted(text, own) if value in headers.values() else shlex.quote(text)))
    body: Any = case.body
    heredoc = None
    if body is not NO_BODY:
        media = case.content_type or "application/json"
        cmd.append("-H " + shlex.quote(f"Content-Type: {media}"))
        if "json" in media:
            cmd.append("--data-binary @- <<'JSON'")
            heredoc = json.dumps(body, ensure_ascii=False, indent=2)
        else:
            cmd.append("--data-binary @body  # the request body, " + media)
    text = "\n".join(lines) + "\n" + " \\\n  ".join(cmd) + (f"\n{heredoc}\nJSON" if heredoc is not None else "")
    return CurlExample(text, variables, signed)


__all__ = ["CurlExample", "base_url", "curl_example", "env_name"]
