"""Validating traffic against the specs: ``iter_findings`` yields, ``validate`` raises.

A ``Contract`` loads the specs once, compiles each schema once, matches a
request to its operation (method, path template, discriminating query
parameter) and checks both directions. The response schema is chosen by the
operation's envelope rule, never by trying a oneOf.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from orjson import loads as _orjson_loads

from . import pointer as jp
from .classify import Violation
from .curl import to_curl
from .errors import UsageError
from .finding import Evidence, Finding, Kind, Severity
from .http import Request, Response, is_json_media
from .redact import Redactor
from .requestcheck import RequestCheck, missing_credentials
from .routing import Match, Router, match_under, server_paths, under
from .severity import Basis, Grounds, basis_of_kind, body_grounds, media_grounds, operation_param_grounds
from .spec import Operation, Response as DocResponse, Spec, load_specs

DEFAULT_BODY_LIMIT = 10 * 1024 * 1024
EVIDENCE_BODY_LIMIT = 4096

# Response headers every HTTP stack adds; never worth a finding.
STANDARD_HEADERS = frozenset({
    "accept-ranges", "access-control-allow-credentials", "access-control-allow-headers",
    "access-control-allow-methods", "access-control-allow-origin", "access-control-expose-headers",
    "access-control-max-age", "age", "alt-svc", "cache-control", "connection", "content-encoding",
    "content-language", "content-length", "content-security-policy", "content-type", "date", "etag", "expires",
    "keep-alive", "last-modified", "pragma", "referrer-policy", "server", "set-cookie",
    "strict-transport-security", "transfer-encoding", "vary", "via", "x-content-type-options", "x-frame-options",
    "x-xss-protection", "x-request-id", "x-correlation-id", "traceparent", "x-powered-by", "location",
    "retry-after", "www-authenticate", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
})

# The registered check each core finding belongs to (see runner/checks.py).
CHECK_STATUS = "status_code_conformance"
CHECK_CONTENT_TYPE = "content_type_conformance"
CHECK_HEADERS = "response_headers_conformance"
CHECK_SCHEMA = "response_schema_conformance"
CHECK_REQUEST = "request_conformance"
CHECK_ENDPOINT = "documented_endpoint"


class ContractViolation(AssertionError):
    """Raised by ``validate``: the exchange has error-level findings (listed)."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        lines = [f"{len(self.findings)} contract finding(s):"]
        for f in self.findings:
            lines.append(f"  [{f.severity.value}] {f.operation} {f.check or ''} {f.location or '/'}: {f.kind}: "
                         f"{f.message}" + (f" ({f.suggestion})" if f.suggestion else ""))
            if f.evidence is not None and f.evidence.curl:
                lines.append(f"    reproduce: {f.evidence.curl}")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Outcome:
    """How a response answered, in the vendor's own terms."""

    kind: str  # success | error-envelope | client-error | server-error | throttled | undocumented
    documented: bool
    response: DocResponse | None

    @property
    def is_rejection(self) -> bool:
        return self.kind in ("error-envelope", "client-error")


