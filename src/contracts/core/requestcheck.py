"""A request's accept decision, prebuilt once per operation.

``Contract.request_violations`` asks this first. Everything a verdict on a
request needs from the spec (each parameter's pointer, coercion and compiled
validator; the documented query names; the security alternatives; the body's
media types) is looked up here once, so accepting a request allocates no
finding and walks no spec. Only a request this does not accept goes through
the detailed walk, which names every violation; the walk reads the same
prebuilt parts, and a differential test holds the two verdicts equal.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from . import pointer as jp
from .http import Request, is_json_media, json_body
from .params import Coercer, coercer
from .spec import MediaType, Operation, SecurityScheme

__all__ = ["ParamCheck", "RequestCheck", "credential_needs", "missing_credentials"]

# The parameter locations a request verdict reads (cookie parameters are not validated).
CHECKED = ("path", "query", "header")


class ParamCheck:
    """One documented path, query or header parameter, ready to check."""

    __slots__ = ("name", "location", "required", "at", "coerce", "valid", "compiled", "key")

    def __init__(self, op: Operation, location: str, name: str, required: bool, schema: dict[str, Any]) -> None:
        self.name = name
        self.location = location
        self.required = required
        self.at = jp.join("", location, name)
        self.coerce: Coercer = coercer(schema)
        self.compiled = op.spec.compiled(schema, closed=False, direction="request")
        self.valid: Callable[[Any], bool] = self.compiled._fast.is_valid
        self.key = name.lower() if location == "header" else name  # how the request is asked for it

    def raw(self, request: Request, path_params: Mapping[str, str]) -> Any:
        """The value as sent (a string, or the list of a repeated query parameter), or None."""
        if self.location == "path":
            return path_params.get(self.key)
        if self.location == "query":
            return request.query.get(self.key)
        return request.header(self.key)


# One credential a security scheme asks for: how to look for it, where (lower-case header name or
# query/cookie name), and how a violation names it (location, name as the spec spells it).
Need = tuple[str, str, str, str, str]  # (kind, key, scheme prefix, location, name)


def credential_needs(alternatives: Sequence[Sequence[SecurityScheme]]) -> tuple[tuple[Need, ...], ...]:
    """The security alternatives (OR) of credentials (AND), each read once from its scheme."""
    out = []
    for alternative in alternatives:
        needs: list[Need] = []
        for s in alternative:
            if s.type in ("oauth2", "openIdConnect"):
                needs.append(("prefixed", "authorization", "bearer ", "header", "Authorization"))
            elif s.location == "header" and s.param:
                if s.type == "http" and s.scheme:  # the scheme's own word first (Bearer, Basic, SDK-HMAC-…)
                    needs.append(("header", s.param.lower(), s.scheme.lower() + " ", "header", s.param))
                else:
                    needs.append(("header", s.param.lower(), "", "header", s.param))
            elif s.location == "query" and s.param:
                needs.append(("query", s.param, "", "query", s.param))
            elif s.location == "cookie" and s.param:
                needs.append(("cookie", s.param, "", "cookie", s.param))
        out.append(tuple(needs))
    return tuple(out)


def missing_credentials(request: Request, alternatives: Sequence[Sequence[Need]]) -> Sequence[tuple[str, str]]:
    """What the first alternative lacks, as (location, name) pairs; empty when any alternative is met.

    Read only for operations that require credentials (no anonymous alternative)."""
    first: list[tuple[str, str]] | None = None
    cookies: dict[str, str] | None = None
    headers = request.header_map
    for alternative in alternatives:
        missing: list[tuple[str, str]] | None = None
        for kind, key, prefix, location, name in alternative:
            if kind == "header":
                value = headers.get(key)
                met = value is not None and bool(value.strip()) and (
                    not prefix or value.lower().startswith(prefix))
            elif kind == "prefixed":
                value = headers.get(key)
                met = value is not None and value.lower().startswith(prefix)
            elif kind == "query":
                met = bool((request.query.get(key) or [""])[-1])
            else:
                if cookies is None:
                    cookies = _cookies(headers.get("cookie"))
                met = bool(cookies.get(key))
            if not met:
                if missing is None:
                    missing = []
                missing.append((location, name))
        if not missing:
            return ()
        first = first or missing
    return first or ()


def _cookies(header: str | None) -> dict[str, str]:
    """The name=value pairs of a Cookie header."""
    out: dict[str, str] = {}
    for part in (header or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            out.setdefault(name, value)
    return out


class RequestCheck:
    """Everything a verdict on a request to ``op`` reads from the spec, and the accept decision."""

    __slots__ = ("op", "params", "_by_location", "query_names", "alternatives", "requires_auth", "body_required",
                 "media", "has_body")

    def __init__(self, op: Operation) -> None:
        self.op = op
        self.params = tuple(ParamCheck(op, p.location, p.name, p.required, p.schema) for p in op.parameters
                            if p.location in CHECKED)
        # the accept loop's view: per location, (key, required, coerce, valid) of each parameter
        self._by_location = tuple(tuple((p.key, p.required, p.coerce, p.valid) for p in self.params
                                        if p.location == location) for location in CHECKED)
        self.query_names = frozenset(p.name for p in op.parameters if p.location == "query")
        self.requires_auth = op.requires_auth
        self.alternatives = credential_needs(op.security_schemes) if self.requires_auth else ()
        rb = op.request_body
        self.has_body = rb is not None
        self.body_required = rb is not None and rb.required
        # lower-case media type -> (documented media type, its compiled validator or None when the
        # body is not checked); the last spelling of a media type wins, as the detailed walk finds it
        self.media: dict[str, tuple[MediaType, Callable[[Any], bool] | None]] = {}
        for media, mt in (rb.content.items() if rb is not None else ()):
            valid = None
            if is_json_media(mt.media) and mt.schema is not None:
                valid = op.spec.compiled(mt.schema, closed=True, direction="request")._fast.is_valid
            self.media[media.lower()] = (mt, valid)

    def accepts(self, request: Request, path_params: Mapping[str, str]) -> bool:
        """True only when the detailed walk would find nothing at all (False: ask it)."""
        in_path, in_query, in_header = self._by_location
        if not _all_valid(in_path, path_params.get):
            return False
        if in_query and not _all_valid(in_query, request.query.get):
            return False
        if in_header and not _all_valid(in_header, request.header_map.get):  # names are lower-case already
            return False
        if request.query:
            names = self.query_names
            for name in request.query:
                if name not in names:
                    return False
        if self.requires_auth and missing_credentials(request, self.alternatives):
            return False
        if self.has_body:
            return self._accepts_body(request)
        return True

    def _accepts_body(self, request: Request) -> bool:
        if not request.body:
            return not self.body_required
        content_type = request.header("content-type")
        if not content_type:
            return False
        found = self.media.get(content_type.split(";")[0].strip().lower())
        if found is None:
            return False
        valid = found[1]
        if valid is None:
            return True
        try:
            body = json_body(request.body)
        except ValueError:
            return False
        return bool(valid(body))


def _all_valid(entries: Any, get: Callable[[str], Any]) -> bool:
    """Every parameter of one location present when required and valid once coerced."""
    for key, required, coerce, valid in entries:
        raw = get(key)
        if raw is None:
            if required:
                return False
        elif not valid(coerce(raw)):
            return False
    return True
