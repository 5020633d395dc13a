"""Evidence as people read it: JSON re-indented, whole or cut, the part a finding points at marked."""

from __future__ import annotations

import json
import re

from contracts.core.finding import Evidence, Finding
from contracts.core.severity import Basis, decide
from contracts.report.evidence import MAX_INDENT, evidence_html, pointers, pretty_json, target_of

from .htmltree import parse

BODY = json.dumps({"count": 2, "items": [{"id": "a", "size": "3"}, {"id": "b", "a/b": {"deep": [1, 2]}}]})


def _marked(html: str) -> list[str]:
    return [m.text() for m in parse(html).find("mark", cls="hit")]


def test_compact_json_is_indented_and_every_value_keeps_its_text() -> None:
    html, marked = pretty_json(BODY)
    text = parse(html).text()
    assert marked is None
    assert json.loads(text) == json.loads(BODY)
    assert len(text.splitlines()) > 10 and '\n      "size": "3"' in text


def test_the_value_at_the_pointer_is_marked_with_its_key() -> None:
    html, marked = pretty_json(BODY, "/items/0/size")
    assert marked == "/items/0/size"
    assert _marked(html) == ['"size": "3"']
    html, _ = pretty_json(BODY, "/items/1/a~1b")  # an escaped segment, an object value: marked whole
    assert json.loads("{" + _marked(html)[0] + "}") == {"a/b": {"deep": [1, 2]}}
    html, _ = pretty_json(BODY, "/items/1/a~1b/deep/1")
    assert _marked(html) == ["2"]


def test_an_absent_pointer_marks_its_nearest_present_ancestor_never_the_whole_body() -> None:
    html, marked = pretty_json(BODY, "/items/0/colour")
    assert marked == "/items/0"
    assert json.loads(_marked(html)[0]) == {"id": "a", "size": "3"}
    html, marked = pretty_json(BODY, "/nothing")
    assert marked is None and _marked(html) == []


def test_a_cut_body_is_indented_as_far_as_it_goes_and_says_it_was_cut() -> None:
    cut = BODY[:40] + "… [812 more bytes cut]"
    html, marked = pretty_json(cut, "/items/0/size")
    text = parse(html).text()
    assert text.rstrip().endswith("… [812 more bytes cut]")
    assert '"id": "a"' in text
    assert pointers(BODY[:40]) >= {"", "/count", "/items", "/items/0", "/items/0/id"}


def test_where_a_finding_points_in_the_exchange() -> None:
    def at(location: str, check: str) -> tuple[str, str, str]:
        t = target_of(Finding(operation="o", kind="k", severity=decide(Basis.STATED), location=location,
                              message="m", check=check))
        return t.side, t.part, t.rest
    assert at("/body/items/0", "response_schema_conformance") == ("response", "body", "/items/0")
    assert at("/query/limit", "negative_data_rejection") == ("request", "query", "limit")
    assert at("/header/content-type", "content_type_conformance") == ("response", "header", "content-type")
    assert at("/status", "status_code_conformance") == ("response", "status", "")


def test_evidence_marks_the_offending_part_of_request_and_response() -> None:
    ev = Evidence(request={"method": "GET", "url": "http://h/v5/tasks?limit=-1&offset=0", "headers": {}},
                  response={"status": 200, "headers": {"Content-Type": "text/plain"}, "body": BODY},
                  curl="curl 'http://h/v5/tasks?limit=-1&offset=0'")
    query = Finding(operation="o", kind="accepted-invalid-input", severity=decide(Basis.STATED),
                    location="/query/limit", message="m", check="negative_data_rejection", evidence=ev)
    assert _marked(evidence_html(query)) == ["limit=-1"]
    header = Finding(operation="o", kind="content-type", severity=decide(Basis.SILENT),
                     location="/header/content-type", message="m", check="content_type_conformance", evidence=ev)
    assert _marked(evidence_html(header)) == ["Content-Type: text/plain"]
    body = Finding(operation="o", kind="wrong-type", severity=decide(Basis.STATED), location="/body/items/0/size",
                   message="m", check="response_schema_conformance", evidence=ev)
    html = evidence_html(body)
    assert _marked(html) == ['"size": "3"']
    assert re.search(r"<figcaption>Reproduce</figcaption><pre>curl ", html)


def test_text_bodies_are_shown_as_they_came() -> None:
    ev = Evidence(response={"status": 500, "headers": {}, "body": "Internal <b>error</b>"})
    f = Finding(operation="o", kind="server-error", severity=decide(Basis.STATED), location="/status", message="m",
                check="not_a_server_error", evidence=ev)
    html = evidence_html(f)
    assert "Internal &lt;b&gt;error&lt;/b&gt;" in html
    assert _marked(html) == ["HTTP 500"]


def test_a_hostile_nesting_stays_linear_in_size() -> None:
    body = "[" * 4096 + "… [99 more bytes cut]"  # what a server answering "[[[[…" forever leaves as evidence
    html, _ = pretty_json(body, "/0/0/0")
    assert len(html) < 4096 * (2 * MAX_INDENT + 8)
    assert parse(html).text().partition("…")[0].count("[") == 4096
