"""report.html: one self-contained page, causes first, then the pass/fail matrix.

Readable as plain HTML: every cause is a ``<details>`` whose summary line
says all of it (severity, count, operation, check, kind, location, message),
so the page works with scripts off and prints as a list. A few lines of
inline script add filters (severity, operation, check), expand/collapse all,
open a cause when a link points at it, and open everything before printing.
"""

from __future__ import annotations

from html import escape
from typing import Any, Mapping, Sequence

from ..core.finding import Finding, Severity
from .causes import Headline, example
from .evidence import evidence_html
from .html import badge, count_badge, name, page

CSS = """
header .meta{margin:.2rem 0}.lead{margin:.4rem 0}.badges .badge{font-size:13px;margin-right:.2rem}
nav.jump{font-size:14px;margin:.4rem 0}nav.jump a{margin-right:.8rem}
ol.causes{list-style:none;padding:0;margin:.4rem 0}ol.causes>li{margin:0 0 .35rem}
details.finding{border:1px solid var(--line);border-left:4px solid var(--skip);border-radius:6px;background:#fff}
details.finding.error{border-left-color:var(--err)}details.finding.warning{border-left-color:var(--warn)}
details.finding.info{border-left-color:var(--info)}
details.finding>summary{padding:.35rem .6rem;line-height:1.6}details.finding[open]>summary{border-bottom:1px solid var(--line)}
details.finding>summary .msg{display:block;color:var(--fg);margin-top:.1rem}
details.finding .body{padding:.3rem .7rem .6rem}details.finding:target{box-shadow:0 0 0 3px #54aeff66}
.count{font-weight:600;color:var(--muted)}.where{color:var(--muted)}
.badge.new{background:#8250df}.badge.known{background:var(--skip)}
.evidence pre{max-height:30rem;position:relative}.exchange{display:grid;gap:.2rem .8rem;
grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr))}.exchange>figure{min-width:0;margin:.3rem 0}
pre .k{color:#0550ae}pre .v{color:#0a3069}
table.matrix{width:auto;min-width:100%}table.matrix th,table.matrix td{text-align:center;vertical-align:middle}
table.matrix thead th{font-size:11.5px;font-weight:600;min-width:4.4rem;padding:.3rem .25rem}table.matrix td{padding:.25rem .2rem}
table.matrix tbody th{text-align:left;white-space:nowrap;position:sticky;left:0;z-index:1}
table.matrix td a{text-decoration:none}table.matrix sup{font-size:11px;margin-left:.15em}
ol.why{font-size:13px;color:var(--muted);padding-left:1.6rem}ol.why li:target{background:var(--hit)}
#nomatch{color:var(--muted)}
@media print{details.finding{break-inside:avoid}details.finding>summary::-webkit-details-marker{display:none}
table.matrix tbody th{position:static}.evidence pre{max-height:none}}
"""

