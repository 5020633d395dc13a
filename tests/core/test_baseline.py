"""The baseline file: identity without seeds, sorted, reasons kept, clear errors on a bad file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from contracts.core import baseline
from contracts.core.errors import UsageError
from contracts.core.finding import Finding, Kind, Severity


def finding(op: str, location: str, *, seed: int | None = None, message: str = "m",
            severity: Severity = Severity.ERROR) -> Finding:
    return Finding(op, Kind.ENUM_MISMATCH, severity, location, message, check="response_schema_conformance",
                   seed=seed)


def test_render_is_sorted_seed_free_and_valid() -> None:
    found = [finding("b", "/body/items/4/x", seed=1, message="'Q' is not documented"), finding("a", "/body/s")]
    text = baseline.render(found, command="check")
    data = json.loads(text)
    jsonschema.validate(data, baseline.schema())
    assert [e["operation"] for e in data["entries"]] == ["a", "b"]
    assert data["entries"][1]["location"] == "/body/items/*/x"
    assert "seed" not in text and "'Q'" not in text  # nothing a generated value or a seed can change
    again = baseline.render([finding("a", "/body/s", seed=7), finding("b", "/body/items/9/x", seed=2)],
                            command="check")
    assert again == text  # another seed, the same file


def test_compare_marks_known_and_new_and_lists_stale(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(baseline.render([finding("a", "/body/s"), finding("gone", "/body/t"),
                                     finding("elsewhere", "/body/u")], command="check"))
    known = baseline.load(path)
    result = baseline.compare([finding("a", "/body/s"), finding("a", "/body/new")], known,
                              ran={("a", "response_schema_conformance"), ("gone", "response_schema_conformance")})
    assert [f.baseline for f in result.findings] == ["known", "new"]
    assert [e.operation for e in result.stale] == ["gone"]  # "elsewhere" was not looked at this time
    assert [f.location for f in result.new_errors] == ["/body/new"]
    assert result.summary()["stale"][0]["operation"] == "gone"


def test_rewriting_keeps_the_reasons_people_wrote(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(baseline.render([finding("a", "/body/s")], command="check"))
    data = json.loads(path.read_text())
    data["entries"][0]["reason"] = "the vendor confirmed it (ticket 42)"
    path.write_text(json.dumps(data))
    text = baseline.render([finding("a", "/body/s"), finding("b", "/body/t")], command="check",
                           previous=baseline.load(path))
    reasons = {e["operation"]: e["reason"] for e in json.loads(text)["entries"]}
    assert reasons == {"a": "the vendor confirmed it (ticket 42)", "b": ""}


@pytest.mark.parametrize("content,words", [
    (None, "no such file"),
    ("{not json", "invalid JSON"),
    ('{"format": 1}', "'entries' is a required property"),
    ('{"format": 1, "entries": [{"operation": "a"}]}', "is a required property (at /entries/0)"),
])
def test_a_bad_baseline_is_one_line_naming_the_file(tmp_path: Path, content: str | None, words: str) -> None:
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UsageError) as raised:
        baseline.load(path)
    message = str(raised.value)
    assert str(path) in message and words in message and "\n" not in message
