"""Is the document OpenAPI 3.0/3.1, and is it valid: openapi-spec-validator behind a cache.

Every problem comes back with the pointer of the place it is about, in the
file that holds it, and its whole message:

* the structure is checked against the OpenAPI JSON Schema by
  openapi-spec-validator's fast validator; only when it fails does
  python-jsonschema run to name each error (with the deepest relevant
  reason for ``oneOf``/``anyOf`` failures);
* the validator's own checks (schemas against their dialect, ``default``
  values against their schema, path parameters, ...) report no location, so
  each keyword check is wrapped to remember the path it was called on; that
  path runs through ``$ref``s, so it is mapped back to where the node is
  written (possibly another file).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import pointer as jp
from .errors import SpecError

if TYPE_CHECKING:
    from .protocols import SpecLike as Spec
    from .yamlsource import SourceMap

READS = "contracts reads OpenAPI 3.0 and 3.1"


@dataclass(frozen=True)
class SpecProblem:
    """One openapi-spec-validator error: where it is (``file`` None for the root document) and why."""

    pointer: str
    message: str
    file: Path | None = None


def require_openapi3(data: Any, file: str, source: "SourceMap | None" = None) -> None:
    """Raise one clear SpecError unless ``data`` is an OpenAPI 3.0 or 3.1 document."""
    def line(pointer: str) -> int:
        found = source.line_of(pointer) if source is not None else None
        return found or 1

    if not isinstance(data, dict):
        raise SpecError(f"is not an OpenAPI document (the top level is not a mapping); {READS}", file=file, line=1)
    if "swagger" in data and "openapi" not in data:
        raise SpecError(f"is a Swagger {data['swagger']} document; {READS}: convert it first (for example with "
                        "swagger2openapi or the Swagger Editor)", file=file, line=line("/swagger"))
    if "openapi" not in data:
        raise SpecError(f"is not an OpenAPI document (no 'openapi' field at the top); {READS}", file=file, line=1)
    version = data["openapi"]
    if not isinstance(version, str):
        raise SpecError(f"openapi: {version!r} is not a version string; write it quoted, such as \"3.1.0\"",
                        file=file, line=line("/openapi"), pointer="/openapi")
    if not (version.startswith("3.0") or version.startswith("3.1")):
        raise SpecError(f"is an OpenAPI {version} document; {READS}", file=file, line=line("/openapi"),
                        pointer="/openapi")


def _validator_class(data: dict[str, Any]) -> Any:
    import openapi_spec_validator as osv

    version = str(data.get("openapi", ""))
    if version.startswith("3.1"):
        return osv.OpenAPIV31SpecValidator
    if version.startswith("3.0"):
        return osv.OpenAPIV30SpecValidator
    return None


# -- messages ----------------------------------------------------------------

_ECHO = 200  # an instance echoed in a message longer than this is abbreviated (it can be a whole object)


def _shown(value: Any, limit: int = _ECHO) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _message(error: Any) -> str:
    """The whole first line of an error's message, with a long instance shortened, and its cause."""
    message = str(getattr(error, "message", "") or error).strip()
    message = message.splitlines()[0] if message else "invalid"
    instance = getattr(error, "instance", None)
    for text in (repr(instance), _json(instance)):
        if text and len(text) > _ECHO and message.startswith(text):
            message = _shown(instance) + message[len(text):]
            break
    cause = getattr(error, "cause", None)
    if cause is not None and str(cause) and str(cause) not in message:
        message += f" ({cause})"
    if getattr(error, "validator", None) == "enum" and isinstance(instance, str):
        from .suggest import did_you_mean

        message += did_you_mean(instance, [str(v) for v in getattr(error, "validator_value", ()) or ()])
    return message


def _json(value: Any) -> str:
    import json

    try:
        return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return ""


def _structural(error: Any) -> tuple[tuple[Any, ...], str]:
    """(instance path, message) of an error against the OpenAPI JSON Schema, the most relevant reason first."""
    from jsonschema.exceptions import best_match

    while getattr(error, "context", None) and error.validator in ("oneOf", "anyOf"):
        # The deepest reason wins: for "a Response or a Reference", a bad type three levels down is the
        # cause, not "'$ref' is a required property" of the branch that was never meant.
        deepest = max(len(e.absolute_path) for e in error.context)
        inner = best_match(e for e in error.context if len(e.absolute_path) == deepest)
        if inner is None:
            break
        error = inner
    if error.validator in ("oneOf", "anyOf"):
        return tuple(error.absolute_path), "does not match any allowed form of this OpenAPI object " \
            f"({error.validator})"
    return tuple(error.absolute_path), _message(error)


