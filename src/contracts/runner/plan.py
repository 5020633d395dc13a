"""From an operation's schema and samples to the cases `contracts check` sends.

* samples: the docs' request samples, placeholders filled with documented ids;
* positive: required-only, all-parameters, and every documented boundary;
* negative: one case per way a request can break the docs (beyond a range, a
  missing mandatory parameter, a wrong type, a broken pattern, malformed JSON);
* auth: no credentials, wrong credentials, where the spec declares security.
"""

from __future__ import annotations

import base64
import copy
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator
from urllib.parse import parse_qs, unquote, urlsplit

from ..core import pointer as jp
from ..core.audit import is_placeholder
from ..core.http import Request
from ..core.params import coerce
from ..core.routing import match_under, server_paths
from ..core.spec import Operation, Parameter, SecurityScheme, Spec
from ..core.suggest import words
from .cases import NO_BODY, REFUSE, REJECT, Case, wire
from .values import boundaries, invalids, valid

BAD_CREDENTIAL = "contracts-invalid-credential"


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def _harvest(value: Any, out: dict[str, list[Any]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if _scalar(item) and not (isinstance(item, str) and (is_placeholder(item) or not item)):
                out.setdefault(str(key), []).append(item)
            _harvest(item, out)
    elif isinstance(value, list):
        for item in value:
            _harvest(item, out)


def _sample_params(op: Operation, url_path: str) -> dict[str, str] | None:
    """The path parameters of a docs' sample URL, which names the server's path too."""
    return match_under(op.path, unquote(url_path), ["", *server_paths(op.spec.servers)])


def documented_values(spec: Spec) -> dict[str, list[Any]]:
    """Field name -> values the docs' own samples use (so documented ids are exercised)."""
    out: dict[str, list[Any]] = {}
    for op in spec.operations:
        for sample in op.request_samples:
            parts = urlsplit(sample.url)
            for name, values in parse_qs(parts.query).items():
                for v in values:
                    if not is_placeholder(v):
                        out.setdefault(name, []).append(v)
            for name, v in (_sample_params(op, parts.path) or {}).items():
                if not is_placeholder(v):
                    out.setdefault(name, []).append(v)
        media = [mt for r in op.responses.values() if r.is_success for mt in r.content.values()]
        if op.request_body is not None:
            media += list(op.request_body.content.values())
        for mt in media:
            for ex in mt.examples:
                if ex.external is None and not ex.constructed:
                    _harvest(ex.value, out)
    return out


@dataclass
class Planner:
    """Builds cases for operations; deterministic for a given seed."""

    params: dict[str, str] = field(default_factory=dict)  # --param: fixed wherever the name appears
    headers: dict[str, str] = field(default_factory=dict)  # --header plus credentials
    auth_headers: frozenset[str] = frozenset()  # lower-case names of credential headers
    per_operation: dict[str, dict[str, str]] = field(default_factory=dict)  # e.g. the mock's credentials
    seed: int = 0
    signing: Any = None  # a configured signer (core/auth.Auth): applied right before each request is sent
    _known: dict[int, dict[str, list[Any]]] = field(default_factory=dict)
    _values: dict[tuple[int, str, str], Any] = field(default_factory=dict)

    # -- credentials ----------------------------------------------------------
    def signed_by(self, op: Operation) -> Any:
        """The signer that authenticates requests to ``op``, or None."""
        return self.signing if self.signing is not None and self.signing.applies(op) else None

    def sign(self, op: Operation, request: Request, mode: str | None = None) -> Request:
        """The request as it will travel: signed (or deliberately not) when a signer covers ``op``."""
        auth = self.signed_by(op)
        if auth is None:
            return request
        from ..core.auth import Mode

        return auth.apply(request, Mode(mode or Mode.SIGN))

    # -- values ---------------------------------------------------------------
    def _documented(self, spec: Spec) -> dict[str, list[Any]]:
        key = id(spec)
        if key not in self._known:
            self._known[key] = documented_values(spec)
        return self._known[key]

    def _fits(self, op: Operation, p: Parameter, value: Any) -> bool:
        compiled = op.spec.compiled(p.schema, closed=False, direction="request")
        return compiled.is_valid(coerce(wire(value), p.schema))

    def value_for(self, op: Operation, p: Parameter, sample: dict[str, Any] | None = None) -> Any:
        if p.name in self.params:
            return self.params[p.name]
        if sample and p.name in sample:
            return self._choose(op, p, sample)
        key = (id(op), p.name, p.location)
        if key not in self._values:
            self._values[key] = self._choose(op, p, None)
        return copy.deepcopy(self._values[key])

    def _choose(self, op: Operation, p: Parameter, sample: dict[str, Any] | None) -> Any:
        candidates: list[Any] = []
        if sample and p.name in sample:
            candidates.append(sample[p.name])
        known = self._documented(op.spec)
        candidates += known.get(p.name, [])
        mine = words(p.name)
        for name, values in sorted(known.items()):
            if name != p.name and words(name) == mine:
                candidates += values
        for candidate in candidates:
            if self._fits(op, p, candidate):
                return candidate
        return valid(p.schema, op.spec.resolver.deref)

    def _auth_header_names(self, op: Operation) -> set[str]:
        names = {(_param(s) or "").lower() for alt in op.security_schemes for s in alt
                 if _where(s) == "header" and _param(s)}
        signer = self.signed_by(op)
        if signer is not None:
            names |= {h.lower() for h in signer.headers}
        return names | set(self.auth_headers)

    def _credentials(self, op: Operation, case: Case) -> None:
        """Query and cookie API keys given with ``--param name=value`` travel where their scheme says."""
        for s in _unique(s for alt in op.security_schemes for s in alt):
            if s.location in ("query", "cookie") and s.param and s.param in self.params \
                    and op.param(s.location, s.param) is None:
                _set_credential(case, s, self.params[s.param])

    def has_credentials(self, op: Operation) -> bool:
        """Whether any credential the operation's security names is configured."""
        case = Case(op, "auth", "", headers=self.base_headers(op))
        self._credentials(op, case)
        if {k.lower() for k in case.headers} & self._auth_header_names(op):
            return True
        return any(_credential(case, s) for alt in op.security_schemes for s in alt if _where(s) != "header")

    def base_headers(self, op: Operation) -> dict[str, str]:
        """Configured headers that apply: credentials only where the operation declares security."""
        out = dict(self.per_operation.get(op.operation_id, {}))
        declared = {p.name.lower() for p in op.params("header")}
        auth = self._auth_header_names(op)
        for name, value in self.headers.items():
            lowered = name.lower()
            if lowered in auth and not op.requires_auth and lowered not in declared:
                continue
            out[name] = value
        return out

    def _base(self, op: Operation, phase: str, name: str, *, optional: bool = False,
              sample: dict[str, Any] | None = None) -> Case:
        case = Case(op, phase, name, headers=self.base_headers(op), seed=self.seed)
        self._credentials(op, case)
        for p in op.parameters:
            if p.location == "header" and p.name.lower() in {h.lower() for h in case.headers}:
                continue
            use = p.required or (optional and p.location == "query") or p.name in self.params
            if not use and not (sample and p.name in sample):
                continue
            case.set_param(p.location, p.name, self.value_for(op, p, sample))
        body = self.valid_body(op)
        if body is not NO_BODY:
            case.body = body
            case.content_type = self.body_media(op)
        return case

    def body_media(self, op: Operation) -> str:
        assert op.request_body is not None
        for media in op.request_body.content:
            if "json" in media:
                return media
        return next(iter(op.request_body.content))

    def valid_body(self, op: Operation) -> Any:
        rb = op.request_body
        if rb is None:
            return NO_BODY
        mt = rb.content.get(self.body_media(op))
        if mt is None or mt.schema is None:
            return NO_BODY
        compiled = op.spec.compiled(mt.schema, closed=False, direction="request")
        for ex in mt.examples:
            if ex.external is None and compiled.is_valid(ex.value):
                return copy.deepcopy(ex.value)
        return valid(mt.schema, op.spec.resolver.deref)

    # -- phases ---------------------------------------------------------------
    def samples(self, op: Operation) -> Iterator[Case]:
        for s in op.request_samples:
            parts = urlsplit(s.url)
            values: dict[str, Any] = {}
            for name, vs in parse_qs(parts.query, keep_blank_values=True).items():
                if vs and not is_placeholder(vs[-1]):
                    values[name] = vs[-1]
            for name, v in (_sample_params(op, parts.path) or {}).items():
                if not is_placeholder(v):
                    values[name] = v
            missing = [p.name for p in op.parameters if p.required and p.location == "query"
                       and p.name not in parse_qs(parts.query)]
            name = f"docs sample {s.name}" + (f" (completed with mandatory {', '.join(missing)})" if missing else "")
            case = self._base(op, "samples", name, sample=values)
            for qname in parse_qs(parts.query):
                p = op.param("query", qname)
                if p is not None and qname not in case.query:
                    case.query[qname] = self.value_for(op, p, values)
            if s.body_example and op.request_body is not None:
                for mt in op.request_body.content.values():
                    for ex in mt.examples:
                        if ex.name == s.body_example and ex.external is None:
                            case.body = copy.deepcopy(ex.value)
            yield case

    def positive(self, op: Operation) -> Iterator[Case]:
        yield self._base(op, "positive", "mandatory parameters only")
        if any(not p.required and p.location == "query" for p in op.parameters):
            yield self._base(op, "positive", "every documented query parameter", optional=True)
        discriminators = op.discriminators
        for p in op.parameters:
            if p.location not in ("query", "path") or p.name in self.params or p.name in discriminators:
                continue
            enum = p.schema.get("enum") if isinstance(p.schema, dict) else None
            if isinstance(enum, list):  # every documented value must be accepted, not just the first
                for value in enum:
                    case = self._base(op, "positive", f"{p.name}={value}")
                    case.set_param(p.location, p.name, value)
                    case.location, case.reason = jp.join("", p.location, p.name), f"the documented value {value!r}"
                    yield case
            elif not p.required and p.location == "query" and not boundaries(p.schema, op.spec.resolver.deref):
                case = self._base(op, "positive", f"with {p.name} alone")
                case.set_param(p.location, p.name, self.value_for(op, p))
                case.location, case.reason = jp.join("", p.location, p.name), f"the optional {p.name}"
                yield case
            for v in boundaries(p.schema, op.spec.resolver.deref):
                if not self._fits(op, p, v.value):
                    continue
                case = self._base(op, "positive", f"{p.name} at {v.label}")
                case.set_param(p.location, p.name, v.value)
                case.location, case.reason = jp.join("", p.location, p.name), v.label
                yield case
        base_body = self.valid_body(op)
        if base_body is NO_BODY:
            return
        for at, schema in self._body_slots(op, base_body):
            for v in boundaries(schema, op.spec.resolver.deref):
                body = _set_at(copy.deepcopy(base_body), at, v.value)
                if not self._body_valid(op, body):
                    continue
                case = self._base(op, "positive", f"body {at} at {v.label}")
                case.body = body
                case.location, case.reason = "/body" + at, v.label
                yield case

    def negative(self, op: Operation) -> Iterator[Case]:
        discriminators = op.discriminators
        for p in op.parameters:
            if p.name in discriminators or p.location == "cookie":
                continue
            if p.location == "header" and p.name.lower() in self._auth_header_names(op):
                continue
            at = jp.join("", p.location, p.name)
            if p.required and p.location != "path":
                case = self._base(op, "negative", f"without mandatory {p.name}")
                self._drop_param(case, p)
                case.expect, case.location, case.reason = REJECT, at, f"the mandatory {p.location} parameter is missing"
                yield case
            for v in invalids(p.schema, op.spec.resolver.deref, on_wire="query"):
                if self._fits(op, p, v.value):
                    continue  # not invalid on the wire after all
                if p.location == "path" and wire(v.value) == "":
                    continue  # an empty path segment changes the route, not the parameter
                case = self._base(op, "negative", f"{p.name} {v.label}")
                case.set_param(p.location, p.name, v.value)
                case.expect, case.location, case.reason = REJECT, at, f"{p.name}={wire(v.value)!r} is {v.label}"
                yield case
        base_body = self.valid_body(op)
        if base_body is NO_BODY:
            return
        yield from self._negative_bodies(op, base_body)

    def _negative_bodies(self, op: Operation, base_body: Any) -> Iterator[Case]:
        assert op.request_body is not None
        mt = op.request_body.content[self.body_media(op)]
        deref = op.spec.resolver.deref
        for at, schema in self._body_slots(op, base_body):
            parent_at, _, name = at.rpartition("/")
            parent_schema = self._schema_at(op, parent_at)
            required = name in (parent_schema.get("required") or []) if isinstance(parent_schema, dict) else False
            if required and _has(base_body, at):
                body = _drop_at(copy.deepcopy(base_body), at)
                case = self._base(op, "negative", f"body without mandatory {at}")
                case.body, case.expect, case.location = body, REJECT, "/body" + at
                case.reason = f"the mandatory body field {at} is missing"
                yield case
            for v in invalids(schema, deref, on_wire="json"):
                body = _set_at(copy.deepcopy(base_body), at, v.value)
                if self._body_valid(op, body):
                    continue
                case = self._base(op, "negative", f"body {at} {v.label}")
                case.body, case.expect, case.location = body, REJECT, "/body" + at
                case.reason = f"{at} = {json.dumps(v.value, ensure_ascii=False)[:40]} is {v.label}"
                yield case
        case = self._base(op, "negative", "malformed JSON body")
        case.body, case.raw_body, case.expect = NO_BODY, b'{"not json": ', REJECT
        case.content_type, case.location, case.reason = mt.media, "/body", "the body is not valid JSON"
        yield case
        case = self._base(op, "negative", "undocumented Content-Type")
        case.content_type, case.expect, case.location = "text/plain", REJECT, "/header/content-type"
        case.reason = "text/plain is not a documented request Content-Type"
        yield case

    def auth(self, op: Operation) -> Iterator[Case]:
        """Without credentials, then with well-formed wrong credentials for each scheme, wherever it lives.

        Each wrong-credential case keeps the other schemes of the same
        requirement (an AND) as configured and drops every other
        alternative (an OR), so a server that accepts it ignored the one
        credential that was wrong.
        """
        if not op.requires_auth:
            return
        schemes = _unique(s for alt in op.security_schemes for s in alt)
        case = self._base(op, "auth", "without credentials")
        for s in schemes:
            _drop_credential(case, s)
        case.headers = {k: v for k, v in case.headers.items() if k.lower() not in self._auth_header_names(op)}
        case.expect, case.location, case.reason = REFUSE, _auth_location(schemes), "no credentials were sent"
        case.meta["auth"] = "none"  # a signer (core/auth.py) sends nothing either
        yield case
        signer = self.signed_by(op)
        if signer is not None and "stale" in {m.value for m in signer.modes}:
            case = self._base(op, "auth", "with a stale signature")
            for s in schemes:
                _drop_credential(case, s)
            case.headers = {k: v for k, v in case.headers.items() if k.lower() not in self._auth_header_names(op)}
            case.expect, case.location = REFUSE, "/header/X-Sdk-Date"
            case.reason, case.meta["auth"] = "the request was signed 20 minutes ago (the docs allow 15)", "stale"
            yield case
        wrong = [(alt, s) for alt in op.security_schemes for s in alt if _wrong_value(s, "") is not None]
        for alt, scheme in wrong:
            name = "with wrong credentials" if len(wrong) == 1 else f"with a wrong {scheme.name}"
            case = self._base(op, "auth", name)
            for other in schemes:
                if other not in alt:
                    _drop_credential(case, other)
            value = _wrong_value(scheme, _credential(case, scheme) or "")
            assert value is not None
            _set_credential(case, scheme, value)
            # a signer signs wrongly where its own scheme is the one under test, and not at all elsewhere
            covered = signer is not None and (scheme.signer == signer.signer.name or
                                              (signer.signer.satisfies is not None and
                                               signer.signer.satisfies(scheme, signer.values)))
            case.meta["auth"] = "wrong" if covered else "none"
            case.expect, case.location = REFUSE, _auth_location([scheme])
            case.reason = "the credentials are wrong" if len(wrong) == 1 else f"the {scheme.name} credential is wrong"
            yield case

    def plan(self, op: Operation) -> list[Case]:
        return [*self.samples(op), *self.positive(op), *self.negative(op), *self.auth(op)]

    # -- helpers --------------------------------------------------------------
    def _drop_param(self, case: Case, p: Parameter) -> None:
        if p.location == "query":
            case.query.pop(p.name, None)
        elif p.location == "header":
            case.headers = {k: v for k, v in case.headers.items() if k.lower() != p.name.lower()}

    def _body_valid(self, op: Operation, body: Any) -> bool:
        assert op.request_body is not None
        mt = op.request_body.content[self.body_media(op)]
        return mt.schema is not None and op.spec.compiled(mt.schema, closed=False, direction="request").is_valid(body)

    def _schema_at(self, op: Operation, at: str) -> Any:
        assert op.request_body is not None
        deref = op.spec.resolver.deref
        node = deref(op.request_body.content[self.body_media(op)].schema)
        for token in jp.split(at):
            if not isinstance(node, dict):
                return {}
            if token.isdigit() and "items" in node:
                node = deref(node["items"])
            else:
                node = deref((node.get("properties") or {}).get(token, {}))
        return node

    def _body_slots(self, op: Operation, body: Any) -> Iterator[tuple[str, dict[str, Any]]]:
        """(pointer, schema) of every documented body property, depth-first."""
        assert op.request_body is not None
        deref = op.spec.resolver.deref
        root = deref(op.request_body.content[self.body_media(op)].schema)

        def walk(node: Any, at: str, depth: int) -> Iterator[tuple[str, dict[str, Any]]]:
            if not isinstance(node, dict) or depth > 4:
                return
            for name, prop in (node.get("properties") or {}).items():
                child = deref(prop)
                if not isinstance(child, dict):
                    continue
                here = jp.join(at, name)
                yield here, child
                if "properties" in child:
                    yield from walk(child, here, depth + 1)
                elif child.get("type") == "array" and isinstance(deref(child.get("items")), dict):
                    items = deref(child["items"])
                    if _has(body, here) and isinstance(jp.resolve(body, here), list) and jp.resolve(body, here):
                        yield from walk(items, here + "/0", depth + 1)

        yield from walk(root, "", 0)


# -- credentials, per security scheme --------------------------------------------------------
def _unique(schemes: Iterable[SecurityScheme]) -> list[SecurityScheme]:
    out: list[SecurityScheme] = []
    for s in schemes:
        if s not in out:
            out.append(s)
    return out


def _where(s: SecurityScheme) -> str | None:
    """Where a scheme's credential travels: OAuth 2 and OpenID Connect tokens are bearer Authorization headers."""
    if s.type in ("oauth2", "openIdConnect"):
        return "header"
    return s.location


def _param(s: SecurityScheme) -> str | None:
    return "Authorization" if s.type in ("oauth2", "openIdConnect") else s.param


def _auth_location(schemes: list[SecurityScheme]) -> str:
    """What an auth case varies: ``/header`` for header credentials, else ``/query/<name>`` or ``/cookie/<name>``."""
    for s in schemes:
        where, name = _where(s), _param(s)
        if where in ("query", "cookie") and name:
            return jp.join("", where, name)
    return "/header"


def _cookies(case: Case) -> tuple[str | None, list[tuple[str, str]]]:
    key = next((k for k in case.headers if k.lower() == "cookie"), None)
    pairs = []
    for part in (case.headers.get(key, "") if key else "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            pairs.append((name, value))
    return key, pairs


def _set_cookie(case: Case, name: str, value: str | None) -> None:
    key, pairs = _cookies(case)
    pairs = [(n, v) for n, v in pairs if n != name] + ([(name, value)] if value is not None else [])
    if key is not None:
        del case.headers[key]
    if pairs:
        case.headers[key or "Cookie"] = "; ".join(f"{n}={v}" for n, v in pairs)


def _credential(case: Case, s: SecurityScheme) -> str | None:
    """The credential a case carries for a scheme, if any."""
    where, name = _where(s), _param(s)
    if not name:
        return None
    if where == "header":
        return next((v for k, v in case.headers.items() if k.lower() == name.lower()), None)
    if where == "query":
        value = case.query.get(name)
        return None if value is None else str(value)
    if where == "cookie":
        return dict(_cookies(case)[1]).get(name)
    return None


def _set_credential(case: Case, s: SecurityScheme, value: str) -> None:
    where, name = _where(s), _param(s)
    if not name:
        return
    if where == "header":
        case.headers = {k: v for k, v in case.headers.items() if k.lower() != name.lower()}
        case.headers[name] = value
    elif where == "query":
        case.query[name] = value
    elif where == "cookie":
        _set_cookie(case, name, value)


def _drop_credential(case: Case, s: SecurityScheme) -> None:
    where, name = _where(s), _param(s)
    if not name:
        return
    if where == "header":
        case.headers = {k: v for k, v in case.headers.items() if k.lower() != name.lower()}
    elif where == "query":
        case.query.pop(name, None)
    elif where == "cookie":
        _set_cookie(case, name, None)


def _wrong_value(s: SecurityScheme, current: str) -> str | None:
    """A well-formed credential that is wrong: what a server that checks only the form would accept.

    HTTP basic keeps the configured user name with a wrong password (a server that accepts any
    password for a known user is caught); bearer and OAuth tokens are ``Bearer <wrong>``.
    """
    if _where(s) not in ("header", "query", "cookie") or not _param(s):
        return None
    if s.type in ("oauth2", "openIdConnect") or (s.type == "http" and s.scheme == "bearer"):
        return f"Bearer {BAD_CREDENTIAL}"
    if s.type == "http" and s.scheme == "basic":
        user = "contracts"
        scheme, _, encoded = current.partition(" ")
        if scheme.lower() == "basic" and encoded:
            try:
                user = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")[0] or user
            except (ValueError, UnicodeDecodeError):
                pass
        return "Basic " + base64.b64encode(f"{user}:{BAD_CREDENTIAL}".encode()).decode("ascii")
    if s.type == "http" and s.scheme:
        return f"{s.scheme.capitalize()} {BAD_CREDENTIAL}"
    return BAD_CREDENTIAL


def _has(doc: Any, at: str) -> bool:
    return jp.resolve(doc, at, _MISSING) is not _MISSING


_MISSING = object()


def _set_at(doc: Any, at: str, value: Any) -> Any:
    tokens = jp.split(at)
    if not tokens:
        return value
    node = doc
    for token in tokens[:-1]:
        if isinstance(node, list):
            node = node[int(token)]
        else:
            node = node.setdefault(token, {})
    if isinstance(node, list):
        node[int(tokens[-1])] = value
    else:
        node[tokens[-1]] = value
    return doc


def _drop_at(doc: Any, at: str) -> Any:
    tokens = jp.split(at)
    node = doc
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    if isinstance(node, dict):
        node.pop(tokens[-1], None)
    return doc
