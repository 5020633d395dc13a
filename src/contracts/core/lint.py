"""Spec lint: openapi-spec-validator, then the toolkit's own rules.

Unlike loading (which stops at the first problem with a SpecError), lint
collects every problem as a finding naming the file, line and pointer where
it is written (a file a ``$ref`` leads to, if that is where), each once.
Only unreadable input (no file, malformed YAML, not OpenAPI 3.0/3.1) raises.

Each finding kind has a default basis, and so a severity by the one rule of
``core/severity.py``: structural problems (the document is invalid, a ref
does not resolve) rest on what the OpenAPI specification states and are
errors; style (no summary, no example, no operationId) is what good specs
imply and is a warning. A project can set each kind's severity, as Spectral
rulesets do, in ``[tool.contracts.lint]`` of its ``pyproject.toml`` (or
``[lint]`` of ``contracts.toml``): ``rules = {missing-summary = "off",
missing-example = "info"}``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from . import pointer as jp
from .errors import SpecError, UsageError
from .finding import Finding
from .severity import Basis, decide
from .spec import HTTP_METHODS, Spec, display_name
from .speccheck import require_openapi3, validation_errors
from .yamlsource import load_file

Rule = Callable[[Spec], Iterator[Finding]]


@dataclass(frozen=True)
class LintKind:
    name: str
    basis: Basis  # the default: stated -> error, implied -> warning, silent -> info
    summary: str


KINDS: dict[str, LintKind] = {k.name: k for k in (
    LintKind("invalid-openapi", Basis.STATED, "the document is not valid OpenAPI 3.0/3.1"),
    LintKind("unresolvable-ref", Basis.STATED, "a $ref does not resolve"),
    LintKind("remote-ref", Basis.STATED, "a $ref to the network (refused, never fetched)"),
    LintKind("duplicate-operation-id", Basis.STATED, "two operations share an operationId"),
    LintKind("invalid-extension", Basis.STATED, "an x- extension the toolkit reads does not parse"),
    LintKind("missing-external-example", Basis.STATED, "an externalValue names no readable file"),
    LintKind("missing-operation-id", Basis.IMPLIED, "an operation has no operationId"),
    LintKind("missing-summary", Basis.IMPLIED, "an operation has no summary"),
    LintKind("missing-example", Basis.IMPLIED, "a documented response body has no example"),
)}

# Settings, as Spectral names them too; true keeps a kind's default, false turns it off.
_LEVELS: dict[str, Basis | None] = {"error": Basis.STATED, "warning": Basis.IMPLIED, "warn": Basis.IMPLIED,
                                    "info": Basis.SILENT, "hint": Basis.SILENT, "off": None}


def configure(rules: Mapping[str, Any], origin: str = "lint settings") -> dict[str, Basis | None]:
    """Kind -> basis (None: off) from a ``rules`` table; unknown names are a UsageError."""
    from .suggest import did_you_mean

    out: dict[str, Basis | None] = {}
    for name, value in rules.items():
        if name not in KINDS:
            raise UsageError(f"{origin}: unknown lint rule {name!r}{did_you_mean(name, sorted(KINDS))}")
        if value is True:
            out[name] = KINDS[name].basis
        elif value is False:
            out[name] = None
        elif isinstance(value, str) and value.lower() in _LEVELS:
            out[name] = _LEVELS[value.lower()]
        else:
            shown = value if isinstance(value, str) else repr(value)
            raise UsageError(f"{origin}: rule {name!r}: unknown severity {shown!r}"
                             f"{did_you_mean(str(shown), ['error', 'warning', 'info', 'off'])}")
    return out


def project_rules(folder: Path | None = None) -> dict[str, Basis | None]:
    """The lint settings of the project in ``folder`` (default: the working folder)."""
    from .config import read_section

    section = read_section("lint", folder)
    if section is None:
        return {}
    unknown = [k for k in section.values if k != "rules"]
    if unknown:
        from .suggest import did_you_mean

        raise UsageError(f"{section.origin}: unknown setting {unknown[0]!r}{did_you_mean(unknown[0], ['rules'])}")
    rules = section.values.get("rules", {})
    if not isinstance(rules, dict):
        raise UsageError(f"{section.origin}: rules must be a table, such as rules = {{missing-summary = \"off\"}}")
    return configure(rules, section.origin)


# -- findings -----------------------------------------------------------------

def _finding(spec: Spec, kind: str, pointer: str, message: str, suggestion: str | None = None,
             operation: str = "", file: Path | None = None, line: int | None = None) -> Finding:
    basis = KINDS[kind].basis
    if file is not None:
        name = display_name(file)
        line = line if line is not None else spec.resolver.line_of(file, pointer)
    else:
        name = spec.name
        line = line if line is not None else spec.line_of(pointer)
    return Finding(operation=operation, kind=kind, severity=decide(basis), basis=basis.value, location=pointer,
                   message=message, suggestion=suggestion, spec=name, check="lint", line=line)


def _follow(spec: Spec, node: Any, file: Path | None, at: str) -> tuple[Any, Path | None, str]:
    """Follow a $ref chain, keeping track of where the node is written; LookupError if it does not resolve."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen:
            raise LookupError(f"circular $ref {ref!r}")
        seen.add(ref)
        node = spec.resolver.lookup(ref)
        file_part, _, fragment = ref.partition("#")
        if file_part:
            target = spec.resolver.path_of(file_part)
            file = None if target == spec.path.resolve() else target
        at = fragment
    return node, file, at


