"""The pytest plugin, driven through pytester in throw-away user projects."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Iterator

import pytest

# pytester's in-process runs drop the modules they imported afterwards; loading these here keeps
# one generation of yaml's C loader and of the engine for every inner run.
import contracts.mock  # noqa: F401
import contracts.plugin.items  # noqa: F401
import contracts.runner.fuzz  # noqa: F401
import contracts.runner.session  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
pytest_plugins = ["pytester"]
TOKEN = "contracts-demo-token"
CMD = "/v5/iot/p/devices/c1224afb-e9f0-4916-8220-b6bab568e888/async-commands/b1224afb-e9f0-4916-8220-b6bab568e888"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A user project: the specs and an empty tests folder."""
    shutil.copytree(ROOT / "specs", pytester.path / "specs")
    (pytester.path / "tests").mkdir()
    return pytester


@pytest.fixture
def faulty_mock() -> Iterator[str]:
    from contracts.mock import create_app
    from contracts.mock.server import MockServer

    server = MockServer(create_app(seed=1, faults=("enum-value",)), "127.0.0.1", 0)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


def test_empty_tests_folder_against_the_mock_passes(project: pytest.Pytester) -> None:
    result = project.runpytest("--contracts-mock", "--contracts-max-examples=4", "--contracts-seed=1", "tests")
    result.assert_outcomes(passed=18)
    result.stdout.fnmatch_lines(["*contracts: target the embedded mock*seed 1*", "collected 18 items"])


def test_stable_ids_and_markers(project: pytest.Pytester) -> None:
    result = project.runpytest("--contracts-mock", "--collect-only", "-q", "-m", "contracts_negative")
    result.stdout.fnmatch_lines([
        "specs/enos-connect-v2.5.yaml::createJob::negative",
        "specs/iotda-v5.yaml::ShowAsyncDeviceCommand::negative",
        "specs/oceanconnect-iocm-v1.4.0.yaml::queryDeviceCmdCancelTask::negative",
    ])
    assert "::positive" not in result.stdout.str()
    result = project.runpytest("--contracts-mock", "--collect-only", "-q", "-k", "ShowAsync and samples")
    result.stdout.fnmatch_lines(["specs/iotda-v5.yaml::ShowAsyncDeviceCommand::samples", "1/18 tests collected*"])


def test_a_fault_profile_fails_naming_the_check_and_pointer(project: pytest.Pytester, faulty_mock: str) -> None:
    result = project.runpytest("--contracts-base-url", faulty_mock, "--contracts-header", f"X-Auth-Token: {TOKEN}",
                               "--contracts-spec", "specs/iotda-v5.yaml", "--contracts-max-examples=0",
                               "-k", "ShowAsyncDeviceCommand and samples")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "[error] ShowAsyncDeviceCommand: response_schema_conformance enum-mismatch at /body/status" in out
    assert "reproduce: curl" in out and TOKEN not in out
    assert "Traceback" not in out and "engine.py" not in out


def test_exit_first(project: pytest.Pytester, faulty_mock: str) -> None:
    result = project.runpytest("--contracts-base-url", faulty_mock, "--contracts-header", f"X-Auth-Token: {TOKEN}",
                               "--contracts-spec", "specs/iotda-v5.yaml", "--contracts-max-examples=0", "-x")
    result.assert_outcomes(failed=1)


@pytest.mark.slow
def test_xdist_two_workers_and_merged_reports(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--contracts-mock", "--contracts-max-examples=4", "--contracts-seed=3",
                                          "-n", "2", "--contracts-report-dir=out", "--junitxml=junit-pytest.xml")
    result.assert_outcomes(passed=18)
    report = json.loads((project.path / "out" / "report.json").read_text())
    assert report["summary"]["seed"] == 3
    assert set(report["summary"]["by_operation"]) == {"createJob", "getJob", "ListBatchTasks",
                                                      "ShowAsyncDeviceCommand", "queryDeviceCmdCancelTask"}
    assert report["summary"]["cases"] > 100 and report["findings"] == []
    for name in ("report.md", "junit.xml", "report.html"):
        assert (project.path / "out" / name).exists()
    junit = (project.path / "junit-pytest.xml").read_text()
    assert "ShowAsyncDeviceCommand" in junit and "contracts_" not in junit  # the stats came on the reports


