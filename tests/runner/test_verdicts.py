"""Verdicts a team can trust, end to end.

Against ``lenient.py`` (an independent, correct, lenient implementation of
all five endpoints) a default run has no error and hardly a warning; a
request the HTTP client refuses is never blamed on the server; and every
finding that fails a run shows in every artefact.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response
from starlette.routing import Route

from contracts.cli import run
from contracts.core.http import Request
from contracts.report.check import report_schema
from contracts.runner.session import Options, open_session
from contracts.runner.transport import HttpTransport, TransportError

from . import lenient
from .servers import ROOT, TOKEN, iotda_app, serve

CREDENTIALS = [arg for header in lenient.HEADERS for arg in ("--header", header)]


def check(url: str, tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code = run(["check", "--base-url", url, "--report-dir", str(tmp_path), "--seed", "3", "--timeout", "5", *extra])
    report = json.loads((tmp_path / "report.json").read_text())
    jsonschema.validate(report, report_schema())
    return code, report


@pytest.mark.slow
def test_a_lenient_correct_implementation_gets_no_error_and_at_most_four_warnings(tmp_path: Path) -> None:
    with serve(lenient.app()) as url:
        code, report = check(url, tmp_path, *CREDENTIALS)  # the default budget: 50 generated cases per operation
    findings = report["findings"]
    errors = [f for f in findings if f["severity"] == "error"]
    warnings = [f for f in findings if f["severity"] == "warning"]
    assert (code, errors) == (0, [])
    assert len(warnings) <= 4, warnings
    assert report["summary"]["max_examples"] == 50 and report["summary"]["cases"] > 300
    kinds = {f["kind"] for f in findings}
    assert "rejected-valid-input" not in kinds and "round-trip-mismatch" not in kinds
    content_type = [f for f in findings if f["location"] == "/header/content-type"]
    assert [f["severity"] for f in content_type] == ["info"]  # the EnOS pages never name a Content-Type
    nulls = [f for f in findings if f.get("extra", {}).get("leniency") == "null"]
    assert len(nulls) == 1 and nulls[0]["count"] > 5  # one cause, not one finding per field
    assert {f["basis"] for f in findings} <= {"silent", "implied"}


@pytest.mark.slow
def test_undocumented_fields_are_a_negative_mode_and_their_echo_is_info(tmp_path: Path) -> None:
    with serve(lenient.app()) as url:
        code, report = check(url, tmp_path, *CREDENTIALS, "--operation", "createJob", "--undocumented-fields",
                             "--max-examples", "30")
    assert code == 0
    echoes = [f for f in report["findings"] if f["kind"] == "undocumented-field"]
    assert echoes and {f["severity"] for f in echoes} == {"info"}
    assert all("echo of what the checker itself sent" in f["message"] for f in echoes)
    accepted = [f for f in report["findings"] if f.get("extra", {}).get("leniency") == "undocumented-field"]
    assert accepted and {f["severity"] for f in accepted} == {"info"}


@pytest.mark.slow
def test_by_default_no_undocumented_field_is_sent(tmp_path: Path) -> None:
    with serve(lenient.app()) as url:
        code, report = check(url, tmp_path, *CREDENTIALS, "--operation", "createJob", "--max-examples", "30")
    assert code == 0
    assert not [f for f in report["findings"] if f["kind"] == "undocumented-field"
                or f.get("extra", {}).get("leniency") == "undocumented-field"]


def test_beyond_int32_is_invalid_input_so_refusing_it_is_conformance(tmp_path: Path) -> None:
    with serve(lenient.app()) as url:
        code, report = check(url, tmp_path, *CREDENTIALS, "--operation", "queryDeviceCmdCancelTask",
                             "--max-examples", "0")
    assert code == 0
    assert not [f for f in report["findings"] if f["kind"] == "rejected-valid-input"]


def test_a_request_the_client_cannot_send_is_counted_not_blamed() -> None:
    with serve(lenient.app()) as url:
        transport = HttpTransport(url)
        bad = Request("GET", f"{url}/v5/iot/p/batchtasks?task_type=x", (("Authorization", "Bearer "),))
        with pytest.raises(TransportError) as refused:
            transport.send(bad)
        assert refused.value.kind == "unsendable"
        transport.close()
        session = open_session(Options(base_url=url, max_examples=0, seed=1))
        try:
            runner = session.runner()
            op = session.contract.operation("ListBatchTasks")
            case = session.planner._base(op, "generated", "illegal header")
            case.headers["Authorization"] = "Bearer "
            exchange = runner.execute(case)
        finally:
            session.close()
    assert exchange.response is None and "illegal value" in (exchange.error or "")
    assert runner._raw == [] and runner._sent == 0
    assert sum(runner._unsendable.values()) == 1


@pytest.mark.slow
def test_the_mock_without_credentials_gets_no_finding_for_what_was_never_sent(tmp_path: Path) -> None:
    from contracts.mock import create_app

    with serve(create_app(seed=3)) as url:
        code, report = check(url, tmp_path)
    assert not [f for f in report["findings"] if f["check"] == "transport"]
    assert code == 0


def hanging_iotda() -> Starlette:
    inner = iotda_app()

    async def hang(request: StarletteRequest) -> Response:
        await asyncio.sleep(8)
        return Response(b"{}", media_type="application/json")

    return Starlette(routes=[Route("/v5/iot/{project_id}/devices/{d}/async-commands/{c}", hang, methods=["GET"]),
                             *inner.routes])


def test_every_finding_that_fails_a_run_shows_in_every_artefact(tmp_path: Path) -> None:
    with serve(hanging_iotda()) as url:
        code, report = check(url, tmp_path, "--spec", str(ROOT / "specs" / "iotda-v5.yaml"), "--max-examples", "0",
                             "--timeout", "1.5", "--header", f"X-Auth-Token: {TOKEN}")
    assert code == 1
    failing = {(f["operation"], f["check"]) for f in report["findings"] if f["severity"] == "error"}
    assert ("ShowAsyncDeviceCommand", "transport") in failing
    for op, check_name in failing:
        assert report["summary"]["checks"][op][check_name] == "fail"
    junit = ET.parse(tmp_path / "junit.xml").getroot()
    failed = {(c.get("classname", "").split("::")[-1], c.get("name")) for c in junit.iter("testcase")
              if c.find("failure") is not None}
    assert failing <= failed
    html = (tmp_path / "report.html").read_text()
    assert "transport" in html.split("Pass/fail matrix")[1]
    props = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert props["causes"] == str(report["summary"]["causes"])


def test_without_credentials_negatives_test_the_refusal_not_the_input(tmp_path: Path) -> None:
    """OceanConnect answers a missing app_key with its documented 500 100220: that is the refusal
    the docs describe, not a badly handled invalid input."""
    from contracts.mock import create_app

    with serve(create_app(seed=3)) as url:
        code, report = check(url, tmp_path, "--operation", "queryDeviceCmdCancelTask", "--max-examples", "20")
    assert code == 0
    assert not [f for f in report["findings"] if f["check"] == "negative_data_rejection"]
    hint = [f for f in report["findings"] if f["check"] == "positive_data_acceptance"]
    assert [f["suggestion"] for f in hint] == ["pass credentials with --header 'Name: value'"]


def test_integers_beyond_64_bits_stay_exact() -> None:
    from contracts.core.http import Response, loads

    assert loads(b'{"n": -9223372036854775809}') == {"n": -9223372036854775809}
    assert Response(200, body=b"[18446744073709551616]").json() == [2**64]
    with pytest.raises(ValueError):
        loads(b"{nope")


@pytest.mark.parametrize(("value", "lenient_kind"), [
    ("\uff15", "coercible"),       # fullwidth 5: Java's parseInt reads it, a strict server refuses it
    ("\u0661\u0662", "coercible"),  # Arabic-Indic 12
    ("5\n", "coercible"),          # a trailing newline that int() strips
    ("5.5", None),                 # a fraction: plainly not an integer
    ("five", None),
])
def test_digits_that_are_not_ascii_are_invalid_and_accepting_them_is_a_leniency(
        value: str, lenient_kind: str | None) -> None:
    from urllib.parse import quote

    from contracts.core.severity import Basis
    from contracts.runner.verdict import judge

    session = open_session(Options(specs=[str(ROOT / "specs" / "iotda-v5.yaml")], base_url="http://127.0.0.1:9",
                                   seed=1))
    try:
        op = session.contract.operation("ListBatchTasks")
        url = f"http://h/v5/iot/p/batchtasks?task_type=firmwareUpgrade&limit={quote(value)}"
        verdict = judge(session.contract, op, Request("GET", url, (("X-Auth-Token", TOKEN),), b""))
        assert verdict.invalid and verdict.first.location == "/query/limit"  # never sent as a valid request
        assert verdict.leniency == lenient_kind
        if lenient_kind is not None:
            assert verdict.grounds.basis is Basis.IMPLIED  # a server accepting it is warned about, not failed
    finally:
        session.close()
