"""diff.md and diff.json: fit for a pull-request comment, valid against their schema, deterministic."""

from __future__ import annotations

import jsonschema

from contracts.core.diff import DiffResult
from contracts.core.diffmodel import Change, Impact, Site
from contracts.report.diff import diff_schema, to_json, to_markdown


def change(i: int, impact: Impact) -> Change:
    return Change(f"rule-{'b' if impact is Impact.BREAKING else 'h'}", impact, f"GET /things/{i}",
                  f"response 200 /f{i}", f"field f{i} changed | a → b", "why it matters",
                  operation_id=f"op{i}", direction="output", old=Site("old.yaml", i + 1, f"/x/{i}"),
                  new=Site("new.yaml", None, f"/x/{i}"))


def result(breaking: int, harmless: int) -> DiffResult:
    changes = [change(i, Impact.BREAKING) for i in range(breaking)]
    changes += [change(breaking + i, Impact.HARMLESS) for i in range(harmless)]
    return DiffResult("old.yaml", "new.yaml", "1", "2", changes)


def rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("| `GET")]


def test_everything_fits_when_small() -> None:
    md = to_markdown(result(2, 3))
    assert md.startswith("### contracts diff: `old.yaml` → `new.yaml`\n\n**2 breaking changes**, 3 harmless. "
                         "(info.version `1` → `2`)")
    assert len(rows(md)) == 5 and "did not fit" not in md
    assert md.index("#### Breaking") < md.index("<details><summary>3 harmless changes</summary>")
    assert "field f0 changed \\| a → b" in md  # a pipe in a message does not split the table
    assert "old `old.yaml:1`<br>new `new.yaml`" in md


def test_a_long_diff_is_cut_to_a_comment_with_the_rest_counted() -> None:
    big = result(300, 300)
    md = to_markdown(big, budget=20_000)
    assert len(md) < 20_000 + 500
    kept = rows(md)
    left = int(md.split(" more changes did not fit")[0].rsplit("\n", 1)[-1])
    assert len(kept) + left == 600
    assert all("rule-b" in row for row in kept)  # breaking changes are the last to be left out
    assert md == to_markdown(big, budget=20_000)


def test_json_is_valid_and_complete() -> None:
    data = to_json(result(1, 1))
    jsonschema.validate(data, diff_schema())
    assert data["summary"]["breaking"] == 1 and data["summary"]["harmless"] == 1
    assert data["changes"][1]["new"] == {"file": "new.yaml", "line": None, "pointer": "/x/1"}


def test_no_change() -> None:
    md = to_markdown(result(0, 0))
    assert md.endswith("No changes. (info.version `1` → `2`)\n") and not rows(md)
    jsonschema.validate(to_json(result(0, 0)), diff_schema())
