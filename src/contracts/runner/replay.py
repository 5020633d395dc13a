"""Re-send a reported finding's request and judge the new answer, so a developer can confirm a fix.

The report holds ``***`` where a credential travelled; the replay puts in the
current ones (``--header``, ``--auth``, the embedded mock's demo credentials),
except for an ``ignored_auth`` finding, whose point was the missing or wrong
credential. The verdict is the same check the run applied, through the same
runner: the finding still reproduces when the new answer yields it again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..core.errors import UsageError
from ..core.finding import Finding, Severity
from ..core.merge import identity
from ..core.redact import MASK
from ..core.routing import match_path
from .cases import ACCEPT, REFUSE, Case
from .engine import RunResult, SetupFailure
from .exchange import Exchange
from .session import Session, parse_param

STATEFUL = frozenset({"pagination", "stateful_round_trip", "round_trip"})  # a chain, not one request
_HOP = frozenset({"content-length", "host", "transport-encoding", "transfer-encoding", "connection",
                  "accept-encoding", "user-agent"})
_CUT = "more bytes cut]"


@dataclass
class Recorded:
    """One finding of a report, numbered as ``contracts replay --list`` shows it."""

    number: int
    data: dict[str, Any]

    @property
    def title(self) -> str:
        d = self.data
        return (f"{d.get('severity', '?')} {d.get('operation', '?')} {d.get('check') or '-'} "
                f"{d.get('location') or '/'} {d.get('kind', '?')}")

    @property
    def request(self) -> dict[str, Any] | None:
        evidence = self.data.get("evidence") or {}
        request = evidence.get("request") if isinstance(evidence, dict) else None
        return request if isinstance(request, dict) and request.get("url") else None

    def why_not(self) -> str | None:
        """Why this finding cannot be replayed from its evidence, or None."""
        if self.data.get("check") in STATEFUL:
            return (f"a {self.data['check']} finding is a chain of requests, not one: re-run "
                    f"`contracts check --operation {self.data.get('operation')} --checks {self.data['check']}`")
        request = self.request
        if request is None:
            return "the report holds no request for it (a finding about the docs or the whole operation)"
        body = request.get("body")
        if isinstance(body, str) and body.endswith(_CUT):
            return "its request body was cut in the report (4 KB), so it cannot be sent again as it was"
        return None

    def finding(self) -> Finding:
        d = self.data
        return Finding(operation=str(d.get("operation", "")), kind=str(d.get("kind", "")),
                       severity=Severity(d.get("severity", "info")), location=str(d.get("location", "")),
                       message=str(d.get("message", "")), check=d.get("check"), sample=d.get("sample"),
                       extra=d.get("extra") or {})


@dataclass
class Replayed:
    recorded: Recorded
    exchange: Exchange | None = None
    findings: list[Finding] = field(default_factory=list)
    reproduced: Finding | None = None  # the same cause, found again
    skipped: str | None = None  # why it was not sent
    inconclusive: str | None = None  # sent, but the answer cannot tell (a refusal for want of credentials)
    notes: list[str] = field(default_factory=list)  # masked values that could not be filled in

    @property
    def fixed(self) -> bool:
        return self.skipped is None and self.inconclusive is None and self.exchange is not None \
            and self.exchange.response is not None and self.reproduced is None


def read_report(path: str | Path) -> tuple[dict[str, Any], list[Recorded]]:
    """A check, validate or proxy report.json; UsageError naming the file (and line) otherwise."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{source}: no such report (give the report.json that contracts check wrote)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{source}: cannot read it: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{source}:{exc.lineno}: not JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list) \
            or not isinstance(data.get("summary"), dict):
        raise UsageError(f"{source}: not a contracts report (expected the report.json of contracts check)")
    if data["summary"].get("command") not in ("check", "validate", "proxy"):
        raise UsageError(f"{source}: a {data['summary'].get('command')!r} report has no requests to replay; "
                         "expected the report.json of contracts check")
    found = [Recorded(i, f) for i, f in enumerate(data["findings"], 1) if isinstance(f, dict)]
    return data["summary"], found


def select(recorded: list[Recorded], wanted: str | None) -> list[Recorded]:
    """By number, or by words that all appear in the title; every replayable error and warning if none."""
    if wanted is None:
        loud = [r for r in recorded if r.data.get("severity") in ("error", "warning")]
        chosen = [r for r in loud if r.why_not() is None]
        if not chosen:
            reasons = sorted({str(r.why_not()) for r in loud})
            raise UsageError("the report has no error or warning finding that can be replayed"
                             + (f": {reasons[0]}" if len(reasons) == 1 else "")
                             + (f" ({len(recorded)} finding(s) in all; pick one by number)" if recorded else ""))
        return chosen
    if wanted.isdigit():
        number = int(wanted)
        if not 1 <= number <= len(recorded):
            raise UsageError(f"finding {number}: the report has findings 1 to {len(recorded)}"
                             if recorded else f"finding {number}: the report has no findings")
        return [recorded[number - 1]]
    words = wanted.lower().split()
    chosen = [r for r in recorded if all(w in r.title.lower() for w in words)]
    if not chosen:
        from ..core.suggest import did_you_mean

        names = sorted({str(r.data.get(k)) for r in recorded for k in ("operation", "check", "kind") if r.data.get(k)})
        raise UsageError(f"finding {wanted!r}: no finding of the report matches{did_you_mean(wanted, names)} "
                         "(see contracts replay REPORT --list)")
    return chosen


