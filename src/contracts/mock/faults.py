"""Named deviations that break the contract on purpose.

A checker is only as good as what it catches; each fault is one realistic
vendor bug the checker must report. Body faults are driven by the success
schema of each operation, so they reach every vendor where they make sense.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from ..core.errors import UsageError
from ..core.spec import Operation
from ..core.suggest import did_you_mean
from .schemas import KEEP, Visitor, envelope_pointer, is_time_pattern, schema_types, success_schema, transform


@dataclass(frozen=True)
class Fault:
    name: str
    description: str


WRONG_TYPE = "wrong-type"
UNDOCUMENTED_FIELD = "undocumented-field"
ENUM_VALUE = "enum-value"
ISO_TIME = "iso-time"
IGNORE_AUTH = "ignore-auth"
SERVER_ERROR = "server-error"
ACCEPT_INVALID = "accept-invalid"
ENOS_ERROR_AS_SUCCESS = "enos-error-as-success"
IGNORE_LIMIT = "ignore-limit"
GETJOB_MISMATCH = "getjob-mismatch"

FAULTS: Mapping[str, Fault] = {f.name: f for f in (
    Fault(WRONG_TYPE, "one field of every success body has the wrong JSON type "
                      "(a number sent as a string; a string as an array where no number exists)"),
    Fault(UNDOCUMENTED_FIELD, "every success body carries an extra top-level field, debug_info, "
                              "that no table documents"),
    Fault(ENUM_VALUE, "every enum field of a success body carries a value outside its documented list "
                      "(Success becomes SUCCESS, PENDING becomes pending)"),
    Fault(ISO_TIME, "time fields read ISO-8601 (2015-12-12T12:12:12Z) instead of yyyyMMdd'T'HHmmss'Z'"),
    Fault(IGNORE_AUTH, "missing or wrong credentials (X-Auth-Token, app_key, Authorization) are accepted"),
    Fault(SERVER_ERROR, "every valid request gets HTTP 500 with a plain-text body"),
    Fault(ACCEPT_INVALID, "invalid input (out-of-range limit/pageSize/offset, over-long desc, missing mandatory "
                          "fields, bad enum values) is served as if it were valid"),
    Fault(ENOS_ERROR_AS_SUCCESS, "EnOS failures answer code 0: an invalid createJob, and an unknown getJob "
                                 "with data null"),
    Fault(IGNORE_LIMIT, "pagination ignores limit/pageSize and returns every remaining record"),
    Fault(GETJOB_MISMATCH, "getJob returns a job that differs from what createJob stored "
                           "(timeoutPolicy.inProgressTimeoutInSeconds changed)"),
)}

EXTRA_FIELD = "debug_info"
EXTRA_VALUE = {"served_by": "contracts mock"}


def parse_faults(names: Iterable[str]) -> frozenset[str]:
    """Validated fault names; a typo gets a did-you-mean."""
    out = set()
    for name in names:
        if name not in FAULTS:
            raise UsageError(f"unknown fault {name!r}{did_you_mean(name, list(FAULTS))}")
        out.add(name)
    return frozenset(out)


def iso_time(value: str) -> str:
    """20151212T121212Z -> 2015-12-12T12:12:12Z."""
    if len(value) != 16:
        return value
    return f"{value[0:4]}-{value[4:6]}-{value[6:8]}T{value[9:11]}:{value[11:13]}:{value[13:15]}Z"


def undocumented_value(value: str, choices: list[Any]) -> str:
    """A plausible value outside ``choices``: the same word in another case."""
    candidate = value.upper() if value != value.upper() else value.lower()
    if candidate in choices or candidate == value:
        candidate = f"{value}_UNDOCUMENTED"
    return candidate


class BodyFaults:
    """Applies the active body faults to success bodies, guided by each operation's schema."""

    def __init__(self, active: frozenset[str]) -> None:
        self.active = active & {WRONG_TYPE, UNDOCUMENTED_FIELD, ENUM_VALUE, ISO_TIME}

    def __bool__(self) -> bool:
        return bool(self.active)

    def apply(self, op: Operation, body: Any) -> Any:
        """A broken copy of a success body (the body itself when no body fault is active)."""
        if not self.active:
            return body
        schema = success_schema(op)
        if schema is None:
            return body
        skip = envelope_pointer(op)
        spec = op.spec
        if ISO_TIME in self.active:
            body = transform(spec, schema, body, _iso_visitor)
        if ENUM_VALUE in self.active:
            body = transform(spec, schema, body, _enum_visitor(skip))
        if WRONG_TYPE in self.active:
            body = _wrong_type(op, schema, body, skip)
        if UNDOCUMENTED_FIELD in self.active and isinstance(body, dict):
            body = {**body, EXTRA_FIELD: dict(EXTRA_VALUE)}
        return body


def _iso_visitor(schema: dict[str, Any], value: Any, at: str) -> Any:
    if isinstance(value, str) and is_time_pattern(schema):
        return iso_time(value)
    return KEEP


def _enum_visitor(skip: str | None) -> Visitor:
    def visit(schema: dict[str, Any], value: Any, at: str) -> Any:
        choices = schema.get("enum")
        if at != skip and isinstance(value, str) and isinstance(choices, list):
            return undocumented_value(value, choices)
        return KEEP

    return visit


def _wrong_type(op: Operation, schema: dict[str, Any], body: Any, skip: str | None) -> Any:
    """The first documented number becomes a string; with no number, the first string becomes an array."""
    for wanted, breaks in (({"integer", "number"}, _as_string), ({"string"}, _as_array)):
        broken, changed = _break_first(op, schema, body, skip, wanted, breaks)
        if changed:
            return broken
    return body


def _break_first(op: Operation, schema: dict[str, Any], body: Any, skip: str | None, wanted: set[str],
                 breaks: Callable[[Any], Any]) -> tuple[Any, bool]:
    """``body`` with its first documented value of a ``wanted`` type broken, and whether there was one."""
    done: list[str] = []

    def visit(node: dict[str, Any], value: Any, at: str) -> Any:
        if done or at == skip or at == "":
            return KEEP
        if schema_types(node) & wanted and _has_type(value, wanted):
            done.append(at)
            return breaks(value)
        return KEEP

    broken = transform(op.spec, schema, body, visit)
    return broken, bool(done)


def _has_type(value: Any, wanted: set[str]) -> bool:
    if isinstance(value, bool):
        return False
    if "string" in wanted:
        return isinstance(value, str)
    return isinstance(value, (int, float))


def _as_string(value: Any) -> str:
    return str(value)


def _as_array(value: Any) -> list[Any]:
    return [value]