# Filters, expand/collapse, revealing a linked cause, everything open for printing. No network, no storage.
SCRIPT = """(()=>{const d=document,f=d.getElementById('filters');if(!f)return;
const items=[...d.querySelectorAll('ol.causes>li')],box=li=>li.querySelector('details'),out=f.querySelector('output');
const apply=()=>{const sev=new Set([...f.querySelectorAll('input[name=severity]:checked')].map(i=>i.value));
const op=f.elements.operation.value,ck=f.elements.check.value;let n=0;for(const li of items){const s=li.dataset;
const show=sev.has(s.severity)&&(!op||s.operation===op)&&(!ck||s.check===ck);li.hidden=!show;n+=show}
out.value=n+' of '+items.length+' causes shown';d.getElementById('nomatch').hidden=n>0};
const all=open=>items.forEach(li=>{if(!li.hidden)box(li).open=open});
const reveal=()=>{const t=location.hash&&d.getElementById(decodeURIComponent(location.hash.slice(1)));
if(!t||!t.matches('details.finding'))return;if(t.parentNode.hidden){f.reset();apply()}t.open=true;t.scrollIntoView()};
const focus=det=>{const m=det.querySelector('mark.hit'),pre=m&&m.closest('pre');if(pre)pre.scrollTop=m.offsetTop-40};
items.forEach(li=>box(li).addEventListener('toggle',e=>{if(e.target.open)focus(e.target)}));
f.addEventListener('change',apply);f.addEventListener('reset',()=>setTimeout(apply));
f.querySelector('[data-all=open]').onclick=()=>all(true);f.querySelector('[data-all=close]').onclick=()=>all(false);
d.addEventListener('click',e=>{const a=e.target.closest('a[data-operation]');if(!a)return;f.reset();
f.elements.operation.value=a.dataset.operation;f.elements.check.value=a.dataset.check;apply();setTimeout(reveal)});
let saved=[];addEventListener('beforeprint',()=>{saved=items.map(li=>box(li).open);items.forEach(li=>box(li).open=true)});
addEventListener('afterprint',()=>items.forEach((li,i)=>box(li).open=saved[i]));
addEventListener('hashchange',reveal);f.hidden=false;apply();reveal()})();"""

OPEN_UP_TO = 3  # causes shown open in the markup; more start closed (the summary line says it all)
_BASIS = {"stated": "the docs state it", "implied": "the docs imply it", "silent": "the docs are silent"}


def _h(value: Any) -> str:
    return escape("" if value is None else str(value))


def _summary_line(f: Finding) -> str:
    count = f" <span class='count'>×{f.count}</span>" if f.count > 1 else ""
    base = f" {badge(f.baseline, f.baseline)}" if f.baseline else ""
    check = f" <code>{name(f.check)}</code>" if f.check else ""
    return (f"{badge(f.severity.value)}{count}{base} <b>{name(f.operation)}</b>{check} <code>{_h(f.kind)}</code>"
            f" <span class='where'>at</span> <code>{name(f.location or '/', 'name ptr')}</code>"
            f"<span class='msg'>{_h(f.message)}</span>")


def _finding(n: int, f: Finding, opened: bool) -> str:
    body = []
    if f.suggestion:
        body.append(f"<p class='note'><strong>Suggestion:</strong> {_h(f.suggestion)}</p>")
    if f.basis:
        why = (f.extra or {}).get("why")
        body.append(f"<p class='note'>Severity {_h(f.severity.value)}: {_h(_BASIS.get(f.basis, f.basis))}"
                    + (f" ({_h(why)})" if why else "") + (f" · seen {f.count} times" if f.count > 1 else "")
                    + (f" · seed {_h(f.seed)}" if f.seed is not None else "") + "</p>")
    ev = evidence_html(f)
    if ev:
        body.append(ev)
    else:
        shown = example(f)
        if shown:
            body.append(f"<p>Where: <code>{_h(shown)}</code></p>")
    sev = f.severity.value
    return (f"<li data-severity='{sev}' data-operation='{_h(f.operation)}' data-check='{_h(f.check or '')}'>"
            f"<details class='finding {sev}' id='cause-{n}'{' open' if opened else ''}><summary>{_summary_line(f)}"
            f"</summary><div class='body'>{''.join(body)}</div></details></li>")


def _filters(findings: Sequence[Finding], lead: Headline) -> str:
    sev = "".join(f"<label><input type='checkbox' name='severity' value='{s.value}' checked> {s.value} "
                  f"({lead.by_severity[s.value]})</label>" for s in Severity)
    ops = sorted({f.operation for f in findings})
    checks = sorted({f.check or "" for f in findings})
    op_sel = "".join(f"<option value='{_h(o)}'>{_h(o)}</option>" for o in ops)
    ck_sel = "".join(f"<option value='{_h(c)}'>{_h(c) or '(none)'}</option>" for c in checks)
    return ("<form class='controls' id='filters' hidden aria-label='Filter the causes'>" + sev
            + f"<label>operation <select name='operation'><option value=''>all</option>{op_sel}</select></label>"
            f"<label>check <select name='check'><option value=''>all</option>{ck_sel}</select></label>"
            "<button type='button' data-all='open'>Expand all</button>"
            "<button type='button' data-all='close'>Collapse all</button>"
            "<button type='reset'>Reset</button><output aria-live='polite'></output></form>")