class Contract:
    """The loaded specs plus everything compiled from them."""

    def __init__(self, specs: Iterable[Spec], *, strict: bool = False, base_path: str = "",
                 body_limit: int = DEFAULT_BODY_LIMIT, redactor: Redactor | None = None) -> None:
        self.specs = list(specs)
        self.strict = strict
        self.base_path = base_path.rstrip("/")
        self.body_limit = body_limit
        self.redactor = redactor or Redactor()
        self.operations = [op for s in self.specs for op in s.operations]
        self.router = Router(self.operations)
        self._fast: dict[tuple[int, int, str | None], Callable[[bytes], bool]] = {}  # the accept decisions
        self._paths: dict[tuple[int, int, str | None], _FastPath] = {}  # what each was made of
        self._request_checks: dict[int, RequestCheck] = {}  # id(operation) -> its prebuilt request verdict
        self._with_evidence = True
        self._server_paths = server_paths(u for s in self.specs for u in s.servers)
        # where a request's path may start: the base path, the root, each server's path
        self._prefixes = tuple(([self.base_path] if self.base_path else []) + [""] + self._server_paths)

    @classmethod
    def from_paths(cls, paths: Iterable[str | os.PathLike[str]] = (), **options: Any) -> "Contract":
        return cls(load_specs(paths), **options)

    # -- matching -------------------------------------------------------------
    def operation(self, operation_id: str) -> Operation:
        for op in self.operations:
            if op.operation_id == operation_id:
                return op
        from .suggest import did_you_mean

        raise UsageError(f"no operation {operation_id!r} in the specs"
                         + did_you_mean(operation_id, [o.operation_id for o in self.operations]))

    def path_params(self, op: Operation, request: Request) -> dict[str, str] | None:
        """The path parameters of ``request`` read against ``op``'s template, after the same prefixes
        ``match`` strips (the base path, a server's path); None if the path does not fit it."""
        return match_under(op.path, request.path, self._prefixes)

    def match(self, request: Request) -> Match | None:
        for path in under(request.path, self._prefixes):
            found = self.router.match(request.method, path, request.query)
            if found is not None:
                return found
        return None

    # -- evidence -------------------------------------------------------------
    def evidence(self, request: Request | None, response: Response | None) -> Evidence:
        """The redacted exchange: secret headers masked by name, known secret values scrubbed
        (in their encodings) before any cut, so no part of a secret survives at a cut."""
        r = self.redactor
        req = None
        curl = None
        if request is not None:
            headers = r.headers(request.headers)
            url = r.url(request.url)
            req = {"method": request.method.upper(), "url": url, "headers": dict(headers),
                   "body": _cut(request.body, r)}
            scrubbed = r.scrub(request.body.decode("utf-8", "replace")).encode("utf-8") if request.body else None
            curl = r.scrub(to_curl(Request(request.method, url, tuple(headers), scrubbed)))
        resp = None
        if response is not None:
            resp = {"status": response.status, "headers": dict(r.headers(response.headers)),
                    "body": _cut(response.body, r, truncated=response.truncated)}
            if response.truncated:
                resp["truncated"] = True
        return Evidence(req, resp, curl)

    # -- findings -------------------------------------------------------------
    def _make(self, op: Operation | None, kind: str, grounds: Grounds | Basis, location: str, message: str,
              check: str, request: Request | None, response: Response | None,
              suggestion: str | None = None) -> Finding:
        """A finding whose severity the one rule (core/severity.py) decides from its grounds."""
        evidence = self.evidence(request, response) if self._with_evidence else None
        if isinstance(grounds, Basis):
            grounds = Grounds(grounds)
        if grounds.why and grounds.why not in message:
            message = f"{message} ({grounds.why})"
        return Finding(
            operation=op.operation_id if op is not None else (f"{request.method.upper()} {request.path}"
                                                              if request is not None else "?"),
            kind=kind, severity=grounds.severity(strict=self.strict), location=location, message=message,
            suggestion=suggestion, spec=op.spec.name if op is not None else None, check=check,
            evidence=evidence, basis=grounds.basis.value, extra={"why": grounds.why} if grounds.why else {})

    def iter_findings(self, request: Request, response: Response | None = None, *,
                      operation: Operation | str | None = None, evidence: bool = True,
                      path_params: Mapping[str, str] | None = None) -> Iterator[Finding]:
        """Every finding for one exchange. Never raises for API deviations.

        ``evidence=False`` skips building the redacted evidence (callers that
        merge duplicates add it once per distinct finding). ``path_params``: what
        routing already read from the path for ``operation`` (a ``Match``'s), not read again.
        """
        self._with_evidence = evidence
        try:
            yield from self._iter_findings(request, response, operation, path_params)
        finally:
            self._with_evidence = True

    def _iter_findings(self, request: Request, response: Response | None, operation: Operation | str | None,
                       path_params: Mapping[str, str] | None = None) -> Iterator[Finding]:
        op = self.operation(operation) if isinstance(operation, str) else operation
        if op is None:
            found = self.match(request)
            if found is None:
                yield self._undocumented_endpoint(request, response)
                return
            op, path_params = found.operation, found.path_params
        elif path_params is None:
            path_params = self.path_params(op, request) or {}
        yield from self.iter_request_findings(request, op, path_params)
        if response is not None:
            yield from self.iter_response_findings(request, response, op)

    def _undocumented_endpoint(self, request: Request, response: Response | None) -> Finding:
        candidates = next((found for path in under(request.path, self._prefixes)
                           if (found := self.router.candidates(path))), [])
        hint = None
        if candidates:
            methods = sorted({o.method.upper() for o in candidates})
            hint = f"documented for this path: {', '.join(methods)}"
            discriminated = [o for o in candidates if o.discriminators and o.method.upper() == request.method.upper()]
            if discriminated:
                hint = "documented with " + "; ".join(
                    ", ".join(f"{k}={v}" for k, v in o.discriminators.items()) for o in discriminated)
        return self._make(None, Kind.UNDOCUMENTED_ENDPOINT, basis_of_kind(Kind.UNDOCUMENTED_ENDPOINT), "",
                          f"{request.method.upper()} {request.path} matches no documented operation",
                          CHECK_ENDPOINT, request, response, hint)

    def validate(self, request: Request, response: Response | None = None, *,
                 operation: Operation | str | None = None) -> list[Finding]:
        """Return the non-error findings; raise ContractViolation if any finding is an error."""
        findings = list(self.iter_findings(request, response, operation=operation))
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if errors:
            raise ContractViolation(errors)
        return findings

    # -- requests -------------------------------------------------------------
    def request_check(self, op: Operation) -> RequestCheck:
        """The prebuilt request verdict of ``op`` (built on first use, kept with the contract)."""
        found = self._request_checks.get(id(op))
        if found is None or found.op is not op:
            found = self._request_checks[id(op)] = RequestCheck(op)
        return found

    def request_violations(self, request: Request, op: Operation,
                           path_params: Mapping[str, str]) -> Iterator[Violation]:
        """Schema-level problems of a request, as violations (the mock turns these into vendor errors).

        The prebuilt accept decision runs first; a request it accepts has none, and only the
        others are walked in detail."""
        check = self.request_check(op)
        if check.accepts(request, path_params):
            return iter(())
        return self._request_violations(request, op, path_params, check)

    def _request_violations(self, request: Request, op: Operation, path_params: Mapping[str, str],
                            check: RequestCheck) -> Iterator[Violation]:
        for p in check.params:
            raw = p.raw(request, path_params)
            if raw is None:
                if p.required:
                    yield Violation(Kind.MISSING_PARAMETER, p.at,
                                    f"mandatory {p.location} parameter {p.name!r} is missing")
                continue
            yield from p.compiled.violations(p.coerce(raw), p.at)
        for name in request.query:
            if name not in check.query_names:
                yield Violation(Kind.UNDOCUMENTED_FIELD, jp.join("/query", name),
                                f"query parameter {name!r} is not documented")
        yield from self.auth_violations(request, op)
        yield from self.body_violations(request, op)

    def auth_violations(self, request: Request, op: Operation) -> Iterator[Violation]:
        if not op.requires_auth:
            return
        for where, name in missing_credentials(request, self.request_check(op).alternatives):
            yield Violation(Kind.MISSING_AUTH, jp.join("", where, name),
                            f"authentication {name!r} ({where}) is missing or malformed; the operation's security "
                            f"requires it")

    def body_violations(self, request: Request, op: Operation) -> Iterator[Violation]:
        rb = op.request_body
        if rb is None:
            return
        if not request.body:
            if rb.required:
                yield Violation(Kind.MISSING_FIELD, "/body", "the request body is mandatory and missing")
            return
        content_type = request.header("content-type")
        mt = None
        if content_type:
            for media, value in rb.content.items():
                if media.lower() == content_type.split(";")[0].strip().lower():
                    mt = value
        if mt is None:
            documented = ", ".join(rb.content) or "none"
            yield Violation(Kind.CONTENT_TYPE, "/header/content-type",
                            f"request Content-Type {content_type!r} is not documented (documented: {documented})")
            return
        if not is_json_media(mt.media) or mt.schema is None:
            return
        try:
            from .http import json_body

            body = json_body(request.body)
        except ValueError as exc:
            yield Violation(Kind.INVALID_JSON, "/body", f"the request body is not valid JSON: {exc}")
            return
        compiled = op.spec.compiled(mt.schema, closed=True, direction="request")
        yield from compiled.violations(body, "/body")

    def iter_request_findings(self, request: Request, op: Operation,
                              path_params: Mapping[str, str] | None = None) -> Iterator[Finding]:
        if path_params is None:
            path_params = self.path_params(op, request) or {}
        for v in self.request_violations(request, op, path_params):
            yield self._make(op, v.kind, self.request_grounds(op, v), v.location, v.message, CHECK_REQUEST,
                             request, None, v.suggestion)

    def request_grounds(self, op: Operation, v: Violation) -> Grounds:
        """What a request violation rests on in the docs (the one rule turns it into a severity)."""
        tokens = jp.split(v.location) if v.location.startswith("/") else []
        if v.kind == Kind.CONTENT_TYPE and op.request_body is not None:
            return media_grounds(op.request_body.content.values())
        if tokens and tokens[0] == "body":
            schema = request_body_schema(op)
            if schema is not None:
                return body_grounds(op, schema, v.kind, v.location)
        elif tokens and tokens[0] in ("query", "path", "header", "cookie"):
            return operation_param_grounds(op, v.kind, v.location)
        return Grounds(basis_of_kind(v.kind))

    # -- responses ------------------------------------------------------------
    def outcome(self, op: Operation, response: Response) -> Outcome:
        doc = op.response_for(response.status)
        if doc is None:
            kind = "server-error" if response.status >= 500 else "undocumented"
            return Outcome(kind, False, None)
        if doc.throttling is not None:
            try:
                body = response.json() if doc.throttling.field is not None else None
            except ValueError:
                body = None
            if doc.throttling.field is None or doc.throttling.matches(body):
                return Outcome("throttled", True, doc)
        if response.status >= 500:
            return Outcome("server-error", True, doc)
        if response.status >= 400:
            return Outcome("client-error", True, doc)
        if doc.envelope is not None and is_json_media(response.content_type):
            try:
                body = response.json()
            except ValueError:
                return Outcome("success", True, doc)
            if doc.envelope.matches(body):
                return Outcome("error-envelope", True, doc)
        return Outcome("success", True, doc)

    def iter_response_findings(self, request: Request | None, response: Response,
                               op: Operation) -> Iterator[Finding]:
        doc = op.response_for(response.status)
        if doc is None:
            documented = ", ".join(op.responses)
            yield self._make(op, Kind.UNDOCUMENTED_STATUS, Basis.STATED, "/status",
                             f"status {response.status} is not documented for {op.operation_id} "
                             f"(documented: {documented})", CHECK_STATUS, request, response)
            return
        for name, h in doc.headers.items():
            if h.required and response.header(name) is None:
                yield self._make(op, Kind.MISSING_FIELD, Basis.STATED, jp.join("/header", name),
                                 f"documented response header {h.name!r} is missing", CHECK_HEADERS,
                                 request, response)
        if response.dropped_headers:
            yield self._make(op, Kind.TOO_MANY_HEADERS, Basis.IMPLIED, "/header",
                             f"the response has {response.dropped_headers} more headers than the caps allow "
                             f"(a count and a total size); they were not checked", CHECK_HEADERS, request, response,
                             "a server that sends this many headers is likely misbehaving")
        for name, _ in response.headers:
            lowered = name.lower()
            if lowered not in doc.headers and lowered not in STANDARD_HEADERS:
                yield self._make(op, Kind.UNDOCUMENTED_HEADER, basis_of_kind(Kind.UNDOCUMENTED_HEADER),
                                 jp.join("/header", lowered), f"response header {name!r} is not documented",
                                 CHECK_HEADERS, request, response)
        if response.truncated:
            yield self._make(op, Kind.BODY_TOO_LARGE, basis_of_kind(Kind.BODY_TOO_LARGE), "/body",
                             f"the body exceeds the size cap ({self.body_limit} bytes"
                             + (f"; {response.size} bytes seen" if response.size else "") + "); it was not validated",
                             CHECK_SCHEMA, request, response, "raise the cap with --max-body if this size is expected")
            return
        if not doc.content:
            return
        if not response.body:
            yield self._make(op, Kind.MISSING_FIELD, Basis.STATED, "/body",
                             f"the documented {response.status} response has an empty body", CHECK_SCHEMA,
                             request, response)
            return
        content_type = response.content_type
        mt = doc.media(content_type)
        if mt is None:
            documented = ", ".join(doc.content)
            yield self._make(op, Kind.CONTENT_TYPE, media_grounds(doc.content.values(), default=Basis.STATED),
                             "/header/content-type",
                             f"Content-Type {content_type!r} is not documented for status {response.status} "
                             f"(documented: {documented})", CHECK_CONTENT_TYPE, request, response)
            if not is_json_media(content_type) and not any(is_json_media(m) for m in doc.content):
                return
            mt = next(iter(doc.content.values()))
        if mt.schema is None or not (is_json_media(mt.media) or mt.media == "*/*"):
            return
        try:
            body = response.json()
        except ValueError as exc:
            yield self._make(op, Kind.INVALID_JSON, Basis.STATED, "/body",
                             f"the body is not valid JSON: {exc}", CHECK_SCHEMA, request, response)
            return
        yield from self._body_findings(request, response, op, doc, mt.schema, body)

    def _body_findings(self, request: Request | None, response: Response, op: Operation, doc: DocResponse,
                       schema: Any, body: Any) -> Iterator[Finding]:
        envelope = doc.envelope
        chosen = envelope.success(schema) if envelope is not None else schema
        label = "success"
        if envelope is not None:
            if envelope.needs_field and not envelope.has_field(body) and isinstance(body, dict):
                yield self._make(op, Kind.MISSING_FIELD, Basis.STATED, jp.join("/body", *jp.split(envelope.field)),
                                 f"the body has no {envelope.field} field, so success cannot be told from failure "
                                 f"({envelope.describe()} marks an error)", CHECK_SCHEMA, request, response)
            if envelope.matches(body):
                chosen = envelope.schema
                label = "error envelope"
        compiled = op.spec.compiled(chosen, closed=True, direction="response")
        for v in compiled.violations(body, "/body"):
            message = v.message if label == "success" else f"{v.message} (checked as the {label})"
            yield self._make(op, v.kind, body_grounds(op, chosen, v.kind, v.location), v.location, message,
                             CHECK_SCHEMA, request, response, v.suggestion)

    def accepts_body(self, op: Operation, status: int, content_type: str | None, body: bytes) -> bool:
        """The fast accept decision for one response body (parse plus validate)."""
        key = (id(op), status, content_type)
        try:  # a subscript, not .get: this line is a tenth of the small body's whole decision
            fast = self._fast[key]
        except KeyError:
            fast = self.body_check(op, status, content_type)
        return fast(body)

    def body_check(self, op: Operation, status: int, content_type: str | None) -> Callable[[bytes], bool]:
        """``accepts_body`` for one kind of response, built once: for a caller with many bodies of that kind,
        the lookup per call (an eighth of a small body's decision) is left out. The same callable each time."""
        key = (id(op), status, content_type)
        fast = self._fast.get(key)
        if fast is None:
            path = self._paths[key] = _FastPath.build(self, op, status, content_type)
            fast = self._fast[key] = path.call
        return fast