# -- locations -----------------------------------------------------------------

def _real_location(resolver: Any, data: Any, parts: tuple[Any, ...]) -> tuple[Path | None, str]:
    """Where the node a validator reached along ``parts`` is written: (file or None for the root, pointer)."""
    node, file, at = data, None, ""
    for token in parts:
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < 32:
            ref = node["$ref"]
            try:
                target = resolver.lookup(ref)
            except LookupError:
                return file, at
            file_part, _, fragment = ref.partition("#")
            if file_part:
                path = resolver.path_of(file_part)
                file = None if path == resolver.base.resolve() else path
            at, node, hops = fragment, target, hops + 1
        if isinstance(node, dict) and str(token) in node:
            node, at = node[str(token)], jp.join(at, token)
        elif isinstance(node, list) and isinstance(token, int) and token < len(node):
            node, at = node[token], jp.join(at, token)
        else:
            break
    return file, at


def _located(cls: Any) -> Any:
    """``cls`` whose keyword checks remember the path they were called on."""
    from jsonschema_path.paths import SchemaPath

    def wrap(keyword: str, base: type) -> type:
        extra = ("default",) if keyword == "default" else ()

        class Located(base):  # type: ignore[misc, valid-type]
            def __call__(self, *args: Any, **kwargs: Any) -> Any:
                where = next((a for a in args if isinstance(a, SchemaPath)), None)
                for error in super().__call__(*args, **kwargs):
                    if getattr(error, "_contracts_parts", None) is None and where is not None:
                        error._contracts_parts = tuple(where.parts) + extra + tuple(error.absolute_path)
                    yield error

        return Located

    from .schemawalk import fast_schema_keyword

    keywords = {name: wrap(name, fast_schema_keyword(base) if name == "schema" else base)
                for name, base in cls.keyword_validators.items()}
    return type(f"Located{cls.__name__}", (cls,), {"keyword_validators": keywords, "resolver_handlers": _HANDLERS})


def _local_file(uri: str) -> Any:
    """Files the validator follows refs into, read as contracts reads them (never its own YAML rules)."""
    from urllib.parse import unquote, urlsplit

    from .yamlsource import load_file

    return load_file(Path(unquote(urlsplit(uri).path)))[0]


def _never_fetch(uri: str) -> Any:
    raise ValueError(f"remote $ref {uri!r} refused: loading a spec never fetches from the network")


_HANDLERS = {"file": _local_file, "http": _never_fetch, "https": _never_fetch, "ftp": _never_fetch,
             "<all_urls>": _never_fetch}


@lru_cache(maxsize=4)
def _detailed_schema_validator(version: str) -> Any:
    """python-jsonschema over the OpenAPI JSON Schema: slower than the default backend, but names every error."""
    from openapi_spec_validator.schemas import schema_v30, schema_v31
    from openapi_spec_validator.schemas.backend.jsonschema import create_validator

    return create_validator(dict(schema_v31 if version == "3.1" else schema_v30))


def _errors(data: dict[str, Any], path: Path) -> list[tuple[str, str, str]]:
    """(file relative to the spec's folder, or "" for the spec itself; pointer; message) of every error."""
    from openapi_spec_validator.validation.exceptions import DuplicateOperationIDError

    from .refs import Resolver

    cls = _validator_class(data)
    if cls is None:
        return [("", "/openapi" if "openapi" in data else "", f"not an OpenAPI 3.0/3.1 document (openapi: "
                 f"{data.get('openapi')!r})")]
    out: list[tuple[str, str, str]] = []
    if not cls.schema_validator.is_valid(data):
        version = "3.1" if str(data.get("openapi")).startswith("3.1") else "3.0"
        for error in _detailed_schema_validator(version).iter_errors(data):
            tokens, message = _structural(error)
            out.append(("", jp.from_path(tokens), message))
    structural = {at for _, at, _ in out}  # the validator below repeats these nodes in its own words
    resolver = Resolver(data, path)
    folder = path.resolve().parent
    validator = _located(cls)(data, base_uri=path.resolve().as_uri())
    try:
        for error in validator.root_validator(validator.schema_path):
            if isinstance(error, DuplicateOperationIDError):
                continue  # lint's own duplicate-operation-id names both operations
            parts = getattr(error, "_contracts_parts", None) or ()
            file, at = _real_location(resolver, data, parts)
            if file is None and at in structural:
                continue  # one node, one finding
            shown = os.path.relpath(file, folder) if file is not None else ""
            out.append((Path(shown).as_posix() if shown else "", at, _message(error)))
    except Exception as exc:  # the validator can trip over a document it has just called broken
        if not out:
            out.append(("", "", f"openapi-spec-validator could not check this document: {type(exc).__name__}: "
                        f"{exc}"))
    return list(dict.fromkeys(out))