class Replayer:
    """Sends recorded requests through a session's runner (credentials, signing, bounds, redaction)."""

    def __init__(self, session: Session, recorded_base: str | None) -> None:
        self.session = session
        self.runner = session.runner()
        self.result = RunResult(target=session.transport.description, specs=[], seed=session.seed, max_examples=0)
        self.recorded_base = recorded_base

    def replay(self, item: Recorded) -> Replayed:
        out = Replayed(item)
        why = item.why_not()
        if why is not None:
            out.skipped = why
            return out
        op_id = item.data.get("operation")
        try:
            op = self.session.contract.operation(str(op_id))
        except UsageError:
            out.skipped = f"operation {op_id!r} is in none of the specs given (pass the spec with --spec)"
            return out
        case = self._case(op, item, out)
        if case is None:
            return out
        try:
            exchange, found = self.runner.probe(self.result, op, case, record=False)
        except SetupFailure as exc:  # the target never answered: nothing to judge
            out.skipped = str(exc)
            return out
        out.exchange, out.findings = exchange, found
        if exchange.response is None:
            out.skipped = exchange.error or "no answer"
            return out
        refused = exchange.response.status in (401, 403)
        was = ((item.request and item.data.get("evidence") or {}).get("response") or {}).get("status")
        if refused and was not in (401, 403) and item.data.get("check") != "ignored_auth":
            out.inconclusive = (f"the answer is HTTP {exchange.response.status}, a refusal, where the finding was "
                                f"about an HTTP {was} answer: give today's credentials (--header, --auth)")
            return out
        wanted = identity(item.finding())
        out.reproduced = next((f for f in found if identity(f) == wanted), None)
        if out.reproduced is None:  # the same check and kind at the same place is the same cause
            out.reproduced = next((f for f in found if (f.check, f.kind, f.location) ==
                                   (item.data.get("check"), item.data.get("kind"), item.data.get("location"))), None)
        return out

    def _case(self, op: Any, item: Recorded, out: Replayed) -> Case | None:
        request = item.request or {}
        url = urlsplit(str(request["url"]))
        base_path = urlsplit(self.recorded_base).path.rstrip("/") if self.recorded_base else ""
        path = url.path[len(base_path):] if base_path and url.path.startswith(base_path) else url.path
        params = match_path(op.path, path)
        if params is None:
            out.skipped = f"{url.path} does not fit {op.method.upper()} {op.path} (is --base-url the one of the run?)"
            return None
        auth_check = item.data.get("check") == "ignored_auth"
        planner = self.session.planner
        credentials = {} if auth_check else planner.base_headers(op)
        by_name = {k.lower(): (k, v) for k, v in credentials.items()}
        headers: dict[str, str] = {}
        for name, value in (request.get("headers") or {}).items():
            lowered = str(name).lower()
            if lowered in _HOP:
                continue
            if MASK in str(value):
                if lowered in by_name:
                    name, value = by_name.pop(lowered)
                elif auth_check:
                    value = "contracts-replay-wrong-credential"  # it was sent wrong on purpose: wrong again
                else:
                    out.notes.append(f"{name} was masked in the report and nothing gives it now "
                                     f"(--header '{name}: …'); sent without it")
                    continue
            headers[str(name)] = str(value)
        for name, value in by_name.values():
            headers.setdefault(name, value)
        query: dict[str, Any] = {}
        for name, value in parse_qsl(url.query, keep_blank_values=True):
            if MASK in value:
                supplied = dict(parse_param(p) for p in self.session.options.params)
                if name in supplied and not auth_check:
                    value = supplied[name]
                else:
                    out.notes.append(f"query parameter {name} was masked in the report; sent as it was")
            query[name] = value
        body = request.get("body")
        raw = body.encode("utf-8") if isinstance(body, str) else None
        if isinstance(body, str) and MASK in body:
            out.notes.append("the request body holds *** where a secret was; sent as it is")
        ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
        case = Case(op, "replay", f"replay of finding {item.number}", path_params=params, query=query,
                    headers=headers, raw_body=raw, content_type=ctype,
                    expect=REFUSE if auth_check else ACCEPT, seed=item.data.get("seed"))
        if auth_check:
            case.location, case.reason = item.data.get("location") or "", "the credentials were missing or wrong"
            name = str((item.data.get("extra") or {}).get("case", ""))
            case.meta = {"auth": "stale" if "stale" in name else "wrong" if "wrong" in name else "none"}
        return case

    def close(self) -> None:
        self.session.close()


__all__ = ["Recorded", "Replayed", "Replayer", "read_report", "select"]