# orjson keeps every integer from -2**63 to 2**64-1 exact and blurs the rest into floats. A blurred
# value can only cross a bound that lies beyond that range, or int64's own minimum (a value within
# 1024 of -2**63 rounds onto it, and is written with this prefix); and multipleOf, or an enum or
# const of a huge integer, can be fooled by any blur. Where the schema has none of those, the accept
# decision parses with orjson alone; otherwise (and on any rejection, whose findings are made by the
# exact path) the exact parser runs.
_INT64_EDGE = b"-922337203685477"
_EXACT_FLOAT = 2 ** 53


def _blur_risk(node: Any) -> tuple[bool, bool]:
    """(whether a keyword of the schema could be fooled by an integer orjson blurs, whether it has int64's
    minimum as a bound, the one a blurred integer can round onto): one walk for both."""
    floor = False
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "multipleOf":
                    return True, floor
                if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") \
                        and isinstance(value, (int, float)) and not isinstance(value, bool):
                    if value < -(2 ** 63) or value > 2 ** 64 - 1:
                        return True, floor
                    floor = floor or (key in ("minimum", "exclusiveMinimum") and value == -(2 ** 63))
                if key in ("enum", "const"):
                    values = value if key == "enum" and isinstance(value, list) else [value]
                    if any(isinstance(v, int) and not isinstance(v, bool) and abs(v) > _EXACT_FLOAT
                           for v in values):
                        return True, floor
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return False, floor


