"""The rendered reference page: self-contained, complete, and printable."""

from __future__ import annotations

import json
import re
import shlex
from html.parser import HTMLParser
from pathlib import Path

import pytest

from contracts.core.audit import audit
from contracts.core.http import Request
from contracts.core.spec import load_specs
from contracts.core.validator import Contract
from contracts.report import curl_example, docs

from .htmltree import Element, dangling_anchors, external_resources, parse

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def page() -> str:
    specs = load_specs([ROOT / "specs"])
    return docs.render(specs, audit(specs))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_self_contained(page: str) -> None:
    parser = _Tags()
    parser.feed(page)
    names = {t for t, _ in parser.tags}
    assert "link" not in names and "img" not in names
    assert [t for t, _ in parser.tags].count("script") == 1  # the filter box, allowed by its hash only
    assert not any("src" in attrs for _, attrs in parser.tags)
    assert external_resources(page) == []
    assert "<style>" in page and "@media print" in page


def test_a_section_per_endpoint(page: str) -> None:
    for op in ("createJob", "getJob", "queryDeviceCmdCancelTask", "ListBatchTasks", "ShowAsyncDeviceCommand"):
        assert f"id='op-{op}'" in page


def test_every_parameter_and_field_is_listed(page: str) -> None:
    for name in ("orgId", "jobId", "task_type", "marker", "offset", "pageSize", "startTime", "app_key",
                 "X-Auth-Token", "Instance-Id", "device_id", "command_id", "targetScope.targetType",
                 "timeoutPolicy.inProgressTimeoutInSeconds", "batchtasks[].task_policy.retry_count",
                 "data[].deviceCommands[].maxRetransmit", "send_strategy"):
        assert name in field_names(page), name


def test_constraints_and_defaults(page: str) -> None:
    assert "maximum: 900" in page and "minimum: 1; maximum: 50" in page
    assert "pattern: ^[0-9a-fA-F]{24}$" in page
    assert re.search(r"<td>1000</td>", page)  # pageSize default


def test_samples_are_verbatim(page: str) -> None:
    raw = (ROOT / "specs/samples/oceanconnect-iocm-v1.4.0/queryDeviceCmdCancelTask.200.txt").read_text()
    from html import escape

    assert escape(raw.rstrip("\n")) in page
    assert escape('"measurepointSetInfo": null') in page


def test_findings_are_shown(page: str) -> None:
    assert "did you mean &#x27;setMeasurepointInfo&#x27;?" in page
    assert "The audit finds no contradiction" in page  # the async-command endpoint


def field_names(page: str) -> set[str]:
    return {tr.find("td")[0].text() for tr in parse(page).iter("tr") if tr.find("td")}


def _cells(tr: Element) -> str:
    return " ".join(" ".join(td.text().split()) for td in tr.find("td"))


def _text(section: Element) -> str:
    """The section's words, a table row as its cells' texts (a <wbr> is no space)."""
    rows = [_cells(tr) for tr in section.iter("tr") if tr.find("td")]
    return " ".join(section.text().split()) + " " + " | ".join(rows)


def _section(page: str, operation_id: str) -> Element:
    return parse(page).find("section", id=f"op-{operation_id}")[0]


def test_iotda_says_token_or_aksk_and_neither_alone_is_mandatory(page: str) -> None:
    for op in ("ListBatchTasks", "ShowAsyncDeviceCommand"):
        text = _text(_section(page, op))
        assert "Authentication, any one of 2 alternatives: IamToken (apiKey, header X-Auth-Token)" in text
        assert " or AkSk (HTTP sdk-hmac-sha256, header Authorization)" in text or \
            " or AkSk (HTTP SDK-HMAC-SHA256, header Authorization)" in text
        row = re.search(r"X-Auth-Token header string (\w+)", text)
        assert row is not None and row.group(1) == "no", text[:400]


def test_a_single_scheme_stays_mandatory(page: str) -> None:
    text = _text(_section(page, "queryDeviceCmdCancelTask"))
    assert "Authentication: " in text and "alternatives" not in text
    assert re.search(r"app_key header string yes", text)


# -- the rough edges of the old page: each fails here if it comes back ----------------------------------------
def test_a_table_of_contents_links_every_operation_and_every_anchor_resolves(page: str) -> None:
    root = parse(page)
    toc = root.find("nav", cls="toc")[0]
    targets = {a.attrs["href"][1:] for a in toc.iter("a")}
    sections = {s.attrs["id"] for s in root.find("section", cls="op")}
    assert sections and sections <= targets
    assert dangling_anchors(root) == []


def test_a_filter_box_shown_by_its_script(page: str) -> None:
    root = parse(page)
    form = root.find("form", id="filters")[0]
    assert "hidden" in form.attrs  # with scripts off, the contents list is the way around
    assert form.find("input", type="search")
    for section in root.find("section", cls="op"):
        op = section.attrs["id"].removeprefix("op-")
        assert op.lower() in section.attrs["data-search"]
    assert "onsubmit" not in page and " onclick=" not in page  # inline handlers would break the policy


def test_every_table_scrolls_inside_its_own_box(page: str) -> None:
    root = parse(page)
    tables = list(root.iter("table"))
    assert tables and all(t.parent is not None and "table-wrap" in t.parent.classes() for t in tables)
    assert re.search(r"\.table-wrap\{[^}]*overflow-x:auto", page)
    long_names = [s for s in root.find("span", cls="name") if "." in s.text()]
    assert long_names and all(any(isinstance(c, Element) and c.tag == "wbr" for c in s.children)
                              for s in long_names)


