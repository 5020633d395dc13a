"""Evidence as people read it: JSON re-indented, the value a finding points at highlighted.

A body kept as evidence is cut at 4 KB, so it is often not valid JSON any
more. The printer therefore works on tokens, not on a parsed document: it
re-indents whatever is there, tracks the RFC 6901 pointer of every value as
it goes, and stops cleanly where the text was cut. Nothing is ever repaired
or reordered; a body that does not start like JSON is shown as it is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import escape
from typing import Any, Iterator, Mapping

from ..core.finding import Finding
from .html import name

_CUT = re.compile(r"… \[\d+ more bytes cut\]$")
_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*"?)|([{}\[\]:,])|([^\s{}\[\]:,"]+))', re.S)
MAX_INDENT = 16  # levels; deeper values line up at this depth
# Checks whose location points into the request the checker sent, not into the answer.
REQUEST_SIDE = frozenset({"negative_data_rejection", "positive_data_acceptance", "request_conformance",
                          "documented_endpoint", "ignored_auth"})


@dataclass
class _Frame:
    kind: str  # "{" or "["
    pointer: str
    index: int = 0
    key: str | None = None
    empty: bool = True


def _escape_segment(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            rest = text[pos:].strip()
            if rest:
                yield "raw", rest
            return
        pos = m.end()
        if m.group(1) is not None:
            yield "string", m.group(1)
        elif m.group(2) is not None:
            yield "punct", m.group(2)
        else:
            yield "literal", m.group(3)


def _key(token: str) -> str:
    try:
        return str(json.loads(token))
    except ValueError:
        return token.strip('"')


def pointers(text: str) -> set[str]:
    """Every pointer a (possibly cut) JSON text holds a value at."""
    return set(_render(text, None)[1])


def pretty_json(text: str, target: str | None = None) -> tuple[str, str | None]:
    """HTML of ``text`` re-indented, the value at ``target`` (or its nearest present ancestor) marked.

    Returns the HTML and the pointer actually marked (None when nothing was).
    """
    cut = _CUT.search(text)
    core = text[:cut.start()] if cut else text
    marked = None
    if target is not None:
        seen = set(_render(core, None)[1])
        probe = target
        while probe and probe not in seen:
            probe = probe.rpartition("/")[0]
        marked = probe if probe in seen else None
        if marked == "" and target != "":
            marked = None  # the whole body is not what the finding is about
    html, _ = _render(core, marked)
    if cut:
        html += f"\n<span class='muted'>{escape(cut.group(0))}</span>"
    return html, marked


def _render(text: str, target: str | None) -> tuple[str, list[str]]:
    """One pass over the tokens: indented HTML, and the pointer of every value met (in order)."""
    out: list[str] = []
    seen: list[str] = []
    stack: list[_Frame] = []
    close_at: int | None = None  # stack depth whose closing bracket ends the mark
    key_at: int | None = None  # where in ``out`` the current member's key begins

    def newline() -> str:  # indentation stops growing at MAX_INDENT: a hostile "[[[[…" stays linear in size
        return "\n" + "  " * min(len(stack), MAX_INDENT)

    for kind, token in _tokens(text):
        top = stack[-1] if stack else None
        if kind == "raw":  # not JSON from here on: shown as it is
            out.append(escape(token))
            break
        if kind == "punct" and token in "}]":
            frame = stack.pop() if stack else None
            if frame is not None and not frame.empty:
                out.append(newline())
            out.append(token)
            if close_at is not None and len(stack) == close_at:
                out.append("</mark>")
                close_at = None
            continue
        if kind == "punct" and token == ",":
            out.append(",")
            if top is not None:
                if top.kind == "[":
                    top.index += 1
                else:
                    top.key, key_at = None, None
            continue
        if kind == "punct" and token == ":":
            out.append(": ")
            continue
        if top is not None and top.kind == "{" and top.key is None and kind == "string":
            top.empty = False
            out.append(newline())
            key_at = len(out)
            top.key = _key(token)
            out.append(f"<span class='k'>{escape(token)}</span>")
            continue
        # a value begins: a scalar, or an object or array opening
        if top is None:
            ptr, start = "", len(out)
        elif top.kind == "[":
            top.empty = False
            out.append(newline())
            ptr, start = f"{top.pointer}/{top.index}", len(out)
        else:
            top.empty = False
            ptr = f"{top.pointer}/{_escape_segment(top.key or '')}"
            start = key_at if key_at is not None else len(out)
        seen.append(ptr)
        hit = target is not None and ptr == target and close_at is None
        if hit:
            out.insert(start, "<mark class='hit'>")
        if kind == "punct":
            out.append(token)
            stack.append(_Frame(token, ptr))
            if hit:
                close_at = len(stack) - 1
        else:
            out.append(f"<span class='v'>{escape(token)}</span>")
            if hit:
                out.append("</mark>")
    if close_at is not None:  # cut inside the marked value
        out.append("</mark>")
    return "".join(out), seen


def looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def body_html(body: str | None, target: str | None) -> tuple[str, str | None]:
    """A body for a <pre>: pretty JSON when it is JSON (whole or cut), else the text as it came."""
    if not body:
        return "", None
    if looks_like_json(body):
        return pretty_json(body, target)
    return escape(body), None


@dataclass(frozen=True)
class Target:
    """Where a finding points, split by the part of the exchange it is in."""

    side: str  # request | response
    part: str  # status | header | query | path | body | ""
    rest: str  # the header/parameter name, or the pointer inside the body


def target_of(f: Finding) -> Target:
    location = f.location or ""
    side = "request" if (f.check or "") in REQUEST_SIDE else "response"
    if location in ("", "/"):
        return Target(side, "", "")
    head, _, rest = location[1:].partition("/")
    if head in ("query", "path", "header", "cookie"):
        if head in ("query", "path", "cookie"):
            side = "request"
        return Target(side, head, rest.replace("~1", "/").replace("~0", "~"))
    if head == "status":
        return Target("response", "status", "")
    if head == "body":
        return Target(side, "body", "/" + rest if rest else "")
    return Target(side, "body", location)


def _headers(headers: Mapping[str, Any] | None, wanted: str | None) -> str:
    lines = []
    for k, v in (headers or {}).items():
        line = f"<span class='k'>{escape(str(k))}</span>: {escape(str(v))}"
        if wanted and str(k).lower() == wanted.lower():
            line = f"<mark class='hit'>{line}</mark>"
        lines.append(line)
    return "\n".join(lines)


def _url(url: str, query: str | None) -> str:
    if not query:
        return escape(url)
    pattern = re.compile(r"([?&])(" + re.escape(query) + r"(?:=[^&#]*)?)(?=&|#|$)")
    m = pattern.search(url)
    if m is None:
        return escape(url)
    return (escape(url[:m.start(2)]) + "<mark class='hit'>" + escape(m.group(2)) + "</mark>"
            + escape(url[m.end(2):]))


def evidence_html(f: Finding) -> str:
    """Reproduce (curl), the request and the response; the part the finding is about is marked."""
    ev = f.evidence
    if ev is None:
        return ""
    where = target_of(f)
    out = ["<div class='evidence'>"]
    if ev.curl:
        out.append(f"<figure class='curl'><figcaption>Reproduce</figcaption><pre>{escape(ev.curl)}</pre></figure>")
    blocks = []
    req = ev.request
    if req is not None:
        on = where.side == "request"
        head = f"{escape(str(req.get('method', '')))} " + _url(str(req.get("url", "")),
                                                              where.rest if on and where.part == "query" else None)
        headers = _headers(req.get("headers"), where.rest if on and where.part == "header" else None)
        body, marked = body_html(req.get("body"), where.rest if on and where.part == "body" else None)
        blocks.append(_block("Request", head, headers, body, marked, where if on else None))
    resp = ev.response
    if resp is not None:
        on = where.side == "response"
        status = f"HTTP {escape(str(resp.get('status')))}"
        if where.part == "status":
            status = f"<mark class='hit'>{status}</mark>"
        headers = _headers(resp.get("headers"), where.rest if on and where.part == "header" else None)
        body, marked = body_html(resp.get("body"), where.rest if on and where.part == "body" else None)
        blocks.append(_block("Response", status, headers, body, marked, where if on else None))
    if blocks:
        out.append("<div class='exchange'>" + "".join(blocks) + "</div>")
    out.append("</div>")
    return "".join(out)


def _block(title: str, head: str, headers: str, body: str, marked: str | None, where: Target | None) -> str:
    note = ""
    if where is not None and where.part == "body" and where.rest and marked != where.rest:
        shown = f"; its nearest part present, {name(marked, 'name ptr')}, is marked" if marked else ""
        note = (f"<p class='note'>{name('/body' + where.rest, 'name ptr')} is absent from this body"
                f"{shown}.</p>")
    text = head + (("\n" + headers) if headers else "") + (("\n\n" + body) if body else "")
    return f"<figure class='{title.lower()}'><figcaption>{title}</figcaption><pre>{text}</pre>{note}</figure>"


__all__ = ["MAX_INDENT", "REQUEST_SIDE", "Target", "body_html", "evidence_html", "looks_like_json", "pointers", "pretty_json",
           "target_of"]
