"""What the docs say about a request the checker is about to send.

Planned and generated cases alike are judged here, on the wire form of the
request, by the core's own validator: a case is *invalid* only if the spec
says so, and how firmly (stated, implied, silent) decides the severity of a
finding when the server accepts it anyway. The checker never blames a
server for its own mistake, and never calls a value invalid that the docs
only hint at.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any
from ..core import pointer as jp
from ..core.classify import Violation
from ..core.finding import Kind
from ..core.http import Request
from ..core.severity import LENIENCIES, Basis, Grounds, firmest
from ..core.spec import Operation
from ..core.validator import Contract

# Problems a request can have that do not make it invalid (the core reports them as warnings).
NOT_INVALID = frozenset({Kind.UNDOCUMENTED_FIELD})

# Leniencies (named in core/severity.LENIENCIES): invalid values careful servers commonly accept.
EMPTY = "empty"  # an empty query value, which many servers read as absent
NULL = "null"  # null for a field whose nullability the docs never state
CASE = "case"  # a documented enum value in another letter case
COERCIBLE = "coercible"  # a number or boolean where the docs say string (or the other way round)
CONTENT_TYPE = "content-type"  # a body under a Content-Type the docs do not name
UNDOCUMENTED = "undocumented-field"  # a property the docs do not list
assert {EMPTY, NULL, CASE, COERCIBLE, CONTENT_TYPE, UNDOCUMENTED} == set(LENIENCIES)


@dataclass(frozen=True)
class Judgement:
    """Is the request valid, and if not, what does the docs' verdict rest on."""

    problems: tuple[Violation, ...]
    grounds: Grounds
    leniency: str | None  # set when every problem is one leniency

    @property
    def invalid(self) -> bool:
        return bool(self.problems)

    @property
    def first(self) -> Violation:
        return self.problems[0]

    @property
    def unauthenticated(self) -> Violation | None:
        """A credential problem, if any: servers answer it before they look at the input, so such a
        request tests the credentials (ignored_auth), not the input handling."""
        return next((v for v in self.problems if v.kind == Kind.MISSING_AUTH), None)


def leniency(v: Violation) -> tuple[Basis, str] | None:
    """How lenient a server that accepts this violation is being, if it is a common leniency."""
    tokens = jp.split(v.location) if v.location.startswith("/") else []
    where = tokens[0] if tokens else ""
    if where in ("query", "path", "header") and v.actual in ("", [""]):
        return Basis.SILENT, EMPTY
    if v.kind == Kind.UNEXPECTED_NULL:
        return Basis.SILENT, NULL
    if v.kind == Kind.CONTENT_TYPE:
        return Basis.IMPLIED, CONTENT_TYPE
    if v.kind == Kind.WRONG_TYPE and where == "body":
        expected = str(v.expected)
        if isinstance(v.actual, (int, float)) and not isinstance(v.actual, bool) and "string" in expected:
            return Basis.IMPLIED, COERCIBLE
        if isinstance(v.actual, (int, float)) and not isinstance(v.actual, bool) and "boolean" in expected:
            return Basis.IMPLIED, COERCIBLE
        if isinstance(v.actual, bool) and ("number" in expected or "integer" in expected):
            return Basis.IMPLIED, COERCIBLE  # true as 1: pydantic's lax mode, JavaScript
        if isinstance(v.actual, str) and ("number" in expected or "integer" in expected) and _numeric(v.actual):
            return Basis.IMPLIED, COERCIBLE  # "5" as 5
    if v.kind == Kind.WRONG_TYPE and where in ("query", "path", "header") and isinstance(v.actual, str) \
            and _parses(v.actual) and (not v.actual.isascii() or v.actual.strip() != v.actual):
        return Basis.IMPLIED, COERCIBLE  # "５" or "10\n" as a number: Java's parseInt, Python's int() and float()
    if v.kind == Kind.ENUM_MISMATCH and isinstance(v.actual, str) and isinstance(v.expected, list):
        if any(isinstance(c, str) and c.lower() == v.actual.lower() for c in v.expected):
            return Basis.IMPLIED, CASE
    return None


def _parses(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _numeric(text: str) -> bool:
    return _parses(text) and text.strip() == text and text != ""


def judge(contract: Contract, op: Operation, request: Request) -> Judgement:
    """Validate a request as it will travel, and weigh every problem found."""
    params = contract.path_params(op, request) or {}
    problems = tuple(v for v in contract.request_violations(request, op, params) if v.kind not in NOT_INVALID)
    if not problems:
        return Judgement((), Grounds(Basis.STATED), None)
    weighed: list[tuple[Grounds, str | None]] = []
    for v in problems:
        grounds = contract.request_grounds(op, v)
        lenient = leniency(v)
        if lenient is not None and lenient[0].rank < grounds.basis.rank:
            why = {EMPTY: "many servers read an empty value as absent",
                   NULL: grounds.why or "the docs never say whether this field may be null",
                   CASE: "many servers match documented values regardless of case",
                   COERCIBLE: "many servers coerce a value of another JSON type",
                   CONTENT_TYPE: "the docs name the documented Content-Type, not that others are refused"}[lenient[1]]
            grounds = Grounds(lenient[0], why)
        weighed.append((grounds, lenient[1] if lenient is not None else None))
    basis = firmest(g.basis for g, _ in weighed)
    why = next((g.why for g, _ in weighed if g.basis is basis), "")
    kinds = {k for _, k in weighed}
    return Judgement(problems, Grounds(basis, why), kinds.pop() if len(kinds) == 1 else None)


def positive_grounds(op: Operation, location: str, request: Request | None = None) -> Grounds:
    """How firmly the docs call a valid case valid: a value they only hint at is silent."""
    tokens = jp.split(location) if location.startswith("/") else []
    if len(tokens) >= 2 and tokens[0] in ("query", "path", "header"):
        p = op.param(tokens[0], tokens[1])
        if p is not None and p.extensions.get("x-docs-gap") is not None and "enum" in p.schema:
            return Grounds(Basis.SILENT, "the documented values are only hinted at (x-docs-gap)")
    return Grounds(Basis.STATED)


__all__ = ["CASE", "COERCIBLE", "CONTENT_TYPE", "EMPTY", "Judgement", "NOT_INVALID", "NULL", "UNDOCUMENTED",
           "documented_body", "judge", "leniency", "positive_grounds"]


def documented_body(contract: Contract, op: Operation, body: Any) -> tuple[Any, list[str]]:
    """The body without the properties the docs do not list, and the pointers of those removed.

    "Not listed" means exactly what the closed schema reports as an
    undocumented field, so free-form objects keep their members.
    """
    from ..core.validator import request_body_schema

    schema = request_body_schema(op)
    if schema is None or not isinstance(body, (dict, list)):
        return body, []
    compiled = op.spec.compiled(schema, closed=True, direction="request")
    removed: list[str] = []
    for _ in range(8):  # a removal can expose nothing new, but stay bounded
        extra = [v.location for v in compiled.violations(body, "") if v.kind in (Kind.UNDOCUMENTED_FIELD,
                                                                                  Kind.RENAMED_FIELD)]
        if not extra:
            break
        body = copy.deepcopy(body) if not removed else body
        for location in sorted(extra, key=lambda p: -p.count("/")):
            parent, _, name = location.rpartition("/")
            node = jp.resolve(body, parent, None)
            if isinstance(node, dict):
                node.pop(jp.unescape(name), None)
                removed.append("/body" + location)
    return body, removed
