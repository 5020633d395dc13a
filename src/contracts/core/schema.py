"""OpenAPI schema objects to standalone JSON Schema (2020-12).

OpenAPI 3.0 schemas are a dialect: ``nullable``, boolean
``exclusiveMinimum``, ``readOnly``/``writeOnly`` and extension keys. The
validators want plain JSON Schema, with every ``$ref`` pointing into one
``$defs`` table so recursion keeps working.

``closed=True`` adds ``additionalProperties: false`` to every object schema
that lists properties and says nothing about extra ones (and
``unevaluatedProperties: false`` where combinators or conditionals share the
object): that is how undocumented fields become findings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .protocols import SpecLike as Spec

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DECLARED = "x-contracts-declared"  # on a closed composition: the names its branches declare

# Integer widths: ``format: int32`` / ``int64`` become bounds (the vendor tables
# distinguish ``Integer`` from ``long``), so every validator agrees on them.
INTEGER_FORMATS: dict[str, tuple[int, int]] = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def integer_bounds(schema: Any) -> tuple[int | float | None, int | float | None]:
    """(minimum, maximum) of an integer schema, its format's width included (inclusive bounds)."""
    if not isinstance(schema, dict):
        return None, None
    lo, hi = schema.get("minimum"), schema.get("maximum")
    lo = lo if isinstance(lo, (int, float)) and not isinstance(lo, bool) else None
    hi = hi if isinstance(hi, (int, float)) and not isinstance(hi, bool) else None
    width = INTEGER_FORMATS.get(str(schema.get("format", "")))
    types = schema.get("type")
    if width is not None and (types == "integer" or (isinstance(types, list) and "integer" in types)):
        lo = width[0] if lo is None else max(lo, width[0])
        hi = width[1] if hi is None else min(hi, width[1])
    return lo, hi


# Annotations and OpenAPI-only keys: no validation meaning of their own (or handled below).
_DROP = {"nullable", "discriminator", "readOnly", "writeOnly", "xml", "externalDocs", "example", "examples",
         "deprecated", "description", "title", "default", "$comment", "format", "$id", "$schema", "$anchor",
         "$dynamicAnchor", "$dynamicRef", "$vocabulary", "contentEncoding", "contentMediaType", "contentSchema"}
# Subschemas at a position of their own (an item, a property's value): closed like any schema.
_OWN_LISTS = ("prefixItems",)
_OWN_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_OWN_ONE = ("items", "additionalProperties", "propertyNames", "unevaluatedProperties", "unevaluatedItems",
            "additionalItems")
