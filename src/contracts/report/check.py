"""report.json, report.md, junit.xml and report.html, all from the same findings.

Used by `contracts check`, `contracts validate` and the pytest plugin.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..core.finding import Finding, Severity
from ..core.redact import Redactor
from .files import dump_json, ensure_dir, write_text
from .causes import Headline, example, headline, marks
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
    from importlib import resources  # only a test or a writer asks: not loaded at start-up

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
    from xml.etree import ElementTree as ET  # only when junit.xml is written

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
                why = ((report.summary.get("skip_reasons") or {}).get(op) or {}).get(check)
                ET.SubElement(case, "skipped", message=why or "not applicable to this operation")
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
def to_html(report: Report) -> str:
    """report.html (``check_page``): causes first, filters, evidence with the offending part marked."""
    from . import check_page  # the page's modules load only when a page is written

    matrix = report.matrix()
    checks = report.checks or sorted({c for row in matrix.values() for c in row})
    return check_page.render(report.summary, report.findings, checks, _lead(report))


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
