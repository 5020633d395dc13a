"""The one rule that decides how severe a finding is.

Every producer (audit, check, fuzz, HAR, plugin) says what its finding rests
on, its *basis*, and this module alone turns that into a severity:

* ``stated``: the implementation contradicts what the docs state: **error**;
* ``implied``: it contradicts what they clearly imply: **warning**;
* ``silent``: the docs are silent (a Content-Type they never name, the
  nullability they never state, an enum they only hint at): **info**.

``--strict`` holds what the docs imply as if they stated it, and what they
leave unsaid as if they implied it: each basis moves one step up.

The basis of a schema violation is read from the spec itself: the marks
``x-undocumented`` (structure modelled from a sample, with its own severity)
and ``x-docs-gap`` (an enum or member list the docs leave incomplete) weaken
the constraints they cover. Nothing here is vendor-specific.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from . import pointer as jp
from .finding import Kind, Severity

if TYPE_CHECKING:
    from .spec import Operation, Spec


class Basis(str, enum.Enum):
    """What a finding rests on in the docs."""

    STATED = "stated"
    IMPLIED = "implied"
    SILENT = "silent"

    @property
    def rank(self) -> int:
        """Higher is firmer: silent 0, implied 1, stated 2."""
        return _RANK[self]


_RANK = {Basis.SILENT: 0, Basis.IMPLIED: 1, Basis.STATED: 2}
_BY_RANK = {rank: basis for basis, rank in _RANK.items()}
_SEVERITY = {Basis.STATED: Severity.ERROR, Basis.IMPLIED: Severity.WARNING, Basis.SILENT: Severity.INFO}

# What a finding of each kind rests on when nothing in the spec weakens it.
_KIND_BASIS = {
    Kind.UNDOCUMENTED_FIELD: Basis.IMPLIED,  # the table lists the fields; an extra one may just be missing from it
    Kind.UNDOCUMENTED_HEADER: Basis.SILENT,  # servers add headers; the docs never promise there are no others
    Kind.UNDOCUMENTED_ENDPOINT: Basis.IMPLIED,
    Kind.UNEXPECTED_NULL: Basis.SILENT,  # no page states whether a field may be null
    Kind.BODY_TOO_LARGE: Basis.IMPLIED,
    Kind.NOT_REJECTED_PROPERLY: Basis.IMPLIED,  # a documented 5xx for bad input may be passing trouble
}


def decide(basis: Basis | str, *, strict: bool = False) -> Severity:
    """The severity of a finding with this basis."""
    b = Basis(basis)
    if strict:
        b = _BY_RANK[min(b.rank + 1, 2)]
    return _SEVERITY[b]


def basis_of_kind(kind: str) -> Basis:
    """The basis of a kind when the spec says nothing that weakens it."""
    return _KIND_BASIS.get(kind, Basis.STATED)


def weakest(bases: Iterable[Basis]) -> Basis:
    return min(bases, key=lambda b: b.rank, default=Basis.STATED)


def firmest(bases: Iterable[Basis]) -> Basis:
    return max(bases, key=lambda b: b.rank, default=Basis.STATED)


def mark_basis(mark: Any) -> Basis:
    """An ``x-undocumented`` mark's own severity, as a basis (warning by default)."""
    severity = mark.get("severity", "warning") if isinstance(mark, dict) else "warning"
    return {"error": Basis.STATED, "warning": Basis.IMPLIED, "info": Basis.SILENT}.get(str(severity), Basis.IMPLIED)


def mark_reason(mark: Any) -> str:
    text = mark.get("reason", "") if isinstance(mark, dict) else str(mark)
    return " ".join(str(text).split())


# Leniencies: invalid input that careful servers commonly accept, by name (a finding's
# ``extra.leniency``); acceptances of one leniency in one operation are one cause.
LENIENCIES: dict[str, str] = {
    "empty": "an empty value was accepted as if absent",
    "null": "null was accepted where the docs never say whether it may be",
    "case": "a documented value in another letter case was accepted",
    "coercible": "a value of another JSON type was accepted (coerced)",
    "content-type": "a body under a Content-Type the docs do not name was accepted",
    "undocumented-field": "undocumented fields were accepted",
}