class _FastPath:
    """Parse plus validate for one (operation, status, content type), everything looked up in advance."""

    __slots__ = ("_loads", "_exact", "_edge", "_success", "_error", "_rule", "_ok", "call")

    def __init__(self, success: Any, error: Any, rule: Any, ok: bool, exact: bool = True,
                 edge: bool = True) -> None:
        from .http import loads

        self._loads = loads if exact else _orjson_loads
        self._exact = loads
        self._edge = _INT64_EDGE if edge and not exact else None  # the text to look for, or nothing
        self._success = success
        self._error = error
        self._rule = rule
        self._ok = ok
        self.call: Callable[[bytes], bool] = self._plain() if success is not None and rule is None and \
            self._edge is None else self.__call__

    def _plain(self) -> Callable[[bytes], bool]:
        """The common case as one closure (no envelope rule, no int64 guard): every lookup done here."""
        parse, valid = self._loads, self._success

        def call(body: bytes) -> bool:
            try:
                return valid(parse(body))  # jsonschema-rs' is_valid: already a bool
            except ValueError:
                return False

        return call

    @classmethod
    def build(cls, contract: Contract, op: Operation, status: int, content_type: str | None) -> "_FastPath":
        doc = op.response_for(status)
        mt = doc.media(content_type) if doc is not None else None
        if doc is None or mt is None or mt.schema is None:
            return cls(None, None, None, doc is not None and mt is not None)
        closed = contract.strict
        rule = doc.envelope
        shape = rule.success(mt.schema) if rule is not None else mt.schema
        compiled = op.spec.compiled(shape, closed=closed, direction="response")
        error_schema = op.spec.compiled(rule.schema, closed=closed, direction="response") if rule else None
        risks = [_blur_risk(compiled.document)]
        if error_schema is not None:
            risks.append(_blur_risk(error_schema.document))
        return cls(compiled._fast.is_valid, error_schema._fast.is_valid if error_schema is not None else None, rule,
                   True, any(exact for exact, _ in risks), any(floor for _, floor in risks))

    def __call__(self, body: bytes) -> bool:
        if self._success is None:
            return self._ok
        try:
            edge = self._edge
            value = (self._exact if edge is not None and edge in body else self._loads)(body)
        except ValueError:
            return False
        if self._rule is not None and self._rule.matches(value):
            return bool(self._error(value))
        return bool(self._success(value))


