"""Small Markdown helpers shared by the audit and check reports."""

from __future__ import annotations

from typing import Iterable, Sequence


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.replace("|", "\\|").split())


def code(value: object) -> str:
    text = cell(value)
    return f"`{text}`" if text else ""


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(cell(c) for c in row) + " |")
    return "\n".join(lines)