def test_merged_reports_say_why_each_cell_was_skipped(project: pytest.Pytester) -> None:
    """Each item runs one phase; the merged matrix keeps the reason about the spec, not the phase split."""
    result = project.runpytest("--contracts-mock", "--contracts-max-examples=0", "--contracts-report-dir=out")
    result.assert_outcomes(passed=18)
    summary = json.loads((project.path / "out" / "report.json").read_text())["summary"]
    skipped = {(op, check) for op, row in summary["checks"].items() for check, verdict in row.items()
               if verdict == "skip"}
    reasons = summary["skip_reasons"]
    assert skipped and skipped == {(op, check) for op, row in reasons.items() for check in row}
    assert "x-pagination" in reasons["ShowAsyncDeviceCommand"]["pagination"]
    assert not any("not selected" in why or "no reason" in why for row in reasons.values() for why in row.values())
    assert "recorded no reason" not in (project.path / "out" / "report.html").read_text()


def test_ini_configuration(project: pytest.Pytester, faulty_mock: str) -> None:
    project.makeini(f"""
        [pytest]
        contracts_base_url = {faulty_mock}
        contracts_spec =
            specs/iotda-v5.yaml
        contracts_header =
            X-Auth-Token: {TOKEN}
        contracts_max_examples = 0
        contracts_report_dir = ini-reports
        """)
    result = project.runpytest("-k", "samples")
    result.assert_outcomes(failed=2)  # both IoTDA samples meet the out-of-list enum values
    report = json.loads((project.path / "ini-reports" / "report.json").read_text())
    assert "enum-mismatch" in {f["kind"] for f in report["findings"]}
    assert set(report["summary"]["by_operation"]) == {"ListBatchTasks", "ShowAsyncDeviceCommand"}


def test_fixtures_and_marker_in_a_users_own_test(project: pytest.Pytester) -> None:
    project.makepyfile(test_mine=f'''
        import httpx, pytest

        CMD = "/v5/iot/p/devices/c1224afb-e9f0-4916-8220-b6bab568e888/async-commands/b1224afb-e9f0-4916-8220-b6bab568e888"
        AUTH = {{"X-Auth-Token": "{TOKEN}"}}

        def test_validator(contracts_mock, contract):
            response = httpx.get(contracts_mock + CMD, headers=AUTH)
            assert contract.validate_response(response) == []
            with pytest.raises(AssertionError, match="out-of-range at /query/limit"):
                contract.validate_request(httpx.Request("GET", contracts_mock + "/v5/iot/p/batchtasks?task_type=createDevices&limit=99", headers=AUTH))

        @pytest.mark.contract("ShowAsyncDeviceCommand")
        def test_marker_passes(contracts_mock):
            httpx.get(contracts_mock + CMD, headers=AUTH)

        @pytest.mark.contract("ListBatchTasks")
        def test_marker_fails(contracts_mock):
            httpx.get(contracts_mock + "/v5/iot/p/batchtasks?task_type=createDevices&limit=99", headers=AUTH)
    ''')
    result = project.runpytest("test_mine.py")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*_ test_marker_fails _*", "1 contract finding(s)",
                                 "[[]error] ListBatchTasks: request_conformance out-of-range at /query/limit",
                                 "    99 is above the maximum 50", "    reproduce: curl *"])
    _only_findings(result.stdout.str())


def _only_findings(out: str) -> None:
    """A contract failure shows findings, never the plugin's frames or source."""
    failures = out[out.index("= FAILURES ="):out.index("short test summary info")]
    for internal in ("pytest_runtest_call", "def check", "check()", "plugin/capture.py", "plugin/client.py", "plugin/outcome.py",
                     "pluggy", "_pytest", "Traceback", "ContractAssertionError", "raise "):
        assert internal not in failures, internal


