"""Schemas compared structurally, through ``$ref``, in both directions.

A schema a client sends (a parameter, a request body) is *input*: the new
spec breaks clients where it accepts less (narrowed). A schema a client
receives (a response body or header) is *output*: it breaks them where it
allows more (widened). Each rule below looks at one pair of schemas and says
which way a change goes; ``by_direction`` turns that into an impact.

The walk pairs schemas by their place (properties by name, ``items``,
``additionalProperties``, ``oneOf``/``anyOf`` branches by the component they
refer to, else by position) and compares each pair once per reading
(direction, error body): a recursive schema stops where it meets a pair it is
already comparing, and a schema shared by several fields is compared once and
reported at each of its places. ``allOf`` members are merged into one view,
so moving a property into an ``allOf`` is no change; OpenAPI 3.0's
``nullable`` and boolean exclusive bounds read as their 3.1 forms, so a
3.0 → 3.1 migration is no change either.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Iterator

from . import pointer as jp
from .diffmodel import Delta, Impact, Node, Rule, SchemaContext, Side, Where, by_direction, shown, text_change

MAX_CHANGES_PER_SCHEMA = 2000  # a ref graph with many paths to one change lists it this many times at most


# -- views --------------------------------------------------------------------------

@dataclass
class View:
    """A schema with its ``allOf`` members merged: each keyword and where it is written."""

    node: Node
    keys: dict[str, tuple[Any, Where]] = field(default_factory=dict)
    properties: dict[str, Node] = field(default_factory=dict)
    required: dict[str, Where] = field(default_factory=dict)
    nothing: bool = False  # the boolean schema false

    def value(self, key: str, default: Any = None) -> Any:
        found = self.keys.get(key)
        return default if found is None else found[0]

    def at(self, key: str) -> Where:
        """Where a keyword is written (the schema itself when absent here)."""
        found = self.keys.get(key)
        return found[1].join(key) if found is not None else self.node.where


def view(side: Side, node: Node) -> View:
    out = View(node)
    _merge(side, node, out, set())
    return out


def _merge(side: Side, node: Node, out: View, seen: set[Where]) -> None:
    """Own keywords first, then ``allOf`` members (and a 3.1 ``$ref`` beside siblings): the first one wins."""
    if node.where in seen:
        return
    seen.add(node.where)
    value = node.value
    if value is False:
        out.nothing = True
        return
    if not isinstance(value, dict):
        return
    where = node.where
    members: list[Node] = []
    for key, item in value.items():
        if key == "properties" and isinstance(item, dict):
            for name, raw in item.items():
                if name not in out.properties:
                    out.properties[name] = side.node(raw, where.join("properties", name))
        elif key == "required" and isinstance(item, list):
            for name in item:
                if isinstance(name, str):
                    out.required.setdefault(name, where.join("required"))
        elif key == "allOf" and isinstance(item, list):
            members += [side.node(m, where.join("allOf", i)) for i, m in enumerate(item)]
        elif key == "$ref" and isinstance(item, str):
            members.append(side.node({"$ref": item}, where))
        else:
            out.keys.setdefault(key, (item, where))
    for member in members:
        _merge(side, member, out, seen)


# -- the normalised meaning of a view ---------------------------------------------------

_ALL_TYPES = frozenset({"null", "boolean", "object", "array", "number", "string", "integer"})


def types(v: View, side: Side) -> frozenset[str] | None:
    """The JSON types a schema admits (None: any), null included as 3.1 spells it."""
    if v.nothing:
        return frozenset()
    raw = v.value("type")
    if isinstance(raw, str):
        found = {raw}
    elif isinstance(raw, list):
        found = {t for t in raw if isinstance(t, str)}
    else:
        return None
    if not side.v31 and v.value("nullable") is True:
        found.add("null")
    return frozenset(found)


def _covers(wide: frozenset[str] | None, narrow: frozenset[str] | None) -> bool:
    """Does ``wide`` admit every value ``narrow`` admits?"""
    if wide is None:
        return True
    if narrow is None:
        return wide >= _ALL_TYPES - {"integer"}
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _types_text(t: frozenset[str] | None) -> str:
    return "any" if t is None else (", ".join(sorted(t)) or "nothing")


def bound(v: View, side: Side, low: bool) -> tuple[float | int, bool, str] | None:
    """(value, exclusive, keyword) of the tighter lower (or upper) bound, in either dialect."""
    inclusive_key, exclusive_key = ("minimum", "exclusiveMinimum") if low else ("maximum", "exclusiveMaximum")
    found: list[tuple[float | int, bool, str]] = []
    value = v.value(inclusive_key)
    exclusive = v.value(exclusive_key)
    if _number(value):
        found.append((value, exclusive is True, inclusive_key))
    if _number(exclusive):
        found.append((exclusive, True, exclusive_key))
    if not found:
        return None
    key = (lambda b: (b[0], b[1])) if low else (lambda b: (-b[0], b[1]))
    return max(found, key=key)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _tighter(a: tuple[float | int, bool, str] | None, b: tuple[float | int, bool, str] | None, low: bool) -> bool:
    """Is bound ``b`` tighter than bound ``a`` (None: unbounded)?"""
    if b is None:
        return False
    if a is None:
        return True
    if a[0] != b[0]:
        return b[0] > a[0] if low else b[0] < a[0]
    return b[1] and not a[1]


def _bound_text(b: tuple[float | int, bool, str] | None, low: bool) -> str:
    if b is None:
        return "unbounded"
    sign = (">" if b[1] else "≥") if low else ("<" if b[1] else "≤")
    return f"{sign} {b[0]}"


def canon(value: Any) -> str:
    """A value as JSON Schema compares it: 1 and 1.0 alike, true and 1 apart."""
    def norm(x: Any) -> Any:
        if isinstance(x, float) and x.is_integer():
            return int(x)
        if isinstance(x, dict):
            return {k: norm(i) for k, i in x.items()}
        if isinstance(x, list):
            return [norm(i) for i in x]
        return x

    return json.dumps(norm(value), sort_keys=True, ensure_ascii=False)


def enum_values(v: View) -> tuple[list[Any], str] | None:
    """The allowed values (``enum``, or ``const`` as one value) and the keyword, or None when unconstrained."""
    if isinstance(v.value("enum"), list):
        return list(v.value("enum")), "enum"
    if "const" in v.keys:
        return [v.value("const")], "const"
    return None


def _flag(side: Side, node: Node, key: str) -> bool:
    return view(side, node).value(key) is True


# -- the pair a schema rule sees --------------------------------------------------------

@dataclass
class SchemaPair:
    old: View
    new: View
    ctx: SchemaContext
    old_side: Side
    new_side: Side

    @property
    def direction(self) -> str:
        return self.ctx.direction

    def delta(self, rule: str, impact: Impact, keyword: str, message: str, reason: str, *,
              token: str | None = None, old: Where | None = None, new: Where | None = None) -> Delta:
        return Delta(rule, impact, keyword, message, reason,
                     old if old is not None else (self.old.at(keyword) if keyword else self.old.node.where),
                     new if new is not None else (self.new.at(keyword) if keyword else self.new.node.where),
                     token)

    def directed(self, rule: str, keyword: str, message: str, narrowed: bool, widened: bool, **kw: Any) -> Delta:
        impact, reason = by_direction(self.direction, narrowed, widened)
        if narrowed and widened:
            reason = ("neither admits all the other does: " + reason)
        return self.delta(rule, impact, keyword, message, reason, **kw)


# -- rules: types and constraints --------------------------------------------------------

def type_changed(p: SchemaPair) -> Iterator[Delta]:
    old, new = types(p.old, p.old_side), types(p.new, p.new_side)
    if old == new or (old is not None and new is not None and _covers(old, new) and _covers(new, old)):
        return
    narrowed, widened = not _covers(new, old), not _covers(old, new)
    yield p.directed("type-changed", "type", f"type {_types_text(old)} → {_types_text(new)}", narrowed, widened)


def range_changed(p: SchemaPair) -> Iterator[Delta]:
    for low in (True, False):
        old, new = bound(p.old, p.old_side, low), bound(p.new, p.new_side, low)
        if (old is None) == (new is None) and (old is None or (old[0] == new[0] and old[1] == new[1])):  # type: ignore[index]
            continue
        keyword = "minimum" if low else "maximum"
        yield p.directed("range-changed", keyword, f"{_bound_text(old, low)} → {_bound_text(new, low)}",
                         _tighter(old, new, low), _tighter(new, old, low),
                         old=_bound_where(p.old, old, keyword), new=_bound_where(p.new, new, keyword))
    old_m, new_m = p.old.value("multipleOf"), p.new.value("multipleOf")
    if _number(old_m) or _number(new_m):
        if not (_number(old_m) and _number(new_m) and old_m == new_m):
            # narrowed: some multiple of the old step is no multiple of the new one (and the reverse)
            narrowed = not _number(old_m) or (_number(new_m) and not _divides(new_m, old_m))
            widened = not _number(new_m) or (_number(old_m) and not _divides(old_m, new_m))
            yield p.directed("range-changed", "multipleOf",
                             f"multiple of {old_m if _number(old_m) else 'anything'} → "
                             f"{new_m if _number(new_m) else 'anything'}", narrowed, widened)


def _bound_where(v: View, b: tuple[float | int, bool, str] | None, keyword: str) -> Where:
    return v.at(b[2]) if b is not None else v.at(keyword)


def _divides(small: float | int, big: float | int) -> bool:
    """Is every multiple of ``big`` a multiple of ``small``?"""
    if small == 0:
        return False
    ratio = big / small
    return math.isclose(ratio, round(ratio)) and round(ratio) != 0


_LENGTHS = (("minLength", "maxLength", "characters"), ("minItems", "maxItems", "items"),
            ("minProperties", "maxProperties", "properties"))


def length_changed(p: SchemaPair) -> Iterator[Delta]:
    for low_key, high_key, unit in _LENGTHS:
        for key, low in ((low_key, True), (high_key, False)):
            old, new = p.old.value(key), p.new.value(key)
            old = old if _number(old) else None
            new = new if _number(new) else None
            if old == new:
                continue
            narrowed = new is not None and (old is None or (new > old if low else new < old))
            widened = old is not None and (new is None or (new < old if low else new > old))
            word = "at least" if low else "at most"
            text = lambda n: f"{word} {n} {unit}" if n is not None else "any length"  # noqa: E731
            yield p.directed("length-changed", key, f"{text(old)} → {text(new)}", narrowed, widened)
    old_u, new_u = p.old.value("uniqueItems") is True, p.new.value("uniqueItems") is True
    if old_u != new_u:
        yield p.directed("length-changed", "uniqueItems", f"unique items {old_u} → {new_u}", new_u, old_u)


def pattern_changed(p: SchemaPair) -> Iterator[Delta]:
    old, new = p.old.value("pattern"), p.new.value("pattern")
    old = old if isinstance(old, str) else None
    new = new if isinstance(new, str) else None
    if old == new:
        return
    message = f"pattern {shown(old) if old else 'none'} → {shown(new) if new else 'none'}"
    # two different patterns: which strings each accepts cannot be compared in general, so both ways
    yield p.directed("pattern-changed", "pattern", message, new is not None, old is not None)


_FORMAT_WIDTH = {"int32": 32, "int64": 64, "float": 32, "double": 64}


def format_changed(p: SchemaPair) -> Iterator[Delta]:
    old, new = p.old.value("format"), p.new.value("format")
    old = old if isinstance(old, str) else None
    new = new if isinstance(new, str) else None
    if old == new:
        return
    if old in _FORMAT_WIDTH and new in _FORMAT_WIDTH and (old[:3] == "int") == (new[:3] == "int"):  # type: ignore[index]
        narrowed, widened = _FORMAT_WIDTH[new] < _FORMAT_WIDTH[old], _FORMAT_WIDTH[new] > _FORMAT_WIDTH[old]  # type: ignore[index]
    else:
        narrowed, widened = new is not None, old is not None
    yield p.directed("format-changed", "format", f"format {old or 'none'} → {new or 'none'}", narrowed, widened)


# -- rules: enums and error codes -------------------------------------------------------

def _enum_sets(p: SchemaPair) -> tuple[tuple[list[Any], str] | None, tuple[list[Any], str] | None]:
    return enum_values(p.old), enum_values(p.new)


def _keyword(old: tuple[list[Any], str] | None, new: tuple[list[Any], str] | None) -> str:
    return (new or old or ([], "enum"))[1]


def _values(old: list[Any], new: list[Any]) -> str:
    """old → new values in full when short, else how many."""
    full = f"{shown(old, 200)} → {shown(new, 200)}"
    return full if len(full) <= 120 else f"{len(old)} → {len(new)} values"


def enum_value_removed(p: SchemaPair) -> Iterator[Delta]:
    old, new = _enum_sets(p)
    if p.ctx.code or old is None or new is None:
        return
    gone = [v for v in old[0] if canon(v) not in {canon(n) for n in new[0]}]
    if gone:
        yield p.directed("enum-value-removed", _keyword(old, new),
                         f"{', '.join(shown(v) for v in gone)} removed: {_values(old[0], new[0])}", True, False)


def enum_value_added(p: SchemaPair) -> Iterator[Delta]:
    old, new = _enum_sets(p)
    if p.ctx.code or old is None or new is None:
        return
    more = [v for v in new[0] if canon(v) not in {canon(o) for o in old[0]}]
    if more:
        yield p.directed("enum-value-added", _keyword(old, new),
                         f"{', '.join(shown(v) for v in more)} added: {_values(old[0], new[0])}", False, True)


def enum_changed(p: SchemaPair) -> Iterator[Delta]:
    """An enum constraint introduced or dropped (not the values of one that stays)."""
    old, new = _enum_sets(p)
    if p.ctx.code or (old is None) == (new is None):
        return
    yield p.directed("enum-changed", _keyword(old, new),
                     f"{'one of ' + shown(old[0]) if old else 'any value'} → "
                     f"{'one of ' + shown(new[0]) if new else 'any value'}", new is not None, old is not None)


def error_code_changed(p: SchemaPair) -> Iterator[Delta]:
    """Error codes are what clients branch on: a code gone or a new one breaks them, whichever way."""
    if not p.ctx.code:
        return
    old, new = _enum_sets(p)
    old_set = {canon(v) for v in old[0]} if old else None
    new_set = {canon(v) for v in new[0]} if new else None
    if old_set == new_set:
        return
    if old is not None and new is not None:
        gone = [v for v in old[0] if canon(v) not in new_set]  # type: ignore[operator]
        more = [v for v in new[0] if canon(v) not in old_set]  # type: ignore[operator]
        parts = ([f"removed {', '.join(shown(v) for v in gone)}"] if gone else []) + \
                ([f"added {', '.join(shown(v) for v in more)}"] if more else [])
        message = f"error codes {'; '.join(parts)}: {_values(old[0], new[0])}"
    else:
        message = f"error codes {shown(old[0]) if old else 'any'} → {shown(new[0]) if new else 'any'}"
    yield p.delta("error-code-changed", Impact.BREAKING, _keyword(old, new), message,
                  "clients branch on error codes: one they handle may never come, one they do not know may")


# -- rules: objects ------------------------------------------------------------------

def _sent(side: Side, node: Node, direction: str) -> bool:
    """Is a property part of this direction (readOnly ones are never sent, writeOnly never received)?"""
    return not _flag(side, node, "readOnly" if direction == "input" else "writeOnly")


def property_removed(p: SchemaPair) -> Iterator[Delta]:
    for name, node in p.old.properties.items():
        if name in p.new.properties:
            continue
        impact = Impact.BREAKING
        if not _sent(p.old_side, node, p.direction):
            impact, reason = Impact.HARMLESS, ("it was readOnly: clients never sent it" if p.direction == "input"
                                               else "it was writeOnly: clients never received it")
        elif p.direction == "input":
            reason = "clients that send it lose its effect, or are refused where other fields are not allowed"
        else:
            reason = "clients that read it find nothing"
        yield p.delta("property-removed", impact, "", f"property {name!r} removed", reason, token=name,
                      old=node.where, new=p.new.node.where)


def property_added(p: SchemaPair) -> Iterator[Delta]:
    for name, node in p.new.properties.items():
        if name in p.old.properties or name in p.new.required:
            continue
        if p.direction == "input":
            reason = "an optional field: clients that do not send it are unaffected"
        else:
            reason = "a new field in what clients receive: they may ignore it"
        yield p.delta("property-added", Impact.HARMLESS, "", f"optional property {name!r} added", reason,
                      token=name, old=p.old.node.where, new=node.where)


def required_property_added(p: SchemaPair) -> Iterator[Delta]:
    for name, node in p.new.properties.items():
        if name in p.old.properties or name not in p.new.required:
            continue
        if p.direction == "input" and _sent(p.new_side, node, "input"):
            impact, reason = Impact.BREAKING, "a new mandatory field: requests of clients written before lack it"
        else:
            impact, reason = Impact.HARMLESS, "a new field the server always sends: clients may ignore it"
        yield p.delta("required-property-added", impact, "", f"mandatory property {name!r} added", reason,
                      token=name, old=p.old.node.where, new=node.where)


def property_became_required(p: SchemaPair) -> Iterator[Delta]:
    for name, where in p.new.required.items():
        if name in p.old.required or (name not in p.old.properties and name in p.new.properties):
            continue  # a new property that is mandatory is required-property-added
        node = p.new.properties.get(name)
        if p.direction == "input" and (node is None or _sent(p.new_side, node, "input")):
            impact, reason = Impact.BREAKING, "clients that leave it out are refused"
        else:
            impact, reason = Impact.HARMLESS, "the server now always sends it: clients are unaffected"
        yield p.delta("property-became-required", impact, "", f"property {name!r} optional → mandatory", reason,
                      token=name, old=p.old.node.where, new=where)


def property_became_optional(p: SchemaPair) -> Iterator[Delta]:
    for name, where in p.old.required.items():
        if name in p.new.required or name not in p.new.properties:
            continue  # gone altogether is property-removed
        node = p.new.properties[name]
        if p.direction == "output" and _sent(p.new_side, node, "output"):
            impact, reason = Impact.BREAKING, "clients that rely on it may find it missing"
        else:
            impact, reason = Impact.HARMLESS, "clients may now leave it out: those that send it are unaffected"
        yield p.delta("property-became-optional", impact, "", f"property {name!r} mandatory → optional", reason,
                      token=name, old=where, new=p.new.node.where)


def _additional(v: View) -> tuple[str, Any]:
    raw = v.value("additionalProperties")
    if raw is False:
        return "closed", raw
    if isinstance(raw, dict) and raw:
        return "schema", raw
    return "open", raw


def additional_properties_changed(p: SchemaPair) -> Iterator[Delta]:
    old, new = _additional(p.old)[0], _additional(p.new)[0]
    if old == new:
        return
    rank = {"closed": 0, "schema": 1, "open": 2}
    text = {"closed": "no other properties", "schema": "other properties of a schema", "open": "any other properties"}
    yield p.directed("additional-properties-changed", "additionalProperties", f"{text[old]} → {text[new]}",
                     rank[new] < rank[old], rank[new] > rank[old])


def discriminator_changed(p: SchemaPair) -> Iterator[Delta]:
    old, new = p.old.value("discriminator"), p.new.value("discriminator")
    old_name = old.get("propertyName") if isinstance(old, dict) else None
    new_name = new.get("propertyName") if isinstance(new, dict) else None
    old_map = {k: _last(v) for k, v in (old.get("mapping") or {}).items()} if isinstance(old, dict) else {}
    new_map = {k: _last(v) for k, v in (new.get("mapping") or {}).items()} if isinstance(new, dict) else {}
    if old_name == new_name and old_map == new_map:
        return
    if old_name != new_name:
        message = f"discriminator {old_name or 'none'} → {new_name or 'none'}"
    else:
        message = f"discriminator mapping {shown(old_map)} → {shown(new_map)}"
    yield p.delta("discriminator-changed", Impact.BREAKING, "discriminator", message,
                  "the field that picks the variant, or the variant a value picks, changed")


def _last(ref: Any) -> str:
    return str(ref).rsplit("/", 1)[-1]


def access_changed(p: SchemaPair) -> Iterator[Delta]:
    """readOnly on what clients send, writeOnly on what they receive: the field leaves that direction."""
    for key, direction in (("readOnly", "input"), ("writeOnly", "output")):
        old, new = p.old.value(key) is True, p.new.value(key) is True
        if old == new:
            continue
        if p.direction != direction:
            impact, reason = Impact.HARMLESS, f"{key} does not concern this direction"
        elif new:
            impact, reason = Impact.BREAKING, ("clients may no longer send it" if direction == "input"
                                               else "the server no longer returns it")
        else:
            impact, reason = Impact.HARMLESS, "the field joins this direction: clients that ignore it are unaffected"
        yield p.delta("access-changed", impact, key, f"{key} {str(old).lower()} → {str(new).lower()}", reason)


def default_changed(p: SchemaPair) -> Iterator[Delta]:
    old, new = p.old.keys.get("default"), p.new.keys.get("default")
    if old is None and new is None or (old is not None and new is not None and canon(old[0]) == canon(new[0])):
        return
    message = f"default {shown(old[0]) if old else 'none'} → {shown(new[0]) if new else 'none'}"
    if p.direction == "input" and old is not None and new is not None:
        impact, reason = Impact.BREAKING, "clients that leave it out now get another behaviour"
    elif p.direction == "input" and old is not None:
        impact, reason = Impact.BREAKING, "clients that leave it out no longer know what the server assumes"
    else:
        impact, reason = Impact.HARMLESS, ("a default documented where there was none" if new is not None
                                           else "a default in what clients receive means nothing to them")
    yield p.delta("default-changed", impact, "default", message, reason)


# -- rules: compositions ------------------------------------------------------------------

def _branches(side: Side, v: View, key: str) -> list[tuple[str, Node]]:
    """(key, node) of each oneOf/anyOf branch: the component it refers to, else its place among inline ones."""
    raw = v.value(key)
    if not isinstance(raw, list):
        return []
    base = v.keys[key][1].join(key)
    out: list[tuple[str, Node]] = []
    inline = 0
    for index, item in enumerate(raw):
        node = side.node(item, base.join(index))
        if node.ref is not None:
            out.append((_last(node.ref), node))
        else:
            out.append((str(inline), node))
            inline += 1
    return out


def match_branches(p: SchemaPair, key: str) -> tuple[list[tuple[str, Node, Node]], list[tuple[str, Node]],
                                                      list[tuple[str, Node]]]:
    """(matched, removed, added) branches: by the component they refer to, then the rest by the JSON types
    they admit, in order, where one of the two is written inline.

    So inlining a referred branch, moving an inline one behind a ``$ref`` or reordering inline branches pairs
    each with itself; two differently named components stay one removed and one added.
    """
    old = _branches(p.old_side, p.old, key)
    new = _branches(p.new_side, p.new, key)
    named_new = {k: n for k, n in new if n.ref is not None}
    named_old = {k for k, n in old if n.ref is not None}
    matched: list[tuple[str, Node, Node]] = []
    rest_old: list[tuple[str, Node]] = []
    for k, n in old:
        if n.ref is not None and k in named_new:
            matched.append((k, n, named_new[k]))
        else:
            rest_old.append((k, n))
    rest_new = [(k, n) for k, n in new if not (n.ref is not None and k in named_old)]
    removed: list[tuple[str, Node]] = []
    for k, n in rest_old:
        kinds = types(view(p.old_side, n), p.old_side)
        partner = next((i for i, (_, m) in enumerate(rest_new)
                        if (n.ref is None or m.ref is None) and types(view(p.new_side, m), p.new_side) == kinds),
                       None)
        if partner is None:
            removed.append((k, n))
        else:
            other_key, other = rest_new.pop(partner)
            matched.append((other_key, n, other))
    return matched, removed, rest_new


def variant_added(p: SchemaPair) -> Iterator[Delta]:
    for key in ("oneOf", "anyOf"):
        if p.old.value(key) is None:
            continue  # introducing a composition is judged by what its branches admit, below them
        for name, node in match_branches(p, key)[2]:
            yield p.directed("variant-added", key, f"{key} branch {name} added", False, True,
                             old=p.old.at(key), new=node.where)


def variant_removed(p: SchemaPair) -> Iterator[Delta]:
    for key in ("oneOf", "anyOf"):
        if p.new.value(key) is None:
            continue
        for name, node in match_branches(p, key)[1]:
            yield p.directed("variant-removed", key, f"{key} branch {name} removed", True, False,
                             old=node.where, new=p.new.at(key))


# -- rules: documentation ----------------------------------------------------------------

_DOCS = ("title", "description", "x-docs-gap", "x-undocumented", "externalDocs")


def _text_change(key: str, old: tuple[Any, Where] | None, new: tuple[Any, Where] | None) -> str:
    return f"{key} {text_change(old[0] if old else None, new[0] if new else None)}"


def schema_description_changed(p: SchemaPair) -> Iterator[Delta]:
    for key in _DOCS:
        old, new = p.old.keys.get(key), p.new.keys.get(key)
        if (old is None) == (new is None) and (old is None or canon(old[0]) == canon(new[0])):  # type: ignore[index]
            continue
        yield p.delta("description-changed", Impact.HARMLESS, key, _text_change(key, old, new),
                      "documentation only: what clients send and receive is the same")


def schema_example_changed(p: SchemaPair) -> Iterator[Delta]:
    for key in ("example", "examples"):
        old, new = p.old.keys.get(key), p.new.keys.get(key)
        if (old is None) == (new is None) and (old is None or canon(old[0]) == canon(new[0])):  # type: ignore[index]
            continue
        yield p.delta("example-changed", Impact.HARMLESS, key, f"{key} changed",
                      "an example documents; it constrains nothing")


def schema_deprecated(p: SchemaPair) -> Iterator[Delta]:
    old, new = p.old.value("deprecated") is True, p.new.value("deprecated") is True
    if old != new:
        yield p.delta("deprecation-changed", Impact.HARMLESS, "deprecated", f"deprecated {old} → {new}",
                      "a notice to clients: nothing they send or receive changes yet")


SCHEMA_RULES: tuple[tuple[str, str, Any], ...] = (
    ("type-changed", "the JSON types admitted: narrowed on input or widened on output breaks clients "
                     "(integer → number widens; nullable counts as the type null)", type_changed),
    ("range-changed", "minimum, maximum (inclusive or exclusive) and multipleOf, by direction", range_changed),
    ("length-changed", "min/max length, items and properties, uniqueItems, by direction", length_changed),
    ("pattern-changed", "a pattern added (narrows), removed (widens) or changed (either way), by direction",
     pattern_changed),
    ("format-changed", "a format added, removed or changed; int32 → int64 widens, by direction", format_changed),
    ("enum-value-removed", "a value gone from an enum: breaks input, harmless on output", enum_value_removed),
    ("enum-value-added", "a new enum value: breaks output, harmless on input", enum_value_added),
    ("enum-changed", "an enum constraint introduced (narrows) or dropped (widens), by direction", enum_changed),
    ("error-code-changed", "an error code added or removed: in the enum of an error body's …code field, or "
                           "among the codes its examples document (unless an x-docs-gap says they only hint at "
                           "them): always breaking", error_code_changed),
    ("property-removed", "a property gone: always breaking (readOnly ones on input, writeOnly on output aside)",
     property_removed),
    ("property-added", "a new optional property: harmless", property_added),
    ("required-property-added", "a new mandatory property: breaks requests, harmless in responses",
     required_property_added),
    ("property-became-required", "an existing property now mandatory: breaks requests, harmless in responses",
     property_became_required),
    ("property-became-optional", "a mandatory property now optional: breaks responses, harmless in requests",
     property_became_optional),
    ("additional-properties-changed", "additionalProperties closed or opened, by direction",
     additional_properties_changed),
    ("discriminator-changed", "a discriminator's property or mapping changed: always breaking",
     discriminator_changed),
    ("access-changed", "readOnly added to an input or writeOnly to an output: breaking", access_changed),
    ("default-changed", "a documented default changed or dropped on input: breaking", default_changed),
    ("variant-added", "a oneOf/anyOf branch added: breaks output, harmless on input", variant_added),
    ("variant-removed", "a oneOf/anyOf branch removed: breaks input, harmless on output", variant_removed),
)
SCHEMA_DOC_RULES = {"description-changed": schema_description_changed, "example-changed": schema_example_changed,
                    "deprecation-changed": schema_deprecated}


# -- the walk ---------------------------------------------------------------------------

Found = list[tuple[tuple[str, ...], Delta]]

_CODE_FIELDS = ("code",)


def is_code_field(name: str) -> bool:
    """``code``, ``error_code``, ``errorCode``, ``ErrCode``: the field an error body's code is in."""
    return name.lower().endswith(_CODE_FIELDS)