# -- cache ---------------------------------------------------------------------

_MEMO: dict[tuple[str, tuple[tuple[str, int, int], ...]], tuple[tuple[str, str, str], ...]] = {}


def _cached(path: str, stamp: tuple[tuple[str, int, int], ...], data: Any = None) -> tuple[tuple[str, str, str], ...]:
    """Validation of one file, remembered in memory and on disk (keyed by content and validator version).

    Importing and running openapi-spec-validator costs about half a second;
    a spec that has not changed (nor any local file it refers to) does not
    need it again. ``data`` is the document already loaded from ``path``
    (read again when not given).
    """
    import hashlib

    remembered = _MEMO.get((path, stamp))
    if remembered is not None:
        return remembered
    import json

    from .yamlsource import load_file

    digest = hashlib.sha256(_validator_version().encode() + b"\0v4\0" + path.encode())
    for file, _, _ in stamp:
        try:
            digest.update(file.encode() + b"\0" + Path(file).read_bytes() + b"\0")
        except OSError:
            digest.update(file.encode() + b"\0missing\0")
    cache = _cache_dir()
    entry = cache / f"speccheck-{digest.hexdigest()}.json" if cache else None
    if entry is not None:
        try:
            found = tuple((f, p, m) for f, p, m in json.loads(entry.read_text(encoding="utf-8")))
            return _remember(path, stamp, found)
        except (OSError, ValueError, TypeError):
            pass
    if data is None:
        data, _ = load_file(Path(path))
    found = tuple(_errors(data, Path(path)))
    if entry is not None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(found), encoding="utf-8")
            os.replace(tmp, entry)
        except OSError:
            pass  # a read-only home is no reason to fail
    return _remember(path, stamp, found)


def _remember(path: str, stamp: tuple[tuple[str, int, int], ...],
              found: tuple[tuple[str, str, str], ...]) -> tuple[tuple[str, str, str], ...]:
    if len(_MEMO) >= 64:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[(path, stamp)] = found
    return found


@lru_cache(maxsize=1)
def _validator_version() -> str:
    """openapi-spec-validator's installed version, part of every cache key.

    Read from the name of the one ``*.dist-info`` folder beside the package
    (importing importlib.metadata alone costs about 20 ms of a start-up that
    otherwise never needs it); anything less plain asks importlib.metadata.
    A test holds the two answers equal.
    """
    from importlib.util import find_spec

    prefix = "openapi_spec_validator-"
    try:
        found = find_spec("openapi_spec_validator")
        locations = list(found.submodule_search_locations or ()) if found is not None else []
        if len(locations) == 1:
            names = [entry.name for entry in os.scandir(Path(locations[0]).parent)
                     if entry.name.startswith(prefix) and entry.name.endswith(".dist-info")]
            if len(names) == 1:
                return names[0][len(prefix):-len(".dist-info")]
    except (OSError, ValueError, ImportError):
        pass
    return _metadata_version()


def _metadata_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("openapi-spec-validator")
    except PackageNotFoundError:  # pragma: no cover - it is a dependency
        return "unknown"


def _cache_dir() -> Path | None:
    if os.environ.get("CONTRACTS_NO_CACHE"):
        return None
    base = os.environ.get("CONTRACTS_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "contracts")
    return Path(base)


def _stamp(files: list[Path]) -> tuple[tuple[str, int, int], ...]:
    out = []
    for file in files:
        try:
            stat = file.stat()
            out.append((str(file), stat.st_mtime_ns, stat.st_size))
        except OSError:
            out.append((str(file), 0, -1))
    return tuple(out)


def validation_errors(spec: "Spec") -> list[SpecProblem]:
    """Every openapi-spec-validator error, located (call after the spec's refs were found to resolve)."""
    path = spec.path.resolve()
    files = getattr(spec.resolver, "files", None)
    siblings = sorted(files()) if callable(files) else []
    try:
        found = _cached(str(path), _stamp([path, *siblings]), spec.data)
    except OSError:
        found = tuple(_errors(spec.data, path))
    return [SpecProblem(p, m, (path.parent / f).resolve() if f else None) for f, p, m in found]


def first_validation_error(spec: "Spec") -> SpecProblem | None:
    errors = validation_errors(spec)
    return errors[0] if errors else None


__all__ = ["READS", "SpecProblem", "first_validation_error", "require_openapi3", "validation_errors"]
