"""Lint findings: the real line and pointer, once, with the whole message; style is a warning;
severities set by the project; vendor wording only where the spec uses the vendor's extension."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest

from contracts.cli import run
from contracts.core.errors import UsageError
from contracts.core.lint import KINDS, lint, project_rules
from contracts.core.severity import Basis

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"

SCHEMA_ERRORS = """
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      summary: Get A
      parameters:
        - name: day
          in: query
          schema: {type: string, format: date, default: "31 January 2024, a day that the vendor docs describe at quite some length, so as to make the message longer than one hundred and sixty characters"}
        - name: n
          in: query
          schema: {$ref: "#/components/schemas/N"}
      responses:
        "204": {description: none}
components:
  schemas:
    N: {type: integer, exclusiveMaximum: true}
"""


def test_errors_inside_schemas_carry_their_own_line_and_pointer(write_spec: Callable[..., Path]) -> None:
    found = [f for f in lint([write_spec(SCHEMA_ERRORS)]) if f.kind == "invalid-openapi"]
    assert [(f.line, f.location) for f in found] == [
        (11, "/paths/~1a/get/parameters/0/schema/default"),
        (19, "/components/schemas/N/exclusiveMaximum"),  # where N is written, not where it is used
    ]
    assert all(f.severity.value == "error" and f.basis == "stated" for f in found)
    day = found[0].message
    assert len(day) > 160 and day.endswith("is not a 'date'")  # the whole message, reason included
    assert "so as to make the message longer than one hundred and sixty characters" in day


def test_a_huge_instance_echoed_in_a_message_is_abbreviated_and_the_reason_kept(
        write_spec: Callable[..., Path]) -> None:
    text = SCHEMA_ERRORS.replace("format: date, default: \"31 January", "format: date, default: \"" + "x" * 500)
    found = [f for f in lint([write_spec(text)]) if f.location.endswith("/parameters/0/schema/default")]
    assert len(found) == 1 and found[0].message.endswith("… is not a 'date'") and len(found[0].message) < 300


def test_each_finding_is_reported_once(write_spec: Callable[..., Path]) -> None:
    text = SCHEMA_ERRORS.replace("""          schema: {$ref: "#/components/schemas/N"}""",
                                 """          schema: {$ref: "#/components/schemas/N"}
        - name: m
          in: query
          schema: {$ref: "#/components/schemas/N"}""")
    found = [(f.kind, f.spec, f.location, f.message) for f in lint([write_spec(text)])]
    assert len(found) == len(set(found))
    assert [f for f in found if f[2] == "/components/schemas/N/exclusiveMaximum"] != []


def test_a_public_document_that_fails_on_purpose() -> None:
    found = [f for f in lint([CORPUS / "readme30-schema-validation.json"]) if f.kind == "invalid-openapi"]
    rows = (CORPUS / "readme30-schema-validation.json").read_text(encoding="utf-8").splitlines()
    assert found and all(f.line and f.line > 1 and f.location.startswith("/paths/") for f in found)
    for f in found:  # each line holds the default value the message is about
        assert '"default"' in rows[f.line - 1], (f.line, rows[f.line - 1])
    assert any("is not a 'time'" in f.message for f in found)


def test_structural_errors_name_the_deepest_reason(write_spec: Callable[..., Path]) -> None:
    text = SCHEMA_ERRORS.replace("          in: query\n          schema: {$ref", "          in: body\n          schema: {$ref")
    found = [f for f in lint([write_spec(text)]) if f.kind == "invalid-openapi" and "/parameters/1" in f.location]
    assert [(f.line, f.location) for f in found] == [(13, "/paths/~1a/get/parameters/1/in")]
    assert "'body'" in found[0].message and "is not one of" in found[0].message


# -- severities ---------------------------------------------------------------

STYLE = """
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {type: object}
"""


def test_style_rules_are_warnings_and_structure_errors(write_spec: Callable[..., Path]) -> None:
    found = {f.kind: f for f in lint([write_spec(STYLE)])}
    assert sorted(found) == ["missing-example", "missing-operation-id", "missing-summary"]
    assert {f.severity.value for f in found.values()} == {"warning"}
    assert {f.basis for f in found.values()} == {"implied"}
    assert KINDS["invalid-openapi"].basis is Basis.STATED and KINDS["unresolvable-ref"].basis is Basis.STATED


def test_lint_exit_codes(write_spec: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["lint", str(write_spec(STYLE))]) == 0
    out = capsys.readouterr().out
    assert "warning: missing-summary" in out and "0 error(s), 3 warning(s), 0 info in 1 spec(s)" in out
    broken = write_spec(STYLE.replace("schema: {type: object}", "schema: {$ref: '#/nope'}"), name="b.yaml")
    assert run(["lint", str(broken)]) == 1
    assert "error: unresolvable-ref" in capsys.readouterr().out
    not_yaml = write_spec("openapi: 3.0.3\ninfo: [\n", name="c.yaml")
    assert run(["lint", str(not_yaml)]) == 2


def project(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return tmp_path


def test_pyproject_sets_rule_severities(tmp_path: Path, write_spec: Callable[..., Path],
                                        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(STYLE)
    project(tmp_path, "pyproject.toml", """
        [project]
        name = "x"
        [tool.contracts.lint]
        rules = {missing-summary = "off", missing-example = "info", missing-operation-id = "error"}
    """)
    monkeypatch.chdir(tmp_path)
    rules = project_rules()
    assert rules == {"missing-summary": None, "missing-example": Basis.SILENT, "missing-operation-id": Basis.STATED}
    found = {f.kind: f.severity.value for f in lint([spec], rules)}
    assert found == {"missing-example": "info", "missing-operation-id": "error"}
    assert run(["lint", str(spec)]) == 1  # an error now
    out = capsys.readouterr().out
    assert "missing-summary" not in out and "info: missing-example" in out


def test_contracts_toml_and_spectral_words(tmp_path: Path, write_spec: Callable[..., Path],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    spec = write_spec(STYLE)
    project(tmp_path, "contracts.toml", """
        [lint.rules]
        missing-summary = "hint"
        missing-example = false
        missing-operation-id = "warn"
    """)
    monkeypatch.chdir(tmp_path)
    assert {f.kind: f.severity.value for f in lint([spec], project_rules())} == {
        "missing-summary": "info", "missing-operation-id": "warning"}
    assert run(["lint", str(spec)]) == 0


@pytest.mark.parametrize("text, message", [
    ('[tool.contracts.lint]\nrules = {missing-sumary = "off"}\n',
     "pyproject.toml [tool.contracts.lint]: unknown lint rule 'missing-sumary'; did you mean 'missing-summary'?"),
    ('[tool.contracts.lint]\nrules = {missing-summary = "of"}\n',
     "pyproject.toml [tool.contracts.lint]: rule 'missing-summary': unknown severity 'of'; did you mean 'off'?"),
    ('[tool.contracts.lint]\nrule = {missing-summary = "off"}\n',
     "pyproject.toml [tool.contracts.lint]: unknown setting 'rule'; did you mean 'rules'?"),
    ('[tool.contracts.lint\n', "pyproject.toml: not valid TOML"),
])
def test_bad_settings_are_one_line_usage_errors(tmp_path: Path, write_spec: Callable[..., Path],
                                                 monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                 text: str, message: str) -> None:
    spec = write_spec(STYLE)
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as err:
        project_rules()
    assert str(err.value).startswith(message)
    assert run(["lint", str(spec)]) == 2
    err_text = capsys.readouterr().err
    assert err_text.count("\n") == 1 and message in err_text


def test_a_pyproject_without_the_section_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    monkeypatch.chdir(tmp_path)
    assert project_rules() == {}


def test_vendor_wording_only_where_the_spec_uses_the_extension(write_spec: Callable[..., Path]) -> None:
    plain = [f for f in lint([write_spec(STYLE)]) if f.kind == "missing-example"]
    assert plain and "x-constructed" not in (plain[0].suggestion or "") and "docs'" not in (plain[0].suggestion or "")
    marked = STYLE.replace("      responses:", """      responses:
        "404":
          description: not found
          content:
            application/json:
              schema: {type: object}
              examples: {built: {value: {}, x-constructed: true}}""")
    vendor = [f for f in lint([write_spec(marked, name="v.yaml")]) if f.kind == "missing-example"]
    assert vendor and "x-constructed" in (vendor[0].suggestion or "")
