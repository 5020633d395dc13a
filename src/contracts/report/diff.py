"""diff.json and diff.md: the spec diff for machines and for a pull-request comment.

Both are rendered from the same ``DiffResult``, deterministically (no
timestamps, no durations), so a diff of the same two specs is the same file.
The JSON form is ``contracts/schemas/diff.schema.json``.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.diff import DiffResult
from ..core.diffmodel import Change, Impact
from .files import dump_json, ensure_dir, write_text
from .markdown import cell, code, table

_HEADINGS = {Impact.BREAKING: "Breaking", Impact.GENERATED: "Breaking for generated clients",
             Impact.HARMLESS: "Harmless"}


def diff_schema() -> dict[str, Any]:
    text = resources.files("contracts").joinpath("schemas/diff.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def to_json(result: DiffResult) -> dict[str, Any]:
    return {"summary": {"tool": "contracts", "version": __version__, "command": "diff", **result.summary()},
            "changes": [c.to_dict() for c in result.changes]}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def headline(result: DiffResult) -> str:
    breaking, generated, harmless = (result.count(i) for i in (Impact.BREAKING, Impact.GENERATED, Impact.HARMLESS))
    if not result.changes:
        return "No changes."
    parts = [f"**{_plural(breaking, 'breaking change')}**" if breaking else "**No breaking change**"]
    if generated:
        parts.append(f"{generated} breaking for generated clients")
    parts.append(f"{harmless} harmless")
    return ", ".join(parts) + "."


def _operation(c: Change) -> str:
    if not c.operation:
        return "(document)"
    return code(c.operation) + (f" {cell(c.operation_id)}" if c.operation_id and c.operation_id != c.operation
                                else "")


def _sites(c: Change) -> str:
    shown = [f"{label} {code(site)}" for label, site in (("old", c.old), ("new", c.new)) if site is not None]
    return "<br>".join(shown)


MAX_COMMENT = 60_000  # characters: GitHub holds at most 65,536 in a pull-request comment


def _row(c: Change) -> list[str]:
    return [_operation(c), code(c.location), c.message, c.reason, code(c.rule), _sites(c)]


def _table(rows: list[list[str]]) -> str:
    return table(["Operation", "Where", "Change", "Why", "Rule", "Lines"], rows)


def to_markdown(result: DiffResult, budget: int = MAX_COMMENT) -> str:
    """The pull-request comment: breaking changes first, harmless ones folded; rows past ``budget``
    characters are left to diff.json, and the comment says how many."""
    out = [f"### contracts diff: {code(result.old)} → {code(result.new)}", ""]
    versions = f" (info.version {code(result.old_version)} → {code(result.new_version)})" \
        if result.old_version != result.new_version else ""
    out += [headline(result) + versions, ""]
    used = sum(len(line) + 1 for line in out)
    left_out = 0
    sections: list[tuple[Impact, list[list[str]]]] = []
    for impact in (Impact.BREAKING, Impact.GENERATED, Impact.HARMLESS):
        rows: list[list[str]] = []
        for c in (c for c in result.changes if c.impact is impact):
            row = _row(c)
            size = sum(len(x) for x in row) + 3 * len(row) + 2
            if used + size > budget:
                left_out += 1
                continue
            used += size
            rows.append(row)
        sections.append((impact, rows))
    for impact, rows in sections:
        if not rows:
            continue
        if impact is Impact.HARMLESS:
            out += [f"<details><summary>{_plural(len(rows), 'harmless change')}</summary>", "", _table(rows), "",
                    "</details>", ""]
        else:
            out += [f"#### {_HEADINGS[impact]}", "", _table(rows), ""]
    if left_out:
        out += [f"{_plural(left_out, 'more change')} did not fit in a comment: see diff.json "
                "(`contracts diff --format json`).", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def render(result: DiffResult, fmt: str) -> str:
    return dump_json(to_json(result)) if fmt == "json" else to_markdown(result)


def write(result: DiffResult, directory: str | Path) -> list[Path]:
    d = ensure_dir(directory)
    return [write_text(d / "diff.json", dump_json(to_json(result))), write_text(d / "diff.md", to_markdown(result))]


__all__ = ["MAX_COMMENT", "diff_schema", "headline", "render", "to_json", "to_markdown", "write"]