def request_body_schema(op: Operation) -> Any:
    """The schema of the operation's JSON request body (the first JSON media type), if any."""
    if op.request_body is None:
        return None
    for mt in op.request_body.content.values():
        if is_json_media(mt.media) and mt.schema is not None:
            return mt.schema
    return None


def _cut(body: bytes | None, redactor: Redactor, *, truncated: bool = False) -> str | None:
    """The body as evidence: scrubbed first, then cut to EVIDENCE_BODY_LIMIT characters."""
    if body is None:
        return None
    margin = EVIDENCE_BODY_LIMIT + 1024  # room for a secret that straddles the cut
    text = redactor.scrub(body[:margin].decode("utf-8", errors="replace"),
                          cut=truncated or len(body) > margin)
    if len(text) > EVIDENCE_BODY_LIMIT or len(body) > margin:
        text = redactor.scrub(text[:EVIDENCE_BODY_LIMIT], cut=True)
        text += f"… [{max(len(body) - EVIDENCE_BODY_LIMIT, 0)} more bytes cut]"
    return text


def iter_findings(contract: Contract, *exchange: Any, operation: Operation | str | None = None) -> Iterator[Finding]:
    """Findings for an exchange given as httpx/requests objects, tuples or a HAR entry."""
    from .adapters import exchange_from

    request, response = exchange_from(*exchange)
    yield from contract.iter_findings(request, response, operation=operation)


def validate(contract: Contract, *exchange: Any, operation: Operation | str | None = None) -> list[Finding]:
    """Like ``iter_findings`` but raises ContractViolation on any error-level finding."""
    from .adapters import exchange_from

    request, response = exchange_from(*exchange)
    return contract.validate(request, response, operation=operation)
