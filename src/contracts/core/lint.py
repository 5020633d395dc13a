"""Spec lint: openapi-spec-validator, then the toolkit's own rules.

Unlike loading (which stops at the first problem with a SpecError), lint
collects every problem as a finding naming the file, line and pointer.
Only unreadable input (no file, malformed YAML) raises.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import pointer as jp
from .errors import SpecError
from .finding import Finding, Severity
from .spec import HTTP_METHODS, Spec, display_name
from .speccheck import validation_errors
from .yamlsource import load_file

Rule = Callable[[Spec], Iterator[Finding]]


def _finding(spec: Spec, rule: str, pointer: str, message: str, severity: Severity = Severity.ERROR,
             suggestion: str | None = None, operation: str = "") -> Finding:
    return Finding(operation=operation, kind=rule, severity=severity, location=pointer, message=message,
                   suggestion=suggestion, spec=spec.name, check="lint", line=spec.line_of(pointer))


def rule_refs(spec: Spec) -> Iterator[Finding]:
    for problem in spec.resolver.problems():
        at = jp.join(problem.pointer, "$ref")
        if problem.remote:
            yield _finding(spec, "remote-ref", at, f"remote $ref {problem.ref!r} refused: loading a spec never "
                           "fetches from the network", suggestion="copy the target into components and use a "
                           "local '#/components/...' reference")
        else:
            yield _finding(spec, "unresolvable-ref", at, f"$ref {problem.ref!r} does not resolve: {problem.problem}")


def rule_openapi(spec: Spec) -> Iterator[Finding]:
    for pointer, message in validation_errors(spec):
        yield _finding(spec, "invalid-openapi", pointer, f"not valid OpenAPI: {message}")


def _operations(spec: Spec) -> Iterator[tuple[str, str, dict]]:
    for path, item in (spec.data.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                yield jp.join("/paths", path, method), f"{method.upper()} {path}", item[method]


def rule_operation_metadata(spec: Spec) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for at, label, op in _operations(spec):
        op_id = op.get("operationId")
        if not op_id:
            yield _finding(spec, "missing-operation-id", at, f"{label} has no operationId",
                           suggestion="add an operationId; reports and test ids are named after it", operation=label)
        elif op_id in seen:
            yield _finding(spec, "duplicate-operation-id", jp.join(at, "operationId"),
                           f"operationId {op_id!r} is also used by {seen[op_id]}", operation=op_id)
        else:
            seen[op_id] = label
        if not str(op.get("summary", "")).strip():
            yield _finding(spec, "missing-summary", at, f"{label} has no summary", operation=op_id or label)


def rule_response_examples(spec: Spec) -> Iterator[Finding]:
    for at, label, op in _operations(spec):
        for status, raw in (op.get("responses") or {}).items():
            r_at = jp.join(at, "responses", status)
            try:
                response = spec.resolver.deref(raw)
            except LookupError:
                continue  # reported by rule_refs
            content = response.get("content") if isinstance(response, dict) else None
            if not content:
                continue  # a response with no body needs no example
            for media, mt in content.items():
                mt = mt or {}
                has = "example" in mt or bool(mt.get("examples"))
                if not has:
                    schema = mt.get("schema")
                    try:
                        schema = spec.resolver.deref(schema) if schema is not None else None
                    except LookupError:
                        schema = None
                    has = isinstance(schema, dict) and "example" in schema
                if not has:
                    yield _finding(spec, "missing-example", jp.join(r_at, "content", media),
                                   f"{label} response {status} ({media}) has no example",
                                   suggestion="add the docs' sample as an example, or one built from the error table "
                                   "marked x-constructed", operation=op.get("operationId") or label)


def rule_extensions(spec: Spec) -> Iterator[Finding]:
    """The toolkit's own x- extensions must parse, or the tools silently ignore them."""
    try:
        operations = spec.operations
    except SpecError as exc:
        yield _finding(spec, "invalid-extension", exc.pointer or "", exc.message)
        return
    for op in operations:
        for status, response in op.responses.items():
            for mt in response.content.values():
                for ex in mt.examples:
                    if ex.external is not None:
                        try:
                            spec.read_external(ex.external, ex.pointer)
                        except SpecError as exc:
                            yield _finding(spec, "missing-external-example", jp.join(ex.pointer, "externalValue"),
                                           exc.message, operation=op.operation_id)
        if op.request_body is not None:
            names = {ex.name for mt in op.request_body.content.values() for ex in mt.examples}
            for sample in op.request_samples:
                if sample.body_example and sample.body_example not in names:
                    yield _finding(spec, "invalid-extension", jp.join(sample.pointer, "body-example"),
                                   f"body-example {sample.body_example!r} names no request body example",
                                   operation=op.operation_id)


RULES: dict[str, Rule] = {
    "refs": rule_refs,
    "openapi": rule_openapi,
    "operation-metadata": rule_operation_metadata,
    "response-examples": rule_response_examples,
    "extensions": rule_extensions,
}


def open_for_lint(path: str | os.PathLike[str]) -> Spec:
    """Parse a file without validating it; raises SpecError only if it is unreadable."""
    p = Path(path)
    name = display_name(p)
    data, source = load_file(p, name)
    if not isinstance(data, dict):
        raise SpecError("not an OpenAPI document: the top level is not a mapping", file=name, line=1)
    return Spec(p, data, source, name)


def iter_findings(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Finding]:
    for path in paths:
        spec = open_for_lint(path)
        ref_findings = list(rule_refs(spec))
        yield from ref_findings
        if any(f.kind == "remote-ref" for f in ref_findings):
            # never hand a document with remote refs to a validator that might fetch them
            yield from rule_operation_metadata(spec)
            continue
        broken = list(rule_openapi(spec)) if not ref_findings else []
        yield from broken
        yield from rule_operation_metadata(spec)
        yield from rule_response_examples(spec)
        if not ref_findings and not broken:
            yield from rule_extensions(spec)


def lint(paths: Iterable[str | os.PathLike[str]]) -> list[Finding]:
    return sorted(iter_findings(paths), key=lambda f: (f.spec or "", f.line or 0, f.location, f.kind))


__all__ = ["RULES", "iter_findings", "lint", "open_for_lint"]
