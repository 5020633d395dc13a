"""openapi-spec-validator behind a cache, with errors turned into (pointer, message)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import pointer as jp

if TYPE_CHECKING:
    from .spec import Spec

_TOP_LEVEL = {"openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs",
              "webhooks", "jsonSchemaDialect"}


def _short(message: str, limit: int = 160) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "invalid"
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _describe(error: Any) -> str:
    """A one-line message; for oneOf/anyOf failures, the most relevant inner error."""
    from jsonschema.exceptions import best_match

    if getattr(error, "context", None):
        inner = best_match(error.context)
        if inner is not None:
            where = jp.from_path(inner.absolute_path)
            return _short(f"{inner.message}" + (f" at {where}" if where else ""))
    if error.validator in ("oneOf", "anyOf"):
        return f"does not match any allowed form of this OpenAPI object ({error.validator})"
    return _short(error.message)


def _validator_class(data: dict[str, Any]) -> Any:
    import openapi_spec_validator as osv

    version = str(data.get("openapi", ""))
    if version.startswith("3.1"):
        return osv.OpenAPIV31SpecValidator
    if version.startswith("3.0"):
        return osv.OpenAPIV30SpecValidator
    return None


@lru_cache(maxsize=64)
def _cached(path: str, mtime_ns: int, size: int, base_uri: str) -> tuple[tuple[str, str], ...]:
    from .yamlsource import load_file
    from pathlib import Path

    data, _ = load_file(Path(path))
    return tuple(_errors(data, base_uri))


def _errors(data: dict[str, Any], base_uri: str) -> list[tuple[str, str]]:
    version = data.get("openapi")
    cls = _validator_class(data)
    if cls is None:
        where = "/openapi" if "openapi" in data else ""
        return [(where, f"not an OpenAPI 3.0/3.1 document (openapi: {version!r})")]
    out = []
    for error in cls(data, base_uri=base_uri).iter_errors():
        tokens = list(error.absolute_path)
        # Nested schema-object checks report paths relative to the schema; keep what we can.
        pointer = jp.from_path(tokens) if tokens and str(tokens[0]) in _TOP_LEVEL else ""
        out.append((pointer, _describe(error)))
    return out


def validation_errors(spec: "Spec") -> list[tuple[str, str]]:
    """Every openapi-spec-validator error as (pointer, one-line message)."""
    path = spec.path.resolve()
    try:
        stat = path.stat()
        return list(_cached(str(path), stat.st_mtime_ns, stat.st_size, path.as_uri()))
    except OSError:
        return _errors(spec.data, path.as_uri())


def first_validation_error(spec: "Spec") -> tuple[str, str] | None:
    errors = validation_errors(spec)
    return errors[0] if errors else None
