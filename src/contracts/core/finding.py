"""The one finding shape that every producer yields and every reporter consumes."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any, Mapping


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Kind:
    """Stable finding kinds. The strings are part of the report format."""

    UNDOCUMENTED_FIELD = "undocumented-field"
    RENAMED_FIELD = "renamed-field"
    ENUM_MISMATCH = "enum-mismatch"
    UNEXPECTED_NULL = "unexpected-null"
    WRONG_TYPE = "wrong-type"
    OUT_OF_RANGE = "out-of-range"
    MISSING_FIELD = "missing-field"
    MISSING_PARAMETER = "missing-parameter"
    INVALID_JSON = "invalid-json"
    UNDOCUMENTED_STRUCTURE = "undocumented-structure"
    SCHEMA_MISMATCH = "schema-mismatch"
    # traffic (check, fuzz, HAR)
    UNDOCUMENTED_STATUS = "undocumented-status"
    MISSING_AUTH = "missing-auth"
    CONTENT_TYPE = "content-type"
    UNDOCUMENTED_HEADER = "undocumented-header"
    UNDOCUMENTED_ENDPOINT = "undocumented-endpoint"
    BODY_TOO_LARGE = "body-too-large"
    SERVER_ERROR = "server-error"
    ACCEPTED_INVALID = "accepted-invalid-input"
    REJECTED_VALID = "rejected-valid-input"
    AUTH_IGNORED = "auth-ignored"
    NOT_REJECTED_PROPERLY = "rejection-not-documented"
    ROUND_TRIP = "round-trip-mismatch"
    PAGINATION = "pagination"
    TRANSPORT = "transport-error"
    THROTTLED = "throttled"
    MORE_CAUSES = "more-causes"  # causes beyond the per-check cap, counted in one finding
    TOO_MANY_HEADERS = "too-many-headers"
    MALFORMED_ENTRY = "malformed-entry"  # a HAR entry that cannot be read: skipped, the rest still validated


@dataclass(frozen=True)
class Evidence:
    """What reproduces a finding: the redacted exchange and a curl command."""

    request: Mapping[str, Any] | None = None
    response: Mapping[str, Any] | None = None
    curl: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"request": self.request, "response": self.response, "curl": self.curl}


@dataclass(frozen=True)
class Finding:
    """One deviation from the contract.

    ``location`` is an RFC 6901 pointer into the thing checked (a sample, a
    request, a response body, or the spec itself for lint).
    """

    operation: str
    kind: str
    severity: Severity
    location: str
    message: str
    suggestion: str | None = None
    spec: str | None = None
    sample: str | None = None
    check: str | None = None
    line: int | None = None
    evidence: Evidence | None = None
    count: int = 1
    seed: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    basis: str | None = None  # what the docs say: stated | implied | silent (see core/severity.py)
    baseline: str | None = None  # known | new, when a run is compared with a baseline

    def with_(self, **changes: Any) -> "Finding":
        return replace(self, **changes)

    @property
    def sort_key(self) -> tuple[Any, ...]:
        return (self.spec or "", self.operation, self.sample or "", self.check or "",
                self.location, self.kind, self.message)

    def to_dict(self, *, evidence: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "operation": self.operation,
            "spec": self.spec,
            "sample": self.sample,
            "check": self.check,
            "kind": self.kind,
            "severity": self.severity.value,
            "basis": self.basis,
            "baseline": self.baseline,
            "location": self.location,
            "line": self.line,
            "message": self.message,
            "suggestion": self.suggestion,
        }
        if self.count != 1:
            data["count"] = self.count
        if self.seed is not None:
            data["seed"] = self.seed
        if self.extra:
            data["extra"] = dict(self.extra)
        if evidence and self.evidence is not None:
            data["evidence"] = self.evidence.to_dict()
        return {k: v for k, v in data.items() if v is not None}


def count_by_severity(findings: "list[Finding]") -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for f in findings:
        counts[f.severity.value] += 1
    return counts


def has_errors(findings: "list[Finding]") -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


__all__ = ["Evidence", "Finding", "Kind", "Severity", "count_by_severity", "has_errors"]
