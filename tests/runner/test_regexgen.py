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


@pytest.mark.parametrize(("pattern", "expected"), [
    ("^[0-9a-f]{24}$", ("0123456789abcdef", 24, 24)),
    (r"^[\da-c_]{1,8}$", ("0123456789abc_", 1, 8)),
    ("^x+$", ("x", 1, None)),
    (r"\A[ab]*\Z", ("ab", 0, None)),
])
def test_single_class_reads_an_anchored_repeated_class(pattern: str, expected: tuple[str, int, int | None]) -> None:
    chars, fewest, most = regexgen.single_class(pattern)  # type: ignore[misc]
    assert (set(chars), fewest, most) == (set(expected[0]), expected[1], expected[2])
    # what it describes is what the pattern accepts
    assert all(re.search(pattern, c * max(fewest, 1)) for c in chars)


@pytest.mark.parametrize("pattern", [
    "[0-9]{24}", "^[0-9]{24}", "^[^ab]{3}$", r"^\w{3}$", r"^\s+$", "^[a-f]{2}[0-9]{2}$", "^(ab){2}$",
    "^[\u0000-\uffff]{2}$", "^[a-", "^.{3}$",
])
def test_single_class_refuses_what_is_not_one_plain_class(pattern: str) -> None:
    assert regexgen.single_class(pattern) is None
