"""Strings that match a regex, deterministically and fast.

Boundary and sample cases need one valid value per pattern (a time stamp, a
24-hex marker). Walking the parsed regex is microseconds; asking hypothesis
for a minimal example costs about a second per pattern.
"""

from __future__ import annotations

import random
import re
from typing import Any

try:  # Python 3.11+
    import re._parser as sre_parse  # type: ignore[import-not-found]
    from re._constants import (  # type: ignore[import-not-found]
        ANY, AT, BRANCH, CATEGORY, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, NEGATE, NOT_LITERAL, RANGE, SUBPATTERN,
    )
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse  # type: ignore[no-redef]
    from sre_constants import (  # type: ignore[no-redef]
        ANY, AT, BRANCH, CATEGORY, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, NEGATE, NOT_LITERAL, RANGE, SUBPATTERN,
    )

_CATEGORY_CHARS = {
    "CATEGORY_DIGIT": "0123456789",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
    "CATEGORY_WORD": "a0_",
    "CATEGORY_NOT_WORD": "-",
}
_PRINTABLE = [chr(c) for c in range(0x21, 0x7F)]


class _Gen:
    def __init__(self, rng: random.Random | None, max_repeat: int) -> None:
        self.rng = rng
        self.max_repeat = max_repeat
        # A class repeated n times is the same class n times: build its characters once per parse.
        # Keyed by id: the parsed pattern outlives the generator, so an id is never reused meanwhile.
        self._classes: dict[int, list[str]] = {}

    def pick(self, options: list[Any]) -> Any:
        return options[0] if self.rng is None else self.rng.choice(options)

    def chars_in(self, items: list[tuple[Any, Any]]) -> list[str]:
        found = self._classes.get(id(items))
        if found is None:
            found = self._classes[id(items)] = self._chars_in(items)
        return found

    @staticmethod
    def _chars_in(items: list[tuple[Any, Any]]) -> list[str]:
        negate = any(op is NEGATE for op, _ in items)
        allowed: list[str] = []
        for op, av in items:
            if op is LITERAL:
                allowed.append(chr(av))
            elif op is RANGE:
                lo, hi = av
                allowed.extend(chr(c) for c in range(lo, min(hi, lo + 94) + 1))
            elif op is CATEGORY:
                allowed.extend(_CATEGORY_CHARS.get(str(av).split(".")[-1], "a"))
        if negate:
            banned = set(allowed)
            return [c for c in _PRINTABLE if c not in banned] or ["~"]
        return allowed or ["a"]

    def emit(self, parsed: Any) -> str:
        out = []
        for op, av in parsed:
            if op is LITERAL:
                out.append(chr(av))
            elif op is NOT_LITERAL:
                out.append("a" if chr(av) != "a" else "b")
            elif op is ANY:
                out.append(self.pick(["a", "b", "0"]))
            elif op is IN:
                out.append(self.pick(self.chars_in(av)))
            elif op is BRANCH:
                out.append(self.emit(self.pick(list(av[1]))))
            elif op is SUBPATTERN:
                out.append(self.emit(av[-1]))
            elif op in (MAX_REPEAT, MIN_REPEAT):
                lo, hi, sub = av
                top = min(hi, max(lo, self.max_repeat)) if hi != sre_parse.MAXREPEAT else max(lo, self.max_repeat)
                count = lo if self.rng is None else self.rng.randint(lo, max(lo, top))
                if count == 0 and self.rng is None and lo == 0:
                    count = 0
                out.append("".join(self.emit(sub) for _ in range(count)))
            elif op is AT:
                continue
            else:
                raise ValueError(f"unsupported regex construct {op}")
        return "".join(out)


def example(pattern: str, *, rng: random.Random | None = None, min_length: int = 0, max_repeat: int = 3) -> str:
    """A string matching ``pattern`` (search semantics, as JSON Schema uses).

    With no ``rng`` the result is the smallest natural match; with one, a
    random match. Raises ValueError when no match can be built.
    """
    parsed = sre_parse.parse(pattern)
    compiled = re.compile(pattern)
    gen = _Gen(rng, max_repeat)
    for attempt in range(8):
        text = gen.emit(parsed)
        if len(text) < min_length and attempt < 4:
            gen.max_repeat = max(gen.max_repeat * 2, min_length)
            continue
        if compiled.search(text) and len(text) >= min_length:
            return text
        gen.rng = gen.rng or random.Random(attempt)
    raise ValueError(f"cannot build a string matching {pattern!r}")


Piece = tuple  # ("chars", str) | ("repeat", lo, hi | None, Piece) | ("seq", [Piece]) | ("alt", [Piece])


def pieces(pattern: str, limit: int = 512) -> Piece | None:
    """The anchored ``pattern`` as plain pieces: character sets, repeats, sequences, alternatives.

    ``^[0-9]{4}(0[1-9]|1[0-2])T...Z$`` is a handful of small alphabets in a
    row, which hypothesis draws as plain text and choices far faster than
    through its general regex strategy. None for anything else (unanchored,
    negated or Unicode-wide classes such as ``\\w``, lookarounds, back
    references, flags), which is left to that strategy.
    """
    try:
        parsed = list(sre_parse.parse(pattern))
    except (re.error, RecursionError, OverflowError):
        return None
    if len(parsed) < 2 or parsed[0][0] is not AT or parsed[-1][0] is not AT:
        return None
    if _name(parsed[0][1]) not in ("AT_BEGINNING", "AT_BEGINNING_STRING") \
            or _name(parsed[-1][1]) not in ("AT_END", "AT_END_STRING"):
        return None
    return _sequence(parsed[1:-1], limit)


def _name(value: Any) -> str:
    return str(value).split(".")[-1]


def _sequence(items: list[tuple[Any, Any]], limit: int) -> Piece | None:
    out = []
    for op, av in items:
        piece = _piece(op, av, limit)
        if piece is None:
            return None
        out.append(piece)
    return out[0] if len(out) == 1 else ("seq", out)


def _piece(op: Any, av: Any, limit: int) -> Piece | None:
    if op is LITERAL:
        return ("chars", chr(av)) if av != 10 else None
    if op is IN:
        chars: list[str] = []
        for kind, value in av:
            if kind is LITERAL:
                chars.append(chr(value))
            elif kind is RANGE and value[1] - value[0] < limit:
                chars.extend(chr(c) for c in range(value[0], value[1] + 1))
            elif kind is CATEGORY and _name(value) == "CATEGORY_DIGIT":
                chars.extend("0123456789")  # ASCII digits: what ECMA's \\d means
            else:
                return None
        unique = "".join(dict.fromkeys(c for c in chars if c != "\n"))
        return ("chars", unique) if unique and len(unique) <= limit else None
    if op is MAX_REPEAT:
        lo, hi, sub = av
        inner = _sequence(list(sub), limit)
        if inner is None:
            return None
        return ("repeat", lo, None if hi == sre_parse.MAXREPEAT else hi, inner)
    if op is SUBPATTERN:
        _, add_flags, del_flags, sub = av
        return _sequence(list(sub), limit) if not add_flags and not del_flags else None
    if op is BRANCH:
        branches = [_sequence(list(b), limit) for b in av[1]]
        return None if any(b is None for b in branches) else ("alt", branches)
    return None
