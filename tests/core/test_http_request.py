"""Request records built from a server's raw target parse exactly as the full URL would."""

from __future__ import annotations

import pytest

from contracts.core.http import Request, loads

TARGETS = [("/a/b", ""), ("/a/b", "x=1&y=2&x=3"), ("//double", "q"), ("/a#frag", "x"), ("/a", "x=1#f"),
           ("/a\tb", ""), ("/", "a?b"), ("/a%20b", "x=%20&e="), ("", "")]


@pytest.mark.parametrize("path,query", TARGETS)
def test_of_target_parses_like_the_url(path: str, query: str) -> None:
    made = Request.of_target("GET", path, query)
    url = f"http://mock{path}?{query}" if query else f"http://mock{path}"
    reference = Request("GET", url)
    assert made == reference
    assert (made.path, made.query) == (reference.path, reference.query)


def test_with_content_keeps_the_target_and_adds_headers_and_body() -> None:
    routed = Request.of_target("POST", "/jobs", "orgId=o1")
    assert routed.query == {"orgId": ["o1"]}
    whole = routed.with_content((("Content-Type", "application/json"),), b"{}")
    assert whole == Request("POST", "http://mock/jobs?orgId=o1", (("Content-Type", "application/json"),), b"{}")
    assert whole.query == {"orgId": ["o1"]} and whole.header("content-type") == "application/json"


@pytest.mark.parametrize("text,value", [
    (b'{"n": 123456789012345678}', 123456789012345678),      # 18 digits: orjson
    (b'{"n": 1234567890123456789012}', 1234567890123456789012),  # 22 digits: exact, not a float
    (b'{"n": -9223372036854775809}', -9223372036854775809),
    (b'{"s": "12345678901234567890", "n": 1}', 1),           # a long run inside a string is harmless
])
def test_loads_keeps_long_integers_exact(text: bytes, value: int) -> None:
    assert loads(text)["n"] == value and type(loads(text)["n"]) is int
