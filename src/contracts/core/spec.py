"""Loading a spec file into operations the rest of the toolkit works on.

A ``Spec`` keeps the raw document (for line numbers and for tools that want
the original) and exposes ``Operation`` views with refs followed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import pointer as jp
from .compiled import CompiledSchema
from .envelope import EnvelopeRule
from .errors import SpecError, UsageError
from .refs import Resolver
from .schema import to_json_schema
from .throttling import ThrottleRule
from .yamlsource import SourceMap, load_file

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Example:
    name: str
    pointer: str
    value: Any = None
    external: str | None = None  # relative path of a raw file (externalValue)
    summary: str = ""
    constructed: bool = False
    value_at: str = ""  # where the value itself is (an Example Object's /value, or the bare example)


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path | query | header | cookie
    required: bool
    schema: dict[str, Any]
    description: str
    pointer: str
    style: str | None = None
    explode: bool | None = None
    extensions: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    examples: tuple[Example, ...] = field(default=(), compare=False, hash=False)


@dataclass(frozen=True)
class MediaType:
    media: str
    schema: dict[str, Any] | None
    examples: tuple[Example, ...]
    pointer: str
    extensions: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Header:
    name: str
    required: bool
    schema: dict[str, Any]
    pointer: str
    examples: tuple[Example, ...] = field(default=(), compare=False, hash=False)


@dataclass(frozen=True)
class Response:
    status: str  # "200", "4XX" or "default"
    description: str
    content: dict[str, MediaType]
    headers: dict[str, Header]
    envelope: EnvelopeRule | None
    links: dict[str, Any]
    pointer: str
    throttling: ThrottleRule | None = None

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")

    def media(self, content_type: str | None) -> MediaType | None:
        """The documented media type matching a Content-Type header value."""
        if not self.content:
            return None
        if content_type is None:
            return None
        wanted = content_type.split(";")[0].strip().lower()
        for media, value in self.content.items():
            if media.lower() == wanted:
                return value
        for media, value in self.content.items():
            major, _, minor = media.lower().partition("/")
            if minor == "*" and wanted.startswith(major + "/") or media == "*/*":
                return value
        return None


@dataclass(frozen=True)
class RequestBody:
    required: bool
    content: dict[str, MediaType]
    pointer: str


@dataclass(frozen=True)
class RequestSample:
    name: str
    method: str
    url: str
    headers: dict[str, str]
    body_example: str | None
    summary: str
    pointer: str


@dataclass(frozen=True)
class SecurityScheme:
    name: str
    type: str
    location: str | None  # header | query | cookie for apiKey; header for http
    param: str | None  # header/query name
    scheme: str | None  # bearer, basic for http
    signer: str | None = None  # x-contracts-signer: the registered signer that satisfies it (core/auth.py)


@dataclass
class Operation:
    spec: "Spec"
    operation_id: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    request_body: RequestBody | None
    responses: dict[str, Response]
    security: list[dict[str, list[str]]]
    request_samples: list[RequestSample]
    pointer: str
    tags: list[str] = field(default_factory=list)
    extensions: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def params(self, location: str) -> list[Parameter]:
        return [p for p in self.parameters if p.location == location]

    def param(self, location: str, name: str) -> Parameter | None:
        key = name.lower() if location == "header" else name
        for p in self.parameters:
            if p.location == location and (p.name.lower() if location == "header" else p.name) == key:
                return p
        return None

    @cached_property
    def discriminators(self) -> dict[str, str]:
        """Required query parameters pinned to one value: RPC-style action selectors."""
        out = {}
        for p in self.params("query"):
            enum = p.schema.get("enum")
            if p.required and isinstance(enum, list) and len(enum) == 1:
                out[p.name] = str(enum[0])
        return out

    def response_for(self, status: int) -> Response | None:
        """The documented response for a status: exact, then ``4XX``, then ``default``."""
        exact = self.responses.get(str(status))
        if exact is not None:
            return exact
        ranged = self.responses.get(f"{status // 100}XX")
        if ranged is not None:
            return ranged
        return self.responses.get("default")

    @cached_property
    def security_schemes(self) -> list[list[SecurityScheme]]:
        """Alternatives (OR) of scheme sets (AND); an empty inner list means anonymous."""
        out = []
        for requirement in self.security:
            out.append([self.spec.security_scheme(name) for name in requirement])
        return out

    @cached_property
    def requires_auth(self) -> bool:
        alternatives = self.security_schemes
        return bool(alternatives) and all(alternatives)


def _bool(value: Any, default: bool = False) -> bool:
    return value if isinstance(value, bool) else default


class Spec:
    """One loaded, validated OpenAPI 3 document."""

    def __init__(self, path: Path, data: dict[str, Any], source: SourceMap, name: str) -> None:
        self.path = path
        self.data = data
        self.source = source
        self.name = name
        self.resolver = Resolver(data, path, self._load_sibling)
        self._compiled: dict[tuple[int, bool, str], CompiledSchema] = {}

    def compiled(self, schema: Any, *, closed: bool, direction: str) -> CompiledSchema:
        """The compiled JSON Schema of an OpenAPI schema of this spec, built once."""
        key = (id(schema), closed, direction)
        found = self._compiled.get(key)
        if found is None:
            found = CompiledSchema(to_json_schema(self, schema, closed=closed, direction=direction))
            self._compiled[key] = found
        return found

    @staticmethod
    def _load_sibling(path: Path) -> Any:
        data, _ = load_file(path)
        return data

    # -- errors -------------------------------------------------------------
    def error(self, message: str, pointer: str) -> SpecError:
        return SpecError(message, file=self.name, line=self.source.line_of(pointer), pointer=pointer or "/")

    def line_of(self, pointer: str) -> int | None:
        return self.source.line_of(pointer)

    def deref(self, node: Any, at: str) -> Any:
        try:
            return self.resolver.deref(node)
        except LookupError as exc:
            raise self.error(str(exc), at) from None

    def _ref_pointer(self, node: Any, at: str) -> str:
        """Where a node really lives (its $ref target, if internal) for line numbers."""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
            at = node["$ref"][1:]
            node = self.resolver.lookup(node["$ref"])
        return at

    # -- metadata -----------------------------------------------------------
    @property
    def title(self) -> str:
        return str(self.data.get("info", {}).get("title", self.name))

    @property
    def version(self) -> str:
        return str(self.data.get("info", {}).get("version", ""))

    @property
    def servers(self) -> list[str]:
        return [s.get("url", "") for s in self.data.get("servers", []) if isinstance(s, dict)]

    def security_scheme(self, name: str) -> SecurityScheme:
        at = jp.join("/components/securitySchemes", name)
        raw = self.deref(jp.resolve(self.data, at, {}), at)
        kind = raw.get("type", "")
        signer = raw.get("x-contracts-signer") if isinstance(raw.get("x-contracts-signer"), str) else None
        if kind == "apiKey":
            return SecurityScheme(name, kind, raw.get("in"), raw.get("name"), None, signer)
        if kind == "http":
            return SecurityScheme(name, kind, "header", "Authorization", str(raw.get("scheme", "")).lower(), signer)
        return SecurityScheme(name, kind, None, None, None, signer)

    # -- operations ---------------------------------------------------------
    @cached_property
    def operations(self) -> list[Operation]:
        """The operations under ``paths``: what a client calls and the checker exercises."""
        return list(self._iter_operations())

    @cached_property
    def webhooks(self) -> list[Operation]:
        """The operations under ``webhooks`` (3.1): requests the API sends, audited but never sent."""
        hooks = self.data.get("webhooks")
        return list(self._iter_operations(hooks, "/webhooks", webhook=True)) if isinstance(hooks, dict) else []

    def operation(self, operation_id: str) -> Operation:
        for op in self.operations:
            if op.operation_id == operation_id:
                return op
        from .suggest import did_you_mean

        hint = did_you_mean(operation_id, [o.operation_id for o in self.operations])
        raise UsageError(f"no operation {operation_id!r} in {self.name}{hint}")

    def _iter_operations(self, paths: Any = None, root: str = "/paths", *, webhook: bool = False
                         ) -> Iterator[Operation]:
        paths = (self.data.get("paths") or {}) if paths is None else paths
        default_security = self.data.get("security", [])
        for path, item_raw in paths.items():
            item_at = jp.join(root, path)
            item = self.deref(item_raw, item_at)
            if not isinstance(item, dict):
                continue
            shared = item.get("parameters", [])
            for method in [m for m in item if m in HTTP_METHODS]:  # the document's own order
                at = jp.join(item_at, method)
                raw = item[method]
                params = self._parameters(shared, jp.join(item_at, "parameters"), raw.get("parameters", []),
                                          jp.join(at, "parameters"))
                if not isinstance(raw, dict):
                    continue
                op_id = raw.get("operationId") or (f"webhook {path} {method.upper()}" if webhook
                                                   else f"{method.upper()} {path}")
                yield Operation(
                    spec=self,
                    operation_id=op_id,
                    method=method,
                    path=path,
                    summary=str(raw.get("summary", "")),
                    description=str(raw.get("description", "")),
                    parameters=params,
                    request_body=self._request_body(raw.get("requestBody"), jp.join(at, "requestBody")),
                    responses=self._responses(raw.get("responses", {}), jp.join(at, "responses")),
                    security=list(raw.get("security", default_security) or []),
                    request_samples=self._request_samples(raw.get("x-request-samples", []),
                                                          jp.join(at, "x-request-samples")),
                    pointer=at,
                    tags=list(raw.get("tags", [])),
                    extensions={k: v for k, v in raw.items() if k.startswith("x-")},
                )

    def _parameters(self, shared: list[Any], shared_at: str, own: list[Any], own_at: str) -> list[Parameter]:
        merged: dict[tuple[str, str], Parameter] = {}
        for items, base in ((shared, shared_at), (own, own_at)):
            for index, raw in enumerate(items):
                at = jp.join(base, index)
                real_at = self._ref_pointer(raw, at)
                p = self.deref(raw, at)
                location = p.get("in", "")
                param = Parameter(
                    name=str(p.get("name", "")),
                    location=location,
                    required=_bool(p.get("required"), location == "path"),
                    schema=self.deref(p.get("schema", {}), jp.join(real_at, "schema")),
                    description=str(p.get("description", "")),
                    pointer=real_at,
                    style=p.get("style"),
                    explode=p.get("explode"),
                    extensions={k: v for k, v in p.items() if k.startswith("x-")},
                    examples=self._examples(p, real_at),
                )
                key = (location, param.name.lower() if location == "header" else param.name)
                merged[key] = param
        return list(merged.values())

    def _examples(self, owner: Any, at: str) -> tuple[Example, ...]:
        """``example`` and ``examples`` (a map of Example Objects) of a media type, parameter or header."""
        if not isinstance(owner, dict):
            return ()
        examples = []
        if "example" in owner:
            examples.append(Example("example", jp.join(at, "example"), owner["example"],
                                    value_at=jp.join(at, "example")))
        listed = owner.get("examples")
        for name, ex_raw in (listed.items() if isinstance(listed, dict) else ()):
            ex_at = jp.join(at, "examples", name)
            real_at = self._ref_pointer(ex_raw, ex_at)
            ex = self.deref(ex_raw, ex_at)
            if not isinstance(ex, dict):
                continue
            examples.append(Example(
                name=str(name),
                pointer=real_at,
                value=ex.get("value"),
                external=ex.get("externalValue"),
                summary=str(ex.get("summary", "")),
                constructed=bool(ex.get("x-constructed")),
                value_at=jp.join(real_at, "value"),
            ))
        return tuple(examples)

    def _content(self, raw: dict[str, Any], at: str) -> dict[str, MediaType]:
        out = {}
        for media, value in (raw or {}).items():
            media_at = jp.join(at, media)
            if not isinstance(value, dict):
                continue
            out[media] = MediaType(media, value.get("schema"), self._examples(value, media_at), media_at,
                                   {k: v for k, v in value.items() if k.startswith("x-")})
        return out

    def _request_body(self, raw: Any, at: str) -> RequestBody | None:
        if raw is None:
            return None
        real_at = self._ref_pointer(raw, at)
        body = self.deref(raw, at)
        return RequestBody(_bool(body.get("required")), self._content(body.get("content", {}), jp.join(real_at, "content")),
                           real_at)

    def _responses(self, raw: dict[str, Any], at: str) -> dict[str, Response]:
        out = {}
        for status, value in raw.items():
            status = str(status)
            r_at = jp.join(at, status)
            real_at = self._ref_pointer(value, r_at)
            r = self.deref(value, r_at)
            headers = {}
            for name, h_raw in (r.get("headers") or {}).items():
                h_at = jp.join(real_at, "headers", name)
                h = self.deref(h_raw, h_at)
                headers[name.lower()] = Header(name, _bool(h.get("required")),
                                               self.deref(h.get("schema", {}), jp.join(h_at, "schema")), h_at,
                                               self._examples(h, self._ref_pointer(h_raw, h_at)))
            envelope = None
            if "x-error-envelope" in r:
                envelope = EnvelopeRule.parse(r["x-error-envelope"], jp.join(real_at, "x-error-envelope"), self)
            throttling = None
            if "x-throttling" in r:
                throttling = ThrottleRule.parse(r["x-throttling"], jp.join(real_at, "x-throttling"), self)
            elif status == "429":
                throttling = ThrottleRule(None, (), None, "HTTP 429 Too Many Requests")
            out[status] = Response(status, str(r.get("description", "")),
                                   self._content(r.get("content", {}), jp.join(real_at, "content")),
                                   headers, envelope, dict(r.get("links") or {}), real_at, throttling)
        return out

    def _request_samples(self, raw: list[Any], at: str) -> list[RequestSample]:
        out = []
        for index, s in enumerate(raw or []):
            s_at = jp.join(at, index)
            if not isinstance(s, dict) or "url" not in s:
                raise self.error("an x-request-samples entry needs a url", s_at)
            out.append(RequestSample(
                name=str(s.get("name", index)),
                method=str(s.get("method", "GET")).upper(),
                url=str(s["url"]),
                headers={str(k): str(v) for k, v in (s.get("headers") or {}).items()},
                body_example=s.get("body-example"),
                summary=str(s.get("summary", "")),
                pointer=s_at,
            ))
        return out

    def read_external(self, relative: str, at: str) -> bytes:
        """Bytes of a local file an example points at via externalValue."""
        from .refs import is_remote

        if is_remote(relative):
            raise self.error("remote externalValue refused: loading a spec never fetches", at)
        target = (self.path.parent / relative).resolve()
        try:
            return target.read_bytes()
        except OSError as exc:
            raise self.error(f"cannot read externalValue {relative!r}: {exc.strerror}", at) from None


def display_name(path: Path) -> str:
    """A stable name for reports: relative to the working folder when inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def _ref_error(spec: Spec, problem: Any) -> SpecError:
    """The SpecError for one RefProblem, naming the file that holds the ref (the spec or a file it refers to)."""
    message = (f"{problem.problem} ($ref {problem.ref!r})" if problem.remote
               else f"$ref {problem.ref!r} does not resolve: {problem.problem}")
    at = jp.join(problem.pointer, "$ref")  # the $ref key's own line, as lint and audit name it
    if problem.file is None:
        return spec.error(message, at)
    return SpecError(message, file=problem.file, line=problem.line, pointer=at)


