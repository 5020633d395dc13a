"""Operation-level rules of the spec diff: operations, parameters, bodies, responses, security, extensions.

Operations are matched by method and path template with path parameter
names normalised (``/a/{id}`` and ``/a/{x}`` are one operation), and by the
RPC-style discriminator a required single-value query parameter pins (EnOS
``action=createJob``). Within a matched pair, parameters are matched by
location and name (header names case-insensitively; path parameters by their
place in the template), responses by status, media types by type.

Every schema met on the way (parameters, request and response bodies,
response headers, error envelopes) is handed to the structural walk of
``core/diffschema.py``, read as input or output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

from . import pointer as jp
from .diffmodel import Change, Impact, Node, SchemaContext, Side, SpecPair, Where, shown, text_change
from .diffschema import canon, is_code_field, view
from .throttling import parse_rate
from .spec import MediaType, Operation, Parameter, Response

_TEMPLATE = re.compile(r"\{([^{}]*)\}")


def path_key(path: str) -> str:
    """A path template with its parameter names erased: ``/a/{id}`` and ``/a/{x}`` are one path."""
    return _TEMPLATE.sub("{}", path)


def path_names(path: str) -> list[str]:
    return _TEMPLATE.findall(path)


def operation_key(op: Operation) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    return op.method, path_key(op.path), tuple(sorted(op.discriminators.items()))


def match_operations(old: list[Operation], new: list[Operation]) -> tuple[list[tuple[Operation, Operation]],
                                                                          list[Operation], list[Operation]]:
    """(matched pairs in the new spec's order, removed, added)."""
    pool: dict[Any, list[Operation]] = {}
    for op in old:
        pool.setdefault(operation_key(op), []).append(op)
    matched: list[tuple[Operation, Operation]] = []
    added: list[Operation] = []
    for op in new:
        candidates = pool.get(operation_key(op))
        if candidates:
            exact = next((c for c in candidates if c.path == op.path), candidates[0])
            candidates.remove(exact)
            matched.append((exact, op))
        else:
            added.append(op)
    taken = {id(o) for o, _ in matched}
    return matched, [op for op in old if id(op) not in taken], added


def _media_key(media: str) -> str:
    return media.split(";")[0].strip().lower()


def _param_key(p: Parameter, renames: dict[str, str]) -> tuple[str, str]:
    if p.location == "header":
        return p.location, p.name.lower()
    if p.location == "path":
        return p.location, renames.get(p.name, p.name)
    return p.location, p.name


_STYLE = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


def serialization(p: Parameter) -> tuple[str, bool]:
    """A parameter's effective style and explode (OpenAPI's defaults filled in)."""
    style = p.style or _STYLE.get(p.location, "form")
    explode = p.explode if isinstance(p.explode, bool) else style == "form"
    return style, explode


@dataclass
class OperationPair:
    """Two matched operations and everything the operation-level rules compare in them."""

    old: Operation
    new: Operation
    old_side: Side
    new_side: Side
    changes: list[Change] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.new.label

    def change(self, rule: str, impact: Impact, location: str, message: str, reason: str, *,
               old: str | Where | None = None, new: str | Where | None = None,
               direction: str | None = None) -> Change:
        def where(value: str | Where | None) -> Where | None:
            return Where(None, value) if isinstance(value, str) else value

        return Change(rule, impact, self.label, location, message, reason, operation_id=self.new.operation_id,
                      direction=direction, old=self.old_side.site(where(old)), new=self.new_side.site(where(new)))

    # -- raw objects (fields the Spec views do not keep) --------------------------------
    def raw_operation(self, side: Side, op: Operation) -> dict[str, Any]:
        item = (side.spec.data.get("paths") or {}).get(op.path)
        try:
            item = side.spec.resolver.deref(item)
        except LookupError:
            return {}
        found = item.get(op.method) if isinstance(item, dict) else None
        return found if isinstance(found, dict) else {}

    @staticmethod
    def raw_at(side: Side, pointer: str) -> dict[str, Any]:
        try:
            found = side.spec.resolver.deref(side.raw(pointer))
        except LookupError:
            return {}
        return found if isinstance(found, dict) else {}

    # -- matching ----------------------------------------------------------------------
    @cached_property
    def renames(self) -> dict[str, str]:
        """Old path parameter name -> new, by place in the template."""
        return {o: n for o, n in zip(path_names(self.old.path), path_names(self.new.path))}

    @cached_property
    def parameters(self) -> tuple[list[tuple[Parameter, Parameter]], list[Parameter], list[Parameter]]:
        new_by = {_param_key(p, {}): p for p in self.new.parameters}
        matched, removed = [], []
        for p in self.old.parameters:
            other = new_by.pop(_param_key(p, self.renames), None)
            if other is None:
                removed.append(p)
            else:
                matched.append((p, other))
        return matched, removed, list(new_by.values())

    @cached_property
    def responses(self) -> tuple[list[tuple[str, Response, Response]], list[Response], list[Response]]:
        matched = [(s, r, self.new.responses[s]) for s, r in self.old.responses.items() if s in self.new.responses]
        removed = [r for s, r in self.old.responses.items() if s not in self.new.responses]
        added = [r for s, r in self.new.responses.items() if s not in self.old.responses]
        return matched, removed, added


def match_media(old: dict[str, MediaType], new: dict[str, MediaType]
                ) -> tuple[list[tuple[MediaType, MediaType]], list[MediaType], list[MediaType]]:
    new_by = {_media_key(k): v for k, v in new.items()}
    old_by = {_media_key(k): v for k, v in old.items()}
    return ([(v, new_by[k]) for k, v in old_by.items() if k in new_by],
            [v for k, v in old_by.items() if k not in new_by], [v for k, v in new_by.items() if k not in old_by])


def _param_label(p: Parameter) -> str:
    return f"{p.location} {p.name}"


# -- the document ----------------------------------------------------------------------

def operation_removed(s: SpecPair) -> Iterator[Change]:
    for op in s.removed:
        yield s.change("operation-removed", Impact.BREAKING, op, "operation", f"{op.label} ({op.operation_id}) removed",
                       "clients that call it get an error", old=Where(None, op.pointer))


def operation_added(s: SpecPair) -> Iterator[Change]:
    for op in s.added:
        yield s.change("operation-added", Impact.HARMLESS, op, "operation", f"{op.label} ({op.operation_id}) added",
                       "a new operation: existing clients do not call it", new=Where(None, op.pointer))


def _server_urls(side: Side) -> dict[str, int]:
    """Each top-level server URL (trailing slash aside) and its place in the list."""
    servers = side.spec.data.get("servers")
    out: dict[str, int] = {}
    for index, server in enumerate(servers if isinstance(servers, list) else []):
        if isinstance(server, dict) and isinstance(server.get("url"), str):
            out.setdefault(server["url"].rstrip("/") or "/", index)
    return out


def server_removed(s: SpecPair) -> Iterator[Change]:
    old, new = _server_urls(s.old), _server_urls(s.new)
    for url, index in old.items():
        if url not in new:
            yield s.change("server-removed", Impact.BREAKING, None, "servers", f"server {url} removed",
                           "clients configured with its URL call where the API no longer is",
                           old=Where(None, f"/servers/{index}"), new=Where(None, "/servers" if new else ""))


def server_added(s: SpecPair) -> Iterator[Change]:
    old, new = _server_urls(s.old), _server_urls(s.new)
    for url, index in new.items():
        if url not in old:
            yield s.change("server-added", Impact.HARMLESS, None, "servers", f"server {url} added",
                           "another place to call: clients configured before are unaffected",
                           old=Where(None, "/servers" if old else ""), new=Where(None, f"/servers/{index}"))


def info_description_changed(s: SpecPair) -> Iterator[Change]:
    for key in ("title", "description"):
        old = (s.old.spec.data.get("info") or {}).get(key)
        new = (s.new.spec.data.get("info") or {}).get(key)
        if old != new:
            yield s.change("description-changed", Impact.HARMLESS, None, f"info {key}",
                           f"info {key} {text_change(old, new)}",
                           "documentation only", old=Where(None, f"/info/{key}"), new=Where(None, f"/info/{key}"))


# -- the operation itself -----------------------------------------------------------------

def _generated_id(op: Operation) -> bool:
    return op.operation_id == f"{op.method.upper()} {op.path}"


def operation_id_changed(p: OperationPair) -> Iterator[Change]:
    if p.old.operation_id == p.new.operation_id or (_generated_id(p.old) and _generated_id(p.new)):
        return
    yield p.change("operation-id-changed", Impact.GENERATED, "operationId",
                   f"operationId {p.old.operation_id!r} → {p.new.operation_id!r}",
                   "the wire is the same, but code generated from the spec renames its method",
                   old=jp.join(p.old.pointer, "operationId"), new=jp.join(p.new.pointer, "operationId"))


def path_parameter_renamed(p: OperationPair) -> Iterator[Change]:
    for old, new in p.renames.items():
        if old != new:
            yield p.change("path-parameter-renamed", Impact.GENERATED, f"path {new}",
                           f"path parameter {{{old}}} → {{{new}}}",
                           "the URL is the same, but generated clients rename the argument",
                           old=p.old.pointer, new=p.new.pointer)


def operation_description_changed(p: OperationPair) -> Iterator[Change]:
    reason = "documentation only: what clients send and receive is the same"
    for key, old, new in (("summary", p.old.summary, p.new.summary),
                          ("description", p.old.description, p.new.description)):
        if old != new:
            yield p.change("description-changed", Impact.HARMLESS, key, f"{key} {text_change(old, new)}",
                           reason,
                           old=jp.join(p.old.pointer, key), new=jp.join(p.new.pointer, key))
    for old_p, new_p in p.parameters[0]:
        if old_p.description != new_p.description:
            yield p.change("description-changed", Impact.HARMLESS, f"{_param_label(new_p)} description",
                           f"description {text_change(old_p.description, new_p.description)}", reason,
                           old=jp.join(old_p.pointer, "description"),
                           new=jp.join(new_p.pointer, "description"))
    for status, old_r, new_r in p.responses[0]:
        if old_r.description != new_r.description:
            yield p.change("description-changed", Impact.HARMLESS, f"response {status} description",
                           f"description {text_change(old_r.description, new_r.description)}", reason,
                           old=jp.join(old_r.pointer, "description"),
                           new=jp.join(new_r.pointer, "description"))


def _examples(mt: MediaType | None) -> list[tuple[str, str, str | None]]:
    return sorted((e.name, canon(e.value), e.external) for e in (mt.examples if mt else ()))


def operation_example_changed(p: OperationPair) -> Iterator[Change]:
    reason = "an example documents; it constrains nothing"
    old_samples = [canon([s.method, s.url, s.headers, s.body_example]) for s in p.old.request_samples]
    new_samples = [canon([s.method, s.url, s.headers, s.body_example]) for s in p.new.request_samples]
    if old_samples != new_samples:
        yield p.change("example-changed", Impact.HARMLESS, "x-request-samples", "request samples changed", reason,
                       old=jp.join(p.old.pointer, "x-request-samples"), new=jp.join(p.new.pointer, "x-request-samples"))
    for old_p, new_p in p.parameters[0]:
        if sorted((e.name, canon(e.value)) for e in old_p.examples) != \
                sorted((e.name, canon(e.value)) for e in new_p.examples):
            yield p.change("example-changed", Impact.HARMLESS, f"{_param_label(new_p)} examples", "examples changed",
                           reason, old=old_p.pointer, new=new_p.pointer)
    if p.old.request_body and p.new.request_body:
        for old_m, new_m in match_media(p.old.request_body.content, p.new.request_body.content)[0]:
            if _examples(old_m) != _examples(new_m):
                yield p.change("example-changed", Impact.HARMLESS, f"request body {new_m.media} examples",
                               "examples changed", reason, old=old_m.pointer, new=new_m.pointer)
    for status, old_r, new_r in p.responses[0]:
        for old_m, new_m in match_media(old_r.content, new_r.content)[0]:
            if _examples(old_m) != _examples(new_m):
                yield p.change("example-changed", Impact.HARMLESS, f"response {status} {new_m.media} examples",
                               "examples changed", reason, old=old_m.pointer, new=new_m.pointer)


def deprecation_changed(p: OperationPair) -> Iterator[Change]:
    reason = "a notice to clients: nothing they send or receive changes yet"
    old = p.raw_operation(p.old_side, p.old).get("deprecated") is True
    new = p.raw_operation(p.new_side, p.new).get("deprecated") is True
    if old != new:
        yield p.change("deprecation-changed", Impact.HARMLESS, "deprecated", f"deprecated {str(old).lower()} → "
                       f"{str(new).lower()}", reason, old=p.old.pointer, new=p.new.pointer)
    for old_p, new_p in p.parameters[0]:
        old = p.raw_at(p.old_side, old_p.pointer).get("deprecated") is True
        new = p.raw_at(p.new_side, new_p.pointer).get("deprecated") is True
        if old != new:
            yield p.change("deprecation-changed", Impact.HARMLESS, f"{_param_label(new_p)} deprecated",
                           f"deprecated {str(old).lower()} → {str(new).lower()}", reason,
                           old=old_p.pointer, new=new_p.pointer)


# -- parameters ---------------------------------------------------------------------------

def parameter_removed(p: OperationPair) -> Iterator[Change]:
    for old in p.parameters[1]:
        yield p.change("parameter-removed", Impact.BREAKING, _param_label(old), f"parameter {old.name!r} removed",
                       "clients that send it lose its effect, or are refused", old=old.pointer,
                       new=p.new.pointer, direction="input")


def parameter_added(p: OperationPair) -> Iterator[Change]:
    for new in p.parameters[2]:
        if not new.required:
            yield p.change("parameter-added", Impact.HARMLESS, _param_label(new),
                           f"optional parameter {new.name!r} added", "clients that do not send it are unaffected",
                           old=p.old.pointer, new=new.pointer, direction="input")


def required_parameter_added(p: OperationPair) -> Iterator[Change]:
    for new in p.parameters[2]:
        if new.required:
            yield p.change("required-parameter-added", Impact.BREAKING, _param_label(new),
                           f"mandatory parameter {new.name!r} added", "requests of clients written before lack it",
                           old=p.old.pointer, new=new.pointer, direction="input")


def parameter_became_required(p: OperationPair) -> Iterator[Change]:
    for old, new in p.parameters[0]:
        if new.required and not old.required:
            yield p.change("parameter-became-required", Impact.BREAKING, _param_label(new),
                           f"parameter {new.name!r} optional → mandatory", "clients that leave it out are refused",
                           old=old.pointer, new=jp.join(new.pointer, "required"), direction="input")


def parameter_became_optional(p: OperationPair) -> Iterator[Change]:
    for old, new in p.parameters[0]:
        if old.required and not new.required:
            yield p.change("parameter-became-optional", Impact.HARMLESS, _param_label(new),
                           f"parameter {new.name!r} mandatory → optional", "clients that send it are unaffected",
                           old=old.pointer, new=new.pointer, direction="input")


def parameter_serialization_changed(p: OperationPair) -> Iterator[Change]:
    for old, new in p.parameters[0]:
        if serialization(old) != serialization(new):
            (os_, oe), (ns, ne) = serialization(old), serialization(new)
            yield p.change("parameter-serialization-changed", Impact.BREAKING, f"{_param_label(new)} style",
                           f"style {os_}, explode {str(oe).lower()} → style {ns}, explode {str(ne).lower()}",
                           "clients put the value on the wire another way than the server now reads it",
                           old=old.pointer, new=new.pointer, direction="input")


# -- request bodies ---------------------------------------------------------------------------

def request_body_removed(p: OperationPair) -> Iterator[Change]:
    if p.old.request_body and p.old.request_body.content and p.new.request_body is None:
        yield p.change("request-body-removed", Impact.BREAKING, "request body", "request body removed",
                       "clients that send one lose what it said, or are refused",
                       old=p.old.request_body.pointer, new=p.new.pointer, direction="input")


def request_body_added(p: OperationPair) -> Iterator[Change]:
    body = p.new.request_body
    if p.old.request_body is None and body is not None and not body.required:
        yield p.change("request-body-added", Impact.HARMLESS, "request body", "optional request body added",
                       "clients that send none are unaffected", old=p.old.pointer, new=body.pointer,
                       direction="input")


def request_body_became_required(p: OperationPair) -> Iterator[Change]:
    old, new = p.old.request_body, p.new.request_body
    if new is not None and new.required and (old is None or not old.required):
        yield p.change("request-body-became-required", Impact.BREAKING, "request body",
                       f"request body {'none' if old is None else 'optional'} → mandatory",
                       "clients that send no body are refused", old=old.pointer if old else p.old.pointer,
                       new=new.pointer, direction="input")


def request_body_became_optional(p: OperationPair) -> Iterator[Change]:
    old, new = p.old.request_body, p.new.request_body
    if old is not None and new is not None and old.required and not new.required:
        yield p.change("request-body-became-optional", Impact.HARMLESS, "request body",
                       "request body mandatory → optional", "clients that send one are unaffected",
                       old=old.pointer, new=new.pointer, direction="input")


def request_media_type_removed(p: OperationPair) -> Iterator[Change]:
    if p.old.request_body and p.new.request_body:
        for old in match_media(p.old.request_body.content, p.new.request_body.content)[1]:
            yield p.change("request-media-type-removed", Impact.BREAKING, f"request body {old.media}",
                           f"request media type {old.media} removed", "clients that send it are refused",
                           old=old.pointer, new=p.new.request_body.pointer, direction="input")


def request_media_type_added(p: OperationPair) -> Iterator[Change]:
    if p.old.request_body and p.new.request_body:
        for new in match_media(p.old.request_body.content, p.new.request_body.content)[2]:
            yield p.change("request-media-type-added", Impact.HARMLESS, f"request body {new.media}",
                           f"request media type {new.media} added", "another way to send: existing clients unaffected",
                           old=p.old.request_body.pointer, new=new.pointer, direction="input")


# -- responses ---------------------------------------------------------------------------

def response_removed(p: OperationPair) -> Iterator[Change]:
    for old in p.responses[1]:
        reason = ("clients that expect it get another status" if old.is_success
                  else "clients that handle this documented error get another answer")
        yield p.change("response-removed", Impact.BREAKING, f"response {old.status}",
                       f"response {old.status} removed", reason, old=old.pointer, new=p.new.pointer,
                       direction="output")


def response_added(p: OperationPair) -> Iterator[Change]:
    for new in p.responses[2]:
        if new.is_success:
            impact, reason = Impact.BREAKING, "a new success status: clients that expect the old one misread it"
        else:
            impact, reason = Impact.HARMLESS, ("a newly documented error: clients treat unknown errors by their "
                                               "status class")
        yield p.change("response-added", impact, f"response {new.status}", f"response {new.status} added", reason,
                       old=p.old.pointer, new=new.pointer, direction="output")


def response_media_type_removed(p: OperationPair) -> Iterator[Change]:
    for status, old_r, new_r in p.responses[0]:
        for old in match_media(old_r.content, new_r.content)[1]:
            yield p.change("response-media-type-removed", Impact.BREAKING, f"response {status} {old.media}",
                           f"response media type {old.media} removed", "clients that read it get another format",
                           old=old.pointer, new=new_r.pointer, direction="output")


def response_media_type_added(p: OperationPair) -> Iterator[Change]:
    for status, old_r, new_r in p.responses[0]:
        for new in match_media(old_r.content, new_r.content)[2]:
            yield p.change("response-media-type-added", Impact.HARMLESS, f"response {status} {new.media}",
                           f"response media type {new.media} added",
                           "another format, sent to clients that ask for it (Accept)", old=old_r.pointer,
                           new=new.pointer, direction="output")


def response_header_removed(p: OperationPair) -> Iterator[Change]:
    for status, old_r, new_r in p.responses[0]:
        for key, old in old_r.headers.items():
            if key not in new_r.headers:
                yield p.change("response-header-removed", Impact.BREAKING, f"response {status} header {old.name}",
                               f"response header {old.name} removed", "clients that read it find nothing",
                               old=old.pointer, new=new_r.pointer, direction="output")


def response_header_added(p: OperationPair) -> Iterator[Change]:
    for status, old_r, new_r in p.responses[0]:
        for key, new in new_r.headers.items():
            if key not in old_r.headers:
                yield p.change("response-header-added", Impact.HARMLESS, f"response {status} header {new.name}",
                               f"response header {new.name} added", "clients may ignore it",
                               old=old_r.pointer, new=new.pointer, direction="output")


def response_header_became_optional(p: OperationPair) -> Iterator[Change]:
    for status, old_r, new_r in p.responses[0]:
        for key, old in old_r.headers.items():
            new = new_r.headers.get(key)
            if new is not None and old.required and not new.required:
                yield p.change("response-header-became-optional", Impact.BREAKING,
                               f"response {status} header {new.name}", f"header {new.name} mandatory → optional",
                               "clients that rely on it may find it missing", old=old.pointer, new=new.pointer,
                               direction="output")


# -- security ---------------------------------------------------------------------------

Requirement = frozenset[tuple[str, frozenset[str]]]


def _requirements(op: Operation) -> list[dict[str, frozenset[str]]]:
    out = []
    for requirement in op.security or [{}]:
        if isinstance(requirement, dict):
            out.append({str(k): frozenset(v or ()) for k, v in requirement.items()})
    return out or [{}]


def _meets(client: dict[str, frozenset[str]], needed: dict[str, frozenset[str]]) -> bool:
    """Does a client that satisfies ``client`` also satisfy ``needed``?"""
    return all(name in client and scopes <= client[name] for name, scopes in needed.items())


def _security_text(alternatives: list[dict[str, frozenset[str]]]) -> str:
    def one(req: dict[str, frozenset[str]]) -> str:
        if not req:
            return "none"
        return " and ".join(f"{n}[{', '.join(sorted(s))}]" if s else n for n, s in sorted(req.items()))

    return " or ".join(one(r) for r in alternatives)


def _security_at(p: OperationPair, side: Side, op: Operation) -> str:
    return jp.join(op.pointer, "security") if "security" in p.raw_operation(side, op) else "/security"


def security_added(p: OperationPair) -> Iterator[Change]:
    old, new = _requirements(p.old), _requirements(p.new)
    for requirement in old:
        if not any(_meets(requirement, needed) for needed in new):
            yield p.change("security-added", Impact.BREAKING, "security",
                           f"security {_security_text(old)} → {_security_text(new)}",
                           f"clients that authenticate with {_security_text([requirement])} are refused",
                           old=_security_at(p, p.old_side, p.old), new=_security_at(p, p.new_side, p.new),
                           direction="input")


def security_relaxed(p: OperationPair) -> Iterator[Change]:
    old, new = _requirements(p.old), _requirements(p.new)
    if any(not any(_meets(r, needed) for needed in new) for r in old):
        return  # a swap: security-added reports it, old → new, and existing clients are affected
    for requirement in new:
        if not any(_meets(requirement, needed) for needed in old):
            yield p.change("security-relaxed", Impact.HARMLESS, "security",
                           f"security {_security_text(old)} → {_security_text(new)}",
                           f"clients may also authenticate with {_security_text([requirement])}; "
                           "existing ones are unaffected", old=_security_at(p, p.old_side, p.old),
                           new=_security_at(p, p.new_side, p.new), direction="input")


def _scheme(side: Side, name: str) -> tuple[Any, ...] | None:
    schemes = (side.spec.data.get("components") or {}).get("securitySchemes") or {}
    if name not in schemes:
        return None
    s = side.spec.security_scheme(name)
    return s.type, s.location, (s.param or "").lower() if s.location == "header" else s.param, s.scheme


def security_scheme_changed(p: OperationPair) -> Iterator[Change]:
    names = sorted({n for r in _requirements(p.old) for n in r} & {n for r in _requirements(p.new) for n in r})
    for name in names:
        old, new = _scheme(p.old_side, name), _scheme(p.new_side, name)
        if old is None or new is None or old == new:
            continue

        def text(s: tuple[Any, ...]) -> str:
            return " ".join(str(x) for x in s if x)

        at = jp.join("/components/securitySchemes", name)
        yield p.change("security-scheme-changed", Impact.BREAKING, f"security {name}",
                       f"scheme {name}: {text(old)} → {text(new)}",
                       "clients send credentials where, or as, the new spec no longer reads them",
                       old=at, new=at, direction="input")


# -- vendor extensions -----------------------------------------------------------------------

def _dict_changes(old: dict[str, Any], new: dict[str, Any]) -> str:
    keys = sorted(set(old) | set(new))
    parts = [f"{k}: {shown(old.get(k)) if k in old else 'none'} → {shown(new.get(k)) if k in new else 'none'}"
             for k in keys if canon(old.get(k)) != canon(new.get(k)) or (k in old) != (k in new)]
    return "; ".join(parts)


def pagination_changed(p: OperationPair) -> Iterator[Change]:
    old, new = p.old.extensions.get("x-pagination"), p.new.extensions.get("x-pagination")
    if canon(old) == canon(new):
        return
    old_at, new_at = jp.join(p.old.pointer, "x-pagination"), jp.join(p.new.pointer, "x-pagination")
    if old is None:
        yield p.change("pagination-changed", Impact.HARMLESS, "x-pagination", "paging documented (x-pagination added)",
                       "documents how the operation pages; the parameters it names are compared on their own",
                       old=p.old.pointer, new=new_at, direction="output")
        return
    if new is None:
        message, reason = "x-pagination removed", "clients that walk the pages lose the documented way to do it"
    elif isinstance(old, dict) and isinstance(new, dict):
        message = "x-pagination " + _dict_changes(old, new)
        reason = "clients that walk the pages follow another rule than the server now does"
    else:
        message, reason = f"x-pagination {shown(old)} → {shown(new)}", "the paging rule changed"
    yield p.change("pagination-changed", Impact.BREAKING, "x-pagination", message, reason,
                   old=old_at, new=new_at if new is not None else p.new.pointer, direction="output")


def _round_trips(side: Side, response: Response) -> dict[str, tuple[Any, str]]:
    out = {}
    for name, raw in response.links.items():
        try:
            link = side.spec.resolver.deref(raw)
        except LookupError:
            continue
        if isinstance(link, dict) and "x-round-trip" in link:
            out[name] = (link["x-round-trip"], jp.join(response.pointer, "links", name, "x-round-trip"))
    return out


def round_trip_changed(p: OperationPair) -> Iterator[Change]:
    for status, old_r, new_r in p.responses[0]:
        old, new = _round_trips(p.old_side, old_r), _round_trips(p.new_side, new_r)
        for name in sorted(set(old) | set(new)):
            o, n = old.get(name), new.get(name)
            if o is not None and n is not None and canon(o[0]) == canon(n[0]):
                continue
            location = f"response {status} link {name} x-round-trip"
            if o is None:
                yield p.change("round-trip-changed", Impact.HARMLESS, location, "x-round-trip added",
                               "a new promise of what comes back: clients lose nothing",
                               old=old_r.pointer, new=n[1], direction="output")  # type: ignore[index]
            elif n is None:
                yield p.change("round-trip-changed", Impact.BREAKING, location, "x-round-trip removed",
                               "clients that rely on reading back what they wrote lose that promise",
                               old=o[1], new=new_r.pointer, direction="output")
            else:
                detail = _dict_changes(o[0], n[0]) if isinstance(o[0], dict) and isinstance(n[0], dict) else \
                    f"{shown(o[0])} → {shown(n[0])}"
                yield p.change("round-trip-changed", Impact.BREAKING, location, f"x-round-trip {detail}",
                               "what comes back from the linked call is not what clients were promised",
                               old=o[1], new=n[1], direction="output")


def _envelope_key(response: Response) -> tuple[Any, ...] | None:
    e = response.envelope
    if e is None:
        return None
    return (e.field, e.present, tuple(sorted(canon(v) for v in e.not_in)) if e.not_in is not None else None,
            tuple(sorted(canon(v) for v in e.in_)) if e.in_ is not None else None)


def error_envelope_changed(p: OperationPair) -> Iterator[Change]:
    for status, old_r, new_r in p.responses[0]:
        if _envelope_key(old_r) == _envelope_key(new_r):
            continue
        old_text = f"error when {old_r.envelope.describe()}" if old_r.envelope else "no error envelope"
        new_text = f"error when {new_r.envelope.describe()}" if new_r.envelope else "no error envelope"
        yield p.change("error-envelope-changed", Impact.BREAKING, f"response {status} x-error-envelope",
                       f"{old_text} → {new_text}",
                       "clients tell a success from an error by this rule: the same body now reads otherwise",
                       old=old_r.envelope.pointer if old_r.envelope else old_r.pointer,
                       new=new_r.envelope.pointer if new_r.envelope else new_r.pointer, direction="output")


def _hinted(side: Side, response: Response) -> bool:
    """Codes the spec only hints at: an ``x-docs-gap`` on the error body's schema or on its code field.

    Then the codes in its examples are illustrative (IoTDA's refer to a separate Error Codes page), and a
    change of them is an example changed, not a contract changed.
    """
    schemas: list[Any] = [response.envelope.schema] if response.envelope is not None else \
        [mt.schema for mt in response.content.values()]
    for raw in schemas:
        if raw is None:
            continue
        body = view(side, side.node(raw, Where(None, response.pointer)))
        if "x-docs-gap" in body.keys:
            return True
        for name, node in body.properties.items():
            if is_code_field(name) and "x-docs-gap" in view(side, node).keys:
                return True
    return False


def documented_error_codes(side: Side, response: Response) -> dict[str, tuple[Any, str]]:
    """canon(code) -> (code, where) for each error code a response's examples document.

    An error example is one the ``x-error-envelope`` rule reads as an error (its code at the rule's
    pointer), or any example of a non-2xx response (its one top-level ``…code`` field).
    """
    if (response.is_success and response.envelope is None) or _hinted(side, response):
        return {}
    out: dict[str, tuple[Any, str]] = {}
    for mt in response.content.values():
        for example in mt.examples:
            value = example.value
            if not isinstance(value, dict):
                continue
            if response.envelope is not None:
                if not response.envelope.matches(value) or not response.envelope.has_field(value):
                    continue
                code = response.envelope.field_value(value)
            elif not response.is_success:
                names = [k for k in value if is_code_field(k)]
                if len(names) != 1:
                    continue
                code = value[names[0]]
            else:
                continue
            if isinstance(code, (str, int, float)) and not isinstance(code, bool):
                out.setdefault(canon(code), (code, example.pointer))
    return out


def error_codes_changed(p: OperationPair) -> Iterator[Change]:
    for status, old_r, new_r in p.responses[0]:
        old, new = documented_error_codes(p.old_side, old_r), documented_error_codes(p.new_side, new_r)
        if not old or not new or old.keys() == new.keys():
            continue  # none documented on a side: nothing to compare codes with
        for key in sorted(old.keys() - new.keys()):
            yield p.change("error-code-changed", Impact.BREAKING, f"response {status} error code {old[key][0]}",
                           f"error code {shown(old[key][0])} no longer documented",
                           "clients that handle it may get another code for the same failure",
                           old=old[key][1], new=new_r.pointer, direction="output")
        for key in sorted(new.keys() - old.keys()):
            yield p.change("error-code-changed", Impact.BREAKING, f"response {status} error code {new[key][0]}",
                           f"error code {shown(new[key][0])} documented",
                           "clients branch on error codes: one they do not know may now come",
                           old=old_r.pointer, new=new[key][1], direction="output")


def _throttle_key(response: Response) -> tuple[Any, ...] | None:
    t = response.throttling
    if t is None:
        return None
    return t.field, tuple(sorted(canon(v) for v in t.values))


def _rate(response: Response) -> float | None:
    """Requests per second the documented limit allows (None: no limit documented)."""
    t = response.throttling
    rate = parse_rate(t.limit) if t is not None and t.limit else None
    return rate[0] / rate[1] if rate else None


def throttling_changed(p: OperationPair) -> Iterator[Change]:
    for status, old_r, new_r in p.responses[0]:
        at_old = jp.join(old_r.pointer, "x-throttling") if old_r.throttling else old_r.pointer
        at_new = jp.join(new_r.pointer, "x-throttling") if new_r.throttling else new_r.pointer
        location = f"response {status} x-throttling"
        if _throttle_key(old_r) != _throttle_key(new_r):
            def text(r: Response) -> str:
                return f"throttling{r.throttling.describe()}" if r.throttling else "no throttling"

            yield p.change("throttling-changed", Impact.BREAKING, location, f"{text(old_r)} → {text(new_r)}",
                           "clients tell a throttling answer (wait and retry) from an error by this rule: the same "
                           "answer now reads otherwise", old=at_old, new=at_new, direction="output")
            continue
        old_rate, new_rate = _rate(old_r), _rate(new_r)
        if old_rate == new_rate:
            continue
        limits = f"limit {old_r.throttling.limit if old_rate else 'none'} → " \
                 f"{new_r.throttling.limit if new_rate else 'none'}"  # type: ignore[union-attr]
        if new_rate is not None and (old_rate is None or new_rate < old_rate):
            yield p.change("throttling-changed", Impact.BREAKING, location, limits,
                           "clients that call at the rate documented before may be throttled",
                           old=at_old, new=at_new, direction="input")
        else:
            yield p.change("throttling-changed", Impact.HARMLESS, location, limits,
                           "clients may call more often; those that keep the old rate are unaffected",
                           old=at_old, new=at_new, direction="input")


# -- the schemas an operation holds --------------------------------------------------------------

@dataclass(frozen=True)
class Slot:
    """One schema pair to walk: where it sits in the operation, and how it is read."""

    prefix: str
    old: Node
    new: Node
    ctx: SchemaContext


def _param_schema(p: OperationPair, side: Side, param: Parameter) -> Node:
    raw = p.raw_at(side, param.pointer).get("schema")
    if raw is None:
        return Node(param.schema, Where(None, jp.join(param.pointer, "schema")))
    return side.node(raw, Where(None, jp.join(param.pointer, "schema")))


def _media_schema(side: Side, mt: MediaType, response: Response | None = None) -> Node:
    raw = mt.schema if mt.schema is not None else {}
    where = Where(None, jp.join(mt.pointer, "schema"))
    if response is not None and response.envelope is not None:
        success = response.envelope.success(raw)
        if success is not raw:  # a branch of the schema's oneOf/anyOf
            for key in ("oneOf", "anyOf"):
                branches = raw.get(key) if isinstance(raw, dict) else None
                if isinstance(branches, list) and any(b is success for b in branches):
                    where = where.join(key, next(i for i, b in enumerate(branches) if b is success))
                    return side.node(success, where)
            return Node(success, where)
    return side.node(raw, where)


def schema_slots(p: OperationPair) -> Iterator[Slot]:
    for old, new in p.parameters[0]:
        yield Slot(_param_label(new), _param_schema(p, p.old_side, old), _param_schema(p, p.new_side, new),
                   SchemaContext("input"))
    if p.old.request_body and p.new.request_body:
        pairs = match_media(p.old.request_body.content, p.new.request_body.content)[0]
        several = len(p.old.request_body.content) > 1 or len(p.new.request_body.content) > 1
        for old_m, new_m in pairs:
            prefix = "request body" + (f" {new_m.media}" if several else "")
            yield Slot(prefix, _media_schema(p.old_side, old_m), _media_schema(p.new_side, new_m),
                       SchemaContext("input"))
    for status, old_r, new_r in p.responses[0]:
        ctx = SchemaContext("output", error=not old_r.is_success)
        several = len(old_r.content) > 1 or len(new_r.content) > 1
        for old_m, new_m in match_media(old_r.content, new_r.content)[0]:
            prefix = f"response {status}" + (f" {new_m.media}" if several else "")
            yield Slot(prefix, _media_schema(p.old_side, old_m, old_r), _media_schema(p.new_side, new_m, new_r), ctx)
        if old_r.envelope is not None and new_r.envelope is not None:
            yield Slot(f"response {status} error envelope",
                       p.old_side.node(old_r.envelope.schema, Where(None, jp.join(old_r.envelope.pointer, "schema"))),
                       p.new_side.node(new_r.envelope.schema, Where(None, jp.join(new_r.envelope.pointer, "schema"))),
                       SchemaContext("output", error=True))
        for key, old_h in old_r.headers.items():
            new_h = new_r.headers.get(key)
            if new_h is None:
                continue
            yield Slot(f"response {status} header {new_h.name}", _header_schema(p, p.old_side, old_h),
                       _header_schema(p, p.new_side, new_h), SchemaContext("output"))


def _header_schema(p: OperationPair, side: Side, header: Any) -> Node:
    raw = p.raw_at(side, header.pointer).get("schema")
    where = Where(None, jp.join(header.pointer, "schema"))
    return side.node(raw, where) if raw is not None else Node(header.schema, where)


SPEC_RULES: tuple[tuple[str, str, Any], ...] = (
    ("operation-removed", "an operation gone (by method and path template): breaking", operation_removed),
    ("operation-added", "a new operation: harmless", operation_added),
    ("server-removed", "a top-level server URL gone: breaking", server_removed),
    ("server-added", "a new top-level server URL: harmless", server_added),
)
OPERATION_RULES: tuple[tuple[str, str, Any], ...] = (
    ("operation-id-changed", "the operationId changed: the same wire, but generated clients rename a method",
     operation_id_changed),
    ("path-parameter-renamed", "/a/{id} → /a/{x}: the same URL, but generated clients rename an argument",
     path_parameter_renamed),
    ("parameter-removed", "a parameter gone: breaking", parameter_removed),
    ("parameter-added", "a new optional parameter: harmless", parameter_added),
    ("required-parameter-added", "a new mandatory parameter: breaking", required_parameter_added),
    ("parameter-became-required", "an optional parameter now mandatory: breaking", parameter_became_required),
    ("parameter-became-optional", "a mandatory parameter now optional: harmless", parameter_became_optional),
    ("parameter-serialization-changed", "a parameter's style or explode changed: breaking",
     parameter_serialization_changed),
    ("request-body-removed", "the request body gone: breaking", request_body_removed),
    ("request-body-added", "a new optional request body: harmless", request_body_added),
    ("request-body-became-required", "a request body now mandatory (or new and mandatory): breaking",
     request_body_became_required),
    ("request-body-became-optional", "a mandatory request body now optional: harmless", request_body_became_optional),
    ("request-media-type-removed", "a request media type gone: breaking", request_media_type_removed),
    ("request-media-type-added", "a new request media type: harmless", request_media_type_added),
    ("response-removed", "a documented response status gone: breaking", response_removed),
    ("response-added", "a new status: breaking for a success (2xx), harmless for an error", response_added),
    ("response-media-type-removed", "a response media type gone: breaking", response_media_type_removed),
    ("response-media-type-added", "a new response media type: harmless (served on Accept)",
     response_media_type_added),
    ("response-header-removed", "a documented response header gone: breaking", response_header_removed),
    ("response-header-added", "a new response header: harmless", response_header_added),
    ("response-header-became-optional", "a mandatory response header now optional: breaking",
     response_header_became_optional),
    ("security-added", "an old way to authenticate no longer suffices (a scheme, a scope, any security where "
                       "there was none): breaking", security_added),
    ("security-relaxed", "a new way to authenticate, or none needed: harmless", security_relaxed),
    ("security-scheme-changed", "a security scheme an operation uses is defined otherwise: breaking",
     security_scheme_changed),
    ("pagination-changed", "x-pagination changed or removed: breaking; added: harmless", pagination_changed),
    ("round-trip-changed", "a link's x-round-trip changed or removed: breaking; added: harmless",
     round_trip_changed),
    ("error-envelope-changed", "the x-error-envelope rule that tells an error from a success changed, "
                               "appeared or went: breaking", error_envelope_changed),
    ("throttling-changed", "x-throttling: the rule that tells a throttling answer apart changed, appeared or "
                           "went, or the documented limit lowered: breaking; the limit raised: harmless",
     throttling_changed),
)
# the operation-level half of a rule that also has a schema-level hook (core/diffschema.py SCHEMA_RULES)
OPERATION_HALVES = {"error-code-changed": error_codes_changed}
OPERATION_DOC_RULES = {"description-changed": operation_description_changed,
                       "example-changed": operation_example_changed, "deprecation-changed": deprecation_changed}
SPEC_DOC_RULES = {"description-changed": info_description_changed}


__all__ = ["OPERATION_DOC_RULES", "OPERATION_HALVES", "OPERATION_RULES", "OperationPair", "SPEC_DOC_RULES", "SPEC_RULES", "Slot",
           "documented_error_codes", "match_media", "match_operations", "operation_key", "path_key", "schema_slots", "serialization"]
