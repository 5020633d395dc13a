"""'Did you mean …' for field names, enum values and operation ids."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|[0-9]|\b)|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def words(name: str) -> list[str]:
    """camelCase, PascalCase, snake_case and kebab-case split into lower-case words."""
    out: list[str] = []
    for chunk in re.split(r"[_\-\s.]+", name):
        out.extend(w.lower() for w in _WORD.findall(chunk))
    return out


@lru_cache(maxsize=8192)
def distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def renamed_from(name: str, candidates: Iterable[str]) -> tuple[str, str] | None:
    """The documented name ``name`` most likely stands for, with the reason.

    Matches, in order: the same words in another order or case/separator
    style, then a small edit distance. Returns None when nothing is close.
    """
    pool = [c for c in candidates if c != name]
    mine = words(name)
    for c in pool:
        theirs = words(c)
        if theirs == mine:
            return c, "the same words in another case or separator style"
        if sorted(theirs) == sorted(mine) and mine:
            return c, "the same words in another order"
    best: tuple[int, str] | None = None
    for c in pool:
        d = distance(name.lower(), c.lower())
        limit = max(1, min(len(name), len(c)) // 4)
        if d <= limit and (best is None or d < best[0]):
            best = (d, c)
    if best is not None:
        return best[1], f"an edit distance of {best[0]}"
    return None


def nearest(value: str, choices: Sequence[str]) -> str | None:
    """The closest choice: case-insensitive equal first, then smallest edit distance."""
    if not choices:
        return None
    for c in choices:
        if c.lower() == value.lower():
            return c
    return min(choices, key=lambda c: (distance(value.lower(), c.lower()), c))


def did_you_mean(value: str, choices: Sequence[str]) -> str:
    """A ', did you mean X?' suffix when a choice is reasonably close, else ''."""
    best = nearest(value, choices)
    if best is None:
        return ""
    containing = [c for c in choices if value and value.lower() in c.lower()]
    if len(containing) == 1:
        return f"; did you mean {containing[0]!r}?"
    if distance(value.lower(), best.lower()) <= max(2, len(value) // 3):
        return f"; did you mean {best!r}?"
    return f"; expected one of: {', '.join(repr(c) for c in choices)}"
