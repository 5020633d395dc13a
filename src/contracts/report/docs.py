"""The rendered reference: one self-contained HTML page for people who read the specs.

Inline CSS, no scripts, no CDN: it opens from disk and prints cleanly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, Iterator

from ..core.audit import AuditResult
from ..core.finding import Finding
from ..core.spec import MediaType, Operation, Parameter, Spec
from .files import ensure_dir, write_text
from .html import CSS, badge

_CONSTRAINT_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
                    "pattern", "minItems", "maxItems", "uniqueItems", "multipleOf", "format")


@dataclass(frozen=True)
class Row:
    name: str
    location: str
    type: str
    mandatory: bool
    constraints: str
    default: str
    description: str
    notes: tuple[str, ...] = ()


def _h(value: Any) -> str:
    return escape("" if value is None else str(value))


def type_name(spec: Spec, schema: Any) -> str:
    node = spec.resolver.deref(schema) if isinstance(schema, dict) else {}
    if not isinstance(node, dict):
        return "any"
    t = node.get("type")
    if t == "array":
        return f"array of {type_name(spec, node.get('items', {}))}"
    if isinstance(t, list):
        text = " | ".join(t)
    else:
        text = t or ("object" if "properties" in node else "any")
    if node.get("nullable"):
        text += " | null"
    return text


def constraints(node: dict[str, Any]) -> str:
    parts = []
    for key in _CONSTRAINT_KEYS:
        if key in node and not isinstance(node[key], bool):
            parts.append(f"{key}: {node[key]}")
        elif node.get(key) is True:
            parts.append(key)
    if "enum" in node:
        parts.append("one of: " + ", ".join(json.dumps(v, ensure_ascii=False) for v in node["enum"]))
    return "; ".join(parts)


def _notes(node: dict[str, Any]) -> tuple[str, ...]:
    out = []
    if "x-docs-gap" in node:
        out.append(f"Docs gap: {node['x-docs-gap']}")
    mark = node.get("x-undocumented")
    if mark:
        reason = mark.get("reason") if isinstance(mark, dict) else mark
        out.append(f"Undocumented, modelled from the samples: {reason}")
    return tuple(" ".join(str(n).split()) for n in out)


def schema_rows(spec: Spec, schema: Any, prefix: str = "", location: str = "body",
                stack: tuple[int, ...] = ()) -> Iterator[Row]:
    """Flatten a schema into one row per field, dotted names, arrays as ``name[]``."""
    node = spec.resolver.deref(schema) if isinstance(schema, dict) else {}
    if not isinstance(node, dict) or id(node) in stack:
        return
    stack = stack + (id(node),)
    if node.get("type") == "array" and not prefix:
        yield from schema_rows(spec, node.get("items", {}), "[]", location, stack)
        return
    required = set(node.get("required", []))
    for name, prop in (node.get("properties") or {}).items():
        child = spec.resolver.deref(prop)
        full = f"{prefix}.{name}" if prefix and not prefix.endswith("[]") else f"{prefix}{'.' if prefix else ''}{name}"
        yield Row(full, location, type_name(spec, child), name in required, constraints(child),
                  json.dumps(child["default"]) if "default" in child else "", str(child.get("description", "")),
                  _notes(child))
        if child.get("type") == "array":
            yield from schema_rows(spec, child.get("items", {}), full + "[]", location, stack)
        elif "properties" in child:
            yield from schema_rows(spec, child, full, location, stack)


def param_row(p: Parameter) -> Row:
    s = p.schema
    return Row(p.name, p.location, s.get("type", "any") if isinstance(s, dict) else "any", p.required,
               constraints(s), json.dumps(s["default"]) if "default" in s else "", p.description,
               _notes({**s, **p.extensions}))


def _table(rows: list[Row]) -> str:
    if not rows:
        return "<p class='muted'>None.</p>"
    body = []
    for r in rows:
        notes = "".join(f"<div class='note'>{_h(n)}</div>" for n in r.notes)
        body.append(
            f"<tr><td><code>{_h(r.name)}</code></td><td>{_h(r.location)}</td><td>{_h(r.type)}</td>"
            f"<td>{'yes' if r.mandatory else 'no'}</td><td>{_h(r.constraints)}</td><td>{_h(r.default)}</td>"
            f"<td>{_h(r.description)}{notes}</td></tr>")
    return ("<table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Mandatory</th><th>Constraints</th>"
            "<th>Default</th><th>Description</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>")


def _sample_text(spec: Spec, mt: MediaType, index: int) -> str:
    ex = mt.examples[index]
    if ex.external is not None:
        raw = spec.read_external(ex.external, ex.pointer).decode("utf-8", errors="replace")
        return raw.rstrip("\n")
    text = spec.source.snippet(ex.pointer + ("" if ex.name == "example" else "/value"))
    return text if text is not None else json.dumps(ex.value, ensure_ascii=False, indent=2)


def _findings(findings: list[Finding]) -> str:
    if not findings:
        return "<p class='ok'>The audit finds no contradiction between this endpoint's samples and its tables.</p>"
    rows = "".join(
        f"<tr class='{f.severity.value}'><td>{badge(f.severity.value)}</td><td><code>{_h(f.kind)}</code></td>"
        f"<td><code>{_h(f.sample)}</code></td><td><code>{_h(f.location or '/')}</code></td>"
        f"<td>{_h(f.message)}{'<div class=note>' + _h(f.suggestion) + '</div>' if f.suggestion else ''}</td></tr>"
        for f in findings)
    return ("<table><thead><tr><th>Severity</th><th>Kind</th><th>Sample</th><th>Location</th><th>Message</th>"
            "</tr></thead><tbody>" + rows + "</tbody></table>")


def _scheme_label(spec: Spec, scheme: Any) -> str:
    """One security scheme as the reference shows it: its name, where the credential goes, and its description."""
    raw = ((spec.data.get("components") or {}).get("securitySchemes") or {}).get(scheme.name) or {}
    where = f"{scheme.location or 'header'} <code>{_h(scheme.param or scheme.name)}</code>"
    kind = f"HTTP {_h(scheme.scheme)}" if scheme.type == "http" else _h(scheme.type)
    text = raw.get("description") if isinstance(raw, dict) else None
    return (f"<code>{_h(scheme.name)}</code> ({kind}, {where})"
            + (f": <span class='scheme'>{_h(str(text))}</span>" if text else ""))


def _operation(spec: Spec, op: Operation, findings: list[Finding]) -> str:
    server = spec.servers[0] if spec.servers else ""
    anchor = f"op-{op.operation_id}"
    out = [f"<section class='op' id='{_h(anchor)}'>",
           f"<h3><span class='method {op.method}'>{op.method.upper()}</span> <code>{_h(op.path)}</code></h3>",
           f"<p class='opid'>operationId <code>{_h(op.operation_id)}</code> · {_h(op.summary)}</p>",
           f"<p class='url'>URL: <code>{_h(server + op.path)}</code>"
           + (" · selected by " + ", ".join(f"<code>{_h(k)}={_h(v)}</code>" for k, v in op.discriminators.items())
              if op.discriminators else "") + "</p>",
           f"<p>{_h(op.description)}</p>"]
    alternatives = [alt for alt in op.security_schemes if alt]
    if alternatives:
        items = [" + ".join(_scheme_label(spec, s) for s in alt) for alt in alternatives]
        lead = "Authentication: " if len(items) == 1 else f"Authentication, any one of {len(items)} alternatives: "
        out.append("<p>" + lead + " <b>or</b> ".join(items) + "</p>")
    rows = [param_row(p) for p in op.parameters]
    for alternative in alternatives:
        for s in alternative:
            constraints = "Bearer token" if s.scheme == "bearer" else (
                f"{s.scheme} signature, with X-Sdk-Date" if s.signer == "huawei-aksk" else "")
            alone = len(alternatives) == 1
            rows.append(Row(s.param or s.name, s.location or "", "string", alone, constraints, "",
                            f"Security scheme {s.name}." + ("" if alone else " Mandatory unless another "
                                                            "alternative is used."), ()))
    if op.request_body is not None:
        for media, mt in op.request_body.content.items():
            if mt.schema is not None:
                rows.extend(schema_rows(spec, mt.schema))
    out += ["<h4>Request parameters and fields</h4>", _table(rows)]
    for status, response in op.responses.items():
        out.append(f"<h4>Response {_h(status)}</h4><p>{_h(response.description)}</p>")
        if response.envelope is not None:
            out.append(f"<p class='note'>Error envelope rule: when {_h(response.envelope.describe())}, the body is "
                       "an error and follows the error schema below, not the success schema.</p>")
        for media, mt in response.content.items():
            if mt.schema is not None:
                shape = response.envelope.success(mt.schema) if response.envelope is not None else mt.schema
                out.append(f"<p class='muted'>{_h(media)}</p>")
                out.append(_table(list(schema_rows(spec, shape))))
            if response.envelope is not None:
                out.append("<p class='muted'>Error envelope fields</p>")
                out.append(_table(list(schema_rows(spec, response.envelope.schema))))
    samples = []
    for sample in op.request_samples:
        text = f"{sample.method} {sample.url}" + "".join(f"\n{k}: {v}" for k, v in sample.headers.items())
        samples.append((f"Request sample {sample.name}", sample.summary, text))
    if op.request_body is not None:
        for mt in op.request_body.content.values():
            for i, ex in enumerate(mt.examples):
                samples.append((f"Request body {ex.name}", ex.summary, _sample_text(spec, mt, i)))
    for status, response in op.responses.items():
        for mt in response.content.values():
            for i, ex in enumerate(mt.examples):
                label = f"Response {status} {ex.name}" + (" (constructed)" if ex.constructed else "")
                samples.append((label, ex.summary, _sample_text(spec, mt, i)))
    out.append("<h4>Samples</h4>")
    for title, summary, text in samples:
        out.append(f"<figure><figcaption>{_h(title)}{' · ' + _h(summary) if summary else ''}</figcaption>"
                   f"<pre>{_h(text)}</pre></figure>")
    out += ["<h4>Audit findings</h4>", _findings(findings), "</section>"]
    return "\n".join(out)


def render(specs: list[Spec], audit: AuditResult) -> str:
    by_op: dict[tuple[str, str], list[Finding]] = {}
    for f in audit.findings:
        by_op.setdefault((f.spec or "", f.operation), []).append(f)
    toc, body = [], []
    for spec in specs:
        sid = "spec-" + Path(spec.name).stem
        toc.append(f"<li><a href='#{_h(sid)}'>{_h(spec.title)}</a><ul>" + "".join(
            f"<li><a href='#op-{_h(op.operation_id)}'><code>{op.method.upper()}</code> {_h(op.summary)}</a></li>"
            for op in spec.operations) + "</ul></li>")
        desc = _h(spec.data.get("info", {}).get("description", "")).replace("\n\n", "</p><p>")
        body.append(f"<section class='spec' id='{_h(sid)}'><h2>{_h(spec.title)}</h2>"
                    f"<p class='muted'>{_h(spec.name)} · version {_h(spec.version)}</p><p>{desc}</p>")
        for op in spec.operations:
            body.append(_operation(spec, op, by_op.get((spec.name, op.operation_id), [])))
        body.append("</section>")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<title>contracts: API reference</title><style>" + CSS + "</style></head><body>"
            "<header><h1>API reference</h1><p>Rendered from the hand-written specs by <code>contracts docs</code>. "
            "Each endpoint lists every parameter and field, the docs' samples verbatim, and where the samples "
            "contradict the tables.</p><nav><ul>" + "".join(toc) + "</ul></nav></header><main>"
            + "\n".join(body) + "</main></body></html>\n")


def write(specs: list[Spec], audit: AuditResult, directory: str | Path) -> Path:
    d = ensure_dir(directory)
    return write_text(d / "index.html", render(specs, audit))
