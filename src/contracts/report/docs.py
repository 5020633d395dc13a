"""The rendered reference: one self-contained HTML page for people who read the specs.

Inline CSS and a few lines of inline script (the filter box), no CDN: it
opens from disk, reads with scripts off (the table of contents is plain
links) and prints cleanly. Descriptions are CommonMark (``commonmark.py``,
raw HTML shown as text); every table scrolls inside its own box rather than
widening the page; each operation has a curl example a reader can paste, and
the audit's findings sit in the row of the field they concern.
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
from . import commonmark
from .curl_example import curl_example
from .files import ensure_dir, write_text
from .html import badge, name, page

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
    findings: tuple[Finding, ...] = ()


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


def _finding_note(f: Finding) -> str:
    return (f"<div class='audit {f.severity.value}'>{badge(f.severity.value)} <code>{_h(f.kind)}</code> "
            f"<span class='muted'>({_h(f.sample)})</span> {_h(f.message)}"
            + (f"<div class='note'>{_h(f.suggestion)}</div>" if f.suggestion else "") + "</div>")


def _table(rows: list[Row], anchor: str = "") -> str:
    """One row per field; each table scrolls inside its own box, so a wide one never widens the page."""
    if not rows:
        return "<p class='muted'>None.</p>"
    body = []
    for r in rows:
        notes = "".join(f"<div class='note'>{commonmark.inline(n)}</div>" for n in r.notes)
        found = "".join(_finding_note(f) for f in r.findings)
        row_id = f" id='{_h(anchor + '-' + r.location + '-' + r.name)}'" if anchor and r.findings else ""
        cls = f" class='has-finding {max(r.findings, key=_rank).severity.value}'" if r.findings else ""
        body.append(
            f"<tr{row_id}{cls}><td><code>{name(r.name)}</code></td><td>{_h(r.location)}</td><td>{_h(r.type)}</td>"
            f"<td>{'yes' if r.mandatory else 'no'}</td><td class='constraints'>{_h(r.constraints)}</td>"
            f"<td>{_h(r.default)}</td><td class='desc'>{commonmark.block(r.description)}{notes}{found}</td></tr>")
    return ("<div class='table-wrap'><table class='fields'><thead><tr><th>Name</th><th>In</th><th>Type</th>"
            "<th>Mandatory</th><th>Constraints</th><th>Default</th><th>Description</th></tr></thead><tbody>"
            + "".join(body) + "</tbody></table></div>")


def _rank(f: Finding) -> int:
    return {"error": 2, "warning": 1}.get(f.severity.value, 0)


def row_name(pointer: str) -> str:
    """The row a body pointer concerns: ``/batchtasks/0/task_progress`` -> ``batchtasks[].task_progress``."""
    out = ""
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        out += "[]" if part.isdigit() else ("." if out else "") + part
    return out


def _parents(field: str) -> Iterator[str]:
    """The field, then each enclosing one (a field the tables lack sits with its nearest documented parent)."""
    while field:
        yield field
        if field.endswith("[]"):
            field = field[:-2]
            continue
        field = field.rpartition(".")[0] if "." in field else ""


def _place(findings: list[Finding], rows: list[Row], table: str) -> tuple[list[Row], list[Finding]]:
    """Attach each finding of ``table`` (request, or response/<status>) to its row; the rest stay apart."""
    by_key = {(r.location, r.name): i for i, r in enumerate(rows)}
    attached: dict[int, list[Finding]] = {}
    rest = []
    for f in findings:
        sample = f.sample or ""
        mine = sample.startswith("request") if table == "request" else sample.startswith(table + "/")
        if not mine:
            continue
        location = f.location or ""
        head, _, tail = location[1:].partition("/")
        key = (head, tail) if head in ("query", "path", "header", "cookie") else ("body", row_name(location))
        index = next((by_key[(key[0], n)] for n in _parents(key[1]) if (key[0], n) in by_key), None)
        if index is None:
            rest.append(f)
        else:
            attached.setdefault(index, []).append(f)
    return [Row(**{**r.__dict__, "findings": tuple(attached.get(i, ()))}) for i, r in enumerate(rows)], rest


def _sample_text(spec: Spec, mt: MediaType, index: int) -> str:
    ex = mt.examples[index]
    if ex.external is not None:
        raw = spec.read_external(ex.external, ex.pointer).decode("utf-8", errors="replace")
        return raw.rstrip("\n")
    text = spec.source.snippet(ex.pointer + ("" if ex.name == "example" else "/value"))
    return text if text is not None else json.dumps(ex.value, ensure_ascii=False, indent=2)


def _findings(findings: list[Finding], placed: dict[int, str]) -> str:
    """Every audit finding of the operation; those that concern a field link to its row, where they also show."""
    if not findings:
        return "<p class='ok'>The audit finds no contradiction between this endpoint's samples and its tables.</p>"
    rows = []
    for f in findings:
        row = placed.get(id(f))
        where = (f"<a href='#{_h(row)}'>{name(f.location or '/', 'name ptr')}</a>" if row
                 else name(f.location or "/", "name ptr"))
        rows.append(f"<tr class='{f.severity.value}'><td>{badge(f.severity.value)}</td><td><code>{_h(f.kind)}</code>"
                    f"</td><td><code>{name(f.sample or '')}</code></td><td><code>{where}</code></td>"
                    f"<td>{_h(f.message)}{'<div class=note>' + _h(f.suggestion) + '</div>' if f.suggestion else ''}"
                    "</td></tr>")
    return ("<div class='table-wrap'><table class='findings'><thead><tr><th>Severity</th><th>Kind</th><th>Sample</th>"
            "<th>Location</th><th>Message</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")


def _scheme_label(spec: Spec, scheme: Any) -> str:
    """One security scheme as the reference shows it: its name, where the credential goes, and its description."""
    raw = ((spec.data.get("components") or {}).get("securitySchemes") or {}).get(scheme.name) or {}
    where = f"{scheme.location or 'header'} <code>{_h(scheme.param or scheme.name)}</code>"
    kind = f"HTTP {_h(scheme.scheme)}" if scheme.type == "http" else _h(scheme.type)
    text = raw.get("description") if isinstance(raw, dict) else None
    return (f"<code>{_h(scheme.name)}</code> ({kind}, {where})"
            + (f": <span class='scheme'>{commonmark.inline(str(text))}</span>" if text else ""))


def _curl(op: Operation) -> str:
    example = curl_example(op)
    note = ""
    if example.signed_by:
        note = (f"<p class='note'>The {_h(example.signed_by)} alternative signs each request (a signature over "
                "method, path, query, headers and body); curl cannot compute it, so the example uses another "
                "alternative or none: sign it with the vendor's SDK or <code>contracts check --auth</code>.</p>")
    return ("<figure class='curl'><figcaption>Try it: a request these tables call valid (fill in the variables)"
            f"</figcaption><pre><code>{_h(example.text)}</code></pre>{note}</figure>")


def _operation(spec: Spec, op: Operation, findings: list[Finding]) -> str:
    server = spec.servers[0] if spec.servers else ""
    anchor = f"op-{op.operation_id}"
    placed: dict[int, str] = {}

    def table(rows: list[Row], key: str) -> str:
        rows, _ = _place(findings, rows, key)
        for r in rows:
            for f in r.findings:
                placed[id(f)] = f"{anchor}-{key}-{r.location}-{r.name}"
        return _table(rows, f"{anchor}-{key}")

    out = [f"<section class='op' id='{_h(anchor)}'>",
           f"<h3><span class='method {op.method}'>{op.method.upper()}</span> <code>{name(op.path)}</code></h3>",
           f"<p class='opid'>operationId <code>{name(op.operation_id)}</code> · {_h(op.summary)}</p>",
           f"<p class='url'>URL: <code>{name(server + op.path)}</code>"
           + (" · selected by " + ", ".join(f"<code>{_h(k)}={_h(v)}</code>" for k, v in op.discriminators.items())
              if op.discriminators else "") + "</p>",
           f"<div class='description'>{commonmark.block(op.description)}</div>"]
    alternatives = [alt for alt in op.security_schemes if alt]
    if alternatives:
        items = [" + ".join(_scheme_label(spec, s) for s in alt) for alt in alternatives]
        lead = "Authentication: " if len(items) == 1 else f"Authentication, any one of {len(items)} alternatives: "
        out.append("<p>" + lead + " <b>or</b> ".join(items) + "</p>")
    out.append(_curl(op))
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
    out += ["<h4>Request parameters and fields</h4>", table(rows, "request")]
    for status, response in op.responses.items():
        out.append(f"<h4>Response {_h(status)}</h4>{commonmark.block(response.description)}")
        if response.envelope is not None:
            out.append(f"<p class='note'>Error envelope rule: when {_h(response.envelope.describe())}, the body is "
                       "an error and follows the error schema below, not the success schema.</p>")
        for media, mt in response.content.items():
            if mt.schema is not None:
                shape = response.envelope.success(mt.schema) if response.envelope is not None else mt.schema
                out.append(f"<p class='muted'>{_h(media)}</p>")
                out.append(table(list(schema_rows(spec, shape)), f"response/{status}"))
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
    out += ["<h4>Audit findings</h4>", _findings(findings, placed), "</section>"]
    return "\n".join(out)


CSS = """
.layout{display:grid;grid-template-columns:minmax(0,1fr);gap:1rem}
nav.toc{font-size:14px}nav.toc a{text-decoration:none}nav.toc a:hover{text-decoration:underline}nav.toc ul{list-style:none;padding-left:0;margin:.2rem 0}nav.toc ul ul{padding-left:1rem}
nav.toc li{margin:.15rem 0}nav.toc .method{min-width:3.2em;font-size:11px}
nav.toc .count{color:var(--muted);font-size:12px;margin-left:.3rem}
section.op{border-top:1px solid var(--line);margin-top:1.5rem}section.op h3{overflow-wrap:anywhere}
table.fields td.constraints{min-width:8rem;overflow-wrap:anywhere}table.fields td.desc{min-width:14rem}
table.fields td:first-child{min-width:9rem}
tr.has-finding.error>td:first-child{box-shadow:inset 4px 0 0 var(--err)}
tr.has-finding.warning>td:first-child{box-shadow:inset 4px 0 0 var(--warn)}
tr.has-finding.info>td:first-child{box-shadow:inset 4px 0 0 var(--info)}
tr:target{background:var(--hit)}
.audit{margin:.35rem 0 0;padding:.25rem .4rem;border-radius:4px;background:#fff8c5;font-size:13px}
.audit.info{background:#ddf4ff}.audit.error{background:#ffebe9}
figure.curl pre{max-height:22rem}
.description p{margin:.4rem 0}
#nomatch{color:var(--muted)}
@media (min-width:1100px){body{max-width:1400px}.layout{grid-template-columns:15rem minmax(0,1fr)}
nav.toc{position:sticky;top:.5rem;align-self:start;max-height:calc(100vh - 1rem);overflow:auto}}
@media print{nav.toc{display:none}.layout{display:block}section.op{break-before:page}}
"""

# The filter box: shows only the operations whose id, summary, path or method contain every typed word.
SCRIPT = """(()=>{const d=document,box=d.getElementById('filter');if(!box)return;
const ops=[...d.querySelectorAll('section.op')],links=[...d.querySelectorAll('nav.toc li[data-op]')];
const out=d.getElementById('filter-count'),none=d.getElementById('nomatch');
const apply=()=>{const words=box.value.toLowerCase().split(/\\s+/).filter(Boolean);let n=0;
for(const s of ops){const show=words.every(w=>s.dataset.search.includes(w));s.hidden=!show;n+=show}
for(const li of links)li.hidden=d.getElementById(li.dataset.op).hidden;
for(const spec of d.querySelectorAll('section.spec'))spec.hidden=!spec.querySelector('section.op:not([hidden])');
out.value=n+' of '+ops.length+' operations';none.hidden=n>0};
box.addEventListener('input',apply);box.form.addEventListener('submit',e=>e.preventDefault());d.getElementById('filters').hidden=false;apply()})();"""


def render(specs: list[Spec], audit: AuditResult) -> str:
    by_op: dict[tuple[str, str], list[Finding]] = {}
    for f in audit.findings:
        by_op.setdefault((f.spec or "", f.operation), []).append(f)
    toc, body = [], []
    for spec in specs:
        sid = "spec-" + Path(spec.name).stem
        entries = []
        for op in spec.operations:
            count = len(by_op.get((spec.name, op.operation_id), []))
            entries.append(f"<li data-op='op-{_h(op.operation_id)}'><a href='#op-{_h(op.operation_id)}'>"
                           f"<span class='method {op.method}'>{op.method.upper()}</span> {name(op.operation_id)}</a>"
                           + (f"<span class='count' title='audit findings'>{count} finding{'s' if count != 1 else ''}"
                              "</span>" if count else "") + f"<div class='muted'>{_h(op.summary)}</div></li>")
        toc.append(f"<li><a href='#{_h(sid)}'>{_h(spec.title)}</a><ul>{''.join(entries)}</ul></li>")
        desc = commonmark.block(str(spec.data.get("info", {}).get("description", "")))
        body.append(f"<section class='spec' id='{_h(sid)}'><div class='spec-head'><h2>{_h(spec.title)}</h2>"
                    f"<p class='muted'>{_h(spec.name)} · version {_h(spec.version)}</p>"
                    f"<div class='description'>{desc}</div></div>")
        for op in spec.operations:
            section = _operation(spec, op, by_op.get((spec.name, op.operation_id), []))
            words = " ".join([op.operation_id, op.method, op.path, op.summary]).lower()
            body.append(section.replace("<section class='op' ", f"<section class='op' data-search='{_h(words)}' ", 1))
        body.append("</section>")
    filters = ("<form class='controls' id='filters' hidden role='search'>"
               "<label for='filter'>Filter operations</label><input type='search' id='filter' "
               "placeholder='id, path, method or summary' autocomplete='off'>"
               "<output id='filter-count' aria-live='polite'></output></form>")
    head = ("<header><h1>API reference</h1><p>Rendered from the hand-written specs by <code>contracts docs</code>. "
            "Each endpoint lists every parameter and field, a curl example, the docs' samples verbatim, and where "
            "the samples contradict the tables (beside the field concerned).</p>" + filters + "</header>")
    nav = "<nav class='toc' aria-label='Contents'><strong>Contents</strong><ul>" + "".join(toc) + "</ul></nav>"
    main = ("<main>" + "\n".join(body) + "<p id='nomatch' hidden>No operation matches the filter.</p></main>")
    return page("contracts: API reference", head + "<div class='layout'>" + nav + main + "</div>", css=CSS,
                script=SCRIPT)


def write(specs: list[Spec], audit: AuditResult, directory: str | Path) -> Path:
    d = ensure_dir(directory)
    return write_text(d / "index.html", render(specs, audit))
