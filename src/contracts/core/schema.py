"""OpenAPI schema objects to standalone JSON Schema (2020-12).

OpenAPI 3.0 schemas are a dialect: ``nullable``, boolean
``exclusiveMinimum``, ``readOnly``/``writeOnly`` and extension keys. The
validators want plain JSON Schema, with every ``$ref`` pointing into one
``$defs`` table so recursion keeps working.

``closed=True`` adds ``additionalProperties: false`` to every object schema
that lists properties and says nothing about extra ones: that is how
undocumented fields become findings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .protocols import SpecLike as Spec

DIALECT = "https://json-schema.org/draft/2020-12/schema"

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


# Keys that carry no validation meaning, or OpenAPI-only meaning handled below.
# Other ``format`` values are dropped for now: asserting them would make the
# fast and the detailed validator disagree.
_DROP = {"nullable", "discriminator", "readOnly", "writeOnly", "xml", "externalDocs", "example", "examples",
         "deprecated", "description", "title", "default", "$comment", "format"}
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SUBSCHEMA_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
                  "unevaluatedProperties", "unevaluatedItems", "additionalItems")


class Converter:
    """Converts schemas of one spec, sharing one ``$defs`` table per call."""

    def __init__(self, spec: "Spec", *, closed: bool, direction: str) -> None:
        self.spec = spec
        self.closed = closed
        self.direction = direction  # "request" | "response"
        self.defs: dict[str, Any] = {}
        self._names: dict[str, str] = {}

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
            self.defs[name] = self.convert(target, in_composition=in_composition)
        return {"$ref": f"#/$defs/{name}"}

    def convert(self, schema: Any, *, in_composition: bool) -> Any:
        if isinstance(schema, bool):
            return schema
        if not isinstance(schema, dict):
            return True
        if isinstance(schema.get("$ref"), str):
            return self._ref(schema["$ref"], in_composition)
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key.startswith("x-") or key in _DROP:
                continue
            if key in _SUBSCHEMA_LISTS and isinstance(value, list):
                out[key] = [self.convert(s, in_composition=key != "prefixItems") for s in value]
            elif key in _SUBSCHEMA_MAPS and isinstance(value, dict):
                out[key] = {k: self.convert(s, in_composition=False) for k, s in value.items()}
            elif key in _SUBSCHEMA_ONE:
                out[key] = self.convert(value, in_composition=False)
            else:
                out[key] = value
        # OpenAPI 3.0 boolean exclusive bounds
        for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
            if out.get(exclusive) is True and bound in out:
                out[exclusive] = out.pop(bound)
            elif out.get(exclusive) is False:
                del out[exclusive]
        width = INTEGER_FORMATS.get(str(schema.get("format", "")))
        kind = out.get("type")
        if width is not None and (kind == "integer" or (isinstance(kind, list) and "integer" in kind)):
            for bound, pick, limit in (("minimum", max, width[0]), ("maximum", min, width[1])):
                current = out.get(bound)
                if isinstance(current, (int, float)) and not isinstance(current, bool):
                    out[bound] = pick(current, limit)
                else:
                    out[bound] = limit
        if schema.get("nullable") is True:
            kind = out.get("type")
            if isinstance(kind, str):
                out["type"] = [kind, "null"]
            elif isinstance(kind, list) and "null" not in kind:
                out["type"] = [*kind, "null"]
            if isinstance(out.get("enum"), list) and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        self._direction_fixups(schema, out)
        if (self.closed and not in_composition and "properties" in out
                and "additionalProperties" not in out and "patternProperties" not in out
                and "unevaluatedProperties" not in out
                and not any(k in out for k in ("allOf", "anyOf", "oneOf"))):
            out["additionalProperties"] = False
        return out

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
