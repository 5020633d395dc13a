"""No secret reaches an artefact or the terminal, even when a server echoes it back in every way."""

from __future__ import annotations

import base64
import json
import string
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.cli import run

from .servers import COMMAND, ROOT, serve

IOTDA = str(ROOT / "specs" / "iotda-v5.yaml")


def echo_app() -> Starlette:
    """Answers every call with the documented command, plus the caller's secrets echoed in every way."""

    async def echo(request: Request) -> Response:
        token = request.headers.get("x-auth-token", "")
        body = dict(COMMAND)
        body["status"] = token  # into a finding's message: an enum mismatch quotes the value
        body["echo"] = {"headers": dict(request.headers), "query": str(request.url.query), "url": quote(token),
                        "form": quote_plus(token), "b64": base64.b64encode(token.encode()).decode(),
                        "json": json.dumps(token)}
        text = json.dumps(body)
        pad = "x" * max(0, 4090 - len(text))
        text = text[:-1] + f', "pad": "{pad}", "tail": "{token}"}}'  # the token straddles the 4 KB cut
        return Response(text, media_type="application/json", headers={"X-Echo": token, "X-Echo-B64":
                                                                        base64.b64encode(token.encode()).decode()})

    return Starlette(routes=[Route("/{path:path}", echo, methods=["GET", "POST"])])


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    with serve(echo_app()) as url:
        yield url


# A marker in front keeps a secret's first characters (checked after a cut) from being ordinary report text.
SECRET = st.text(alphabet=string.ascii_letters + string.digits + "-._~+/=:@!$&*,;%", min_size=6,
                 max_size=40).map(lambda s: "Qz" + s)


def forms(secret: str) -> list[str]:
    raw = secret.encode()
    return [secret, quote(secret, safe=""), quote_plus(secret), base64.b64encode(raw).decode().rstrip("="),
            json.dumps(secret)[1:-1], secret[:8]]


@pytest.mark.slow
@settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(secret=SECRET)
def test_an_echoing_server_leaks_no_secret_into_any_artefact(echo_url: str, tmp_path_factory: Any, secret: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path_factory.mktemp("echo")
    code = run(["check", "--spec", IOTDA, "--base-url", echo_url, "--operation", "ShowAsyncDeviceCommand",
                "--max-examples", "0", "--seed", "1", "--report-dir", str(out), "--header", f"X-Auth-Token: {secret}"])
    captured = capsys.readouterr()
    assert code == 1  # the echoed status is not a documented value
    texts = {name: (out / name).read_text(encoding="utf-8") for name in
             ("report.json", "report.md", "junit.xml", "report.html")}
    texts["terminal"] = captured.out + captured.err
    for name, text in texts.items():
        for form in forms(secret):
            assert form not in text, (name, form)
    report = json.loads(texts["report.json"])
    assert any(f["kind"] == "enum-mismatch" and "***" in f["message"] for f in report["findings"])


def test_a_har_whose_response_echoes_the_token_leaks_nothing(tmp_path: Path) -> None:
    from .test_validate_har import CMD, GOOD, entry, write_har

    token = "har-secret-token-77"
    har = write_har(tmp_path / "t.har", [entry(CMD, 200, {**GOOD, "status": token, "echo": token}, token=token)])
    code = run(["validate", str(har), "--spec", IOTDA, "--report-dir", str(tmp_path / "r")])
    assert code == 1
    for name in ("report.json", "report.md", "junit.xml", "report.html"):
        assert token not in (tmp_path / "r" / name).read_text(encoding="utf-8"), name
