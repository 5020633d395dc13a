"""The fast accept path parses with orjson alone where no schema keyword can be fooled by a blurred integer,
and still agrees with the exact path on every integer orjson cannot hold."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from contracts.core.http import Response, Request
from contracts.core.validator import Contract

SPEC = """
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /n:
    get:
      operationId: getN
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  n: {SCHEMA}
"""
INT64 = "{type: integer, format: int64}"
CASES = [
    (INT64, "9223372036854775807", True),
    (INT64, "-9223372036854775808", True),
    (INT64, "9223372036854775808", False),  # orjson keeps it exact (u64)
    (INT64, "-9223372036854775809", False),  # orjson blurs it onto -2**63
    (INT64, "-9223372036854776000", False),
    (INT64, "18446744073709551616", False),
    (INT64, "123456789012345678901234567890", False),
    ("{type: integer, multipleOf: 2}", "12345678901234567890123", False),  # blurred, it would look even
    ("{type: integer, multipleOf: 2}", "12345678901234567890122", True),
    ("{type: integer, enum: [1180591620717411303424]}", "1180591620717411303425", False),  # 2**70 + 1
    ("{type: integer, enum: [1180591620717411303424]}", "1180591620717411303424", True),
    ("{type: integer, maximum: 100000000000000000000}", "100000000000000000001", False),
    ("{type: integer}", "123456789012345678901234567890", True),
    ("{type: number}", "1e400", False),
]


@pytest.mark.parametrize("schema, number, valid", CASES)
def test_the_fast_verdict_is_the_exact_one(write_spec: Callable[..., Path], schema: str, number: str,
                                           valid: bool) -> None:
    contract = Contract.from_paths([write_spec(SPEC.replace("{SCHEMA}", schema))])
    op = contract.operation("getN")
    body = ('{"n": %s}' % number).encode()
    fast = contract.accepts_body(op, 200, "application/json", body)
    prebuilt = contract.body_check(op, 200, "application/json")
    response = Response(200, (("content-type", "application/json"),), body)
    exact = not [f for f in contract.iter_findings(Request("GET", "http://x/n"), response, operation=op)
                 if f.severity.value == "error"]
    assert fast == prebuilt(body) == exact == valid
    assert contract.body_check(op, 200, "application/json") is prebuilt  # built once


def test_a_prebuilt_check_decides_what_accepts_body_does(write_spec: Callable[..., Path]) -> None:
    contract = Contract.from_paths([write_spec(SPEC.replace("{SCHEMA}", INT64))])
    op = contract.operation("getN")
    check = contract.body_check(op, 200, "application/json")  # built before any accepts_body call
    for body in (b'{"n": 3}', b'{"n": "3"}', b"not json", b"{}", b'{"n": 3.5}'):
        assert check(body) == contract.accepts_body(op, 200, "application/json", body)
    assert check(b'{"n": 3}') and not check(b"not json")
    undocumented = contract.body_check(op, 418, "application/json")
    assert undocumented(b'{"n": 3}') == contract.accepts_body(op, 418, "application/json", b'{"n": 3}')


def test_only_schemas_that_need_it_pay_for_the_exact_parser(write_spec: Callable[..., Path]) -> None:
    plain = Contract.from_paths([write_spec(SPEC.replace("{SCHEMA}", INT64), "a.yaml")])
    fooled = Contract.from_paths([write_spec(SPEC.replace("{SCHEMA}", "{type: integer, multipleOf: 3}"), "b.yaml")])
    for contract, exact in ((plain, False), (fooled, True)):
        op = contract.operation("getN")
        assert contract.accepts_body(op, 200, "application/json", b'{"n": 3}')
        fast = contract._paths[(id(op), 200, "application/json")]
        assert (fast._loads is fast._exact) is exact
