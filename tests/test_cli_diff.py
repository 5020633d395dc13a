"""``contracts diff`` end to end: edits of a shipped spec, git revisions, output forms and bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from contracts.cli import run
from contracts.report.diff import diff_schema

ROOT = Path(__file__).resolve().parents[1]
IOTDA = ROOT / "specs" / "iotda-v5.yaml"

LIMIT = "            maximum: 50\n            default: 10\n"
STATUS_PARAM = "          required: false\n          description: The status of the batch tasks to list. Optional.\n"
COMMAND_STATUS = "enum: [PENDING, EXPIRED, SENT, DELIVERED, SUCCESSFUL, FAILED, TIMEOUT]"
LIMIT_TEXT = "description: Records per page. An integer from 1 to 50; 10 by default."
NEW_PARAM = """        - name: marker
          in: query
"""
OPTIONAL_PARAM = """        - name: sort_key
          in: query
          required: false
          description: Sort by this field. Optional.
          schema: {type: string, maxLength: 32}
"""

# (edit: old text, new text), the rule it must name, and the line of the new file it points at
BREAKING = [
    ("input range narrowed", (LIMIT, LIMIT.replace("50", "20")), "range-changed", "maximum: 20"),
    ("parameter becomes mandatory", (STATUS_PARAM, STATUS_PARAM.replace("false", "true")),
     "parameter-became-required", "required: true"),
    ("output enum value added", (COMMAND_STATUS, COMMAND_STATUS.replace("TIMEOUT]", "TIMEOUT, CANCELED]")),
     "enum-value-added", "CANCELED]"),
    ("paging order reversed", ("        order: descending\n", "        order: ascending\n"), "pagination-changed",
     "x-pagination:"),
]
HARMLESS = [
    ("description reworded", (LIMIT_TEXT, LIMIT_TEXT.replace("Records per page", "Tasks per page")),
     "description-changed"),
    ("optional parameter added", (NEW_PARAM, OPTIONAL_PARAM + NEW_PARAM), "parameter-added"),
]


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = IOTDA.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "iotda-v5.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize("edit, rule, line", [r[1:] for r in BREAKING], ids=[r[0] for r in BREAKING])
def test_breaking_edit_of_a_shipped_spec_exits_1_naming_its_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                  edit: tuple[str, str], rule: str, line: str) -> None:
    new = edited(tmp_path, *edit)
    assert run(["diff", str(IOTDA), str(new)]) == 1
    out = capsys.readouterr().out
    assert "#### Breaking" in out and f"`{rule}`" in out.split("#### Breaking", 1)[1].split("<details>")[0]
    assert run(["diff", "--format", "json", str(IOTDA), str(new)]) == 1
    report = json.loads(capsys.readouterr().out)
    jsonschema.validate(report, diff_schema())
    breaking = [c for c in report["changes"] if c["breaking"]]
    assert [c["rule"] for c in breaking] == [rule]
    [change] = breaking
    assert change["new"]["file"] == str(new)
    assert line in new.read_text(encoding="utf-8").splitlines()[change["new"]["line"] - 1]
    assert change["old"]["file"] == "specs/iotda-v5.yaml"


@pytest.mark.parametrize("edit, rule", [r[1:] for r in HARMLESS], ids=[r[0] for r in HARMLESS])
def test_harmless_edit_of_a_shipped_spec_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 edit: tuple[str, str], rule: str) -> None:
    new = edited(tmp_path, *edit)
    assert run(["diff", "--format", "json", str(IOTDA), str(new)]) == 0
    report = json.loads(capsys.readouterr().out)
    jsonschema.validate(report, diff_schema())
    assert [c["rule"] for c in report["changes"]] == [rule]
    assert report["summary"]["breaking"] == 0 and report["summary"]["harmless"] == 1
    assert run(["diff", str(IOTDA), str(new)]) == 0
    out = capsys.readouterr().out
    assert "**No breaking change**, 1 harmless." in out and f"`{rule}`" in out


def test_the_same_spec_is_no_change(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["diff", str(IOTDA), str(IOTDA)]) == 0
    assert capsys.readouterr().out.endswith("No changes.\n")


def test_report_dir_writes_both_forms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = edited(tmp_path, *BREAKING[0][1])
    out_dir = tmp_path / "reports"
    assert run(["diff", "--report-dir", str(out_dir), str(IOTDA), str(new)]) == 1
    captured = capsys.readouterr()
    assert (out_dir / "diff.md").read_text(encoding="utf-8") == captured.out
    jsonschema.validate(json.loads((out_dir / "diff.json").read_text(encoding="utf-8")), diff_schema())
    assert f"wrote {out_dir / 'diff.json'}" in captured.err


def test_generated_client_changes_fail_only_with_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = edited(tmp_path, "operationId: ListBatchTasks\n      summary", "operationId: ListTasks\n      summary")
    assert run(["diff", str(IOTDA), str(new)]) == 0
    assert "Breaking for generated clients" in capsys.readouterr().out
    assert run(["diff", "--strict", str(IOTDA), str(new)]) == 1


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "specs").mkdir(parents=True)
    shutil.copy(IOTDA, root / "specs" / "iotda-v5.yaml")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "spec")
    return root


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from contracts.cli import main; main()", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_a_git_revision_against_the_working_file(repo: Path) -> None:
    spec = repo / "specs" / "iotda-v5.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(LIMIT, LIMIT.replace("50", "20")), encoding="utf-8")
    proc = cli(repo, "diff", "--format", "json", "main:specs/iotda-v5.yaml", "specs/iotda-v5.yaml")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"]["old"]["spec"] == "main:specs/iotda-v5.yaml"
    [change] = report["changes"]
    assert change["rule"] == "range-changed"
    assert change["old"]["file"] == "main:specs/iotda-v5.yaml" and change["old"]["line"] == 93
    # from a subfolder, ./ names a path relative to it, as git does
    proc = cli(repo / "specs", "diff", "main:./iotda-v5.yaml", "HEAD:specs/iotda-v5.yaml")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert "No changes." in proc.stdout


@pytest.mark.parametrize("args, message", [
    (("nosuch:specs/iotda-v5.yaml", "specs/iotda-v5.yaml"), "unknown git revision 'nosuch'"),
    (("main:specs/gone.yaml", "specs/iotda-v5.yaml"), "specs/gone.yaml does not exist at revision main"),
    (("main:specs", "specs/iotda-v5.yaml"), "specs is a folder at revision main"),
    (("main:", "specs/iotda-v5.yaml"), "no path after the revision"),
    (("main:../x.yaml", "specs/iotda-v5.yaml"), "outside the repository"),
    (("specs/iotda-v5.yaml", "missing.yaml"), "no such spec file: missing.yaml"),
    (("specs", "specs/iotda-v5.yaml"), "specs is a folder"),
])
def test_bad_input_is_one_line_and_exit_2(repo: Path, args: tuple[str, str], message: str) -> None:
    proc = cli(repo, "diff", *args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and message in proc.stderr, proc.stderr


def test_a_broken_spec_at_a_revision_names_its_file_and_line(repo: Path) -> None:
    spec = repo / "specs" / "iotda-v5.yaml"
    lines = spec.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[92] = "            maximum: [50\n"  # line 93: a YAML syntax error
    spec.write_text("".join(lines), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    proc = cli(repo, "diff", "main~1:specs/iotda-v5.yaml", "main:specs/iotda-v5.yaml")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("contracts: error: main:specs/iotda-v5.yaml:9") and proc.stderr.count("\n") == 1
    assert "contracts-rev-" not in proc.stderr  # the temporary folder never shows
    proc = cli(repo, "diff", "main~1:specs/iotda-v5.yaml", "specs/iotda-v5.yaml")
    assert proc.returncode == 2 and proc.stderr.startswith("contracts: error: specs/iotda-v5.yaml:9")


def test_not_a_repository(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    proc = cli(tmp_path, "diff", "main:spec.yaml", str(IOTDA))
    assert proc.returncode == 2 and "not inside a git repository" in proc.stderr


def test_an_error_code_gone_from_a_vendor_error_table_is_breaking(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """OceanConnect documents its error codes as examples built from the error table."""
    spec = ROOT / "specs" / "oceanconnect-iocm-v1.4.0.yaml"
    text = spec.read_text(encoding="utf-8")
    entry = """                appNotAuthorized:
                  summary: "100217: The application hasn't been authorized. Leave appId empty unless querying an authorized application."
                  x-constructed: Built from the error table.
                  value: {"error_code": "100217", "error_desc": "The application hasn't been authorized."}
"""
    assert text.count(entry) == 1
    new = tmp_path / spec.name
    new.write_text(text.replace(entry, ""), encoding="utf-8")
    assert run(["diff", "--format", "json", str(spec), str(new)]) == 1
    changes = json.loads(capsys.readouterr().out)["changes"]
    assert [(c["rule"], c["location"]) for c in changes if c["breaking"]] == \
        [("error-code-changed", "response 403 error code 100217")]
    assert [c["rule"] for c in changes if not c["breaking"]] == ["example-changed"]