def load_spec(path: str | os.PathLike[str], *, validate: bool = True) -> Spec:
    """Load an OpenAPI 3.0/3.1 document, check every ref (in every local file reached) and, by default, validate it.

    Anything else (Swagger 2.0, not OpenAPI at all, a ref that does not
    resolve, an invalid document) is one SpecError naming file and line.
    """
    from .speccheck import require_openapi3

    p = Path(path)
    name = display_name(p)
    data, source = load_file(p, name)
    require_openapi3(data, name, source)
    spec = Spec(p, data, source, name)
    problems = spec.resolver.problems()
    if problems:
        raise _ref_error(spec, problems[0])
    if validate:
        from .speccheck import first_validation_error

        problem = first_validation_error(spec)
        if problem is not None:
            if problem.file is None:
                raise spec.error(problem.message, problem.pointer)
            raise SpecError(problem.message, file=display_name(problem.file),
                            line=spec.resolver.line_of(problem.file, problem.pointer), pointer=problem.pointer or "/")
    return spec


def iter_spec_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files named, with folders expanded to their *.yaml / *.yml / *.json files.

    A name that is no file or folder here but names a shipped spec (``iotda``,
    ``iotda-v5``, ``iotda-v5.yaml``) selects that spec.
    """
    from . import shipped

    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.iterdir()
                           if q.suffix.lower() in {".yaml", ".yml", ".json"} and q.is_file())
            if not found:
                raise UsageError(f"no spec files (*.yaml, *.yml, *.json) in {p}")
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            bare = "/" not in str(raw) and os.sep not in str(raw)  # a name, not a path
            known = shipped.lookup(str(raw)) if bare else None
            if known is None:
                from .suggest import did_you_mean

                hint = did_you_mean(str(raw), shipped.names()) if bare else ""
                names = f" (shipped specs: {', '.join(shipped.names())}; see `contracts specs`)" if bare else ""
                raise UsageError(f"no such spec file or folder: {p}{hint if 'did you mean' in hint else ''}{names}")
            out.append(known)
    return out


def default_spec_dir() -> Path:
    """``specs/`` of the current project, else the specs that ship with contracts."""
    from .shipped import shipped_dir

    here = Path.cwd() / "specs"
    if here.is_dir():
        return here
    return shipped_dir()


def load_specs(paths: Iterable[str | os.PathLike[str]] = ()) -> list[Spec]:
    items = list(paths) or [default_spec_dir()]
    return [load_spec(p) for p in iter_spec_paths(items)]
