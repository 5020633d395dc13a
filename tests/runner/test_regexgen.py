"""regexgen: the per-parse memo of character classes changes no string it builds."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from contracts.runner import regexgen
from contracts.runner.regexgen import _Gen

CLASSES = ["[a-f0-9]", "[^abc]", "[A-Z_]", r"[\d-]", r"[\w.]", "[x-z]", r"\d", r"\S"]


@st.composite
def patterns(draw: Any) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        cls = draw(st.sampled_from(CLASSES))
        lo = draw(st.integers(0, 5))
        parts.append(f"{cls}{{{lo},{lo + draw(st.integers(0, 30))}}}")
    body = "".join(parts)
    return draw(st.sampled_from([f"^{body}$", body, f"({body}|q)+"]))


class _Unmemoised(_Gen):
    def chars_in(self, items: list[tuple[Any, Any]]) -> list[str]:
        return self._chars_in(items)


def _example(gen_class: type[_Gen], pattern: str, seed: int | None, min_length: int) -> str:
    original = regexgen._Gen
    regexgen._Gen = gen_class  # type: ignore[misc]
    try:
        return regexgen.example(pattern, rng=None if seed is None else random.Random(seed), min_length=min_length,
                                max_repeat=max(3, min_length))
    finally:
        regexgen._Gen = original  # type: ignore[misc]


@settings(max_examples=200, deadline=None)
@given(patterns(), st.one_of(st.none(), st.integers(0, 5)), st.integers(0, 40))
def test_memoised_classes_build_the_same_strings(pattern: str, seed: int | None, min_length: int) -> None:
    try:
        expected = _example(_Unmemoised, pattern, seed, min_length)
    except ValueError:
        expected = None
    try:
        got = _example(_Gen, pattern, seed, min_length)
    except ValueError:
        got = None
    assert got == expected
    if got is not None:
        assert re.search(pattern, got)


def test_a_repeated_class_is_built_once() -> None:
    gen = _Gen(None, 3)
    items = [(regexgen.RANGE, (ord("a"), ord("f")))]
    assert gen.chars_in(items) is gen.chars_in(items)
    assert gen.chars_in(items) == list("abcdef")


TIME = r"^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]Z$"


def _expand(piece: Any, rng: random.Random) -> str:
    """One string a piece describes, drawn with ``rng`` (what drawing.py does with hypothesis)."""
    kind = piece[0]
    if kind == "chars":
        return rng.choice(piece[1])
    if kind == "repeat":
        _, lo, hi, inner = piece
        return "".join(_expand(inner, rng) for _ in range(rng.randint(lo, lo + 5 if hi is None else hi)))
    if kind == "alt":
        return _expand(rng.choice(piece[1]), rng)
    return "".join(_expand(p, rng) for p in piece[1])


@pytest.mark.parametrize("pattern", [
    "^[0-9a-f]{24}$", r"^[\da-c_]{1,8}$", "^x+$", r"\A[ab]*\Z", TIME, "^[A-Z]{3}-[0-9]+$", "^(ab|c){2,3}$", "^$",
])
def test_pieces_describe_only_strings_the_pattern_matches(pattern: str) -> None:
    piece = regexgen.pieces(pattern)
    assert piece is not None
    rng = random.Random(7)
    for _ in range(300):
        text = _expand(piece, rng)
        assert re.search(pattern, text) and not text.endswith("\n"), text


def test_pieces_of_a_repeated_class_are_its_alphabet_and_length() -> None:
    assert regexgen.pieces("^[0-9a-f]{24}$") == ("repeat", 24, 24, ("chars", "0123456789abcdef"))
    assert regexgen.pieces("^x+$") == ("repeat", 1, None, ("chars", "x"))


@pytest.mark.parametrize("pattern", [
    "[0-9]{24}", "^[0-9]{24}", "^[^ab]{3}$", r"^\w{3}$", r"^\s+$", "^(?i)ab$", r"^(a)\1$", "^(?=a)a$",
    "^[\u0000-\uffff]{2}$", "^[a-", "^.{3}$",
])
def test_pieces_refuse_what_is_not_plain_alphabets(pattern: str) -> None:
    assert regexgen.pieces(pattern) is None
