"""The documented-vs-sample audit: where the docs contradict themselves.

Every request and response sample is checked against its operation's schema,
with undocumented properties treated as findings (objects are closed). The
spec follows the docs' tables, so every contradiction shows up here.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator
from urllib.parse import parse_qs, unquote, urlsplit

from . import pointer as jp
from .classify import Violation
from .finding import Finding, Kind, Severity, count_by_severity
from .merge import merge
from .severity import Grounds, basis_of_kind, mark_basis, mark_reason, operation_param_grounds, \
    schema_grounds
from .params import coerce
from .rawjson import parse_lenient
from .routing import match_path
from .http import is_json_media
from .spec import Example, MediaType, Operation, RequestSample, Response, Spec, display_name
from .yamlsource import SourceMap, load_text

_PLACEHOLDER = re.compile(r"^\{[^{}]*\}$")
_MASK = re.compile(r"\*{3,}")


def is_placeholder(value: str) -> bool:
    """``{pageNo}`` (a template) or ``******`` (a masked secret): not a real value."""
    return bool(_PLACEHOLDER.match(value) or _MASK.search(value))


@dataclass
class AuditResult:
    findings: list[Finding]
    samples: list[tuple[str, str, str]]  # (spec, operation, sample)
    specs: list[str]
    duration: float = 0.0
    operations: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> spec, method, path, summary
    baseline: dict[str, Any] | None = None  # the comparison with --baseline, when one was given

    @property
    def exit_code(self) -> int:
        """1 when an error finding is not known to the baseline (if one was applied); else 0."""
        return 1 if any(f.severity is Severity.ERROR and f.baseline != "known" for f in self.findings) else 0

    def summary(self) -> dict[str, Any]:
        by_kind: dict[str, int] = {}
        for f in self.findings:
            by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
        per_op: dict[str, dict[str, Any]] = {}
        for op_id, meta in self.operations.items():
            per_op[op_id] = {**meta, "samples": 0, "error": 0, "warning": 0, "info": 0}
        for spec, op, sample in self.samples:
            per_op.setdefault(op, {"spec": spec, "samples": 0, "error": 0, "warning": 0, "info": 0})["samples"] += 1
        for f in self.findings:
            entry = per_op.setdefault(f.operation, {"spec": f.spec, "samples": 0, "error": 0, "warning": 0, "info": 0})
            entry[f.severity.value] += 1
        return {
            "specs": self.specs,
            "samples": len(self.samples),
            "findings": len(self.findings),
            "by_severity": count_by_severity(self.findings),
            "by_kind": dict(sorted(by_kind.items())),
            "by_operation": dict(sorted(per_op.items())),
            **({"baseline": self.baseline} if self.baseline is not None else {}),
        }


class _Sample:
    """A sample's instance plus how to turn its pointers into file lines."""

    def __init__(self, instance: Any, lines: SourceMap | None, base: str, file: str,
                 masked: dict[str, Any] | None = None) -> None:
        self.instance = instance
        self.lines = lines
        self.base = base  # pointer prefix inside ``lines``
        self.file = file
        self.masked = masked or {}

    def line(self, location: str) -> int | None:
        if self.lines is None:
            return None
        return self.lines.line_of(self.base + location)