def test_the_plugin_is_inert_and_light_without_options(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="""
        import sys
        def test_nothing_heavy_loaded():
            heavy = [m for m in ("contracts.runner", "contracts.core.validator", "schemathesis", "contracts.mock")
                     if m in sys.modules]
            assert heavy == []
    """)
    result = pytester.runpytest_subprocess("-p", "no:schemathesis")
    result.assert_outcomes(passed=1)


def test_bad_option_is_a_usage_error(project: pytest.Pytester) -> None:
    result = project.runpytest("--contracts-mock", "--contracts-spec", "nope.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*contracts: no such spec file or folder: nope.yaml*"])
    assert sys.version_info >= (3, 11)


def test_a_baseline_lets_known_deviations_pass_and_new_ones_fail(project: pytest.Pytester, faulty_mock: str) -> None:
    common = ["--contracts-base-url", faulty_mock, "--contracts-header", f"X-Auth-Token: {TOKEN}",
              "--contracts-spec", "specs/iotda-v5.yaml", "--contracts-max-examples=0", "-k", "samples"]
    result = project.runpytest(*common, "--contracts-write-baseline=known.json")
    result.assert_outcomes(failed=2)
    entries = json.loads((project.path / "known.json").read_text())["entries"]
    assert {e["kind"] for e in entries} >= {"enum-mismatch"}
    result = project.runpytest(*common, "--contracts-baseline=known.json", "--contracts-report-dir=out")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*contracts baseline*", "*known.json: 0 new cause(s) (0 errors)*"])
    report = json.loads((project.path / "out" / "report.json").read_text())
    assert {f["baseline"] for f in report["findings"]} == {"known"}
    project.makeini("""
        [pytest]
        contracts_baseline = missing.json
        """)
    result = project.runpytest(*common)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*missing.json: no such file*"])


def test_auth_and_rate_limit_options(project: pytest.Pytester) -> None:
    result = project.runpytest("--contracts-mock", "--contracts-spec", "specs/iotda-v5.yaml",
                               "--contracts-auth", "huawei-aksk", "--contracts-rate-limit", "200/s",
                               "--contracts-max-examples=2", "--contracts-seed=1", "-k", "ShowAsync")
    result.assert_outcomes(passed=3)
    result = project.runpytest("--contracts-mock", "--contracts-auth", "huawei-ak", "-k", "ShowAsync")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*did you mean 'huawei-aksk'*"])


def test_a_hanging_target_fails_the_first_item_within_bounds_and_the_rest_at_once(project: pytest.Pytester) -> None:
    from tests.runner.hostile import hostile

    with hostile("hang") as url:
        result = project.runpytest("--contracts-base-url", url, "--contracts-timeout=0.5", "--contracts-spec",
                                   "specs/iotda-v5.yaml", "--contracts-max-examples=0", "--durations=0",
                                   "-vv", "-p", "no:randomly")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) >= 2 and not outcomes.get("passed")
    out = result.stdout.str()
    verdicts = {line.strip() for line in out.splitlines() if "is the server up" in line}
    assert len(verdicts) == 1 and out.count(verdicts.pop()) >= outcomes["failed"]  # one verdict, every item
    assert "Traceback" not in out
    # pytest's own durations: only the item that met the breaker waited (3 timeouts of 0.5 s)
    import re

    waits = sorted(float(m.group(1)) for m in re.finditer(r"^(\d+\.\d+)s call +\S+::", out, re.M))
    assert len(waits) == outcomes["failed"] and waits[-1] < 2 * 3 * 0.5 + 2 and waits[-2] < 0.5


def test_max_time_skips_what_it_has_no_time_for(project: pytest.Pytester) -> None:
    result = project.runpytest("--contracts-mock", "--contracts-max-time=0.000001", "--contracts-seed=1",
                               "--contracts-max-examples=2", "-rs")
    outcomes = result.parseoutcomes()
    assert outcomes.get("skipped", 0) >= 17 and not outcomes.get("failed")
    result.stdout.fnmatch_lines(["*--contracts-max-time (1e-06 s) ran out*"])