@dataclass(frozen=True)
class Grounds:
    """A basis and, when the spec weakened it, why (for the finding's message)."""

    basis: Basis
    why: str = ""

    def severity(self, *, strict: bool = False) -> Severity:
        return decide(self.basis, strict=strict)


STATED = Grounds(Basis.STATED)


def reweigh(finding: Any, grounds: Grounds, *, strict: bool = False) -> Any:
    """The same finding resting on other grounds (an echo, say): severity, basis and message follow."""
    message = finding.message if not grounds.why or grounds.why in finding.message else \
        f"{finding.message} ({grounds.why})"
    extra = {**finding.extra, "why": grounds.why} if grounds.why else dict(finding.extra)
    return finding.with_(severity=grounds.severity(strict=strict), basis=grounds.basis.value, message=message,
                         extra=extra)

# Kinds whose constraint lives on the parent object: the pointer names the member.
_PARENT_KINDS = frozenset({Kind.UNDOCUMENTED_FIELD, Kind.RENAMED_FIELD, Kind.MISSING_FIELD})
# What an ``x-docs-gap`` note can say the docs leave incomplete, and the findings that then rest on silence.
GAP_COVERS: dict[str, frozenset[str]] = {
    "enum": frozenset({Kind.ENUM_MISMATCH}),
    "members": frozenset({Kind.UNDOCUMENTED_FIELD, Kind.RENAMED_FIELD}),
    "required": frozenset({Kind.MISSING_FIELD}),
    "type": frozenset({Kind.WRONG_TYPE}),
    "range": frozenset({Kind.OUT_OF_RANGE}),
    "nullable": frozenset({Kind.UNEXPECTED_NULL}),
    "content-type": frozenset({Kind.CONTENT_TYPE}),
}


def gap(note: Any) -> tuple[frozenset[str], str]:
    """The kinds an ``x-docs-gap`` note weakens, and its text.

    A plain string is a note about an enum whose values the docs only hint
    at (the common case); ``{note: ..., covers: [enum, members, required,
    type, range, nullable, content-type]}`` names what else is incomplete.
    """
    if isinstance(note, dict):
        covers = note.get("covers") or ["enum"]
        text = str(note.get("note", ""))
    else:
        covers, text = ["enum"], str(note)
    kinds: set[str] = set()
    for name in covers if isinstance(covers, list) else [covers]:
        kinds |= GAP_COVERS.get(str(name), frozenset())
    return frozenset(kinds), " ".join(text.split())


@dataclass(frozen=True)
class _Node:
    schema: Any
    mark: Any  # the x-undocumented mark covering this node (its own, or an inline ancestor's)
    required: bool  # the parent lists this member as mandatory


def _walk(deref: Callable[[Any], Any], schema: Any, tokens: Sequence[str], limit: int = 64) -> list[_Node]:
    """The schema nodes along an instance path; stops where the schema says nothing more.

    An ``x-undocumented`` mark covers its node and everything defined inline
    beneath it; a ``$ref`` starts a schema of its own, which carries its own marks.
    """
    def load(raw: Any, inherited: Any, required: bool) -> _Node | None:
        crossing = isinstance(raw, dict) and "$ref" in raw
        try:
            node = deref(raw)
        except LookupError:
            return None
        if not isinstance(node, dict):
            return _Node(node, None if crossing else inherited, required)
        mark = node.get("x-undocumented", None if crossing else inherited)
        return _Node(node, mark, required)

    first = load(schema, None, False)
    if first is None:
        return []
    path = [first]
    for token in tokens[:limit]:
        here = path[-1]
        node = here.schema
        if not isinstance(node, dict):
            break
        child, required = _child(deref, node, token)
        if child is None:
            break
        loaded = load(child, here.mark, required)
        if loaded is None:
            break
        path.append(loaded)
    return path