# Subschemas that apply to the same instance as their parent (combinators, conditionals): never closed,
# since closing them would change what they accept; the parent closes with unevaluatedProperties.
_SHARED_LISTS = ("allOf", "anyOf", "oneOf")
_SHARED_MAPS = ("dependentSchemas",)
_SHARED_ONE = ("not", "if", "then", "else", "contains")
_COMPOSITION = ("allOf", "anyOf", "oneOf", "if", "then", "else", "dependentSchemas", "$ref")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _types_of(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return [kind]
    return [str(k) for k in kind] if isinstance(kind, list) else []


class Converter:
    """Converts schemas of one spec, sharing one ``$defs`` table per call.

    OpenAPI 3.0 is a dialect (``nullable``, boolean exclusive bounds, ``$ref``
    siblings ignored); OpenAPI 3.1 schemas are plain JSON Schema 2020-12
    (``$ref`` siblings apply, no ``nullable``). Both get: asserted formats
    (core/formats.py), integer widths as bounds, discriminators that pick the
    branch, and, when ``closed``, undocumented properties rejected without
    changing what any combinator or conditional accepts.
    """

    def __init__(self, spec: "Spec", *, closed: bool, direction: str) -> None:
        self.spec = spec
        self.closed = closed
        self.direction = direction  # "request" | "response"
        self.v31 = str((spec.data or {}).get("openapi", "")).startswith("3.1")
        self.defs: dict[str, Any] = {}
        self._names: dict[str, str] = {}
        self._refs: list[str] = []  # the $refs being converted, innermost last

    def document(self, schema: Any) -> dict[str, Any]:
        root = self.convert(schema, in_composition=False)
        if not isinstance(root, dict):
            root = {} if root is True else {"not": {}}
        out = {"$schema": DIALECT, **root}
        if self.defs:
            out["$defs"] = {**self.defs, **out.get("$defs", {})}
        return out

    def _def_name(self, ref: str) -> str:
        if ref in self._names:
            return self._names[ref]
        base = re.sub(r"[^A-Za-z0-9_.-]", "_", ref.split("/")[-1] or "schema")
        file_part = ref.partition("#")[0]
        if file_part:
            base = re.sub(r"[^A-Za-z0-9_]", "_", file_part) + "__" + base
        name, n = base, 2
        taken = set(self._names.values())
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        self._names[ref] = name
        return name

    def _ref(self, ref: str, in_composition: bool) -> dict[str, Any]:
        key = ref if not in_composition else ref + "#composed"
        name = self._def_name(key)
        if name not in self.defs:
            self.defs[name] = True  # placeholder: breaks recursion
            try:
                target = self.spec.resolver.lookup(ref)
            except LookupError as exc:
                raise self.spec.error(f"{exc} ($ref {ref!r})", "") from None
            self._refs.append(ref)
            try:
                self.defs[name] = self.convert(target, in_composition=in_composition)
            finally:
                self._refs.pop()
        return {"$ref": f"#/$defs/{name}"}

    def convert(self, schema: Any, *, in_composition: bool) -> Any:
        if isinstance(schema, bool):
            return schema
        if not isinstance(schema, dict):
            return True
        ref = schema.get("$ref")
        if isinstance(ref, str):
            siblings = [k for k in schema if k != "$ref" and not k.startswith("x-") and k not in _DROP]
            if not self.v31 or not siblings:  # 3.0: "any properties added SHALL be ignored"
                return self._ref(ref, in_composition)
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key.startswith("x-") or key in _DROP:
                continue
            if key == "$ref" and isinstance(value, str):  # 3.1: a $ref applies beside its siblings
                out[key] = self._ref(value, True)["$ref"]
            elif key in _OWN_LISTS and isinstance(value, list):
                out[key] = [self.convert(s, in_composition=False) for s in value]
            elif key in _SHARED_LISTS and isinstance(value, list):
                out[key] = [self.convert(s, in_composition=True) for s in value]
            elif key in _OWN_MAPS and isinstance(value, dict):
                out[key] = {k: self.convert(s, in_composition=False) for k, s in value.items()}
            elif key in _SHARED_MAPS and isinstance(value, dict):
                out[key] = {k: self.convert(s, in_composition=True) for k, s in value.items()}
            elif key in _OWN_ONE:
                out[key] = self.convert(value, in_composition=False)
            elif key in _SHARED_ONE:
                out[key] = self.convert(value, in_composition=True)
            else:
                out[key] = value
        self._bounds(schema, out)
        self._format(schema, out)
        self._discriminate(schema, out, in_composition)
        self._direction_fixups(schema, out)
        if not self.v31 and schema.get("nullable") is True:
            self._nullable(out)
        if self.closed and not in_composition:
            self._close(schema, out)
        return out

    # -- keywords ---------------------------------------------------------------------
    def _bounds(self, raw: dict[str, Any], out: dict[str, Any]) -> None:
        """OpenAPI 3.0 boolean exclusive bounds, and integer widths as bounds."""
        for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
            if out.get(exclusive) is True and bound in out:
                out[exclusive] = out.pop(bound)
            elif isinstance(out.get(exclusive), bool):
                del out[exclusive]
        width = INTEGER_FORMATS.get(str(raw.get("format", "")))
        if width is not None and "integer" in _types_of(out):
            for bound, pick, limit in (("minimum", max, width[0]), ("maximum", min, width[1])):
                current = out.get(bound)
                out[bound] = pick(current, limit) if _is_number(current) else limit

    def _format(self, raw: dict[str, Any], out: dict[str, Any]) -> None:
        """Keep ``format`` only where both validators assert it the same way (core/formats.py)."""
        from .formats import FORMATS

        name = raw.get("format")
        types = _types_of(out)
        if isinstance(name, str) and name in FORMATS and (not types or "string" in types):
            out["format"] = name

    @staticmethod
    def _nullable(out: dict[str, Any]) -> None:
        """OpenAPI 3.0 ``nullable: true``: null is allowed besides what the schema says."""
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        elif isinstance(kind, list) and "null" not in kind:
            out["type"] = [*kind, "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        if kind is None and any(k in out for k in ("allOf", "anyOf", "oneOf", "$ref")):
            inner = dict(out)  # a nullable composition: null, or what the composition accepts
            out.clear()
            out["anyOf"] = [{"type": "null"}, inner]

    def _discriminate(self, raw: dict[str, Any], out: dict[str, Any], in_composition: bool) -> None:
        """A discriminator picks the branch by its property's value, instead of trying every branch."""
        disc = raw.get("discriminator")
        if not isinstance(disc, dict) or not isinstance(disc.get("propertyName"), str):
            return
        name = disc["propertyName"]
        listed = next((k for k in ("oneOf", "anyOf") if isinstance(raw.get(k), list)), None)
        branches: dict[str, str] = {}
        if listed is not None:
            for branch in raw[listed]:
                if not isinstance(branch, dict) or not isinstance(branch.get("$ref"), str):
                    return  # an inline branch has no name to be picked by: keep the plain combinator
                branches[branch["$ref"].rsplit("/", 1)[-1]] = branch["$ref"]
        elif in_composition:
            return  # the base of an allOf inheritance, used by a subtype: no dispatch (it would recurse)
        mapping = disc.get("mapping") if isinstance(disc.get("mapping"), dict) else {}
        for value, target in mapping.items():
            target = str(target)
            branches[str(value)] = target if "#" in target or "/" in target else f"#/components/schemas/{target}"
        if listed is None:
            branches.update(self._subtypes(branches))
        if not branches:
            return
        if listed is not None:
            out.pop(listed, None)
        picks = [{"if": {"properties": {name: {"const": value}}, "required": [name]},
                  "then": self._ref(ref, True)} for value, ref in sorted(branches.items())]
        picks.append({"properties": {name: {"enum": sorted(branches)}}, "required": [name]})
        out["allOf"] = [*out.get("allOf", []), *picks]

    def _subtypes(self, known: dict[str, str]) -> dict[str, str]:
        """Implicit mapping of an inheritance base: the component schemas that allOf it, by name."""
        if not self._refs:
            return {}
        base = self._refs[-1]
        found: dict[str, str] = {}
        schemas = ((self.spec.data or {}).get("components") or {}).get("schemas") or {}
        for sub_name, sub in schemas.items() if isinstance(schemas, dict) else ():
            parts = sub.get("allOf") if isinstance(sub, dict) else None
            if isinstance(parts, list) and any(isinstance(p, dict) and p.get("$ref") == base for p in parts):
                ref = f"#/components/schemas/{sub_name}"
                if ref not in known.values():
                    found[str(sub_name)] = ref
        return found

    def _close(self, raw: dict[str, Any], out: dict[str, Any]) -> None:
        """Undocumented properties become findings; what the schema accepts otherwise is unchanged."""
        if "additionalProperties" in out or "unevaluatedProperties" in out:
            return
        composed = any(k in out for k in _COMPOSITION)
        if not composed:
            if "properties" in out or "patternProperties" in out:
                out["additionalProperties"] = False
        else:
            names = self._declared(raw)
            if names:
                out["unevaluatedProperties"] = False
                # Every name any branch declares: a branch that failed leaves its properties
                # "unevaluated", and those are not undocumented (classify.py reads this list).
                out[DECLARED] = sorted(names)

    def _declared(self, raw: Any, depth: int = 0) -> set[str]:
        """The property names a schema and its combinators declare (through refs); empty if it is open."""
        if depth > 8 or not isinstance(raw, dict):
            return set()
        names = set(raw["properties"]) if isinstance(raw.get("properties"), dict) else set()
        branches: list[Any] = []
        for key in ("allOf", "anyOf", "oneOf"):
            if isinstance(raw.get(key), list):
                branches.extend(raw[key])
        branches += [raw[k] for k in ("if", "then", "else") if k in raw]
        if isinstance(raw.get("$ref"), str):
            branches.append({"$ref": raw["$ref"]})
        disc = raw.get("discriminator")
        if isinstance(disc, dict) and isinstance(disc.get("mapping"), dict):
            branches += [{"$ref": str(t) if "#" in str(t) else f"#/components/schemas/{t}"}
                         for t in disc["mapping"].values()]
        for branch in branches:
            try:
                target = self.spec.resolver.deref(branch)
            except LookupError:
                continue
            names |= self._declared(target, depth + 1)
        return names

    def _direction_fixups(self, raw: dict[str, Any], out: dict[str, Any]) -> None:
        """readOnly properties are not required in requests, writeOnly not in responses."""
        props = raw.get("properties")
        if not isinstance(props, dict) or not isinstance(out.get("required"), list):
            return
        hidden = "readOnly" if self.direction == "request" else "writeOnly"
        skip = set()
        for name, prop in props.items():
            target = prop
            if isinstance(prop, dict) and "$ref" in prop:
                try:
                    target = self.spec.resolver.deref(prop)
                except LookupError:
                    target = prop
            if isinstance(target, dict) and target.get(hidden) is True:
                skip.add(name)
        if skip:
            out["required"] = [n for n in out["required"] if n not in skip]


def to_json_schema(spec: "Spec", schema: Any, *, closed: bool = False, direction: str = "response") -> dict[str, Any]:
    """One standalone JSON Schema document for an OpenAPI schema of ``spec``."""
    return Converter(spec, closed=closed, direction=direction).document(schema)
