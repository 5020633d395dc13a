"""The mock as one raw ASGI callable.

Raw ASGI rather than Starlette routing because this is the hot path of a
load test: routing and validation go through the core ``Contract`` once per
distinct request (bounded caches remember the verdict), handlers hand back
pre-serialised bodies, and nothing on the way allocates more than it must.

The order of a request's checks is the vendors': route, body size,
credentials, input validation, then the operation.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterable, Mapping, MutableMapping, Sequence

from ..core.classify import Violation
from ..core.errors import UsageError
from ..core.finding import Kind
from ..core.http import Request
from ..core.spec import Operation, Spec, load_specs
from ..core.validator import Contract
from .cache import BoundedCache
from .credentials import Credentials
from .enos import EnosVendor
from .faults import ACCEPT_INVALID, IGNORE_AUTH, SERVER_ERROR, BodyFaults, parse_faults
from .iotda import IotdaVendor
from .oceanconnect import OceanConnectVendor
from .quota import Quota, caller_of, throttled_reply
from .replies import Call, Reply, dumps
from .vendor import Setup, Vendor

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

VENDORS: tuple[type[Vendor], ...] = (EnosVendor, IotdaVendor, OceanConnectVendor)
BODY_LIMIT = 1024 * 1024  # bytes; one more byte read tells "too large"
CACHE_SIZE = 4096  # entries per memo
REPLY_CACHE_BYTES = 16 * 1024 * 1024
_BODY_HEADERS = frozenset({b"content-length", b"transfer-encoding"})
# Problems no fault can wave through: there is nothing to serve "as if valid".
STRUCTURAL = frozenset({Kind.INVALID_JSON, Kind.CONTENT_TYPE, Kind.BODY_TOO_LARGE})
# Problems that do not reject: the core reports them as warnings.
TOLERATED = frozenset({Kind.UNDOCUMENTED_FIELD})
SERVER_ERROR_TEXT = "Internal Server Error"

log = logging.getLogger("contracts.mock")


class _Disconnected(Exception):
    """The client went away while its body was being read."""


class MockApp:
    """A stateful, spec-driven stand-in for the vendors' APIs (an ASGI application)."""

    # It awaits only the ASGI receive and send it is given, so an in-process caller may drive it
    # without an event loop (runner.transport.AsgiTransport). Anything that sleeps or does I/O here
    # must drop this mark.
    runs_without_loop = True

    def __init__(self, specs: Sequence[Spec], setup: Setup, quota: Quota | None = None) -> None:
        self.specs = list(specs)
        self.setup = setup
        self.quota = quota
        self.contract = Contract(self.specs)
        self.vendors = _vendors(self.specs, setup)
        self.by_operation: dict[str, Vendor] = {op_id: v for v in self.vendors for op_id in v.ops}
        self._relevant = {op.operation_id: _relevant_headers(op) for op in self.contract.operations}
        # X-Sdk-Date is part of a signature: the same Authorization at another date is another request.
        self._keyed_headers = frozenset({name.encode("latin-1") for names in self._relevant.values()
                                         for name in names} | {b"x-sdk-date"})
        self._throttled: dict[str, Reply] = {}  # operation -> its documented throttling answer
        for op in self.contract.operations:
            reply = throttled_reply(op)
            if reply is not None:
                self._throttled[op.operation_id] = reply
        size = setup.cache_size
        # Requests with a body: the match and the body-less request it was made from, by target.
        self._routes: BoundedCache[tuple[str, str, str], tuple[Any, Request]] = BoundedCache(size, second_sight=True)
        # Body-less requests, by everything their answer can depend on (method, raw path and query,
        # every header a verdict or a signature reads): the reply itself when it may be replayed,
        # otherwise the route and verdict that led to it. One memo, so a request that never repeats
        # costs one lookup. A quota counts every call, so under one no reply is replayed.
        self._replies: BoundedCache[tuple[Any, ...], tuple[int, list[tuple[bytes, bytes]], bytes] | _Verdict] = \
            BoundedCache(size, REPLY_CACHE_BYTES, second_sight=True)

    @property
    def faults(self) -> frozenset[str]:
        return self.setup.faults

    @property
    def operations(self) -> list[Operation]:
        return self.contract.operations

    # -- ASGI -----------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await _lifespan(receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Replay a remembered reply for a repeated body-less request; otherwise work it out.

        The memo key holds everything a verdict can depend on: method, raw
        path, raw query and every credential or parameter header the specs name.
        """
        key = None
        keyed = []
        has_body = False
        for name, value in scope["headers"]:
            if name in self._keyed_headers:
                keyed.append((name, value))
            elif name in _BODY_HEADERS and value != b"0":
                has_body = True
        known = None
        if not has_body:
            key = (scope["method"], scope.get("raw_path") or scope["path"], scope.get("query_string", b""),
                   tuple(keyed))
            hit = self._replies.get(key)
            if hit is not None:
                if not isinstance(hit, _Verdict):
                    await send({"type": "http.response.start", "status": hit[0], "headers": hit[1]})
                    await send({"type": "http.response.body", "body": hit[2]})
                    return
                known = hit
        try:
            reply, verdict = await self._respond(scope, receive, key is not None, known)
        except _Disconnected:
            return
        headers = [(b"content-type", reply.content_type.encode()),
                   (b"content-length", str(len(reply.body)).encode())]
        if reply.close:
            headers.append((b"connection", b"close"))
        for name, value in reply.headers:
            headers.append((name.encode("latin-1"), value.encode("latin-1")))
        if key is not None:
            if reply.cacheable and self.quota is None:
                self._replies.put(key, (reply.status, headers, reply.body), len(reply.body))
            elif verdict is not None and known is None:
                self._replies.put(key, verdict, 0)
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})

    async def respond(self, scope: Scope, receive: Receive) -> Reply:
        """The reply to one HTTP request; never raises for anything a client sends."""
        return (await self._respond(scope, receive, False, None))[0]

    async def _respond(self, scope: Scope, receive: Receive, bodyless: bool, known: _Verdict | None
                       ) -> tuple[Reply, _Verdict | None]:
        """The reply, and for a request ``_http`` saw without a body the route and verdict it rests
        on (``known``: remembered from an earlier one like it)."""
        vendor: Vendor | None = None
        verdict = known
        try:
            method = scope["method"]
            raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
            path = raw_path.decode("utf-8", "replace")
            qs = scope.get("query_string", b"").decode("utf-8", "replace")
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            if verdict is not None:
                match, routed = verdict.match, verdict.request
            elif bodyless:  # the whole request at once, routed and then validated
                routed = Request.of_target(method, path, qs, tuple(headers.items()), headers)
                match = self.contract.match(routed)
            else:
                match, routed = self._route(method, path, qs)
            query = routed.query
            if match is None:
                return self._unroutable(method, path, query), None
            op = match.operation
            vendor = self.by_operation[op.operation_id]
            body: bytes | None = None
            if "transfer-encoding" in headers or headers.get("content-length", "0") != "0":
                body, too_large = await _read_body(receive, headers)
                if too_large:
                    reply = vendor.reject(None, [Violation(
                        Kind.BODY_TOO_LARGE, "/body", f"the request body is larger than {BODY_LIMIT} bytes")])
                    return Reply(reply.status, reply.body, reply.content_type, close=True), None
            call = Call(op, method, path, match.path_params, query, headers, body, qs)
            if verdict is not None:
                missing, errors = verdict.missing, verdict.errors
            else:
                whole = routed.headers and body is None  # routed with its headers, as it came
                missing, errors = self._check(call, routed if whole else routed.with_content(
                    tuple(headers.items()), body, headers))
                if bodyless and body is None:
                    verdict = _Verdict(match, routed, missing, errors)
            faults = self.setup.faults
            if IGNORE_AUTH not in faults:
                denied = vendor.authenticate(call, missing)
                if denied is not None:
                    return denied, verdict
            if self.quota is not None and op.operation_id in self._throttled:
                if not self.quota.admit(caller_of(headers, scope.get("client"))):
                    return self._throttled[op.operation_id], verdict
            if errors and (ACCEPT_INVALID not in faults or any(_structural(v) for v in errors)):
                return vendor.reject(call, errors), verdict
            if SERVER_ERROR in faults:
                return Reply.text(500, SERVER_ERROR_TEXT), verdict
            return vendor.handle(call), verdict
        except _Disconnected:
            raise
        except Exception:  # a bug in the mock must not become a traceback in a response
            log.exception("the mock failed on %s %s", scope.get("method"), scope.get("path"))
            if vendor is not None:
                return replace(vendor.internal_error(), cacheable=False), None
            return Reply.json(500, {"error": "internal_error", "message": "the mock failed to answer"}), None

    # -- steps ----------------------------------------------------------------------
    def _route(self, method: str, path: str, qs: str) -> tuple[Any, Request]:
        """The match and the body-less request it was made from (its URL parsed once)."""
        key = (method, path, qs)
        found = self._routes.get(key)
        if found is None:
            request = Request.of_target(method, path, qs)
            found = (self.contract.match(request), request)
            self._routes.put(key, found)
        return found

    def _unroutable(self, method: str, path: str, query: Mapping[str, list[str]]) -> Reply:
        candidates = self.contract.router.candidates(path)
        if candidates:
            vendor = self.by_operation[candidates[0].operation_id]
            return vendor.unroutable(method, path, query, candidates)
        return Reply(404, dumps({"error": "not_found", "message": f"no documented operation serves {method} {path}"}),
                     cacheable=True)

    def _check(self, call: Call, request: Request) -> tuple[list[Violation], list[Violation]]:
        """(missing credentials, rejecting problems), from the core."""
        missing: list[Violation] = []
        errors: list[Violation] = []
        for v in self.contract.request_violations(request, call.op, call.path_params):
            if v.kind == Kind.MISSING_AUTH:
                missing.append(v)
            elif v.kind not in TOLERATED:
                errors.append(v)
        return missing, errors


class _Verdict:
    """What a body-less request was found to be: its route and the core's verdict on it."""

    __slots__ = ("match", "request", "missing", "errors")

    def __init__(self, match: Any, request: Request, missing: list[Violation], errors: list[Violation]) -> None:
        self.match = match
        self.request = request
        self.missing = missing
        self.errors = errors