class Auditor:
    """Audits one spec; yields findings, never prints."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.samples: list[tuple[str, str, str]] = []

    def _finding(self, op: Operation, sample: str, v: Violation, where: _Sample, grounds: Grounds | None = None,
                 **extra: Any) -> Finding:
        """A finding whose severity the one rule (core/severity.py) decides from its grounds."""
        meta = dict(extra)
        if where.file != self.spec.name:
            meta["file"] = where.file
        grounds = grounds or Grounds(basis_of_kind(v.kind))
        message = v.message
        if grounds.why and grounds.why not in message:
            message = f"{message} ({grounds.why})"
            meta["why"] = grounds.why
        return Finding(
            operation=op.operation_id, kind=v.kind, severity=grounds.severity(), basis=grounds.basis.value,
            location=v.location, message=message, suggestion=v.suggestion, spec=self.spec.name, sample=sample,
            check="audit", line=where.line(v.location), extra=meta,
        )

    def iter_findings(self) -> Iterator[Finding]:
        for op in [*self.spec.operations, *self.spec.webhooks]:
            for s in op.request_samples:
                yield from self._request_sample(op, s)
            for p in op.parameters:
                for ex in p.examples:
                    yield from self._value(op.operation_id, p.schema, ex, f"parameter/{p.location}/{p.name}/{ex.name}",
                                           "request", p.extensions)
            if op.request_body is not None:
                for mt in op.request_body.content.values():
                    for ex in mt.examples:
                        yield from self._example(op, mt, ex, None, f"request-body/{ex.name}")
            for status, response in op.responses.items():
                for mt in response.content.values():
                    for ex in mt.examples:
                        yield from self._example(op, mt, ex, response, f"response/{status}/{ex.name}")
                for header in response.headers.values():
                    for ex in header.examples:
                        yield from self._value(op.operation_id, header.schema, ex,
                                               f"response/{status}/header/{header.name}/{ex.name}", "response")
        yield from self._schema_examples()

    # -- examples of a single value: parameters, headers, schemas --------------------
    def _value(self, operation: str, schema: Any, ex: Example, sample: str, direction: str,
               extensions: dict[str, Any] | None = None, closed: bool = False) -> Iterator[Finding]:
        """An example of one parameter, header or schema value, checked against its own schema."""
        self.samples.append((self.spec.name, operation, sample))
        if ex.external is not None or not isinstance(schema, (dict, bool)):
            return
        where = _Sample(ex.value, self.spec.source, ex.value_at or ex.pointer, self.spec.name)
        compiled = self.spec.compiled(schema, closed=closed, direction=direction)
        for v in compiled.detailed(ex.value):
            yield self._finding(_Named(operation), sample, v, where,
                                schema_grounds(self.spec, schema, v.kind, v.location, extensions=extensions))

    def _schema_examples(self) -> Iterator[Finding]:
        """``example`` (and 3.1 ``examples`` lists) written on schemas themselves, wherever they are."""
        owners = [(op.pointer, op.operation_id) for op in [*self.spec.operations, *self.spec.webhooks]]
        for at, node in iter_schemas(self.spec.data):
            values: list[tuple[str, Any]] = []
            if "example" in node:
                values.append((jp.join(at, "example"), node["example"]))
            if isinstance(node.get("examples"), list):
                values += [(jp.join(at, "examples", i), v) for i, v in enumerate(node["examples"])]
            if not values:
                continue
            operation = next((name for prefix, name in owners if at.startswith(prefix + "/")), "components")
            for pointer, value in values:
                ex = Example(pointer.rpartition("/")[2], pointer, value, value_at=pointer)
                yield from self._value(operation, node, ex, f"schema{pointer}", "response", closed=True)

    # -- examples -----------------------------------------------------------
    def _load(self, op: Operation, ex: Example, sample: str) -> tuple[_Sample | None, list[Finding]]:
        if ex.external is None:
            return _Sample(ex.value, self.spec.source, ex.value_at or ex.pointer, self.spec.name), []
        raw = self.spec.read_external(ex.external, ex.pointer).decode("utf-8", errors="replace")
        file = display_name(self.spec.path.parent / ex.external)
        result = parse_lenient(raw)
        findings = []
        blank = _Sample(None, None, "", file)
        for bad in ([result.fatal] if result.fatal else []) + result.problems:
            where = next((p for p, b in result.masked.items() if b is bad), "")
            v = Violation(Kind.INVALID_JSON, where,
                          f"the sample is not valid JSON: line {bad.line}, column {bad.column}: "
                          f"{bad.reason} at {bad.text!r}")
            f = self._finding(op, sample, v, blank, column=bad.column)
            findings.append(f.with_(line=bad.line))
        if not result.ok:
            return None, findings
        lines = None
        try:
            _, lines = load_text(result.text, file)
        except Exception:  # line numbers are a nicety; the findings stand without them
            lines = None
        return _Sample(result.value, lines, "", file, result.masked), findings

    def _example(self, op: Operation, mt: MediaType, ex: Example, response: Response | None,
                 sample: str) -> Iterator[Finding]:
        self.samples.append((self.spec.name, op.operation_id, sample))
        where, findings = self._load(op, ex, sample)
        yield from findings
        if where is None or mt.schema is None or not (is_json_media(mt.media) or mt.media == "*/*"):
            return
        schema = mt.schema
        envelope = response.envelope if response is not None else None
        if envelope is not None:
            schema = envelope.schema if envelope.matches(where.instance) else envelope.success(schema)
        direction = "response" if response is not None else "request"
        compiled = self.spec.compiled(schema, closed=True, direction=direction)
        for v in compiled.detailed(where.instance):
            if any(v.location == m or v.location.startswith(m + "/") for m in where.masked):
                continue
            yield self._finding(op, sample, v, where, schema_grounds(self.spec, schema, v.kind, v.location))
        yield from self._undocumented(op, sample, schema, where)

    def _undocumented(self, op: Operation, sample: str, schema: Any, where: _Sample) -> Iterator[Finding]:
        for location, mark in iter_marks(self.spec, schema, where.instance):
            v = Violation(Kind.UNDOCUMENTED_STRUCTURE, location,
                          f"structure the tables never document: {mark_reason(mark)}")
            yield self._finding(op, sample, v, where, Grounds(mark_basis(mark)))

    # -- request samples ------------------------------------------------------
    def _request_sample(self, op: Operation, s: RequestSample) -> Iterator[Finding]:
        sample = f"request/{s.name}"
        self.samples.append((self.spec.name, op.operation_id, sample))
        where = _Sample(None, self.spec.source, s.pointer, self.spec.name)
        sample_lines = _RequestLines(self.spec.source, s.pointer)
        where.lines = sample_lines  # type: ignore[assignment]
        parts = urlsplit(s.url)
        path = unquote(parts.path)
        if s.method != op.method.upper():
            yield self._finding(op, sample, Violation(Kind.SCHEMA_MISMATCH, "/method",
                                                      f"the sample uses {s.method}, the operation is "
                                                      f"{op.method.upper()}"), where)
        values = match_path(op.path, path)
        if values is None:
            yield self._finding(op, sample, Violation(Kind.SCHEMA_MISMATCH, "/path",
                                                      f"the sample's path {path} is not the documented path "
                                                      f"{op.path}"), where)
            values = {}
        query = parse_qs(parts.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in s.headers.items()}
        shows_headers = bool(s.headers)
        for p in op.parameters:
            if p.location == "header" and not shows_headers:
                continue
            raw: Any
            if p.location == "path":
                raw = values.get(p.name)
            elif p.location == "query":
                raw = query.get(p.name)
            elif p.location == "header":
                raw = headers.get(p.name.lower())
            else:
                continue
            at = jp.join("", p.location, p.name)
            if raw is None:
                if p.required:
                    yield self._finding(op, sample, Violation(
                        Kind.MISSING_PARAMETER, at,
                        f"the sample request has no {p.location} parameter {p.name!r}, which is mandatory"), where)
                continue
            if (isinstance(raw, str) and is_placeholder(raw)) or (
                    isinstance(raw, list) and all(is_placeholder(r) for r in raw)):
                continue
            value = coerce(raw, p.schema)
            compiled = self.spec.compiled(p.schema, closed=False, direction="request")
            for v in compiled.detailed(value, at):
                yield self._finding(op, sample, v, where, operation_param_grounds(op, v.kind, v.location))
        for name in query:
            if op.param("query", name) is None:
                yield self._finding(op, sample, Violation(
                    Kind.UNDOCUMENTED_FIELD, jp.join("/query", name),
                    f"query parameter {name!r} is not documented"), where)
        if shows_headers and op.requires_auth:
            yield from self._security(op, sample, headers, where)

    def _security(self, op: Operation, sample: str, headers: dict[str, str], where: _Sample) -> Iterator[Finding]:
        missing_per_alternative = []
        for alternative in op.security_schemes:
            missing = [s.param for s in alternative
                       if s.location == "header" and s.param and s.param.lower() not in headers]
            if not missing:
                return
            missing_per_alternative.append(missing)
        for name in (missing_per_alternative[0] if missing_per_alternative else []):
            yield self._finding(op, sample, Violation(
                Kind.MISSING_PARAMETER, jp.join("/header", name or ""),
                f"the sample request has no {name} header, which the operation's security requires"), where)


@dataclass(frozen=True)
class _Named:
    """An owner of a sample that is not an operation (schemas under components)."""

    operation_id: str


_OWN_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_OWN_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_OWN_ONE = ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
            "unevaluatedProperties", "unevaluatedItems", "additionalItems")


def iter_schemas(document: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object of a document, once, at its own pointer ($refs are not followed)."""
    seen: set[str] = set()
    stack: list[tuple[str, Any, bool]] = [("", document, False)]
    while stack:
        at, node, is_schema = stack.pop()
        if isinstance(node, list):
            stack.extend((jp.join(at, i), item, False) for i, item in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        if is_schema:
            if at in seen:
                continue
            seen.add(at)
            yield at, node
            for key in _OWN_MAPS:
                if isinstance(node.get(key), dict):
                    stack.extend((jp.join(at, key, k), v, True) for k, v in node[key].items())
            for key in _OWN_LISTS:
                if isinstance(node.get(key), list):
                    stack.extend((jp.join(at, key, i), v, True) for i, v in enumerate(node[key]))
            for key in _OWN_ONE:
                if isinstance(node.get(key), dict):
                    stack.append((jp.join(at, key), node[key], True))
            continue
        for key, value in node.items():
            if key.startswith("x-"):
                continue
            here = jp.join(at, key)
            if key == "schema" and isinstance(value, dict):
                stack.append((here, value, True))
            elif at == "/components/schemas" and isinstance(value, dict):
                stack.append((here, value, True))
            elif key not in ("example", "examples"):
                stack.append((here, value, False))


class _RequestLines(SourceMap):
    """Maps /query/x, /path/x, /header/x of a request sample to the sample's lines."""

    def __init__(self, source: SourceMap, base: str) -> None:
        super().__init__(source.file, source.lines)
        self._base = base

    def line_of(self, pointer: str) -> int | None:
        if pointer.startswith(self._base + "/header/"):
            name = pointer[len(self._base) + len("/header/"):]
            for key, line in self.lines.items():
                if key.lower() == f"{self._base}/headers/{name}".lower():
                    return line
        return super().line_of(self._base + "/url") if pointer.startswith(self._base + "/") else \
            super().line_of(pointer)


def iter_marks(spec: Spec, schema: Any, instance: Any, at: str = "") -> Iterator[tuple[str, Any]]:
    """(location, x-undocumented mark) for every instance node whose schema carries one.

    The walk follows the instance, so it ends even on recursive schemas.
    """
    try:
        node = spec.resolver.deref(schema)
    except LookupError:
        return
    if not isinstance(node, dict):
        return
    if "x-undocumented" in node:
        yield at, node["x-undocumented"]
    for sub in node.get("allOf", []) or []:
        yield from iter_marks(spec, sub, instance, at)
    if isinstance(instance, dict):
        props = node.get("properties") or {}
        extra = node.get("additionalProperties")
        for key, value in instance.items():
            child = props.get(key, extra if isinstance(extra, dict) else None)
            if child is not None:
                yield from iter_marks(spec, child, value, jp.join(at, key))
    elif isinstance(instance, list) and isinstance(node.get("items"), dict):
        for index, value in enumerate(instance):
            yield from iter_marks(spec, node["items"], value, jp.join(at, index))


def iter_findings(specs: Iterable[Spec]) -> Iterator[Finding]:
    """Every audit finding of every spec, in spec order."""
    for spec in specs:
        yield from Auditor(spec).iter_findings()


def audit(specs: Iterable[Spec]) -> AuditResult:
    """Run the audit and return findings in a stable order."""
    started = time.perf_counter()
    specs = sorted(specs, key=lambda s: s.name)
    findings: list[Finding] = []
    samples: list[tuple[str, str, str]] = []
    operations: dict[str, dict[str, str]] = {}
    for spec in specs:
        for op in spec.operations:
            operations[op.operation_id] = {"spec": spec.name, "title": spec.title, "method": op.method.upper(),
                                           "path": op.path, "summary": op.summary}
        auditor = Auditor(spec)
        findings.extend(auditor.iter_findings())
        samples.extend(auditor.samples)
    findings = sorted(merge(findings), key=lambda f: f.sort_key)  # one finding per cause (indices folded)
    return AuditResult(findings, samples, [s.name for s in specs], time.perf_counter() - started, operations)

