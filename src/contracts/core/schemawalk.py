"""openapi-spec-validator's walk over every Schema Object, made linear in the document's size.

Its schema keyword check keeps the ids of the schemas it has visited (and
meta-checked) in lists, so each visit scans all earlier ones: quadratic in
the number of schemas. And it meta-checks each schema with python-jsonschema,
about a millisecond each. Here the id registries are sets behind the list
interface, and a schema is first meta-checked by jsonschema-rs; only a schema
the fast check rejects is checked again by python-jsonschema, whose verdict
and message are the ones reported. The fast check asserts ``regex`` the way
python-jsonschema does (Python's ``re``), so it never passes a schema that
the slow check would reject (tests/core/test_schemawalk.py holds both to the
same verdicts).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["IdSet", "fast_schema_keyword"]


class IdSet(list):  # type: ignore[type-arg]
    """The validator's list of seen schema ids, with a set's membership test."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[int] = set()

    def append(self, item: int) -> None:
        if item not in self._members:
            self._members.add(item)
            super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _python_regex(text: str) -> bool:
    try:
        re.compile(text)
    except (re.error, OverflowError, RecursionError):
        return False
    return True


_BUILT: dict[int, tuple[Any, Any]] = {}  # id(meta-schema) -> (the meta-schema, kept alive; its validator)


def _meta_validator(meta: Any) -> Any:
    """A jsonschema-rs validator of one meta-schema, or None when there is none to build."""
    if not isinstance(meta, dict):
        return None
    known = _BUILT.get(id(meta))
    if known is not None and known[0] is meta:
        return known[1]
    import jsonschema_rs
    from openapi_schema_validator.validators import OPENAPI_SPECIFICATIONS

    try:
        registry = jsonschema_rs.Registry([(uri, OPENAPI_SPECIFICATIONS.contents(uri))
                                           for uri in OPENAPI_SPECIFICATIONS])
        built = jsonschema_rs.validator_for(meta, registry=registry, validate_formats=True,
                                            formats={"regex": _python_regex})
    except Exception:  # noqa: BLE001 - no fast check, the slow one still runs
        built = None
    if len(_BUILT) < 16:
        _BUILT[id(meta)] = (meta, built)
    return built


def fast_schema_keyword(base: type) -> type:
    """``base`` (openapi-spec-validator's schema keyword check) with set registries and a fast meta-check."""

    class FastSchema(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.visited_schema_ids = IdSet()
            self.meta_checked_schema_ids = IdSet()

        def _contracts_meta(self, schema: Any, schema_value: Any) -> Any:
            dialect = getattr(self, "_get_schema_dialect_id", None)
            if dialect is None:  # 3.0: one meta-schema
                return getattr(getattr(self, "schema_validator_cls", None), "META_SCHEMA", None)
            try:
                cls = self._get_validator_class_for_dialect(dialect(schema, schema_value))
            except (ValueError, TypeError, LookupError):
                return None
            return getattr(cls, "META_SCHEMA", None) if cls is not None else None

        def _validate_schema_meta(self, schema: Any, schema_value: Any) -> Any:
            fast = _meta_validator(self._contracts_meta(schema, schema_value))
            if fast is not None:
                try:
                    if fast.is_valid(schema_value):
                        return None
                except (ValueError, TypeError, OverflowError):
                    pass
            return super()._validate_schema_meta(schema, schema_value)

    FastSchema.__name__ = f"Fast{base.__name__}"
    return FastSchema