def _structural(v: Violation) -> bool:
    return v.kind in STRUCTURAL or v.location == "/body"


def _relevant_headers(op: Operation) -> tuple[str, ...]:
    """The request headers the core's verdict on ``op`` can depend on."""
    names = [p.name.lower() for p in op.params("header")]
    for alternative in op.security_schemes:
        for s in alternative:
            if s.location == "header" and s.param:
                names.append(s.param.lower())
            elif s.type in ("oauth2", "openIdConnect"):
                names.append("authorization")  # a bearer token, wherever the spec puts the scheme
            elif s.location == "cookie":
                names.append("cookie")
    if op.request_body is not None:
        names.append("content-type")
    return tuple(dict.fromkeys(names))


async def _read_body(receive: Receive, headers: Mapping[str, str]) -> tuple[bytes, bool]:
    """The body and whether it exceeds BODY_LIMIT; never reads more than BODY_LIMIT + 1 bytes."""
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > BODY_LIMIT:
        return b"", True
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        if chunk:
            room = BODY_LIMIT + 1 - size
            chunks.append(chunk[:room])
            size += min(len(chunk), room)
            if size > BODY_LIMIT:
                return b"", True
        if not message.get("more_body", False):
            return b"".join(chunks), False


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _vendors(specs: Sequence[Spec], setup: Setup) -> list[Vendor]:
    """One vendor per family of operations; an operation no vendor serves is a usage error."""
    assigned: dict[type[Vendor], list[Operation]] = {}
    unknown = []
    for spec in specs:
        for op in spec.operations:
            owner = next((v for v in VENDORS if op.operation_id in v.operations), None)
            if owner is None:
                unknown.append(f"{spec.name}: {op.operation_id}")
            else:
                assigned.setdefault(owner, []).append(op)
    if unknown:
        served = ", ".join(sorted(op for v in VENDORS for op in v.operations))
        raise UsageError(f"the mock has no behaviour for {', '.join(unknown)} (it serves: {served})")
    return [vendor(setup, ops) for vendor, ops in assigned.items()]


