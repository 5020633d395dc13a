"""The generic round trip of plain OpenAPI links: what a write sent comes back from the linked read.

``x-round-trip`` (runner/stateful.py) says precisely what to compare; a
plain link only says which call follows which, so the comparison is read
from the two schemas: the fields both document, as sent.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

from ..core import pointer as jp
from ..core.finding import Finding, Kind
from ..core.http import is_json_media
from ..core.severity import Basis, Grounds
from .exchange import Context, Exchange

MISSING = object()
_MISSING = MISSING


_DONE = {"post": "just created", "put": "just stored", "patch": "just updated"}


def generic_findings(ctx: Context) -> Iterator[Finding]:
    """What a write sent comes back from the linked read, for the fields both schemas document.

    Only what was sent is compared (ids, timestamps and other server-set
    fields are not), never a ``readOnly`` or ``writeOnly`` field, never a
    ``null`` that was sent (the docs never say whether null clears or keeps),
    and an empty value sent that comes back absent is no loss (serialisers
    omit empty values). Where the write's own answer already shows the value
    the read returns, the server changed what was sent consistently
    (normalised it): that rests on what the docs imply, not on what they state.
    """
    first, second = ctx.chain
    source, target = first.case.operation, second.case.operation
    done = _DONE.get(source.method, "just wrote")
    if second.outcome is None or second.outcome.kind != "success":
        status = f"HTTP {second.response.status}" if second.response else "no answer"
        yield ctx.finding("stateful_round_trip", Kind.ROUND_TRIP, Basis.STATED, "/status",
                          f"{target.operation_id} did not return what {source.operation_id} {done} ({status})",
                          exchange=second)
        return
    sent = first.case.body
    if not isinstance(sent, (dict, list)):
        return
    stored, echoed = _json_of(second), _json_of(first)
    deref = source.spec.resolver.deref
    sent_schema = _media_schema(source.request_body.content if source.request_body else {}, first.case.content_type)
    doc = second.outcome.response
    stored_schema = _media_schema(doc.content if doc else {}, second.response.content_type if second.response
                                  else None)
    if stored is _MISSING or sent_schema is None or stored_schema is None:
        return
    for at, a, b in shared_diff(sent, stored, "", sent_schema, stored_schema, deref):
        shown = "nothing" if b is _MISSING else _show(b)
        answered = jp.resolve(echoed, at, _MISSING) if echoed is not _MISSING else _MISSING
        if answered is not _MISSING and b is not _MISSING and not list(_values_differ(answered, b)):
            grounds = Grounds(Basis.IMPLIED, f"{source.operation_id}'s own answer shows {_show(b)} as well, so "
                              "the server changed what was sent consistently")
        else:
            grounds = Grounds(Basis.STATED)
        yield ctx.finding("stateful_round_trip", Kind.ROUND_TRIP, grounds, "/body" + at,
                          f"{source.operation_id} sent {_show(a)} at {at or '/'}, {target.operation_id} returned "
                          f"{shown}", exchange=second)
    if source.method == "post" and isinstance(sent, dict) and isinstance(stored, dict):
        for at, default, kept in _shared_defaults(sent, stored, "", sent_schema, stored_schema, deref):
            yield ctx.finding("stateful_round_trip", Kind.ROUND_TRIP, Basis.STATED, "/body" + at,
                              f"{at} was omitted, so the documented default {_show(default)} applies, but "
                              f"{target.operation_id} returned {_show(kept)}", exchange=second)


def gone_findings(ctx: Context) -> Iterator[Finding]:
    """After a successful delete, the read of the same path should be the documented 404.

    Some APIs keep deleted records readable (marked deleted), so a success
    here rests on what HTTP's DELETE implies: a warning, never an error.
    """
    deleted, read = ctx.chain[-2], ctx.chain[-1]
    if read.outcome is None or read.outcome.kind != "success" or read.response is None:
        return
    status = deleted.response.status if deleted.response else "?"
    finding = ctx.finding(
        "stateful_round_trip", Kind.ROUND_TRIP,
        Grounds(Basis.IMPLIED, "the docs document 404 for an unknown id; some APIs keep deleted records readable"),
        "/status", f"{deleted.case.operation.operation_id} answered HTTP {status}, yet "
                   f"{read.case.operation.operation_id} still returns it (HTTP {read.response.status}, not 404)",
        exchange=deleted)
    yield finding.with_(evidence=ctx.contract.evidence(read.request, read.response))


def _json_of(ex: Exchange) -> Any:
    if ex.response is None:
        return _MISSING
    try:
        return ex.response.json()
    except ValueError:
        return _MISSING


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:59] + "…"


def _media_schema(content: dict[str, Any], content_type: str | None) -> Any:
    """The schema of the media type a message used (the first JSON one when it names none)."""
    wanted = (content_type or "").split(";")[0].strip().lower()
    for media, mt in content.items():
        if media.lower() == wanted and mt.schema is not None:
            return mt.schema
    return next((mt.schema for media, mt in content.items() if is_json_media(media) and mt.schema is not None),
                None)


def branches(schema: Any, deref: Callable[[Any], Any]) -> list[dict[str, Any]]:
    """The non-null alternatives of a schema (``anyOf: [X, {type: null}]`` is X), itself when it has none."""
    node = deref(schema)
    if not isinstance(node, dict):
        return []
    for key in ("anyOf", "oneOf"):
        if isinstance(node.get(key), list):
            out = [b for b in (deref(x) for x in node[key]) if isinstance(b, dict) and b.get("type") != "null"]
            return [b for branch in out for b in branches(branch, deref)]
    return [node]


def properties(schema: Any, deref: Callable[[Any], Any], depth: int = 0) -> dict[str, Any]:
    """Documented properties of an object schema, through allOf/anyOf/oneOf."""
    out: dict[str, Any] = {}
    node = deref(schema)
    if not isinstance(node, dict) or depth > 8:
        return out
    for part in node.get("allOf") or []:
        out.update(properties(part, deref, depth + 1))
    for branch in branches(node, deref):
        if branch is not node:
            out.update(properties(branch, deref, depth + 1))
    props = node.get("properties")
    if isinstance(props, dict):
        out.update(props)
    return out


def _item_schema(schema: Any, deref: Callable[[Any], Any]) -> Any:
    for branch in branches(schema, deref):
        if isinstance(branch.get("items"), dict):
            return branch["items"]
    return None


def flag(schema: Any, deref: Callable[[Any], Any], name: str) -> bool:
    node = deref(schema)
    return isinstance(node, dict) and (node.get(name) is True or any(
        b.get(name) is True for b in branches(node, deref)))


def _empty(value: Any) -> bool:
    return value in ("", [], {}) and not isinstance(value, bool)


def _values_differ(a: Any, b: Any) -> Iterator[None]:
    """Scalars: numbers compare as JSON numbers (IEEE doubles), booleans only with booleans."""
    if isinstance(a, bool) or isinstance(b, bool):
        if a is not b:
            yield None
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if a != b and float(a) != float(b):
            yield None
    elif a != b:
        yield None


def shared_diff(sent: Any, stored: Any, at: str, sent_schema: Any, stored_schema: Any,
                 deref: Callable[[Any], Any], depth: int = 0) -> Iterator[tuple[str, Any, Any]]:
    """(pointer, sent, stored) where a field both schemas document did not come back as sent."""
    if sent is None or depth > 8:
        return
    if isinstance(sent, dict):
        if not isinstance(stored, dict):
            yield at, sent, stored
            return
        sent_props, stored_props = properties(sent_schema, deref), properties(stored_schema, deref)
        for key, value in sent.items():
            if key not in sent_props or key not in stored_props or value is None:
                continue
            if flag(sent_props[key], deref, "writeOnly") or flag(stored_props[key], deref, "readOnly"):
                continue
            if key not in stored:
                if not _empty(value):
                    yield jp.join(at, key), value, _MISSING
                continue
            yield from shared_diff(value, stored[key], jp.join(at, key), sent_props[key], stored_props[key], deref,
                                    depth + 1)
    elif isinstance(sent, list):
        if not isinstance(stored, list) or len(stored) != len(sent):
            yield at, sent, stored
            return
        a_items, b_items = _item_schema(sent_schema, deref), _item_schema(stored_schema, deref)
        for index, (a, b) in enumerate(zip(sent, stored)):
            if a_items is None or b_items is None:
                if list(_values_differ(a, b)) and not isinstance(a, (dict, list)):
                    yield jp.join(at, index), a, b
                continue
            yield from shared_diff(a, b, jp.join(at, index), a_items, b_items, deref, depth + 1)
    elif list(_values_differ(sent, stored)):
        yield at, sent, stored


def _shared_defaults(sent: dict[str, Any], stored: dict[str, Any], at: str, sent_schema: Any, stored_schema: Any,
                     deref: Callable[[Any], Any]) -> Iterator[tuple[str, Any, Any]]:
    """(pointer, documented default, stored) where a create omitted a field whose request schema has a default."""
    stored_props = properties(stored_schema, deref)
    for name, prop in properties(sent_schema, deref).items():
        node = deref(prop)
        if name in sent or name not in stored or name not in stored_props or not isinstance(node, dict):
            continue
        if "default" in node and node["default"] is not None and not flag(stored_props[name], deref, "readOnly"):
            if list(shared_diff(node["default"], stored[name], jp.join(at, name), prop, stored_props[name], deref)):
                yield jp.join(at, name), node["default"], stored[name]


__all__ = ["MISSING", "branches", "flag", "generic_findings", "gone_findings", "properties", "shared_diff"]