def _matrix(summary: Mapping[str, Any], checks: Sequence[str], anchors: Mapping[tuple[str, str], tuple[int, int]],
            first_of_op: Mapping[str, int]) -> str:
    matrix = summary.get("checks", {}) or {}
    reasons = summary.get("skip_reasons", {}) or {}
    notes: dict[str, int] = {}
    rows = []
    for op, row in matrix.items():
        cells = []
        for c in checks:
            verdict = row.get(c, "skip")
            kind = {"warn": "warning"}.get(verdict, verdict)
            hit = anchors.get((op, c))
            if hit is not None:
                first, total = hit
                title = f"{total} cause{'s' if total != 1 else ''}: open the first"
                cell = (f"<a href='#cause-{first}' data-operation='{_h(op)}' data-check='{_h(c)}' "
                        f"title='{_h(title)}'>{badge(verdict, kind)}</a>")
            elif verdict == "skip":
                why = (reasons.get(op) or {}).get(c) or "not run for this operation (the run recorded no reason)"
                number = notes.setdefault(why, len(notes) + 1)
                cell = (f"{badge('skip', 'skip', why)}<sup><a href='#why-{number}' title='{_h(why)}'>{number}</a>"
                        "</sup>")
            else:
                cell = badge(verdict, kind)
            cells.append(f"<td>{cell}</td>")
        first = first_of_op.get(op)
        label = f"<a href='#cause-{first}'>{name(op, wrap=False)}</a>" if first is not None else name(op, wrap=False)
        rows.append(f"<tr><th scope='row'>{label}</th>{''.join(cells)}</tr>")
    head = "".join(f"<th scope='col' title='{_h(c)}'>{name(c)}</th>" for c in checks)
    legend = ""
    if notes:
        legend = ("<p class='note'>Why a check was skipped:</p><ol class='why'>"
                  + "".join(f"<li id='why-{n}'>{_h(why)}</li>" for why, n in notes.items()) + "</ol>")
    return ("<section id='matrix'><h2>Pass/fail matrix</h2><p class='note'>Operation by check. A verdict with causes "
            "links to them; a skip says why in its footnote.</p><div class='table-wrap'><table class='matrix'><thead>"
            f"<tr><th scope='col'>Operation</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            f"{legend}</section>")


def _extras(summary: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(id, title, html) of the sections after the matrix, only those that have content."""
    out = []
    stale = (summary.get("baseline") or {}).get("stale") or []
    if stale:
        rows = "".join(f"<tr><td>{name(e['operation'])}</td><td><code>{name(e['check'])}</code></td><td><code>"
                       f"{_h(e['kind'])}</code></td><td><code>{name(e['location'], 'name ptr')}</code></td><td>"
                       f"{_h(e.get('reason', ''))}</td></tr>" for e in stale)
        out.append(("stale", "Baseline entries no longer seen",
                    "<p class='note'>Fixed upstream, or not reached this time: remove them from the baseline once "
                    "confirmed.</p><div class='table-wrap'><table><thead><tr><th>Operation</th><th>Check</th>"
                    f"<th>Kind</th><th>Location</th><th>Reason</th></tr></thead><tbody>{rows}</tbody></table></div>"))
    cannot = summary.get("cannot_generate") or {}
    if cannot:
        items = "".join(f"<li>{name(op)} ({_h(mode)}): {_h(why)}</li>" for op, modes in cannot.items()
                        for mode, why in modes.items())
        out.append(("cannot-generate", "Cannot generate",
                    f"<p class='note'>The tool's own limits, not findings.</p><ul>{items}</ul>"))
    unsendable = summary.get("not_sendable_reasons") or {}
    if unsendable:
        items = "".join(f"<li>{n} × {_h(why)}</li>" for why, n in unsendable.items())
        out.append(("not-sendable", "Requests not sendable",
                    "<p class='note'>Generated requests the HTTP client cannot send: counted apart, never held "
                    f"against the server.</p><ul>{items}</ul>"))
    return out


def render(summary: Mapping[str, Any], findings: Sequence[Finding], checks: Sequence[str], lead: Headline) -> str:
    """The whole page; ``summary`` and ``findings`` are already redacted (``report.check.Report``)."""
    s = summary
    sev = lead.by_severity
    stats = [f"{s.get('cases', 0)} cases", f"{s.get('requests', 0)} requests", f"{s.get('duration_seconds', 0)} s",
             f"seed {_h(s.get('seed'))}"]
    if s.get("not_sendable"):
        stats.append(f"{s['not_sendable']} generated requests not sendable")
    head = [f"<header><h1>contracts {_h(s.get('command', 'check'))}</h1>",
            f"<p class='meta'>Target <code>{_h(s.get('target'))}</code> · {' · '.join(stats)}</p>",
            f"<p class='lead'><strong>{_h(lead.text())}</strong></p>",
            "<p class='badges'>" + " ".join(count_badge(sev[x.value], x.value) for x in Severity) + "</p>"]
    if s.get("specs"):
        head.append("<p class='note'>Specs: " + ", ".join(f"<code>{_h(x)}</code>" for x in s["specs"]) + "</p>")
    if s.get("setup_error"):
        head.append(f"<p class='note'><strong>Set-up error:</strong> {_h(s['setup_error'])}</p>")
    if s.get("interrupted"):
        head.append("<p class='note'><strong>Interrupted:</strong> this report covers what ran before Ctrl-C.</p>")
    if s.get("stopped"):
        head.append(f"<p class='note'><strong>Stopped</strong> at --{_h(s['stopped'])}: this report covers what "
                    "ran before.</p>")
    extras = _extras(s)
    jump = [("causes", "Causes"), ("matrix", "Matrix")] if s.get("checks") else [("causes", "Causes")]
    jump += [(i, t) for i, t, _ in extras]
    head.append("<nav class='jump noprint'>" + "".join(f"<a href='#{i}'>{_h(t)}</a>" for i, t in jump) + "</nav>")
    head.append("</header>")

    anchors: dict[tuple[str, str], tuple[int, int]] = {}
    first_of_op: dict[str, int] = {}
    items = []
    opened = len(findings) <= OPEN_UP_TO
    for n, f in enumerate(findings, 1):
        key = (f.operation, f.check or "")
        first, total = anchors.get(key, (n, 0))
        anchors[key] = (first, total + 1)
        first_of_op.setdefault(f.operation, n)
        items.append(_finding(n, f, opened))
    causes = [f"<section id='causes'><h2>Causes <span class='muted'>({len(findings)})</span></h2>"]
    if findings:
        causes += ["<p class='note'>One line per root cause; open a cause "
                   "for its evidence (the part it is about is marked).</p>", _filters(findings, lead),
                   f"<ol class='causes'>{''.join(items)}</ol>",
                   "<p id='nomatch' hidden>No cause matches these filters.</p>"]
    else:
        causes.append("<p class='ok'>No findings.</p>")
    causes.append("</section>")
    parts = head + causes
    if s.get("checks"):
        parts.append(_matrix(s, checks, anchors, first_of_op))
    for i, t, html in extras:
        parts.append(f"<section id='{i}'><h2>{_h(t)}</h2>{html}</section>")
    title = f"contracts {s.get('command', 'check')}: {lead.text()}"
    return page(title, "".join(parts), css=CSS, script=SCRIPT if findings else "")


__all__ = ["CSS", "OPEN_UP_TO", "SCRIPT", "render"]