def _load(specs: Iterable[Spec | str | os.PathLike[str]] | Spec | str | os.PathLike[str] | None) -> list[Spec]:
    if specs is None:
        return load_specs()
    if isinstance(specs, (Spec, str, os.PathLike)):
        specs = [specs]
    out = []
    for item in specs:
        out.extend([item] if isinstance(item, Spec) else load_specs([Path(item)]))
    if not out:
        raise UsageError("no specs to serve")
    return out


def create_app(specs: Iterable[Spec | str | os.PathLike[str]] | Spec | str | os.PathLike[str] | None = None, *,
               seed: int = 0, faults: Iterable[str] = (), credentials: Credentials | Mapping[str, str] | None = None,
               max_jobs: int = 10_000, cache_size: int = CACHE_SIZE, quota: str | None = None) -> MockApp:
    """The mock as an ASGI app serving every operation of ``specs`` (default: every spec in specs/).

    ``seed`` fixes the generated data and ids; ``faults`` names deviations from
    ``FAULTS``; ``credentials`` replaces the demo ones; ``max_jobs`` caps the
    EnOS jobs kept (oldest evicted); ``cache_size`` bounds each memo of
    verdicts and replies (0 validates and renders every request afresh);
    ``quota`` ("100/60s") answers the documented throttling error past it.
    """
    active = parse_faults([faults] if isinstance(faults, str) else faults)
    if max_jobs < 1:
        raise UsageError(f"max_jobs must be at least 1, not {max_jobs}")
    setup = Setup(seed=seed, faults=active, credentials=Credentials.of(credentials), max_jobs=max_jobs,
                  body_faults=BodyFaults(active), cache_size=max(0, cache_size))
    return MockApp(_load(specs), setup, Quota.parse(quota) if quota else None)
