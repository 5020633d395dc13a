"""The command line's habits, borrowed from pytest, ruff and Schemathesis: each one fails here if it breaks.

Colour and escape codes, -q/-v, -x/--max-failures, --dry-run, --report, shell completion, usage
errors with "did you mean", one-line set-up errors and log-friendly output without a TTY.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .runner.servers import ROOT, TOKEN, free_port, iotda_app, serve

IOTDA = str(ROOT / "specs" / "iotda-v5.yaml")
ESC = "\x1b["
SHOW = ["--operation", "ShowAsyncDeviceCommand", "--max-examples", "2", "--seed", "1"]


def contracts(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT,
              timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess: stdout is a pipe, so never a TTY (a CI log)."""
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-c", "from contracts.cli import main; main()", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=timeout, env=environ)


# --- colour -----------------------------------------------------------------------------------------


def test_force_color_colours_the_output_so_the_plain_tests_mean_something() -> None:
    proc = contracts("check", "--spec", IOTDA, *SHOW, env={"FORCE_COLOR": "1"})
    assert proc.returncode == 0, proc.stderr
    assert ESC in proc.stdout


@pytest.mark.parametrize("how", ["--no-color", "NO_COLOR"])
def test_no_color_means_no_escape_codes_at_all(how: str) -> None:
    args, env = (["--no-color"], {"FORCE_COLOR": "1"}) if how == "--no-color" else ([], {"NO_COLOR": "1"})
    proc = contracts("check", "--spec", IOTDA, *SHOW, *args, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "checks per operation" in proc.stdout
    assert ESC not in proc.stdout + proc.stderr


def test_no_color_on_lint_and_audit_too() -> None:
    for command in ("lint", "audit"):
        proc = contracts(command, IOTDA, "--no-color", env={"FORCE_COLOR": "1"})
        assert proc.returncode in (0, 1), proc.stderr
        assert proc.stdout and ESC not in proc.stdout


# --- -q / -v ----------------------------------------------------------------------------------------


def test_quiet_prints_only_the_closing_line() -> None:
    proc = contracts("check", "--spec", IOTDA, *SHOW, "-q")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, proc.stdout
    assert re.match(r"\d+ cases, \d+ requests in [\d.]+ s: 0 errors, \d+ warnings, \d+ info \(seed 1\)", lines[0])


def test_verbose_lists_every_cause_info_included_with_an_example(tmp_path: Path) -> None:
    specs = str(ROOT / "specs")
    plain = contracts("audit", specs, "--report-dir", str(tmp_path))
    loud = contracts("audit", specs, "-v")
    assert plain.returncode == loud.returncode
    report = json.loads((tmp_path / "audit.json").read_text())
    infos = [f for f in report["findings"] if f["severity"] == "info"]
    assert infos, "the shipped specs have info causes"
    assert f"{len(infos)} info cause(s) in the report" in plain.stdout
    assert not any(line.startswith("info ") for line in plain.stdout.splitlines())
    shown = [line for line in loud.stdout.splitlines() if line.startswith("info ")]
    assert len(shown) == len(infos)
    lines = loud.stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("info "):
            assert lines[i + 1].strip().startswith("e.g. "), line
    assert "info cause(s)" not in loud.stdout


def test_very_verbose_prints_every_exchange() -> None:
    proc = contracts("check", "--spec", IOTDA, *SHOW, "-vv")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^ShowAsyncDeviceCommand: GET \S+/devices/\S+/async-commands/\S+ -> \d{3}$", proc.stdout, re.M)


def test_quiet_and_verbose_contradict() -> None:
    proc = contracts("check", "--spec", IOTDA, "-q", "-v")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["contracts: error: -q and -v contradict each other; give one of them"]
    assert proc.stdout == ""


# --- -x / --max-failures ----------------------------------------------------------------------------


def _check(url: str, out: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    proc = contracts("check", "--spec", IOTDA, "--base-url", url, "--header", f"X-Auth-Token: {TOKEN}",
                     "--seed", "3", "--max-examples", "20", "--report-dir", str(out), *extra)
    return proc, json.loads((out / "report.json").read_text())


def test_exitfirst_stops_at_the_first_error_and_says_so(tmp_path: Path) -> None:
    with serve(iotda_app(broken="accept-invalid")) as url:
        full, whole = _check(url, tmp_path / "full")
        first, stopped = _check(url, tmp_path / "x", "-x")
    assert full.returncode == 1 and whole["summary"]["by_severity"]["error"] > 1
    assert "stopped" not in whole["summary"]
    assert first.returncode == 1
    assert stopped["summary"]["stopped"] == "max-failures"
    assert stopped["summary"]["by_severity"]["error"] >= 1
    assert stopped["summary"]["requests"] < whole["summary"]["requests"]
    assert "stopped after 1 error finding(s) (-x / --max-failures); the reports cover what ran" in first.stdout


def test_max_failures_n_allows_n(tmp_path: Path) -> None:
    with serve(iotda_app(broken="accept-invalid")) as url:
        proc, report = _check(url, tmp_path, "--max-failures", "2")
    assert proc.returncode == 1
    assert report["summary"]["by_severity"]["error"] >= 2
    assert "stopped after 2 error finding(s)" in proc.stdout


def test_max_failures_is_not_a_reason_to_stop_a_clean_run(tmp_path: Path) -> None:
    with serve(iotda_app()) as url:
        proc, report = _check(url, tmp_path, "-x")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "stopped" not in report["summary"]


@pytest.mark.parametrize("args, message", [
    (["--max-failures", "0"], "--max-failures"),
    (["-x", "--max-failures", "3"], "give one of them"),
])
def test_bad_failure_limits_are_usage_errors(args: list[str], message: str) -> None:
    proc = contracts("check", "--spec", IOTDA, *args)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr
    assert proc.stdout == ""


# --- --dry-run --------------------------------------------------------------------------------------


def _counting_app() -> tuple[Starlette, list[str]]:
    seen: list[str] = []

    async def handle(request: Request) -> Response:
        seen.append(request.url.path)
        return Response(b"{}", media_type="application/json")

    return Starlette(routes=[Route("/{path:path}", handle, methods=["GET", "POST", "PUT", "DELETE"])]), seen


def test_dry_run_lists_the_cases_and_sends_nothing(tmp_path: Path) -> None:
    app, seen = _counting_app()
    with serve(app) as url:
        proc = contracts("check", "--spec", IOTDA, "--base-url", url, "--header", f"X-Auth-Token: {TOKEN}",
                         "--dry-run", "--report-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert seen == []
    assert list(tmp_path.iterdir()) == []
    assert "ListBatchTasks (GET /v5/iot/{project_id}/batchtasks): " in proc.stdout
    assert re.search(r"^  \w+ +(valid|invalid|\w+) +GET " + re.escape(url), proc.stdout, re.M)
    assert re.search(r"dry run: \d+ planned case\(s\) in 2 operation\(s\); nothing sent", proc.stdout)
    assert TOKEN not in proc.stdout


# --- --report ---------------------------------------------------------------------------------------


def test_report_selects_the_formats_written(tmp_path: Path) -> None:
    proc = contracts("check", "--spec", IOTDA, *SHOW, "--report-dir", str(tmp_path), "--report", "json,junit")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junit.xml", "report.json"]


def test_report_without_report_dir_is_a_usage_error() -> None:
    proc = contracts("check", "--spec", IOTDA, "--report", "json")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "contracts: error: --report chooses the formats --report-dir gets: give --report-dir too"


def test_a_misspelt_report_format_suggests_the_right_one(tmp_path: Path) -> None:
    proc = contracts("check", "--spec", IOTDA, "--report-dir", str(tmp_path), "--report", "jsn")
    assert proc.returncode == 2
    assert "'jsn' is not a report format" in proc.stderr and "did you mean 'json'" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_audit_reports_choose_too(tmp_path: Path) -> None:
    proc = contracts("audit", IOTDA, "--report-dir", str(tmp_path), "--report", "md")
    assert proc.returncode in (0, 1), proc.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["audit.md"]


# --- usage errors with did you mean -----------------------------------------------------------------


def test_a_misspelt_param_is_a_usage_error_with_a_suggestion() -> None:
    proc = contracts("check", "--spec", IOTDA, "--param", "projectid=abc")
    assert proc.returncode == 2
    line, = proc.stderr.strip().splitlines()
    assert line.startswith("contracts: error: --param projectid: no operation of the specs has a parameter")
    assert "did you mean 'project_id'" in line
    assert proc.stdout == ""


def test_a_known_param_in_another_case_is_accepted() -> None:
    proc = contracts("check", "--spec", IOTDA, *SHOW, "--param", "X-AUTH-TOKEN=abc", "--dry-run")
    assert proc.returncode == 0, proc.stderr


def test_a_check_both_selected_and_excluded_is_a_usage_error() -> None:
    proc = contracts("check", "--spec", IOTDA, "--checks", "not_a_server_error",
                     "--exclude-checks", "not_a_server_error")
    assert proc.returncode == 2
    line, = proc.stderr.strip().splitlines()
    assert "not_a_server_error" in line and "both" in line
    assert proc.stdout == ""


def test_a_misspelt_check_suggests_the_right_one() -> None:
    proc = contracts("check", "--spec", IOTDA, "--checks", "not_a_server_eror")
    assert proc.returncode == 2
    assert "did you mean 'not_a_server_error'" in proc.stderr


# --- set-up errors ----------------------------------------------------------------------------------


def test_an_unreachable_target_is_exactly_one_line_and_nothing_else(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    proc = contracts("check", "--spec", IOTDA, "--base-url", url, "--timeout", "1", "--max-examples", "2",
                     "--report-dir", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    line, = proc.stderr.strip().splitlines()
    assert line.startswith("contracts: error: ") and url in line and str(tmp_path) in line
    assert (tmp_path / "report.json").exists()


# --- output without a TTY ---------------------------------------------------------------------------


@pytest.mark.parametrize("columns", ["40", "80"])
def test_no_message_is_wrapped_mid_word_in_a_log(tmp_path: Path, columns: str) -> None:
    proc = contracts("audit", str(ROOT / "specs"), "-v", "--report-dir", str(tmp_path), env={"COLUMNS": columns})
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads((tmp_path / "audit.json").read_text())
    messages = {f["message"] for f in report["findings"] if len(f["message"]) > int(columns)}
    assert messages, "the test needs messages longer than the width"
    lines = proc.stdout.splitlines()
    for message in messages:
        assert any(message in line for line in lines), f"wrapped: {message!r}"


def test_plain_progress_in_a_log_has_a_line_per_operation_and_no_bars() -> None:
    proc = contracts("check", "--spec", IOTDA, "--max-examples", "3", "--seed", "1")
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stdout and "\x1b[2K" not in proc.stdout and "╸" not in proc.stdout
    for op in ("ListBatchTasks", "ShowAsyncDeviceCommand"):
        assert re.search(rf"^{op}: \d+ cases? done", proc.stdout, re.M), proc.stdout
    assert proc.stdout.splitlines()[0].startswith("contracts check: embedded mock")


def test_no_promise_of_a_report_that_is_not_written(tmp_path: Path) -> None:
    bare = contracts("audit", str(ROOT / "specs"))
    assert "in the report" not in bare.stdout
    assert "(write them with --report-dir)" in bare.stdout
    kept = contracts("audit", str(ROOT / "specs"), "--report-dir", str(tmp_path))
    assert "in the report" in kept.stdout


# --- shell completion -------------------------------------------------------------------------------


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o nosort -F"), ("zsh", "compdef"),
                                           ("fish", "complete --no-files --command contracts")])
def test_shell_completion_scripts(shell: str, marker: str) -> None:
    proc = contracts(env={"_CONTRACTS_COMPLETE": f"{shell}_source"})
    assert proc.returncode == 0
    assert marker in proc.stdout


def test_completion_is_documented_in_the_help() -> None:
    proc = contracts("--help")
    assert 'eval "$(_CONTRACTS_COMPLETE=bash_source contracts)"' in proc.stdout


def test_completion_completes_command_names() -> None:
    proc = contracts(env={"_CONTRACTS_COMPLETE": "bash_complete", "COMP_WORDS": "contracts ch", "COMP_CWORD": "1"})
    assert "plain,check" in proc.stdout.split()


# --- -w/--workers -----------------------------------------------------------------------------------


def test_workers_reaches_the_session_and_defaults_to_one_per_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import contracts.cli as cli_module

    seen: list[int] = []
    monkeypatch.setattr(cli_module, "run_check", lambda options, *a, **k: seen.append(options.workers) or 0)
    runner = CliRunner()
    assert runner.invoke(cli_module.cli, ["check", "--spec", IOTDA, "-w", "1"]).exit_code == 0
    assert runner.invoke(cli_module.cli, ["check", "--spec", IOTDA, "--workers", "3"]).exit_code == 0
    assert runner.invoke(cli_module.cli, ["check", "--spec", IOTDA]).exit_code == 0
    assert seen == [1, 3, 0]  # 0: the session takes one per CPU


def test_zero_workers_is_a_usage_error() -> None:
    proc = contracts("check", "--spec", IOTDA, "-w", "0")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "contracts: error: Invalid value for '-w' / '--workers': 0 is not in the range x>=1."]