@pytest.mark.parametrize(("option", "expected"), [
    ("--contracts-timeout=soon", "--contracts-timeout must be a number of seconds, not 'soon'"),
    ("--contracts-max-time=-1", "--contracts-max-time must be a positive number of seconds, not '-1'"),
])
def test_bad_bounds_are_usage_errors(project: pytest.Pytester, option: str, expected: str) -> None:
    result = project.runpytest("--contracts-mock", option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert expected in result.stderr.str() + result.stdout.str()
    assert "Traceback" not in result.stderr.str()


def test_the_plugin_reads_tool_contracts_but_never_its_target_there(project: pytest.Pytester) -> None:
    project.makepyprojecttoml('[tool.contracts]\nspec = "specs/iotda-v5.yaml"\nmax_examples = 0\nseed = 5\n'
                              'base_url = "http://127.0.0.1:9"\n')
    result = project.runpytest("--collect-only", "-q")
    assert "no tests ran" in result.stdout.str() or result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result = project.runpytest("--contracts-mock", "-q")  # the target from pytest; the rest from the table
    result.assert_outcomes(passed=7)
    result = project.runpytest("--contracts-mock", "--contracts-seed=6", "--collect-only")
    result.stdout.fnmatch_lines(["*contracts: target the embedded mock*seed 6, max examples 0*"])


def _readme_example() -> str:
    """The Python block the README shows for the fixtures and the marker, verbatim."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("Fixtures and a marker for your own tests"):]
    body = section[section.index("```python\n") + len("```python\n"):]
    return body[:body.index("\n```")]


def test_the_readme_example_runs_as_written(project: pytest.Pytester) -> None:
    example = _readme_example()
    assert "def test_listing(client)" in example and "import httpx, pytest" in example
    (project.path / "tests" / "test_readme.py").write_text(example + "\n", encoding="utf-8")
    result = project.runpytest("--contracts-mock", "-m", "not contracts", "tests/test_readme.py")
    result.assert_outcomes(passed=2)
    result = project.runpytest("tests/test_readme.py", "-rs")  # no target: the client has nowhere to go
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*the client fixture needs a target: --contracts-base-url URL or --contracts-mock*"])


CLIENT_TESTS = '''
    import pytest

    CMD = ("/v5/iot/p/devices/c1224afb-e9f0-4916-8220-b6bab568e888/async-commands/"
           "b1224afb-e9f0-4916-8220-b6bab568e888")

    def test_credentials_are_sent(client):
        response = client.get(CMD)
        assert response.status_code == 200, response.text
        assert client.findings == []

    def test_an_invalid_request_fails_at_the_call(client):
        client.get(CMD)
        client.get("/v5/iot/p/batchtasks", params={"task_type": "createDevices", "limit": 99})
        raise RuntimeError("never reached")

    def test_answers_only(client):
        client.validate_requests = False
        response = client.get("/v5/iot/p/batchtasks", params={"task_type": "createDevices", "limit": 99})
        assert response.status_code == 400 and client.findings == []
'''


def test_the_client_sends_the_credentials_and_fails_a_test_with_findings_only(project: pytest.Pytester) -> None:
    project.makepyfile(test_client=CLIENT_TESTS)
    result = project.runpytest("--contracts-mock", "-m", "not contracts", "test_client.py")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    result.stdout.fnmatch_lines([
        "*_ test_an_invalid_request_fails_at_the_call _*",
        '1 contract finding(s) at test_client.py:1[0-9]: client.get("/v5/iot/p/batchtasks", params=*',
        "[[]error] ListBatchTasks: request_conformance out-of-range at /query/limit",
        "    reproduce: curl *limit=99* -H 'x-auth-token: ***'",
    ])
    assert "contracts-demo-token" not in out and "never reached" not in out
    _only_findings(out)


def test_the_client_signs_with_the_configured_signer(project: pytest.Pytester) -> None:
    project.makepyfile(test_signed='''
        def test_signed(client):
            response = client.get("/v5/iot/p/devices/c1224afb-e9f0-4916-8220-b6bab568e888/async-commands/"
                                  "b1224afb-e9f0-4916-8220-b6bab568e888")
            assert response.status_code == 200, response.text
            assert response.request.headers["authorization"].startswith("SDK-HMAC-SHA256 ")
            assert "x-auth-token" not in response.request.headers  # the signer replaces the demo token
    ''')
    result = project.runpytest("--contracts-mock", "--contracts-auth", "huawei-aksk", "-m", "not contracts",
                               "test_signed.py")
    result.assert_outcomes(passed=1)


def test_the_client_against_a_base_url_finds_a_faulty_answer_and_passes_a_correct_one(
        project: pytest.Pytester, faulty_mock: str) -> None:
    from contracts.mock import create_app
    from contracts.mock.server import MockServer

    project.makepyfile(test_answer=f'''
        CMD = "{CMD}"

        def test_answer(client):
            assert client.get(CMD).status_code == 200
    ''')
    common = ["--contracts-header", f"X-Auth-Token: {TOKEN}", "--contracts-spec", "specs/iotda-v5.yaml",
              "-m", "not contracts", "test_answer.py"]
    result = project.runpytest("--contracts-base-url", faulty_mock, *common)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["[[]error] ShowAsyncDeviceCommand: response_schema_conformance enum-mismatch at "
                                 "/body/status", "    got: HTTP 200 *"])
    assert TOKEN not in result.stdout.str()
    server = MockServer(create_app(seed=1), "127.0.0.1", 0)  # the same API, answering correctly
    url = server.start()
    try:
        result = project.runpytest("--contracts-base-url", url, *common)
    finally:
        server.stop()
    result.assert_outcomes(passed=1)


def test_no_contracts_property_reaches_the_users_junit_xml(project: pytest.Pytester, faulty_mock: str) -> None:
    import xml.etree.ElementTree as ET

    project.makepyfile(test_props='''
        import httpx, pytest

        CMD = "%s"

        def test_mine(record_property):
            record_property("mine", "kept")

        @pytest.mark.contract("ShowAsyncDeviceCommand")
        def test_marked(client):
            client.validate_requests = True
            httpx.get(client.base_url.join(CMD),
                      headers={"X-Auth-Token": "%s"})
    ''' % (CMD, TOKEN))
    result = project.runpytest("--contracts-base-url", faulty_mock, "--contracts-header", f"X-Auth-Token: {TOKEN}",
                               "--contracts-spec", "specs/iotda-v5.yaml", "--contracts-max-examples=0",
                               "--junitxml=junit.xml", "--contracts-report-dir=out", "test_props.py")
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] >= 2 and outcomes["passed"] >= 1  # the samples and the marked test meet the fault
    names = [p.get("name") for p in ET.parse(project.path / "junit.xml").iter("property")]
    assert names == ["mine"]
    report = json.loads((project.path / "out" / "report.json").read_text())
    assert "enum-mismatch" in {f["kind"] for f in report["findings"]}  # the findings still reach the reports


def test_xdist_workers_hand_out_the_generating_items_first_heaviest_first(project: pytest.Pytester) -> None:
    from contracts.plugin.items import heaviest_first, input_size

    recorder = project.inline_run("--contracts-mock", "--collect-only")
    items = list(recorder.getcalls("pytest_collection_finish")[0].session.items)
    assert len(items) == 18
    ordered = heaviest_first(items)
    assert sorted(i.nodeid for i in ordered) == sorted(i.nodeid for i in items)  # the same items, reordered
    phases = [i.name for i in ordered]
    generating = [p for p in phases if p in ("positive", "negative")]
    assert phases[:len(generating)] == generating  # samples and stateful (a few requests each) come last
    negatives = generating.count("negative")
    assert generating[:negatives] == ["negative"] * negatives  # invalid values cost the most to generate
    for part in (ordered[:negatives], ordered[negatives:len(generating)]):
        sizes = [input_size(i.operation) for i in part]
        assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]
    assert ordered[0].nodeid == "specs/enos-connect-v2.5.yaml::createJob::negative"  # the request body
