"""report.json, report.md, junit.xml and report.html, all from the same findings.

Used by `contracts check`, `contracts validate` and the pytest plugin.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any, Iterable
from xml.etree import ElementTree as ET

from ..core.finding import Finding, Severity
from ..core.redact import Redactor
from .files import dump_json, ensure_dir, write_text
from .causes import Headline, example, headline, marks
from .html import CSS, badge
from .markdown import code, table

VERSION = "0.1.0"


@dataclass
class Report:
    """What every artefact is rendered from.

    Building one is the boundary where findings become artefacts: every
    string of the summary and of each finding passes the run's redactor
    here, once, so no writer (file, terminal, JUnit, the plugin) can forget.
    """

    summary: dict[str, Any]
    findings: list[Finding]
    checks: list[str] = field(default_factory=list)
    redactor: Redactor | None = None

    def __post_init__(self) -> None:
        if self.redactor is not None:
            self.summary = self.redactor.data(self.summary)
            self.findings = [self.redactor.finding(f) for f in self.findings]

    def matrix(self) -> dict[str, dict[str, str]]:
        return dict(self.summary.get("checks", {}))


def report_schema() -> dict[str, Any]:
    text = resources.files("contracts").joinpath("schemas/report.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def to_json(report: Report) -> dict[str, Any]:
    lead = _lead(report)
    summary = {"tool": "contracts", "version": VERSION, "causes": lead.causes, "occurrences": lead.occurrences,
               **report.summary}
    return {"summary": summary, "findings": [f.to_dict() for f in report.findings]}


# -- markdown ---------------------------------------------------------------------
def _lead(report: Report) -> Headline:
    return headline(report.findings, report.summary.get("baseline"))


def to_markdown(report: Report) -> str:
    s = report.summary
    out = [f"# contracts {s.get('command', 'check')}: {s['target']}", ""]
    if s.get("setup_error"):
        out += [f"**Set-up error:** {s['setup_error']}", ""]
    if s.get("interrupted"):
        out += ["**Interrupted:** this report covers what ran before Ctrl-C.", ""]
    out += [f"**{_lead(report).text()}** · {s['cases']} cases, {s['requests']} requests in "
            f"{s['duration_seconds']} s · seed {s.get('seed')}"
            + (f" · {s['not_sendable']} generated requests not sendable (the tool's own, not findings)"
               if s.get("not_sendable") else ""), "", "Specs: " + ", ".join(code(x) for x in s["specs"]), ""]
    cannot = [f"- `{op}` ({mode}): {why}" for op, modes in s.get("cannot_generate", {}).items()
              for mode, why in modes.items()]
    if cannot:
        out += ["Cannot generate (the tool's own limit, not findings):", "", *cannot, ""]
    out += ["## Causes", ""]
    if not report.findings:
        out += ["None.", ""]
    for n, f in enumerate(report.findings, 1):
        out.append(f"{n}. **{f.severity.value}**{marks(f)} `{f.operation}` `{f.check or ''}` `{f.kind}` at "
                   f"`{f.location or '/'}`: {f.message}" + (f" — {f.suggestion}" if f.suggestion else ""))
        shown = example(f)
        if shown and f.evidence is not None and f.evidence.curl:
            out += ["", "   ```sh", f"   {shown}", "   ```"]
            resp = f.evidence.response
            if resp is not None:
                body = (resp.get("body") or "")[:500]
                out += [f"   Answer: HTTP {resp.get('status')}" + (f": `{' '.join(body.split())}`" if body else ""), ""]
        elif shown:
            out += [f"   Where: `{shown}`", ""]
    stale = (s.get("baseline") or {}).get("stale") or []
    if stale:
        out += ["", "## Baseline entries no longer seen", "",
                "Fixed upstream, or not reached this time: remove them from the baseline once confirmed.", "",
                table(["Operation", "Check", "Kind", "Location", "Reason"],
                      [[e["operation"], code(e["check"]), code(e["kind"]), code(e["location"]), e.get("reason", "")]
                       for e in stale]), ""]
    matrix = report.matrix()
    if matrix:
        checks = report.checks or sorted({c for row in matrix.values() for c in row})
        out += ["", "## Checks", "", table(["Operation", *checks],
                                           [[op, *(row.get(c, "skip") for c in checks)]
                                            for op, row in matrix.items()]), ""]
    return "\n".join(out) + "\n"


# -- junit ------------------------------------------------------------------------
def to_junit(report: Report) -> str:
    """One testcase per operation and check; error findings fail, warnings go to system-out.

    The suite's properties lead with the number of causes; each failure names
    its causes with their counts and one minimal example each. With a
    baseline, only new error findings fail; known ones are listed as such.
    """
    matrix = report.matrix()
    lead = _lead(report)
    suite = ET.Element("testsuite", name="contracts", tests="0", failures="0", skipped="0", errors="0",
                       time=str(report.summary.get("duration_seconds", 0)))
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="causes", value=str(lead.causes))
    ET.SubElement(props, "property", name="occurrences", value=str(lead.occurrences))
    for severity, n in lead.by_severity.items():
        ET.SubElement(props, "property", name=f"causes.{severity}", value=str(n))
    tests = failures = skipped = 0
    if report.summary.get("setup_error"):
        case = ET.SubElement(suite, "testcase", classname="contracts", name="setup")
        ET.SubElement(case, "error", message=str(report.summary["setup_error"]))
        suite.set("errors", "1")
        tests += 1
    for op, row in matrix.items():
        spec = report.summary.get("by_operation", {}).get(op, {}).get("spec")
        classname = f"{spec}::{op}" if spec else op
        for check, result in row.items():
            tests += 1
            case = ET.SubElement(suite, "testcase", classname=classname, name=check)
            mine = [f for f in report.findings if f.operation == op and f.check == check]
            failing = [f for f in mine if f.severity is Severity.ERROR and f.baseline != "known"]
            if result == "skip" and not mine:
                ET.SubElement(case, "skipped", message="not applicable to this operation")
                skipped += 1
            elif failing:
                failures += 1
                first = failing[0]
                failure = ET.SubElement(case, "failure", type=first.kind, message=(
                    f"{len(failing)} cause(s), {sum(f.count for f in failing)} occurrence(s): {first.message}"))
                failure.text = "\n".join(_plain(f) for f in failing)
            others = [f for f in mine if f not in failing]
            if others:
                ET.SubElement(case, "system-out").text = "\n".join(_plain(f) for f in others)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _plain(f: Finding) -> str:
    text = f"[{f.severity.value}]{marks(f)} {f.kind} at {f.location or '/'}: {f.message}"
    if f.suggestion:
        text += f" ({f.suggestion})"
    shown = example(f)
    if shown:
        text += f"\n  reproduce: {shown}"
    return text


# -- html -------------------------------------------------------------------------
def _h(value: Any) -> str:
    return escape("" if value is None else str(value))


def to_html(report: Report) -> str:
    s = report.summary
    sev = s["by_severity"]
    lead = _lead(report)
    matrix = report.matrix()
    checks = report.checks or sorted({c for row in matrix.values() for c in row})
    head = (f"<header><h1>contracts {_h(s.get('command', 'check'))}</h1><p>Target <code>{_h(s['target'])}</code> · "
            f"{s['cases']} cases · {s['requests']} requests · {s['duration_seconds']} s · seed {_h(s.get('seed'))}"
            + (f" · {s['not_sendable']} generated requests not sendable" if s.get("not_sendable") else "")
            + f"</p><p class='lead'><strong>{_h(lead.text())}</strong></p>"
            f"<p>{badge(str(sev['error']) + ' errors', 'error' if sev['error'] else 'none')} "
            f"{badge(str(sev['warning']) + ' warnings', 'warning' if sev['warning'] else 'none')} "
            f"{badge(str(sev['info']) + ' info', 'info' if sev['info'] else 'none')}</p>")
    if s.get("setup_error"):
        head += f"<p class='note'><strong>Set-up error:</strong> {_h(s['setup_error'])}</p>"
    if s.get("interrupted"):
        head += "<p class='note'><strong>Interrupted:</strong> this report covers what ran before Ctrl-C.</p>"
    head += "</header>"
    parts = [head, "<h2 id='causes'>Causes</h2>"]
    if not report.findings:
        parts.append("<p class='ok'>No findings.</p>")
    anchors: dict[tuple[str, str], str] = {}
    for n, f in enumerate(report.findings, 1):
        anchor = f"cause-{n}"
        anchors.setdefault((f.operation, f.check or ""), anchor)
        known = f" {badge(f.baseline, 'info' if f.baseline == 'known' else 'error')}" if f.baseline else ""
        parts.append(
            f"<article class='finding' id='{anchor}'><p>{badge(f.severity.value)}{known} <strong>"
            f"{_h(f.operation)}</strong> <code>{_h(f.check)}</code> <code>{_h(f.kind)}</code> at "
            f"<code>{_h(f.location or '/')}</code>" + (f" · seen {f.count} times" if f.count > 1 else "")
            + f"</p><p>{_h(f.message)}</p>"
            + (f"<p class='note'>{_h(f.suggestion)}</p>" if f.suggestion else "") + _evidence_html(f) + "</article>")
    stale = (s.get("baseline") or {}).get("stale") or []
    if stale:
        parts.append("<h2>Baseline entries no longer seen</h2><table><thead><tr><th>Operation</th><th>Check</th>"
                     "<th>Kind</th><th>Location</th><th>Reason</th></tr></thead><tbody>"
                     + "".join(f"<tr><td>{_h(e['operation'])}</td><td><code>{_h(e['check'])}</code></td><td><code>"
                               f"{_h(e['kind'])}</code></td><td><code>{_h(e['location'])}</code></td><td>"
                               f"{_h(e.get('reason', ''))}</td></tr>" for e in stale) + "</tbody></table>")
    rows = []
    for op, row in matrix.items():
        cells = []
        for c in checks:
            verdict = row.get(c, "skip")
            cell = badge(verdict, {"warn": "warning"}.get(verdict, verdict))
            target = anchors.get((op, c))
            cells.append(f"<td>{f'<a href=#{target}>{cell}</a>' if target else cell}</td>")
        first = next((a for (o, _), a in anchors.items() if o == op), None)
        name = f"<a href='#{first}'>{_h(op)}</a>" if first else _h(op)
        rows.append(f"<tr><th>{name}</th>{''.join(cells)}</tr>")
    parts.append("<h2>Pass/fail matrix</h2><table class='matrix'><thead><tr><th>Operation</th>"
                 + "".join(f"<th title='{_h(c)}'>{_h(c).replace('_', '_<wbr>')}</th>" for c in checks)
                 + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>contracts report</title><style>"
            + CSS + "</style></head><body>" + "".join(parts) + "</body></html>\n")


def _evidence_html(f: Finding) -> str:
    ev = f.evidence
    if ev is None:
        return ""
    out = []
    if ev.curl:
        out.append(f"<figure><figcaption>Reproduce</figcaption><pre>{_h(ev.curl)}</pre></figure>")
    if ev.response is not None:
        headers = "\n".join(f"{k}: {v}" for k, v in (ev.response.get("headers") or {}).items())
        out.append(f"<figure><figcaption>Response</figcaption><pre>HTTP {_h(ev.response.get('status'))}\n"
                   f"{_h(headers)}\n\n{_h(ev.response.get('body') or '')}</pre></figure>")
    return "".join(out)


# -- writing ----------------------------------------------------------------------
FORMATS = {"json": ("report.json", lambda r: dump_json(to_json(r))), "md": ("report.md", lambda r: to_markdown(r)),
           "junit": ("junit.xml", lambda r: to_junit(r)), "html": ("report.html", lambda r: to_html(r))}


def write(report: Report, directory: str | Path, formats: Iterable[str] | None = None) -> list[Path]:
    """The artefacts in ``formats`` (names of FORMATS; default: all four) under ``directory``."""
    d = ensure_dir(directory)
    wanted = list(FORMATS) if formats is None else list(formats)
    return [write_text(d / FORMATS[name][0], FORMATS[name][1](report)) for name in wanted]


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for f in findings:
        counts[f.severity.value] += 1
    return counts
