"""jsonschema errors -> the finding kinds users read.

One schema violation can trip several keywords (``null`` fails both ``type``
and ``enum``); this module reports it once, as the most telling kind.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from . import pointer as jp
from .finding import Kind
from .suggest import distance, nearest, renamed_from

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_RANGE = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
          "pattern", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "const", "format",
          "maxContains", "minContains"}

TIME_PATTERN_HINT = "yyyyMMdd'T'HHmmss'Z'"


@dataclass(frozen=True)
class Violation:
    kind: str
    location: str
    message: str
    suggestion: str | None = None
    keyword: str = ""
    expected: Any = None
    actual: Any = None


def short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _types(schema: dict[str, Any]) -> str:
    t = schema.get("type")
    if isinstance(t, list):
        return " or ".join(str(x) for x in t)
    return str(t) if t else "a value of the documented schema"


_UNEXPECTED = re.compile(r"\((.*) (?:was|were) unexpected\)\s*$", re.S)


def _extra_fields(error: "ValidationError") -> list[str]:
    instance, schema = error.instance, error.schema
    if not isinstance(instance, dict) or not isinstance(schema, dict):
        return []
    if error.validator == "unevaluatedProperties":
        # the names the combinators left unevaluated: jsonschema-rs lists them, python-jsonschema says them
        names = getattr(error, "unexpected", None)
        found = _UNEXPECTED.search(error.message) if names is None else None
        if found is not None:
            import ast

            try:
                names = ast.literal_eval("[" + found.group(1) + "]")
            except (ValueError, SyntaxError):
                names = []
        if names is not None:  # in the instance's own order, whichever engine listed them
            wanted = {str(n) for n in names}
            return [k for k in instance if k in wanted]
    props = schema.get("properties", {})
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return [k for k in instance if k not in props and not any(p.search(k) for p in patterns)]


def _pattern_text(pattern: str) -> str:
    if "T([01][0-9]|2[0-3])" in pattern and pattern.endswith("Z$"):
        return f"the time format {TIME_PATTERN_HINT} (e.g. 20151212T121212Z)"
    return f"the pattern {pattern}"


def _range_message(error: "ValidationError") -> str:
    v, kw, inst = error.validator_value, error.validator, error.instance
    if kw == "minimum":
        return f"{short(inst)} is below the minimum {v}"
    if kw == "maximum":
        return f"{short(inst)} is above the maximum {v}"
    if kw == "exclusiveMinimum":
        return f"{short(inst)} must be greater than {v}"
    if kw == "exclusiveMaximum":
        return f"{short(inst)} must be less than {v}"
    if kw == "minLength":
        return f"{short(inst)} has length {len(inst)}, below the minimum length {v}"
    if kw == "maxLength":
        return f"{short(inst)} has length {len(inst)}, above the maximum length {v}"
    if kw == "pattern":
        return f"{short(inst)} does not match {_pattern_text(v)}"
    if kw == "minItems":
        return f"{len(inst)} items, below the minimum of {v}"
    if kw == "maxItems":
        return f"{len(inst)} items, above the maximum of {v}"
    if kw == "const":
        return f"{short(inst)} is not the documented constant {short(v)}"
    if kw == "format":
        return f"{short(inst)} is not a valid {v} (format {v})"
    return f"{short(inst)} violates {kw}={short(v)}"


def _bounds(error: "ValidationError") -> Any:
    return error.validator_value


def classify(error: "ValidationError", base: str = "") -> Iterator[Violation]:
    """The violations one jsonschema error stands for, located under ``base``."""
    at = jp.join(base, *error.absolute_path)
    kw = error.validator
    inst = error.instance
    if kw in ("additionalProperties", "unevaluatedProperties") and error.validator_value is False:
        documented = list(error.schema.get("properties", {})) or list(error.schema.get("x-contracts-declared", []))
        absent = [p for p in documented if p not in inst]
        declared_names = error.schema.get("x-contracts-declared") or ()
        for name in _extra_fields(error):
            where = jp.join(at, name)
            # a name some branch declares is no rename of another: it went unevaluated because its branch failed
            declared = name in declared_names
            match = None if declared else renamed_from(name, absent)
            if match is not None:
                target, why = match
                yield Violation(Kind.RENAMED_FIELD, where,
                                f"field {name!r} is not documented; the table documents {target!r} ({why})",
                                f"did you mean {target!r}?", kw, target, name)
            else:
                listing = ", ".join(documented) if documented else "none"
                # marked, so that classify_all drops it when the object has a violation of its own
                yield Violation(Kind.UNDOCUMENTED_FIELD, where,
                                f"field {name!r} is not documented (documented fields: {listing})", None,
                                kw + (":declared" if declared else ""), documented, name)
        return
    if kw == "required":
        for name in error.validator_value:
            if isinstance(inst, dict) and name not in inst:
                yield Violation(Kind.MISSING_FIELD, jp.join(at, name), f"mandatory field {name!r} is missing",
                                None, kw, name, None)
        return
    if kw == "dependentRequired" and isinstance(inst, dict) and isinstance(error.validator_value, dict):
        found = False
        for trigger, needed in error.validator_value.items():
            if trigger in inst and isinstance(needed, list):
                for name in needed:
                    if isinstance(name, str) and name not in inst:
                        found = True
                        yield Violation(Kind.MISSING_FIELD, jp.join(at, name),
                                        f"field {name!r} is missing; it is mandatory when {trigger!r} is present",
                                        None, kw, name, None)
        if found:
            return
    if inst is None and kw in ("type", "enum", "const"):
        yield Violation(Kind.UNEXPECTED_NULL, at,
                        f"null where the documented type is {_types(error.schema)}, which is not nullable",
                        None, kw, error.schema.get("type"), None)
        return
    if kw == "type":
        yield Violation(Kind.WRONG_TYPE, at, f"expected {_types(error.schema)}, got {_type_name(inst)} {short(inst)}",
                        None, kw, error.validator_value, inst)
        return
    if kw == "enum":
        choices = [c for c in error.validator_value if c is not None]
        best = nearest(str(inst), [str(c) for c in choices]) if choices else None
        listing = ", ".join(short(c) for c in choices)
        hint = None
        if best is not None:
            gap = distance(str(inst).lower(), best.lower())
            hint = f"nearest documented value: {best!r}"
            if gap > max(2, len(str(inst)) // 3):
                hint += f" (edit distance {gap}: not a likely typo; check which value the API really sends)"
        yield Violation(Kind.ENUM_MISMATCH, at, f"{short(inst)} is not a documented value (documented: {listing})",
                        hint, kw, choices, inst)
        return
    if kw in _RANGE:
        yield Violation(Kind.OUT_OF_RANGE, at, _range_message(error), None, kw, _bounds(error), inst)
        return
    if kw in ("anyOf", "oneOf") and error.context:
        branch = _closest_branch(error)
        if branch is not None:  # one alternative is what was meant (null-or-X, or one object shape)
            for inner in sorted(branch, key=_order):
                yield from classify(inner, base)
            return
    yield Violation(Kind.SCHEMA_MISMATCH, at, f"{short(inst)} does not match the documented schema ({kw})", None, kw,
                    error.validator_value, inst)


def _closest_branch(error: "ValidationError") -> list["ValidationError"] | None:
    """The errors of the one alternative the instance was meant for, if exactly one fits its type."""
    by_branch: dict[Any, list["ValidationError"]] = {}
    for inner in error.context or ():
        index = inner.schema_path[0] if inner.schema_path else None
        by_branch.setdefault(index, []).append(inner)
    depth = len(error.absolute_path)
    fitting = [errors for errors in by_branch.values()
               if not any(e.validator == "type" and len(e.absolute_path) == depth for e in errors)]
    return fitting[0] if len(fitting) == 1 else None


def _order(error: "ValidationError") -> tuple[list[str], str, str]:
    """By location, then keyword; ties broken by the keyword's value, so that the order never depends on
    which engine found the errors in which order (the two ``required`` lists of an allOf, say)."""
    return list(map(str, error.absolute_path)), str(error.validator), repr(error.validator_value)


def classify_all(errors: Iterable["ValidationError"], base: str = "") -> list[Violation]:
    """All violations, one per (location, kind), the most specific first."""
    seen: set[tuple[str, str]] = set()
    nulls: set[str] = set()
    out: list[Violation] = []
    for error in sorted(errors, key=_order):
        for v in classify(error, base):
            if v.kind == Kind.UNEXPECTED_NULL:
                nulls.add(v.location)
            key = (v.location, v.kind)
            if key in seen:
                continue
            seen.add(key)
            out.append(v)
    # A property whose value breaks its schema is also "unevaluated" (its branch failed): the value's
    # violation is the telling one.
    faulty = {v.location for v in out if v.kind not in (Kind.UNDOCUMENTED_FIELD, Kind.RENAMED_FIELD)}

    def consequence(v: Violation) -> bool:
        if v.kind != Kind.UNDOCUMENTED_FIELD:
            return False
        if v.location in faulty:
            return True
        if v.keyword.endswith(":declared"):  # its branch failed: only if the object has a fault of its own
            owner = v.location.rpartition("/")[0]
            return any(f == owner or f.startswith(owner + "/") for f in faulty)
        return False

    return [v for v in out if not (v.location in nulls and v.kind != Kind.UNEXPECTED_NULL)
            and not consequence(v)]