class SchemaWalk:
    """Compares schema pairs for one diff, each (pair, reading) once; see the module docstring."""

    def __init__(self, old: Side, new: Side, rules: list[Rule]) -> None:
        self.old, self.new = old, new
        self.rules = [r.schema for r in rules if r.schema is not None]
        self._memo: dict[tuple[Where, Where, SchemaContext], Found] = {}
        self._active: set[tuple[Where, Where, SchemaContext]] = set()

    def compare(self, old: Node, new: Node, ctx: SchemaContext) -> Found:
        key = (old.where, new.where, ctx)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return []  # a recursive schema: the pair is being compared further up
        self._active.add(key)
        try:
            found = self._compare(old, new, ctx)
        finally:
            self._active.discard(key)
        self._memo[key] = found
        return found

    def _compare(self, old: Node, new: Node, ctx: SchemaContext) -> Found:
        pair = SchemaPair(view(self.old, old), view(self.new, new), ctx, self.old, self.new)
        out: Found = []
        unwrapped = self._unwrap(pair)
        if unwrapped is not None:
            return unwrapped
        for run in self.rules:
            for delta in run(pair):
                out.append(((delta.token,) if delta.token is not None else (), delta))
        for tokens, o, n, child in self._children(pair):
            for path, delta in self.compare(o, n, child):
                if len(out) >= MAX_CHANGES_PER_SCHEMA:
                    return out
                out.append(((*tokens, *path), delta))
        return out

    def _unwrap(self, p: SchemaPair) -> Found | None:
        """One side plain, the other a oneOf/anyOf with it as a branch: compare with that branch.

        ``$ref: Success`` becoming ``oneOf: [Success, Error]`` adds a variant; it removes no property.
        """
        old_key, new_key = _composition(p.old), _composition(p.new)
        if (old_key is None) == (new_key is None):
            return None
        plain, wrapped, key = (p.old, p.new, new_key) if new_key else (p.new, p.old, old_key)
        side = self.new if new_key else self.old
        branches = _branches(side, wrapped, key)  # type: ignore[arg-type]
        name = _last(plain.node.ref) if plain.node.ref else None
        chosen = next((b for b in branches if b[0] == name), branches[0] if len(branches) == 1 else None)
        if chosen is None:
            return None
        out: Found = []
        for other, node in branches:
            if other == chosen[0]:
                continue
            if new_key:
                delta = p.directed("variant-added", key, f"{key} branch {other} added beside {chosen[0]}",  # type: ignore[arg-type]
                                   False, True, old=p.old.node.where, new=node.where)
            else:
                delta = p.directed("variant-removed", key, f"{key} branch {other} removed; {chosen[0]} stays",  # type: ignore[arg-type]
                                   True, False, old=node.where, new=p.new.node.where)
            out.append(((), delta))
        inner = (self.compare(p.old.node, chosen[1], p.ctx) if new_key
                 else self.compare(chosen[1], p.new.node, p.ctx))
        return out + [((key, chosen[0], *path), d) for path, d in inner]  # type: ignore[misc]

    def _children(self, p: SchemaPair) -> Iterator[tuple[tuple[str, ...], Node, Node, SchemaContext]]:
        ctx = p.ctx
        for name, o in p.old.properties.items():
            n = p.new.properties.get(name)
            if n is not None:
                yield (name,), o, n, SchemaContext(ctx.direction, ctx.error, ctx.error and is_code_field(name))
        plain = SchemaContext(ctx.direction, ctx.error)
        o_items, n_items = p.old.value("items"), p.new.value("items")
        if isinstance(o_items, (dict, bool)) or isinstance(n_items, (dict, bool)):
            yield ("items",), self._child(self.old, p.old, "items"), self._child(self.new, p.new, "items"), plain
        o_add, n_add = _additional(p.old), _additional(p.new)
        if o_add[0] == "schema" and n_add[0] == "schema":
            yield (("additionalProperties",), self._child(self.old, p.old, "additionalProperties"),
                   self._child(self.new, p.new, "additionalProperties"), plain)
        for key in ("oneOf", "anyOf"):
            if p.old.value(key) is None and p.new.value(key) is None:
                continue
            if p.old.value(key) is None or p.new.value(key) is None:
                continue  # one side is not a composition: its own keywords were compared above
            for name, o, n in match_branches(p, key)[0]:
                yield (key, name), o, n, ctx
        o_prefix, n_prefix = p.old.value("prefixItems"), p.new.value("prefixItems")
        if isinstance(o_prefix, list) and isinstance(n_prefix, list):
            for index in range(min(len(o_prefix), len(n_prefix))):
                yield (("prefixItems", str(index)),
                       self.old.node(o_prefix[index], p.old.at("prefixItems").join(index)),
                       self.new.node(n_prefix[index], p.new.at("prefixItems").join(index)), plain)

    @staticmethod
    def _child(side: Side, v: View, key: str) -> Node:
        raw = v.value(key)
        if raw is None:
            return Node({}, v.node.where)  # absent: anything
        return side.node(raw, v.at(key))


def _composition(v: View) -> str | None:
    """``oneOf``/``anyOf`` when a schema is only that (no type, no properties of its own)."""
    if v.properties or "type" in v.keys:
        return None
    for key in ("oneOf", "anyOf"):
        if isinstance(v.value(key), list) and v.value(key):
            return key
    return None


def location(prefix: str, path: tuple[str, ...], keyword: str) -> str:
    """``response 200 /batchtasks/items/status enum``: where a schema change is, for people."""
    parts = [prefix] if prefix else []
    if path:
        parts.append(jp.from_path(path))
    if keyword:
        parts.append(keyword)
    return " ".join(parts)


__all__ = ["MAX_CHANGES_PER_SCHEMA", "SCHEMA_DOC_RULES", "SCHEMA_RULES", "SchemaPair", "SchemaWalk", "View",
           "canon", "is_code_field", "location", "types", "view"]