def rule_refs(spec: Spec) -> Iterator[Finding]:
    for problem in spec.resolver.problems():
        at = jp.join(problem.pointer, "$ref")
        file = (Path.cwd() / problem.file).resolve() if problem.file is not None else None
        if problem.remote:
            yield _finding(spec, "remote-ref", at, f"remote $ref {problem.ref!r} refused: loading a spec never "
                           "fetches from the network", suggestion="copy the target into components and use a "
                           "local '#/components/...' reference", file=file, line=problem.line)
        else:
            yield _finding(spec, "unresolvable-ref", at, f"$ref {problem.ref!r} does not resolve: {problem.problem}",
                           file=file, line=problem.line)


def rule_openapi(spec: Spec) -> Iterator[Finding]:
    for problem in validation_errors(spec):
        yield _finding(spec, "invalid-openapi", problem.pointer, f"not valid OpenAPI: {problem.message}",
                       file=problem.file)


def _operations(spec: Spec) -> Iterator[tuple[Path | None, str, str, dict[str, Any]]]:
    """(file, pointer, label, operation) of every operation, path items behind $refs included."""
    paths = spec.data.get("paths")
    if not isinstance(paths, dict):
        return
    for path, raw in paths.items():
        try:
            item, file, item_at = _follow(spec, raw, None, jp.join("/paths", path))
        except LookupError:
            continue  # reported by rule_refs
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                yield file, jp.join(item_at, method), f"{method.upper()} {path}", item[method]


def rule_operation_metadata(spec: Spec) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for file, at, label, op in _operations(spec):
        op_id = op.get("operationId")
        if not op_id:
            yield _finding(spec, "missing-operation-id", at, f"{label} has no operationId",
                           suggestion="add an operationId; reports and test ids are named after it",
                           operation=label, file=file)
        elif op_id in seen:
            yield _finding(spec, "duplicate-operation-id", jp.join(at, "operationId"),
                           f"operationId {op_id!r} is also used by {seen[op_id]}", operation=str(op_id), file=file)
        else:
            seen[str(op_id)] = label
        if not str(op.get("summary", "")).strip():
            yield _finding(spec, "missing-summary", at, f"{label} has no summary", operation=str(op_id or label),
                           file=file)


def _uses_extension(node: Any, name: str) -> bool:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if name in item:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def rule_response_examples(spec: Spec) -> Iterator[Finding]:
    suggestion = "add an example of the body (a real response), so samples and traffic can be checked against it"
    if _uses_extension(spec.data, "x-constructed"):
        suggestion = "add the docs' sample as an example, or one built from the error table marked x-constructed"
    for file, at, label, op in _operations(spec):
        responses = op.get("responses")
        if not isinstance(responses, dict):
            continue
        for status, raw in responses.items():
            try:
                response, r_file, r_at = _follow(spec, raw, file, jp.join(at, "responses", status))
            except LookupError:
                continue  # reported by rule_refs
            content = response.get("content") if isinstance(response, dict) else None
            if not isinstance(content, dict) or not content:
                continue  # a response with no body needs no example
            for media, mt in content.items():
                mt = mt if isinstance(mt, dict) else {}
                has = "example" in mt or bool(mt.get("examples"))
                if not has:
                    schema = mt.get("schema")
                    try:
                        schema = spec.resolver.deref(schema) if schema is not None else None
                    except LookupError:
                        schema = None
                    has = isinstance(schema, dict) and ("example" in schema or bool(schema.get("examples")))
                if not has:
                    yield _finding(spec, "missing-example", jp.join(r_at, "content", media),
                                   f"{label} response {status} ({media}) has no example", suggestion=suggestion,
                                   operation=str(op.get("operationId") or label), file=r_file)


def rule_extensions(spec: Spec) -> Iterator[Finding]:
    """The toolkit's own x- extensions must parse, or the tools silently ignore them."""
    try:
        operations = spec.operations
    except SpecError as exc:
        yield _finding(spec, "invalid-extension", exc.pointer or "", exc.message)
        return
    except LookupError as exc:
        yield _finding(spec, "unresolvable-ref", "", str(exc))
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
    """Parse a file without validating it; raises SpecError if it is unreadable or not OpenAPI 3.0/3.1."""
    p = Path(path)
    name = display_name(p)
    data, source = load_file(p, name)
    require_openapi3(data, name, source)
    return Spec(p, data, source, name)


def _spec_findings(spec: Spec) -> Iterator[Finding]:
    ref_findings = list(rule_refs(spec))
    yield from ref_findings
    if any(f.kind == "remote-ref" for f in ref_findings):
        # never hand a document with remote refs to a validator that might fetch them
        yield from rule_operation_metadata(spec)
        return
    broken = list(rule_openapi(spec)) if not ref_findings else []
    yield from broken
    yield from rule_operation_metadata(spec)
    yield from rule_response_examples(spec)
    if not ref_findings and not broken:
        yield from rule_extensions(spec)


def iter_findings(paths: Iterable[str | os.PathLike[str]],
                  rules: Mapping[str, Basis | None] | None = None) -> Iterator[Finding]:
    """Every finding of every spec, each once, at the severity ``rules`` (see ``configure``) set for its kind."""
    rules = rules or {}
    seen: set[tuple[Any, ...]] = set()
    for path in paths:
        for f in _spec_findings(open_for_lint(path)):
            key = (f.spec, f.kind, f.location, f.message)
            if key in seen:
                continue
            seen.add(key)
            if f.kind in rules:
                basis = rules[f.kind]
                if basis is None:
                    continue
                f = f.with_(severity=decide(basis), basis=basis.value)
            yield f


def lint(paths: Iterable[str | os.PathLike[str]],
         rules: Mapping[str, Basis | None] | None = None) -> list[Finding]:
    return sorted(iter_findings(paths, rules), key=lambda f: (f.spec or "", f.line or 0, f.location, f.kind))


__all__ = ["KINDS", "LintKind", "RULES", "configure", "iter_findings", "lint", "open_for_lint", "project_rules"]