def test_descriptions_are_commonmark_not_literal_backticks(page: str) -> None:
    root = parse(page)
    described = root.find("div", cls="description") + root.find("td", cls="desc")
    assert described
    assert not any("`" in d.text() for d in described)
    assert any(d.find("code") for d in described)


def _tiny_spec(tmp_path: Path, description: str, title: str = "Tiny") -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(json.dumps({
        "openapi": "3.0.3", "info": {"title": title, "version": "1", "description": description},
        "servers": [{"url": "https://api.example.com/v1"}],
        "paths": {"/things/{thing_id}": {"get": {
            "operationId": "getThing", "summary": "Get a thing", "description": description,
            "parameters": [{"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"},
                            "description": description}],
            "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"name": {"type": "string", "description": description}}}}}}}}}},
    }))
    return path


def test_raw_html_in_a_description_stays_text(tmp_path: Path) -> None:
    evil = ("Hello <script>alert(1)</script> <img src=x onerror=alert(2)> [link](javascript:alert(3)) "
            "![pic](https://evil.example/p.png) `code` **bold**")
    specs = load_specs([_tiny_spec(tmp_path, evil)])
    html = docs.render(specs, audit(specs))
    root = parse(html)
    assert [s for s in root.iter("script") if "alert" in s.text()] == []
    assert list(root.iter("img")) == [] and external_resources(html) == []
    assert not any(a.attrs.get("href", "").startswith("javascript") for a in root.iter("a"))
    desc = root.find("div", cls="description")[-1]
    assert "<script>alert(1)</script>" in desc.text()  # shown, as text
    assert [c.text() for c in desc.iter("code")] == ["code"] and [b.text() for b in desc.iter("strong")] == ["bold"]


def test_cjk_text_has_a_lang_attribute_and_a_font_that_covers_it(tmp_path: Path) -> None:
    specs = load_specs([_tiny_spec(tmp_path, "设备的名称 (the device name)", title="物联网 Tiny")])
    html = docs.render(specs, audit(specs))
    root = parse(html)
    tagged = [s for s in root.iter("span") if s.attrs.get("lang", "").startswith("zh")]
    assert {s.text() for s in tagged} >= {"设备的名称", "物联网"}
    for element in root.iter():  # no CJK character outside an element that says its language
        for text in (c for c in element.children if isinstance(c, str)):
            if re.search("[\u4e00-\u9fff]", text) and element.tag not in ("title", "script", "style"):
                assert element.attrs.get("lang", "").startswith("zh"), (element.tag, text)
    font_rule = re.search(r":lang\(zh\)[^{]*\{font-family:([^}]*)\}", html)
    assert font_rule and "var(--cjk)" in font_rule.group(1)
    assert re.search(r"--cjk:[^;]*Noto Sans CJK SC[^;]*Microsoft YaHei", html)


def test_the_shipped_samples_cjk_is_tagged(page: str) -> None:
    assert any(s.attrs.get("lang") == "zh-Hans" and s.text() == "中文名" for s in parse(page).iter("span"))


def _curl_request(text: str, server: str) -> Request:
    """The request a reference page's curl example sends, its variables filled in."""
    lines = [line for line in text.splitlines() if not re.match(r"^[A-Z_]+=", line)]
    command, _, heredoc = "\n".join(lines).partition("<<'JSON'\n")
    words = shlex.split(command.replace("\\\n", " ").replace("$BASE_URL", server).replace("$", ""))
    method = words[words.index("-X") + 1]
    url = next(w for w in words if w.startswith(server))
    headers = [tuple(h.split(": ", 1)) for i, h in enumerate(words) if i and words[i - 1] == "-H"]
    body = heredoc.rpartition("\nJSON")[0].encode() if heredoc else None
    return Request(method, url, tuple(headers), body)


def test_every_operation_has_a_curl_example_the_tables_call_valid(page: str) -> None:
    specs = load_specs([ROOT / "specs"])
    contract = Contract(specs)
    root = parse(page)
    for spec in specs:
        server = curl_example.base_url(spec.operations[0])[0]
        for op in spec.operations:
            figure = _section(page, op.operation_id).find("figure", cls="curl")
            assert len(figure) == 1, op.operation_id
            request = _curl_request(figure[0].find("code")[0].text(), server)
            match = contract.match(request)
            assert match is not None and match.operation.operation_id == op.operation_id
            problems = list(contract.request_violations(request, match.operation, match.path_params))
            assert problems == [], (op.operation_id, problems)  # credentials included, as $VARIABLES
    assert root.find("figure", cls="curl")


def test_audit_findings_sit_beside_the_fields_they_concern(page: str) -> None:
    root = parse(page)
    rows = {tr.attrs["id"]: tr for tr in root.iter("tr") if "id" in tr.attrs}
    getjob = _section(page, "getJob")
    renamed = next(tr for tr in getjob.find("tr") if "renamed-field" in tr.text() and tr.find("a"))
    link = renamed.find("a")[0].attrs["href"][1:]
    row = rows[link]
    assert row.find("td")[0].text() == "data.commandInfo"  # the undocumented name sits with its parent
    assert "setMeasurepointInfo" in row.text() and "has-finding" in row.classes()
    missing = next(tr for tr in _section(page, "ListBatchTasks").find("tr", cls="has-finding")
                   if tr.find("td")[0].text() == "task_type")
    assert "missing-parameter" in missing.text()
    placed = [tr for tr in root.find("tr", cls="has-finding")]
    assert len(placed) >= 10
