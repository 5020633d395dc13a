"""What a spec diff is made of: changes, each classified from a client's point of view.

A diff change is not a conformance finding. No implementation was observed
and nothing is judged against what the docs state about traffic, so the
severity rule of ``core/severity.py`` (stated / implied / silent) has nothing
to decide: a change either breaks clients written against the old spec or
it does not. It is its own frozen record, ``Change``, with its ``Impact``:

* ``breaking`` — a client written against the old spec can fail against the
  new one (it sends what is now refused, or receives what it never expected);
* ``generated-clients`` — the wire is the same, but code generated from the
  spec changes shape (an ``operationId`` or a path parameter renamed); it
  fails a run only with ``--strict``;
* ``harmless`` — descriptions, examples, new optional inputs, new operations.

The rules that produce changes are registered by name (``core/diff.py``
``RULES``); each is a ``Rule`` with a hook for the level it looks at: the two
specs, one pair of matched operations, or one pair of schemas met in the
structural walk (``core/diffschema.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from . import pointer as jp

if TYPE_CHECKING:
    from .spec import Operation, Spec


class Impact(str, Enum):
    BREAKING = "breaking"
    GENERATED = "generated-clients"
    HARMLESS = "harmless"


IMPACT_ORDER = {Impact.BREAKING: 0, Impact.GENERATED: 1, Impact.HARMLESS: 2}


@dataclass(frozen=True)
class Site:
    """Where one side of a change is written: file, line and pointer."""

    file: str
    line: int | None
    pointer: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "pointer": self.pointer or "/"}


@dataclass(frozen=True)
class Change:
    """One difference between two specs and what it means for clients."""

    rule: str
    impact: Impact
    operation: str  # "GET /v5/iot/{project_id}/batchtasks"; "" for the document as a whole
    location: str  # "response 200 /batchtasks/items/status enum"
    message: str  # what changed, old → new
    reason: str  # why it does (not) break clients
    operation_id: str = ""
    direction: str | None = None  # "input" (sent by clients) or "output" (received), where it matters
    old: Site | None = None
    new: Site | None = None

    @property
    def breaking(self) -> bool:
        return self.impact is Impact.BREAKING

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "breaking": self.breaking, "impact": self.impact.value,
                "operation": self.operation, "operation_id": self.operation_id, "location": self.location,
                "direction": self.direction, "message": self.message, "reason": self.reason,
                "old": self.old.to_dict() if self.old else None, "new": self.new.to_dict() if self.new else None}


# -- the two sides ------------------------------------------------------------------

@dataclass(frozen=True)
class Where:
    """Where a node is written: a file (None: the spec's own) and a pointer in it."""

    file: Path | None
    pointer: str

    def join(self, *tokens: object) -> "Where":
        return Where(self.file, jp.join(self.pointer, *tokens))


@dataclass(frozen=True)
class Node:
    """A schema (or any object) after its ``$ref`` chain, and where it is written."""

    value: Any
    where: Where
    ref: str | None = None  # the $ref it was reached through, when it was


class Side:
    """One side of a diff: a loaded spec, and the names its files are shown under."""

    def __init__(self, spec: "Spec", name_of: Callable[[Path], str] | None = None) -> None:
        self.spec = spec
        self.name = spec.name
        self.v31 = str(spec.data.get("openapi", "")).startswith("3.1")
        self._name_of = name_of
        self._root = spec.path.resolve()

    def file_name(self, file: Path | None) -> str:
        if file is None or file == self._root:
            return self.name
        if self._name_of is not None:
            return self._name_of(file)
        from .spec import display_name

        return display_name(file)

    def site(self, where: Where | None) -> Site | None:
        if where is None:
            return None
        if where.file is None or where.file == self._root:
            line = self.spec.line_of(where.pointer)
        else:
            line = self.spec.resolver.line_of(where.file, where.pointer)  # type: ignore[attr-defined]
        return Site(self.file_name(where.file), line, where.pointer)

    def node(self, raw: Any, where: Where) -> Node:
        """Follow ``raw``'s ``$ref`` chain (not a 3.1 ref with siblings: those apply beside it)."""
        ref = None
        seen: set[str] = set()
        while isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
            if self.v31 and len(raw) > 1 and any(k not in ("description", "summary") for k in raw if k != "$ref"):
                break
            target = raw["$ref"]
            if target in seen:
                break  # a loop of bare refs; loading refuses these, so this is only a guard
            seen.add(target)
            ref = ref or target
            try:
                raw = self.spec.resolver.lookup(target)
            except LookupError as exc:
                raise self.spec.error(str(exc), where.pointer) from None
            file_part, _, fragment = target.partition("#")
            file = None
            if file_part:
                path = self.spec.resolver.path_of(file_part)
                file = None if path == self._root else path
            from urllib.parse import unquote

            where = Where(file, unquote(fragment))
        return Node(raw, where, ref)

    def raw(self, pointer: str) -> Any:
        """The value at ``pointer`` of the spec's own file, as written (None when absent)."""
        return jp.resolve(self.spec.data, pointer, None)


# -- what rules see ---------------------------------------------------------------

@dataclass(frozen=True)
class SchemaContext:
    """How to read one schema pair: sent by clients (input) or received (output), in an error body or not."""

    direction: str  # "input" | "output"
    error: bool = False  # inside an error body: a non-2xx response or an x-error-envelope schema
    code: bool = False  # at a field that carries an error code (in an error body, named ...code)


@dataclass(frozen=True)
class Delta:
    """A change found at one schema pair; the walk adds the path and the operation."""

    rule: str
    impact: Impact
    keyword: str  # appended to the location: "enum", "maximum", "" for the node itself
    message: str
    reason: str
    old: Where | None
    new: Where | None
    token: str | None = None  # a child the change is about (a property name), placed before the keyword


@dataclass
class SpecPair:
    old: Side
    new: Side
    matched: list[tuple["Operation", "Operation"]] = field(default_factory=list)
    removed: list["Operation"] = field(default_factory=list)
    added: list["Operation"] = field(default_factory=list)

    def change(self, rule: str, impact: Impact, op: "Operation | None", location: str, message: str, reason: str,
               old: Where | None = None, new: Where | None = None, direction: str | None = None) -> Change:
        return Change(rule, impact, op.label if op else "", location, message, reason,
                      operation_id=op.operation_id if op else "", direction=direction,
                      old=self.old.site(old), new=self.new.site(new))


@dataclass(frozen=True)
class Rule:
    """One kind of change, by name, with a hook for each level it looks at."""

    name: str
    summary: str  # what it reports, and when that breaks clients
    spec: Callable[[SpecPair], Iterator[Change]] | None = None
    operation: Callable[[Any], Iterator[Change]] | None = None  # an OperationPair (core/diffops.py)
    schema: Callable[[Any], Iterator[Delta]] | None = None  # a SchemaPair (core/diffschema.py)


# -- reasons, worded once ------------------------------------------------------------

NARROWED_INPUT = "clients may send values the new spec refuses"
WIDENED_OUTPUT = "clients may receive values the old spec never allowed"
WIDENED_INPUT = "the new spec accepts more than the old one: clients are unaffected"
NARROWED_OUTPUT = "the server promises less variety than before: clients are unaffected"


def by_direction(direction: str, narrowed: bool, widened: bool) -> tuple[Impact, str]:
    """Input narrowed or output widened breaks clients; the reverse does not."""
    if direction == "input":
        if narrowed:
            return Impact.BREAKING, NARROWED_INPUT
        return Impact.HARMLESS, WIDENED_INPUT
    if widened:
        return Impact.BREAKING, WIDENED_OUTPUT
    return Impact.HARMLESS, NARROWED_OUTPUT


def shown(value: Any, limit: int = 60) -> str:
    """A value as JSON, shortened for a message."""
    import json

    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_change(old: Any, new: Any, limit: int = 50) -> str:
    """``old → new`` for a reworded text: long ones shown from a little before where they first differ."""
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > limit:
        start = 0
        while start < min(len(old), len(new)) and old[start] == new[start]:
            start += 1
        start = max(0, start - 15)
        if start:
            old, new = "…" + old[start:], "…" + new[start:]
    return f"{shown(old, limit) if old is not None else 'none'} → {shown(new, limit) if new is not None else 'none'}"


__all__ = ["Change", "Delta", "IMPACT_ORDER", "Impact", "Node", "Rule", "SchemaContext", "Side", "Site",
           "SpecPair", "Where", "by_direction", "shown", "text_change"]
