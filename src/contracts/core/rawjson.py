"""Reading samples that are not valid JSON without repairing them.

Vendor samples mask values (``"maxRetransmit": ******``). The audit must
report each such spot with its line, column and text, and still check the
rest of the sample. ``parse_lenient`` swaps each offending token for a
sentinel string, remembers where it was, and parses again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from . import pointer as jp

SENTINEL = "\u27eacontracts:unparsed:"
_TOKEN = re.compile(r"[^\s,\]\}\[\{:\"]+")


@dataclass(frozen=True)
class BadToken:
    line: int
    column: int
    text: str
    reason: str


@dataclass
class LenientResult:
    value: Any = None
    ok: bool = False  # parsed at all (possibly with bad tokens swapped out)
    problems: list[BadToken] = field(default_factory=list)
    masked: dict[str, BadToken] = field(default_factory=dict)  # pointer of each swapped-out value
    text: str = ""  # the parsed text, sentinels included (same lines as the original)
    fatal: BadToken | None = None  # a problem we could not step over


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def _masked_pointers(value: Any, problems: list[BadToken], at: str = "") -> dict[str, BadToken]:
    out: dict[str, BadToken] = {}
    if isinstance(value, str) and value.startswith(SENTINEL):
        index = int(value[len(SENTINEL):].split(":", 1)[0])
        out[at] = problems[index]
    elif isinstance(value, dict):
        for k, v in value.items():
            out.update(_masked_pointers(v, problems, jp.join(at, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.update(_masked_pointers(v, problems, jp.join(at, i)))
    return out


def is_masked(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(SENTINEL)


def parse_lenient(text: str, max_fixes: int = 200) -> LenientResult:
    result = LenientResult()
    work = text
    shift = 0  # offset between positions in ``work`` and in ``text``
    for n in range(max_fixes + 1):
        try:
            result.value = json.loads(work)
            result.ok = True
            result.text = work
            result.masked = _masked_pointers(result.value, result.problems)
            return result
        except json.JSONDecodeError as exc:
            pos = exc.pos
            match = _TOKEN.match(work, pos)
            line, col = _line_col(text, pos - shift)
            if match is None or n == max_fixes:
                snippet = work[pos:pos + 20].splitlines()[0] if work[pos:pos + 20].strip() else work[pos:pos + 1]
                result.fatal = BadToken(line, col, snippet, exc.msg)
                return result
            token = match.group(0)
            result.problems.append(BadToken(line, col, token, exc.msg))
            replacement = json.dumps(f"{SENTINEL}{len(result.problems) - 1}:{token}", ensure_ascii=False)
            work = work[:pos] + replacement + work[match.end():]
            shift += len(replacement) - len(token)
    return result  # pragma: no cover - loop always returns
