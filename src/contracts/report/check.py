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
from .files import dump_json, ensure_dir, write_text
from .html import CSS, badge
from .markdown import code, table

VERSION = "0.1.0"


@dataclass
class Report:
    """What every artefact is rendered from."""

    summary: dict[str, Any]
    findings: list[Finding]
    checks: list[str] = field(default_factory=list)

    def matrix(self) -> dict[str, dict[str, str]]:
        return dict(self.summary.get("checks", {}))


def report_schema() -> dict[str, Any]:
    text = resources.files("contracts").joinpath("schemas/report.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def to_json(report: Report) -> dict[str, Any]:
    summary = {"tool": "contracts", "version": VERSION, **report.summary}
    return {"summary": summary, "findings": [f.to_dict() for f in report.findings]}


# -- markdown ---------------------------------------------------------------------
def to_markdown(report: Report) -> str:
    s = report.summary
    sev = s["by_severity"]
    out = [f"# contracts {s.get('command', 'check')}: {s['target']}", ""]
    if s.get("setup_error"):
        out += [f"**Set-up error:** {s['setup_error']}", ""]
    if s.get("interrupted"):
        out += ["**Interrupted:** this report covers what ran before Ctrl-C.", ""]
    out += [f"**{s['findings']} findings**: {sev['error']} errors, {sev['warning']} warnings, {sev['info']} info · "
            f"{s['cases']} cases, {s['requests']} requests in {s['duration_seconds']} s · seed {s.get('seed')}",
            "", "Specs: " + ", ".join(code(x) for x in s["specs"]), ""]
    matrix = report.matrix()
    if matrix:
        checks = report.checks or sorted({c for row in matrix.values() for c in row})
        out += ["## Checks", "", table(["Operation", *checks],
                                       [[op, *(row.get(c, "skip") for c in checks)] for op, row in matrix.items()]), ""]
    by_op: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_op.setdefault(f.operation, []).append(f)
    out.append("## Findings")
    if not report.findings:
        out += ["", "None."]
    for op, findings in by_op.items():
        out += ["", f"### {op}", ""]
        for f in findings:
            count = f" ×{f.count}" if f.count > 1 else ""
            out.append(f"- **{f.severity.value}** `{f.check or ''}` `{f.kind}` at `{f.location or '/'}`{count}: "
                       f"{f.message}" + (f" — {f.suggestion}" if f.suggestion else ""))
            if f.evidence is not None and f.evidence.curl:
                out += ["", "  ```sh", f"  {f.evidence.curl}", "  ```"]
                resp = f.evidence.response
                if resp is not None:
                    body = (resp.get("body") or "")[:500]
                    out += [f"  Answer: HTTP {resp.get('status')}" + (f": `{' '.join(body.split())}`" if body else ""),
                            ""]
    return "\n".join(out) + "\n"


# -- junit ------------------------------------------------------------------------
def to_junit(report: Report) -> str:
    """One testcase per operation and check; error findings fail, warnings go to system-out."""
    matrix = report.matrix()
    suite = ET.Element("testsuite", name="contracts", tests="0", failures="0", skipped="0", errors="0",
                       time=str(report.summary.get("duration_seconds", 0)))
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
            errors = [f for f in mine if f.severity is Severity.ERROR]
            if result == "skip":
                ET.SubElement(case, "skipped", message="not applicable to this operation")
                skipped += 1
            elif errors:
                failures += 1
                failure = ET.SubElement(case, "failure", message=f"{len(errors)} finding(s): {errors[0].message}",
                                        type=errors[0].kind)
                failure.text = "\n".join(_plain(f) for f in errors)
            others = [f for f in mine if f.severity is not Severity.ERROR]
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
    text = f"[{f.severity.value}] {f.kind} at {f.location or '/'}: {f.message}"
    if f.suggestion:
        text += f" ({f.suggestion})"
    if f.evidence is not None and f.evidence.curl:
        text += f"\n  reproduce: {f.evidence.curl}"
    return text


# -- html -------------------------------------------------------------------------
def _h(value: Any) -> str:
    return escape("" if value is None else str(value))


def to_html(report: Report) -> str:
    s = report.summary
    sev = s["by_severity"]
    matrix = report.matrix()
    checks = report.checks or sorted({c for row in matrix.values() for c in row})
    head = (f"<header><h1>contracts {_h(s.get('command', 'check'))}</h1><p>Target <code>{_h(s['target'])}</code> · "
            f"{s['cases']} cases · {s['requests']} requests · {s['duration_seconds']} s · seed {_h(s.get('seed'))}</p>"
            f"<p>{badge(str(sev['error']) + ' errors', 'error')} {badge(str(sev['warning']) + ' warnings', 'warning')} "
            f"{badge(str(sev['info']) + ' info', 'info')}</p>")
    if s.get("setup_error"):
        head += f"<p class='note'><strong>Set-up error:</strong> {_h(s['setup_error'])}</p>"
    if s.get("interrupted"):
        head += "<p class='note'><strong>Interrupted:</strong> this report covers what ran before Ctrl-C.</p>"
    head += "</header>"
    rows = []
    for op, row in matrix.items():
        cells = "".join(f"<td>{badge(row.get(c, 'skip'), {'warn': 'warning'}.get(row.get(c, 'skip'), row.get(c, 'skip')))}</td>"
                        for c in checks)
        rows.append(f"<tr><th><a href='#f-{_h(op)}'>{_h(op)}</a></th>{cells}</tr>")
    grid = ("<h2>Pass/fail matrix</h2><table class='matrix'><thead><tr><th>Operation</th>"
            + "".join(f"<th title='{_h(c)}'>{_h(c).replace('_', '_<wbr>')}</th>" for c in checks)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    parts = [head, grid, "<h2>Findings</h2>"]
    if not report.findings:
        parts.append("<p class='ok'>No findings.</p>")
    by_op: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_op.setdefault(f.operation, []).append(f)
    for op, findings in by_op.items():
        parts.append(f"<section id='f-{_h(op)}'><h3>{_h(op)}</h3>")
        for f in findings:
            parts.append(
                f"<article class='finding'><p>{badge(f.severity.value)} <code>{_h(f.check)}</code> "
                f"<code>{_h(f.kind)}</code> at <code>{_h(f.location or '/')}</code>"
                + (f" · {f.count} cases" if f.count > 1 else "") + f"</p><p>{_h(f.message)}</p>"
                + (f"<p class='note'>{_h(f.suggestion)}</p>" if f.suggestion else "") + _evidence_html(f) + "</article>")
        parts.append("</section>")
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
def write(report: Report, directory: str | Path) -> list[Path]:
    d = ensure_dir(directory)
    return [
        write_text(d / "report.json", dump_json(to_json(report))),
        write_text(d / "report.md", to_markdown(report)),
        write_text(d / "junit.xml", to_junit(report)),
        write_text(d / "report.html", to_html(report)),
    ]


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for f in findings:
        counts[f.severity.value] += 1
    return counts