def _child(deref: Callable[[Any], Any], node: dict[str, Any], token: str) -> tuple[Any, bool]:
    props = node.get("properties")
    if isinstance(props, dict) and token in props:
        return props[token], token in (node.get("required") or [])
    items = node.get("items")
    if token.isdigit() and isinstance(items, (dict, bool)):
        return items, False
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key) or []:
            try:
                resolved = deref(sub)
            except LookupError:
                continue
            if isinstance(resolved, dict):
                found, required = _child(deref, resolved, token)
                if found is not None:
                    return found, required or token in (node.get("required") or [])
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        return extra, False
    return None, False


def schema_grounds(spec: "Spec", schema: Any, kind: str, location: str, base: str = "",
                   extensions: dict[str, Any] | None = None, value: Any = None) -> Grounds:
    """The basis of a schema violation at ``location`` (an instance pointer under ``base``).

    ``extensions`` are the ``x-`` keys of the parameter the schema belongs to,
    if any: a parameter's ``x-docs-gap`` weakens its enum like a schema's does.
    """
    tokens = jp.split(location[len(base):]) if location.startswith(base) else jp.split(location)
    own = tokens[:-1] if kind in _PARENT_KINDS and tokens else tokens
    path = _walk(spec.resolver.deref, schema, own)
    reached = len(path) == len(own) + 1
    target = path[-1] if path else None
    found: list[Grounds] = [Grounds(basis_of_kind(kind))]
    if kind == Kind.UNEXPECTED_NULL and target is not None and reached and target.required:
        found = [Grounds(Basis.IMPLIED, "the field is mandatory, and the docs never say whether it may be null")]
    elif kind == Kind.UNEXPECTED_NULL:
        found = [Grounds(Basis.SILENT, "the docs never say whether this field may be null")]
    if target is not None and reached:
        if target.mark is not None:
            found.append(Grounds(mark_basis(target.mark), "the structure is modelled from a sample: "
                                 + mark_reason(target.mark)))
        node = target.schema
        note = node.get("x-docs-gap") if isinstance(node, dict) else None
        if note is None and extensions and not own:
            note = extensions.get("x-docs-gap")
        if note is not None:
            kinds, text = gap(note)
            if kind in kinds:
                found.append(Grounds(Basis.SILENT, "the docs leave this incomplete: " + text))
    return min(found, key=lambda g: g.basis.rank)


def media_grounds(media_types: Iterable[Any], kind: str = Kind.CONTENT_TYPE,
                  default: Basis | None = None) -> Grounds:
    """The basis of a Content-Type finding: silent when every documented media type's
    ``x-docs-gap`` says the docs never name it."""
    notes = [getattr(mt, "extensions", {}).get("x-docs-gap") for mt in media_types]
    if notes and all(n is not None and kind in gap(n)[0] for n in notes):
        return Grounds(Basis.SILENT, "the docs leave this incomplete: " + gap(notes[0])[1])
    return Grounds(default or basis_of_kind(kind))


def operation_param_grounds(op: "Operation", kind: str, location: str) -> Grounds:
    """The basis of a violation of a request parameter (``/query/name``, ``/path/name``, ``/header/name``)."""
    tokens = jp.split(location)
    if len(tokens) >= 2 and tokens[0] in ("query", "path", "header", "cookie"):
        p = op.param(tokens[0], tokens[1])
        if p is not None:
            return schema_grounds(op.spec, p.schema, kind, location, jp.join("", tokens[0], tokens[1]),
                                  p.extensions)
    return Grounds(basis_of_kind(kind))


def body_grounds(op: "Operation", schema: Any, kind: str, location: str) -> Grounds:
    """The basis of a violation inside a request or response body (``/body/...``)."""
    return schema_grounds(op.spec, schema, kind, location, "/body")


__all__ = ["Basis", "GAP_COVERS", "Grounds", "LENIENCIES", "STATED", "gap", "basis_of_kind", "body_grounds", "decide", "firmest", "mark_basis",
           "mark_reason", "media_grounds", "operation_param_grounds", "reweigh", "schema_grounds", "weakest"]
