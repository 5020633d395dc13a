"""Stateful chains read from the spec: OpenAPI links and ``x-pagination``.

* Links: what each is for is read from its two operations (``link_role``);
  its parameters and ``requestBody`` are runtime expressions (``expand``).
* Round trip: a link with ``x-round-trip`` (createJob -> getJob) is followed
  and what the first call sent is compared with what the second returns, as
  the rule says; a plain link from a write to a read is compared generically
  (runner/roundtrip.py); a linked delete is followed by a read of the same path.
* Pagination: an operation with ``x-pagination`` is walked page by page.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterator

from ..core import pointer as jp
from ..core.finding import Finding, Kind
from ..core.severity import Basis
from ..core.spec import Operation
from ..core.validator import Contract
from .cases import NO_BODY, Case
from .exchange import Context, Exchange
from .plan import Planner
from .roundtrip import branches, flag, generic_findings, gone_findings, properties
from .values import valid

Execute = Callable[[Case], Exchange]
MAX_PAGES = 50  # an exhaustive walk of a realistic list: every record checked for repeats
_MISSING = object()


# -- runtime expressions --------------------------------------------------------
def evaluate(expression: Any, exchange: Exchange) -> Any:
    """An OpenAPI runtime expression against one exchange; constants pass through."""
    if not isinstance(expression, str) or not expression.startswith("$"):
        return expression
    if expression == "$statusCode":
        return exchange.response.status if exchange.response else _MISSING
    source, _, rest = expression.partition(".")
    if source not in ("$request", "$response"):
        return _MISSING
    if rest.startswith("body"):
        pointer = rest.partition("#")[2]
        if source == "$response":
            if exchange.response is None:
                return _MISSING
            try:
                body = exchange.response.json()
            except ValueError:
                return _MISSING
        else:
            body = exchange.case.body
            if body is NO_BODY:
                return _MISSING
        return jp.resolve(body, pointer if pointer not in ("", "/") else "", _MISSING)
    where, _, name = rest.partition(".")
    if source == "$request":
        if where == "query":
            return exchange.case.query.get(name, _MISSING)
        if where == "path":
            return exchange.case.path_params.get(name, _MISSING)
        if where == "header":
            for k, value in exchange.case.headers.items():
                if k.lower() == name.lower():
                    return value
    elif where == "header" and exchange.response is not None:
        found = exchange.response.header(name)
        return found if found is not None else _MISSING
    return _MISSING


def _find_op(contract: Contract, operation_id: str) -> Operation | None:
    return next((o for o in contract.operations if o.operation_id == operation_id), None)


# -- what a link is for -----------------------------------------------------------
WRITES = ("post", "put", "patch")
ROUND_TRIP, READ, WRITE, DELETE, PAGE, FOLLOW = "round-trip", "read", "write", "delete", "page", "follow"


def link_role(source: Operation, link: dict[str, Any], target: Operation) -> str:
    """What following a link checks.

    * ``round-trip`` — ``x-round-trip`` says precisely what must come back;
    * ``read`` — a write (POST/PUT/PATCH with a body) linked to a GET: what was sent comes back;
    * ``write`` — linked to a PUT/PATCH/POST: sent, its answer checked, its own links followed;
    * ``delete`` — linked to a DELETE: afterwards a GET of the same path should be a documented 404;
    * ``page`` — linked to an operation with ``x-pagination``: the next page;
    * ``follow`` — anything else: sent, and its answer checked like any other.
    """
    if "x-round-trip" in link:
        return ROUND_TRIP
    if isinstance(target.extensions.get("x-pagination"), dict):
        return PAGE
    if target.method == "delete":
        return DELETE
    if target.method == "get" and source.method in WRITES and source.request_body is not None:
        return READ
    if target.method in WRITES:
        return WRITE
    return FOLLOW


def _links(contract: Contract, op: Operation, response: Any) -> list[tuple[str, dict[str, Any], Operation, str]]:
    """(name, link, target, role) of a documented response; deletes last, so the other links see the resource."""
    out = []
    for name, link in (response.links.items() if response is not None else ()):
        if not isinstance(link, dict):
            continue
        target = _find_op(contract, str(link.get("operationId", "")))
        if target is not None:
            out.append((name, link, target, link_role(op, link, target)))
    return sorted(out, key=lambda item: item[3] == DELETE)


def _has_links(contract: Contract, op: Operation) -> bool:
    """Does a success of ``op`` link to anything a stateful walk follows (pages are walked apart)?"""
    return any(role != PAGE for r in op.responses.values() if r.is_success
               for _, _, _, role in _links(contract, op, r))


# -- round trip -----------------------------------------------------------------
def round_trip_sources(planner: Planner, op: Operation, contract: Contract | None = None) -> list[Case]:
    """Calls whose links to follow: the docs samples, a body with mandatory fields only and, where the
    docs give no sample, a body with every documented field."""
    if contract is not None:
        if not _has_links(contract, op):
            return []
    elif not any("x-round-trip" in link for r in op.responses.values() for link in r.links.values()):
        return []
    cases = []
    for case in planner.samples(op):
        case.phase, case.name = "stateful", f"round trip from {case.name}"
        cases.append(case)
    minimal = planner._base(op, "stateful", "round trip from a body with mandatory fields only")
    if op.request_body is not None:
        mt = op.request_body.content[planner.body_media(op)]
        if mt.schema is not None:
            body = valid(mt.schema, op.spec.resolver.deref)
            minimal.body = body if planner._body_valid(op, body) else planner.valid_body(op)
    cases.append(minimal)
    if not cases[:-1] and op.request_body is not None:
        full = full_body(planner, op)
        if full is not NO_BODY and full != minimal.body:
            case = planner._base(op, "stateful", "round trip from a body with every documented field")
            case.body = full
            cases.append(case)
    return cases


def full_body(planner: Planner, op: Operation) -> Any:
    """A valid body with every documented top-level field (each kept only if the body stays valid)."""
    body = planner.valid_body(op)
    if not isinstance(body, dict) or op.request_body is None:
        return body
    deref = op.spec.resolver.deref
    for name, schema in properties(op.request_body.content[planner.body_media(op)].schema, deref).items():
        if name in body or flag(schema, deref, "readOnly"):
            continue
        for branch in branches(schema, deref):
            candidate = {**body, name: valid(branch, deref)}
            if candidate[name] is not None and planner._body_valid(op, candidate):
                body = candidate
                break
    return body


def run_round_trips(contract: Contract, planner: Planner, op: Operation, execute: Execute) -> Iterator[list[Exchange]]:
    for source in round_trip_sources(planner, op, contract):
        yield from follow_links(contract, planner, execute(source), execute)


def follow_links(contract: Contract, planner: Planner, first: Exchange, execute: Execute,
                 only_round_trips: bool = True, depth: int = 0) -> Iterator[list[Exchange]]:
    """Follow the links of a successful response; yield the chains a stateful check reads.

    A link with ``x-round-trip`` is checked as that round trip, a plain link
    from a write to a read as a generic one (``[write, read]``), a link to a
    delete as ``[write, delete, read]`` (the read should be a documented 404),
    a link back to a paginated operation as the next page (not with
    ``only_round_trips``). A linked write is sent and its own links followed,
    one level down. Links to writes and deletes are followed only from a
    create (POST): the checker changes or deletes only what it created
    itself, never what a read found. Parameters and a ``requestBody`` come
    from the link's runtime expressions.
    """
    if first.outcome is None or first.outcome.kind != "success" or first.outcome.response is None:
        return  # positive_data_acceptance speaks for a failed create
    created = depth > 0 or first.case.operation.method == "post"
    for link_name, link, target, role in _links(contract, first.case.operation, first.outcome.response):
        if (role == PAGE and only_round_trips) or (role in (WRITE, DELETE) and not created):
            continue
        case = _linked_case(planner, first, link_name, link, target, role)
        if case is None:
            continue  # e.g. the last page has no next marker
        if role == ROUND_TRIP:
            case.meta = {"link": link_name, "rule": link["x-round-trip"], "check": "stateful_round_trip"}
        elif role == READ:
            case.meta = {"link": link_name, "generic": True, "check": "stateful_round_trip"}
        elif role == PAGE:
            meta = page_meta(target, case)
            if meta is None:
                continue
            case.meta = {"link": link_name, **meta, "check": "pagination"}
        else:
            case.meta = {"link": link_name}
        second = execute(case)
        if role in (ROUND_TRIP, READ, PAGE):
            yield [first, second]
        elif role == DELETE:
            gone = _read_after_delete(planner, second, link_name)
            if gone is not None:
                yield [first, second, execute(gone)]
        elif role == WRITE and depth == 0:
            yield from follow_links(contract, planner, second, execute, only_round_trips, depth + 1)


def _linked_case(planner: Planner, first: Exchange, link_name: str, link: dict[str, Any], target: Operation,
                 role: str) -> Case | None:
    """The request a link describes, or None when a value it needs from the answer is absent."""
    case = planner._base(target, "stateful", f"{link_name} after {first.case.name}")
    for name, expression in (link.get("parameters") or {}).items():
        location, _, bare = str(name).partition(".")
        if location not in ("path", "query", "header", "cookie"):
            location, bare = "", str(name)
        p = next((p for p in target.parameters if p.name == bare and location in ("", p.location)), None)
        if p is None:
            continue
        value = expand(expression, first)
        if value is _MISSING:
            if _from_response(expression) or (p.required and p.location == "path"):
                return None
            continue
        case.set_param(p.location, p.name, value)
    if target.request_body is not None:
        if "requestBody" in link:
            body = expand(link["requestBody"], first)
            if body is _MISSING:
                return None
            case.body, case.content_type = body, planner.body_media(target)
        elif role == WRITE:
            full = full_body(planner, target)
            if full is not NO_BODY:
                case.body = full
    return case


def _from_response(expression: Any) -> bool:
    text = str(expression)
    return text.startswith("$response") or text.startswith("{$response")


def expand(value: Any, exchange: Exchange) -> Any:
    """A link value: a runtime expression, ``{expression}``, text embedding them, or a literal (walked)."""
    if isinstance(value, str):
        if value.startswith("$"):
            return evaluate(value, exchange)
        if value.startswith("{$") and value.endswith("}") and value.count("{") == 1:
            return evaluate(value[1:-1], exchange)
        if "{$" in value:
            def one(match: Any) -> str:
                found = evaluate(match.group(1), exchange)
                if found is _MISSING:
                    raise LookupError(match.group(1))
                return found if isinstance(found, str) else json.dumps(found)
            try:
                return re.sub(r"\{(\$[^{}]+)\}", one, value)
            except LookupError:
                return _MISSING
        return value
    if isinstance(value, dict):
        out = {k: expand(v, exchange) for k, v in value.items()}
        return _MISSING if any(v is _MISSING for v in out.values()) else out
    if isinstance(value, list):
        items = [expand(v, exchange) for v in value]
        return _MISSING if any(v is _MISSING for v in items) else items
    return value


def _read_after_delete(planner: Planner, deleted: Exchange, link_name: str) -> Case | None:
    """A GET of what was just deleted, where the docs document a 404 for that GET (else nothing to expect)."""
    if deleted.outcome is None or deleted.outcome.kind != "success":
        return None
    op = deleted.case.operation
    read = next((o for o in op.spec.operations if o.path == op.path and o.method == "get"), None)
    if read is None or "404" not in read.responses:
        return None
    case = planner._base(read, "stateful", f"read after {link_name}")
    if any(p.name not in deleted.case.path_params for p in read.params("path")):
        return None
    case.path_params = dict(deleted.case.path_params)
    case.meta = {"link": link_name, "gone": True, "check": "stateful_round_trip"}
    return case


def _diff(sent: Any, stored: Any, at: str, schema: Any = None,
          deref: Callable[[Any], Any] | None = None) -> Iterator[tuple[str, Any, Any]]:
    """Where ``stored`` does not keep what was ``sent``.

    With a schema, only documented fields count: a server may drop what the
    docs never mention, and that is not a round-trip failure.
    """
    node = deref(schema) if deref is not None and schema is not None else None
    if isinstance(sent, dict):
        if not isinstance(stored, dict):
            yield at, sent, stored
            return
        props = node.get("properties") if isinstance(node, dict) else None
        for key, value in sent.items():
            if props is not None and key not in props:
                continue  # undocumented: the docs promise nothing about it
            child = props.get(key) if props is not None else None
            if key not in stored:
                if value is None:
                    continue  # null sent, nothing stored: the docs never say null differs from absent
                yield jp.join(at, key), value, _MISSING
            else:
                yield from _diff(value, stored[key], jp.join(at, key), child, deref)
    elif isinstance(sent, list):
        if not isinstance(stored, list) or len(stored) != len(sent):
            yield at, sent, stored
            return
        items = node.get("items") if isinstance(node, dict) else None
        for index, (a, b) in enumerate(zip(sent, stored)):
            yield from _diff(a, b, jp.join(at, index), items, deref)
    elif isinstance(sent, bool) or isinstance(stored, bool):
        if sent is not stored:
            yield at, sent, stored
    elif isinstance(sent, (int, float)) and isinstance(stored, (int, float)):
        if sent != stored:
            yield at, sent, stored
    elif sent != stored:
        yield at, sent, stored


def _defaults(op: Operation, sent: Any, stored: Any, at: str = "", schema: Any = None,
              depth: int = 0) -> Iterator[tuple[str, Any, Any]]:
    """(pointer, documented default, stored value) where the create omitted a defaulted field."""
    deref = op.spec.resolver.deref
    if schema is None:
        if op.request_body is None:
            return
        schema = next(iter(op.request_body.content.values())).schema
    node = deref(schema)
    if not isinstance(node, dict) or depth > 5 or not isinstance(stored, dict):
        return
    for name, prop in (node.get("properties") or {}).items():
        child = deref(prop)
        if not isinstance(child, dict):
            continue
        here = jp.join(at, name)
        given = sent.get(name, _MISSING) if isinstance(sent, dict) else _MISSING
        kept = stored.get(name, _MISSING)
        if given is _MISSING and "default" in child and kept is not _MISSING:
            if list(_diff(child["default"], kept, here)):
                yield here, child["default"], kept
        if "properties" in child and kept is not _MISSING:
            yield from _defaults(op, given if given is not _MISSING else {}, kept, here, child, depth + 1)


def round_trip_findings(ctx: Context) -> Iterator[Finding]:
    meta = ctx.chain[-1].case.meta if ctx.chain else {}
    if meta.get("gone"):
        yield from gone_findings(ctx)
        return
    if len(ctx.chain) != 2:
        return
    if meta.get("generic"):
        yield from generic_findings(ctx)
        return
    first, second = ctx.chain
    rule = second.case.meta.get("rule") or {}
    target = second.case.operation.operation_id
    if second.outcome is None or second.outcome.kind != "success":
        status = second.response.status if second.response else "no answer"
        yield ctx.finding("stateful_round_trip", Kind.ROUND_TRIP, Basis.STATED, "",
                          f"{target} did not return what {first.case.operation.operation_id} just created "
                          f"({status}{', an error envelope' if second.outcome and second.outcome.kind == 'error-envelope' else ''})",
                          exchange=second)
        return
    sent = evaluate(rule.get("sent", "$request.body#/"), first)
    stored = evaluate(rule.get("stored", "$response.body#/"), second)
    stored_at = str(rule.get("stored", "")).partition("#")[2].rstrip("/")
    if sent is _MISSING or stored is _MISSING:
        yield ctx.finding("stateful_round_trip", Kind.ROUND_TRIP, Basis.STATED, "/body" + stored_at,
                          f"{target} returned no stored object at {stored_at or '/'}", exchange=second)
        return
    source_op = first.case.operation
    body_schema = (next(iter(source_op.request_body.content.values())).schema
                   if source_op.request_body is not None else None)
    for at, a, b in _diff(sent, stored, "", body_schema, source_op.spec.resolver.deref):
        shown = "nothing" if b is _MISSING else repr(b)
        yield ctx.finding("stateful_round_trip", Kind.ROUND_TRIP, Basis.STATED, "/body" + stored_at + at,
                          f"{first.case.operation.operation_id} sent {a!r} at {at or '/'}, {target} returned {shown}",
                          exchange=second)
    for at, default, kept in _defaults(first.case.operation, sent, stored):
        yield ctx.finding("stateful_round_trip", Kind.ROUND_TRIP, Basis.STATED, "/body" + stored_at + at,
                          f"{at} was omitted, so the documented default {default!r} applies, but {target} "
                          f"returned {kept!r}", exchange=second)


# -- pagination -------------------------------------------------------------------
def _page_size(op: Operation, name: str) -> int:
    p = op.param("query", name)
    lo = p.schema.get("minimum", 1) if p else 1
    hi = p.schema.get("maximum", 3) if p else 3
    return max(int(lo), min(3, int(hi)))


def run_pagination(planner: Planner, op: Operation, execute: Execute) -> list[Exchange]:
    cfg = op.extensions.get("x-pagination")
    if not isinstance(cfg, dict):
        return []
    chain: list[Exchange] = []
    if cfg.get("style") == "marker":
        size = _page_size(op, cfg["limit"])
        marker: Any = None
        for n in range(MAX_PAGES):
            case = planner._base(op, "stateful", f"pagination page {n + 1} ({cfg['limit']}={size})")
            case.query[cfg["limit"]] = size
            if marker is not None:
                case.query[cfg["marker"]] = marker
            case.meta = {"pagination": cfg, "size": size, "marker": marker}
            ex = execute(case)
            chain.append(ex)
            items = _items(ex, cfg)
            if items is None or not items or len(items) < size:
                break
            marker = _body_value(ex, cfg.get("next", ""))
            if not isinstance(marker, str):
                break
    elif cfg.get("style") == "page":
        size = _page_size(op, cfg["size"])
        first = int(cfg.get("first", 0))
        for n in range(MAX_PAGES):
            case = planner._base(op, "stateful", f"pagination page {first + n} ({cfg['size']}={size})")
            case.query[cfg["size"]] = size
            case.query[cfg["page"]] = first + n
            case.meta = {"pagination": cfg, "size": size, "page": first + n}
            ex = execute(case)
            chain.append(ex)
            items = _items(ex, cfg)
            if items is None or len(items) < size:
                break
    return chain


def _body_value(ex: Exchange, pointer: str) -> Any:
    if ex.response is None:
        return _MISSING
    try:
        return jp.resolve(ex.response.json(), pointer, _MISSING)
    except ValueError:
        return _MISSING


def _items(ex: Exchange, cfg: dict[str, Any]) -> list[Any] | None:
    if ex.outcome is None or ex.outcome.kind != "success":
        return None
    items = _body_value(ex, cfg.get("items", ""))
    return items if isinstance(items, list) else None


def pagination_findings(ctx: Context) -> Iterator[Finding]:
    seen: dict[Any, int] = {}
    previous_marker: str | None = None
    for index, ex in enumerate(ctx.chain):
        cfg, size = ex.case.meta.get("pagination"), ex.case.meta.get("size")
        if not isinstance(cfg, dict):
            continue
        items = _items(ex, cfg)
        if items is None:
            break
        where = "/body" + cfg.get("items", "")
        if isinstance(size, int) and len(items) > size:
            param = cfg.get("limit") or cfg.get("size")
            yield ctx.finding("pagination", Kind.PAGINATION, Basis.STATED, where,
                              f"page {index + 1} has {len(items)} records although {param}={size}", exchange=ex)
        ids = [jp.resolve(item, cfg.get("id", ""), _MISSING) for item in items]
        for n, record_id in enumerate(ids):
            if record_id is _MISSING:
                continue
            if record_id in seen:
                yield ctx.finding("pagination", Kind.PAGINATION, Basis.STATED, jp.join(where, n),
                                  f"record {record_id!r} on page {index + 1} already appeared on page "
                                  f"{seen[record_id] + 1}", exchange=ex)
            else:
                seen[record_id] = index
        if cfg.get("style") == "marker":
            marker = ex.case.meta.get("marker")
            if cfg.get("order") == "descending":
                text = [str(i) for i in ids if i is not _MISSING]
                if text != sorted(text, reverse=True) or len(set(text)) != len(text):
                    yield ctx.finding("pagination", Kind.PAGINATION, Basis.STATED, where,
                                      f"page {index + 1} is not in strictly descending id order", exchange=ex)
                if isinstance(marker, str):
                    above = [i for i in text if i.lower() >= marker.lower()]
                    if above:
                        yield ctx.finding("pagination", Kind.PAGINATION, Basis.STATED, where,
                                          f"with marker {marker!r}, page {index + 1} still returned "
                                          f"{above[0]!r}, which is not below the marker", exchange=ex)
            if isinstance(marker, str) and previous_marker is not None and marker.lower() >= previous_marker.lower():
                yield ctx.finding("pagination", Kind.PAGINATION, Basis.STATED, "/body" + cfg.get("next", ""),
                                  f"the marker did not move downward ({previous_marker!r} then {marker!r})",
                                  exchange=ex)
            if isinstance(marker, str):
                previous_marker = marker



def page_meta(op: Operation, case: Case) -> dict[str, Any] | None:
    """Paging facts of a single (non-walk) call: the size it asked for, explicitly or by default."""
    cfg = op.extensions.get("x-pagination")
    if not isinstance(cfg, dict):
        return None
    name = cfg.get("limit") or cfg.get("size")
    p = op.param("query", name) if name else None
    raw = case.query.get(name) if name else None
    if raw is None and p is not None:
        raw = p.schema.get("default")
    try:
        size = int(raw) if raw is not None and not isinstance(raw, bool) else None
    except (TypeError, ValueError):
        return None
    if size is None:
        return None
    meta: dict[str, Any] = {"pagination": cfg, "size": size}
    if cfg.get("style") == "marker":
        marker = case.query.get(cfg.get("marker", ""))
        meta["marker"] = marker if isinstance(marker, str) else None
    return meta
