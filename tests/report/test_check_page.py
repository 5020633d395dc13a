"""report.html as a document: causes first, every link lands, skips say why, one file, readable without script.

The browser tests (test_pages_in_browser.py) look at the same pages rendered;
these read the markup, so each rough edge of the old page fails here first.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from contracts.core.finding import Evidence, Finding
from contracts.core.severity import Basis, decide
from contracts.report import check_page
from contracts.report.check import Report, to_html

from .htmltree import Element, dangling_anchors, external_resources, parse


def _finding(op: str, check: str, basis: Basis = Basis.STATED, **extra: object) -> Finding:
    return Finding(operation=op, kind="wrong-type", severity=decide(basis), location="/body/items/0/size",
                   message=f"{op}: expected integer, got string", check=check, basis=basis.value, **extra)


def _report(findings: list[Finding], matrix: dict[str, dict[str, str]],
            reasons: dict[str, dict[str, str]] | None = None) -> Report:
    summary = {"command": "check", "target": "http://127.0.0.1:1", "cases": 3, "requests": 3, "seed": 1,
               "duration_seconds": 0.1, "specs": ["a.yaml"], "checks": matrix,
               "by_severity": {"error": 0, "warning": 0, "info": 0}}
    if reasons:
        summary["skip_reasons"] = reasons
    checks = sorted({c for row in matrix.values() for c in row})
    return Report(summary, findings, checks)


def _sections(root: Element) -> list[str]:
    return [s.attrs.get("id", "") for s in root.iter("section")]


def test_the_page_leads_with_the_causes(broken_report: Path) -> None:
    root = parse(broken_report.read_text())
    header = next(root.iter("header"))
    assert "distinct causes" in header.text()
    assert _sections(root)[:2] == ["causes", "matrix"]
    causes = root.find("section", id="causes")[0]
    items = causes.find("li")
    assert len(items) > 3
    first_summary = items[0].find("summary")[0].text()
    finding_words = [w for w in ("error", "at", "/body") if w in first_summary]
    assert finding_words == ["error", "at", "/body"]


def test_every_anchor_resolves_even_for_operations_without_findings() -> None:
    matrix = {"ListBatchTasks": {"status_code_conformance": "fail", "pagination": "skip"},
              "CreateBatchTask": {"status_code_conformance": "pass", "pagination": "skip"}}
    report = _report([_finding("ListBatchTasks", "status_code_conformance")], matrix,
                     {op: {"pagination": "the operation does not page"} for op in matrix})
    root = parse(to_html(report))
    assert dangling_anchors(root) == []
    row = next(th for th in root.iter("th") if th.text() == "CreateBatchTask")
    assert row.find("a") == []  # no findings: the name is not a link to nowhere
    linked = next(th for th in root.iter("th") if th.text() == "ListBatchTasks")
    assert [a.attrs["href"] for a in linked.find("a")] == ["#cause-1"]


def test_matrix_cells_link_to_their_findings(broken_report: Path) -> None:
    root = parse(broken_report.read_text())
    assert dangling_anchors(root) == []
    matrix = root.find("table", cls="matrix")[0]
    fail_links = [a for a in matrix.iter("a") if a.find("span", cls="fail")]
    assert fail_links
    by_id = {e.attrs["id"]: e for e in root.iter() if "id" in e.attrs}
    for a in fail_links:
        target = by_id[a.attrs["href"][1:]]
        li = target.parent
        assert target.tag == "details"
        assert (li.attrs["data-operation"], li.attrs["data-check"]) == (a.attrs["data-operation"],
                                                                          a.attrs["data-check"])


def test_skipped_cells_say_why(broken_report: Path) -> None:
    root = parse(broken_report.read_text())
    skips = root.find("span", cls="skip")
    assert skips
    notes = {li.attrs["id"]: li.text() for li in root.find("ol", cls="why")[0].iter("li")}
    for badge in skips:
        assert badge.attrs.get("title")  # the tooltip
        link = [a for a in badge.parent.iter("a")][0]
        assert notes[link.attrs["href"][1:]] == badge.attrs["title"]  # and the footnote, for print and touch
    assert any("x-pagination" in why for why in notes.values())


def test_names_break_only_between_their_words() -> None:
    matrix = {"ListBatchTasks": {"response_schema_conformance": "fail"}}
    root = parse(to_html(_report([_finding("ListBatchTasks", "response_schema_conformance")], matrix)))
    names = root.find("span", cls="name")
    assert names
    for span in names:
        pieces = [c for c in span.children if isinstance(c, str)]
        assert "".join(pieces) == span.text()  # nothing but text and <wbr> inside
    summary_name = next(s for s in names if s.text() == "ListBatchTasks" and "nowrap" not in s.classes())
    assert [c for c in summary_name.children if isinstance(c, str)] == ["List", "Batch", "Tasks"]
    row_name = next(s for s in names if s.text() == "ListBatchTasks" and "nowrap" in s.classes())
    assert row_name.children == ["ListBatchTasks"]
    css = check_page.CSS + to_html(_report([], {}))
    assert re.search(r"\.name\{[^}]*word-break:normal", css) and re.search(r"\.name\{[^}]*overflow-wrap:normal", css)


def test_badge_colours_follow_severity() -> None:
    findings = [_finding("A", "c", Basis.IMPLIED)]
    root = parse(to_html(_report(findings, {"A": {"c": "warn"}})))
    badges = {b.text(): b.classes() for b in root.find("p", cls="badges")[0].iter("span")}
    assert badges == {"0 errors": {"badge", "none"}, "1 warning": {"badge", "warning"}, "0 info": {"badge", "none"}}
    html = to_html(_report(findings, {"A": {"c": "warn"}}))
    none_rule = re.search(r"\.badge\.none\{([^}]*)\}", html).group(1)
    assert "--err" not in none_rule and "--warn" not in none_rule


def test_causes_are_collapsible_and_the_filters_cover_severity_operation_and_check(broken_report: Path) -> None:
    html = broken_report.read_text()
    root = parse(html)
    items = root.find("ol", cls="causes")[0].find("li")
    assert all(li.find("details", cls="finding") and li.find("summary") for li in items)
    if len(items) > check_page.OPEN_UP_TO:
        assert not any("open" in li.find("details")[0].attrs for li in items)
    form = root.find("form", id="filters")[0]
    assert "hidden" in form.attrs  # shown by the script only: with scripts off there is nothing dead on the page
    assert "[hidden]{display:none!important}" in html  # no display rule (the form is a flex box) can undo it
    names = {e.attrs.get("name") for e in form.iter() if e.tag in ("input", "select")}
    assert names == {"severity", "operation", "check"}
    options = {o.attrs["value"] for o in form.find("select", name="operation")[0].iter("option")} - {""}
    assert options == {li.attrs["data-operation"] for li in items}


def test_one_file_nothing_fetched_and_only_its_own_script_runs(broken_report: Path) -> None:
    html = broken_report.read_text()
    assert external_resources(html) == []
    policy = re.search(r"Content-Security-Policy' content=\"([^\"]+)\"", html).group(1)
    assert "default-src 'none'" in policy
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1 and len(scripts[0].splitlines()) < 30
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy


def test_print_styles_open_up_the_page(broken_report: Path) -> None:
    html = broken_report.read_text()
    prints = re.findall(r"@media print\{(.*?\}\})", html, re.S)
    assert prints
    assert any(".controls" in p and "display:none" in p for p in prints)
    assert "beforeprint" in html  # every cause opens before printing


def test_a_server_supplied_string_stays_text() -> None:
    evil = "<img src=x onerror=alert(1)>"
    finding = Finding(operation="A", kind="wrong-type", severity=decide(Basis.STATED), location="/body/x",
                      message=evil, check="c", basis="stated",
                      evidence=Evidence(response={"status": 200, "headers": {"x": evil}, "body": '{"x": "' + evil
                                                  + '"}'}))
    html = to_html(_report([finding], {"A": {"c": "fail"}}))
    assert "<img" not in html and external_resources(html) == []


def test_no_findings_page_has_no_dead_controls(clean_report: Path) -> None:
    html = clean_report.read_text()
    root = parse(html)
    assert "<script>" not in html and root.find("form") == []
    assert "No findings." in root.find("section", id="causes")[0].text()
    assert dangling_anchors(root) == []
