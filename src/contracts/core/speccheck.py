"""openapi-spec-validator behind a cache, with errors turned into (pointer, message)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import pointer as jp

if TYPE_CHECKING:
    from pathlib import Path

    from .protocols import SpecLike as Spec

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
    """Validation of one file, remembered in memory and on disk (keyed by content and validator version).

    Importing and running openapi-spec-validator costs about half a second;
    a spec that has not changed does not need it again.
    """
    import hashlib
    import json
    from pathlib import Path

    from .yamlsource import load_file

    raw = Path(path).read_bytes()
    key = hashlib.sha256(raw + _validator_version().encode() + base_uri.encode()).hexdigest()
    cache = _cache_dir()
    entry = cache / f"speccheck-{key}.json" if cache else None
    if entry is not None:
        try:
            return tuple((p, m) for p, m in json.loads(entry.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            pass
    data, _ = load_file(Path(path))
    found = tuple(_errors(data, base_uri))
    if entry is not None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(found), encoding="utf-8")
            os.replace(tmp, entry)
        except OSError:
            pass  # a read-only home is no reason to fail
    return found


def _validator_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("openapi-spec-validator")
    except PackageNotFoundError:  # pragma: no cover - it is a dependency
        return "unknown"


def _cache_dir() -> "Path | None":
    from pathlib import Path

    if os.environ.get("CONTRACTS_NO_CACHE"):
        return None
    base = os.environ.get("CONTRACTS_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "contracts")
    return Path(base)


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
