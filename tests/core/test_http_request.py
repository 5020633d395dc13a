"""Request records built from a server's raw target parse exactly as the full URL would."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.core.http import Request, loads, parse_query, split_target

TARGETS = [("/a/b", ""), ("/a/b", "x=1&y=2&x=3"), ("//double", "q"), ("/a#frag", "x"), ("/a", "x=1#f"),
           ("/a\tb", ""), ("/", "a?b"), ("/a%20b", "x=%20&e="), ("", "")]


@pytest.mark.parametrize("path,query", TARGETS)
def test_of_target_parses_like_the_url(path: str, query: str) -> None:
    made = Request.of_target("GET", path, query)
    url = f"http://mock{path}?{query}" if query else f"http://mock{path}"
    reference = Request("GET", url)
    assert made == reference
    assert (made.path, made.query) == (reference.path, reference.query)


@settings(max_examples=400, deadline=None, database=None)
@given(st.text(alphabet="/a?#\t\r\n%*@:.", max_size=10), st.text(alphabet="a=&?#\t\n/", max_size=8))
def test_of_target_parses_like_the_url_whatever_the_target(path: str, query: str) -> None:
    made = Request.of_target("GET", path, query)
    url = f"http://mock{path}?{query}" if query else f"http://mock{path}"
    reference = Request("GET", url)
    assert made == reference and made.with_content((), None) == reference
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


@settings(max_examples=400, deadline=None, database=None)
@given(st.text(alphabet="ab=&%+;?# 2F\u00e9", max_size=16))
def test_the_query_is_read_as_parse_qs_reads_it(query: str) -> None:
    assert parse_query(query) == parse_qs(query, keep_blank_values=True)
    assert Request.of_target("GET", "/p", query).query == parse_qs(urlsplit(f"http://mock/p?{query}").query,
                                                                   keep_blank_values=True)


def test_a_header_is_the_first_value_sent_under_its_name_in_any_case() -> None:
    request = Request("GET", "http://mock/", (("X-Token", "one"), ("x-token", "two"), ("Accept", "*/*")))
    assert request.header("x-TOKEN") == "one" and request.header("accept") == "*/*"
    assert request.header("missing") is None


def test_with_content_can_take_the_servers_own_map_of_lower_case_headers() -> None:
    routed = Request.of_target("GET", "/p", "")
    sent = {"x-token": "t", "host": "mock"}
    whole = routed.with_content(tuple(sent.items()), None, sent)
    assert whole.header("X-Token") == "t" and whole.header_map == Request("GET", whole.url, whole.headers).header_map


URLS = ["https://iot.example.com/v5/iot/p/batchtasks?limit=2&marker=5c8b", "http://h", "http://", "https://h?x/y",
        "http:///a", "http://h:8080/a/b/?", "http://u:p@h/a?b?c", "https://h/a#f?x", "http://[::1]:80/a?x",
        "HTTP://h/a?x", " http://h/a", "http://h/a\tb?c", "http://h/é?q", "https://h//a//?%20", "http:/a", "mailto:x"]


@pytest.mark.parametrize("url", URLS)
def test_a_url_splits_as_urlsplit_splits_it(url: str) -> None:
    split = urlsplit(url)
    assert split_target(url) == (split.path, split.query)


@settings(max_examples=1500, deadline=None, database=None)
@given(st.sampled_from(["http://", "https://", "HTTP://", "http:", " https://", "", "x://"]),
       st.text(alphabet="ab:/?#[]@%.\t\r\n é", max_size=14))
def test_any_url_splits_as_urlsplit_splits_it(scheme: str, rest: str) -> None:
    url = scheme + rest
    try:
        split = urlsplit(url)
    except ValueError:  # "Invalid IPv6 URL": the hand split never takes these, urlsplit raises as before
        with pytest.raises(ValueError):
            split_target(url)
        return
    assert split_target(url) == (split.path, split.query)


def test_records_filled_at_once_are_the_records_their_constructors_make() -> None:
    from contracts.core.http import Response

    headers = (("Content-Type", "application/json"),)
    assert Response.of(200, headers, b'{"a": 1}') == Response(200, headers, b'{"a": 1}')
    assert repr(Response.of(404, (), None)) == repr(Response(404, (), None))
    answer = Response.of(200, headers, b'{"a": 1}')
    assert answer.json() == {"a": 1} and answer.content_type == "application/json"
    assert Response.of(200, (), b"{}")._json is not Response.of(200, (), b"{}")._json  # no shared parse cache
    sent = Request.of("GET", "http://h/a?x=1", (("X-Id", "7"),), None)
    assert sent == Request("GET", "http://h/a?x=1", (("X-Id", "7"),))
    assert (sent.path, sent.query, sent.header("x-id")) == ("/a", {"x": ["1"]}, "7")
