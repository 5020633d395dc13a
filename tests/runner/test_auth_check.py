"""`contracts check --auth huawei-aksk`: every request signed, generated ones included; ignored_auth
sends unsigned, wrongly signed and stale-dated requests; no key or signature reaches an artefact."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from contracts.cli import run
from contracts.mock import create_app
from contracts.mock.credentials import IOTDA_AK, IOTDA_SK

from .servers import ROOT, iotda_app, serve

IOTDA = str(ROOT / "specs" / "iotda-v5.yaml")


def artefacts(folder: Path) -> str:
    return "".join((folder / n).read_text(encoding="utf-8") for n in ("report.json", "report.md", "junit.xml",
                                                                        "report.html"))


@pytest.mark.slow
def test_signed_check_against_the_mock_has_no_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", IOTDA_AK)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", IOTDA_SK)
    with serve(create_app(seed=2)) as url:
        code = run(["check", "--spec", IOTDA, "--base-url", url, "--auth", "huawei-aksk", "--seed", "4",
                    "--max-examples", "20", "--report-dir", str(tmp_path)])
    assert code == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["findings"] == []
    assert {row["ignored_auth"] for row in report["summary"]["checks"].values()} == {"pass"}
    text = artefacts(tmp_path) + capsys.readouterr().out
    assert IOTDA_SK not in text and not re.search(r"Signature=[0-9a-f]{16}", text)


def test_the_embedded_mock_gets_its_demo_keys(tmp_path: Path) -> None:
    assert run(["check", "--spec", IOTDA, "--auth", "huawei-aksk", "--seed", "1", "--max-examples", "0",
                "--report-dir", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "report.json").read_text())["findings"] == []


def test_a_server_that_ignores_signatures_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "AK-ignored")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "SK-ignored-secret")
    with serve(iotda_app("ignore-auth")) as url:
        code = run(["check", "--spec", IOTDA, "--base-url", url, "--auth", "huawei-aksk", "--seed", "1",
                    "--max-examples", "0", "--operation", "ShowAsyncDeviceCommand", "--report-dir", str(tmp_path)])
    assert code == 1
    report = json.loads((tmp_path / "report.json").read_text())
    ignored = {f["location"] for f in report["findings"] if f["check"] == "ignored_auth"}
    assert {"/header", "/header/X-Sdk-Date"} <= ignored  # none or wrong credentials, and a stale signature
    assert "SK-ignored-secret" not in artefacts(tmp_path)


def test_a_missing_key_is_one_line_naming_the_variable(capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUAWEICLOUD_SDK_AK", raising=False)
    monkeypatch.delenv("HUAWEICLOUD_SDK_SK", raising=False)
    assert run(["check", "--spec", IOTDA, "--base-url", "http://127.0.0.1:9", "--auth", "huawei-aksk"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["contracts: error: --auth huawei-aksk needs ak: pass --auth-option ak=… or set HUAWEICLOUD_SDK_AK"]
