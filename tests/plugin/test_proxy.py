"""`--contracts-proxy-target`: an existing integration suite validates its own traffic, unchanged."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

import contracts.proxy  # noqa: F401  (loaded once for every in-process inner run)
import contracts.plugin.proxy  # noqa: F401

from ..proxy import upstream
from ..runner.servers import ROOT, TOKEN, serve

pytest_plugins = ["pytester"]

# The suite of an application that knows nothing of contracts: it reads its vendor base URL from the
# environment, as configured apps do, and makes its calls.
SUITE = f'''
import os
import httpx

BASE = os.environ.get("CONTRACTS_PROXY_URL", "http://unset.invalid")


def test_reads_a_command():
    answer = httpx.get(BASE + "{upstream.CMD}", headers={{"X-Auth-Token": "{TOKEN}"}}, trust_env=False)
    assert answer.status_code == 200


def test_lists_tasks(contracts_proxy):
    assert contracts_proxy == BASE
    answer = httpx.get(contracts_proxy + "/v5/iot/p/batchtasks", params={{"task_type": "softwareUpgrade"}},
                       headers={{"X-Auth-Token": "{TOKEN}"}}, trust_env=False)
    assert answer.status_code == 200
'''


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    shutil.copytree(ROOT / "specs", pytester.path / "specs")
    pytester.makepyfile(test_app=SUITE)
    return pytester


@pytest.fixture
def broken() -> Iterator[str]:
    with serve(upstream.app("enum")) as url:
        yield url


@pytest.fixture
def good() -> Iterator[str]:
    with serve(upstream.app()) as url:
        yield url


@pytest.mark.slow
def test_the_suite_passes_and_the_traffic_fails_the_session(suite: pytest.Pytester, broken: str) -> None:
    result = suite.runpytest("--contracts-proxy-target", broken, "--contracts-spec", "specs/iotda-v5.yaml",
                             "--contracts-report-dir", "reports", "-p", "no:randomly")
    result.assert_outcomes(passed=2)  # the tests themselves pass...
    assert result.ret == 1  # ...and the deviation in their traffic fails the session
    out = result.stdout.str()
    result.stdout.fnmatch_lines(["*contracts proxy*", "*error: ShowAsyncDeviceCommand response_schema_conformance "
                                 "/body/status: enum-mismatch*", "*the session fails: 1 error cause(s)*"])
    assert TOKEN not in out and "Traceback" not in out
    report = json.loads((suite.path / "reports" / "report.json").read_text())
    assert [(f["kind"], f["location"]) for f in report["findings"] if f["severity"] == "error"] == \
        [("enum-mismatch", "/body/status")]
    assert report["summary"]["requests"] == 2
    har = (suite.path / "reports" / "traffic.har").read_text()
    assert TOKEN not in har and len(json.loads(har)["log"]["entries"]) == 2
    assert "CONTRACTS_PROXY_URL" not in os.environ  # restored after the session


@pytest.mark.slow
def test_correct_traffic_passes(suite: pytest.Pytester, good: str) -> None:
    result = suite.runpytest("--contracts-proxy-target", good, "--contracts-spec", "specs/iotda-v5.yaml")
    result.assert_outcomes(passed=2)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*2 exchanges validated; 0 distinct causes*"])


@pytest.mark.slow
def test_a_baseline_that_knows_the_deviation_passes(suite: pytest.Pytester, broken: str) -> None:
    args = ["--contracts-proxy-target", broken, "--contracts-spec", "specs/iotda-v5.yaml"]
    first = suite.runpytest(*args, "--contracts-write-baseline", "baseline.json")
    assert first.ret == 1
    again = suite.runpytest(*args, "--contracts-baseline", "baseline.json")
    again.assert_outcomes(passed=2)
    assert again.ret == 0


def test_a_bad_target_is_a_usage_error(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--contracts-proxy-target", "not-a-url")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*contracts: --contracts-proxy-target 'not-a-url' is not an http(s) URL*"])


@pytest.mark.slow
def test_xdist_workers_share_the_controllers_proxy(suite: pytest.Pytester, broken: str) -> None:
    result = suite.runpytest("--contracts-proxy-target", broken, "--contracts-spec", "specs/iotda-v5.yaml",
                             "-n", "2", "--contracts-report-dir", "reports")
    result.assert_outcomes(passed=2)
    assert result.ret == 1
    report = json.loads((suite.path / "reports" / "report.json").read_text())
    assert report["summary"]["requests"] == 2  # both workers' traffic, through the one proxy
