"""The runner behind `contracts check`: plan, send, check, merge.

It yields no output of its own: progress goes to an optional observer and
the result is data. Generated cases (the fuzzer) plug in as extra case
sources, so they share the transport, the checks and the report.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol

from ..core import pointer as jp
from ..core.finding import Finding, Kind, Severity, count_by_severity
from ..core.http import Request, loads, unsendable
from ..core.merge import Folder, identity
from ..core.severity import Basis, Grounds, decide, reweigh
from ..core.spec import Operation
from ..core.validator import Contract
from .cases import ACCEPT, REFUSE, REJECT, Case
from .checks import CHECKS, Check, run_checks
from .exchange import Context, Exchange
from . import skips
from .plan import Planner
from .stateful import follow_links, page_meta, run_pagination, run_round_trips
from .transport import Transport, TransportError
from .verdict import UNDOCUMENTED, judge, positive_grounds

FOLLOW_LIMIT = 200  # generated successes per operation whose links are followed
ECHO_MEMORY = 20_000  # (name, value) pairs remembered from request bodies, to recognise echoes
_ABSENT = object()


def _canonical(value: Any) -> str:
    """A value's comparable form: keys sorted, null members dropped (a server may store null as absent)."""
    import orjson

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if v is not None}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    try:
        return orjson.dumps(strip(value), option=orjson.OPT_SORT_KEYS).decode()
    except (TypeError, RecursionError):
        return repr(value)
PHASES = ("samples", "positive", "negative", "stateful")
PHASE_OF = {"auth": "negative"}  # planned auth cases run with the negative phase



class Observer(Protocol):
    def operation_started(self, op: Operation, total: int) -> None: ...

    def case_done(self, op: Operation, exchange: Exchange) -> None: ...

    def operation_progress(self, op: Operation, cases: int) -> None: ...

    def operation_finished(self, op: Operation) -> None: ...


class _Silent:
    def operation_started(self, op: Operation, total: int) -> None:
        pass

    def case_done(self, op: Operation, exchange: Exchange) -> None:
        pass

    def operation_progress(self, op: Operation, cases: int) -> None:
        pass

    def operation_finished(self, op: Operation) -> None:
        pass


@dataclass
class RunResult:
    target: str
    specs: list[str]
    seed: int | None
    max_examples: int
    findings: list[Finding] = field(default_factory=list)
    operations: dict[str, dict[str, Any]] = field(default_factory=dict)
    applied: dict[str, set[str]] = field(default_factory=dict)  # operation -> checks that ran
    checks: list[str] = field(default_factory=list)
    cases: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    duration: float = 0.0
    interrupted: bool = False
    stopped: str | None = None  # why the run stopped early on its own: "max-time" or "max-failures"
    setup_error: str | None = None
    skipped_entries: int = 0  # HAR entries outside --base-url
    unsendable: dict[str, int] = field(default_factory=dict)  # why -> requests the HTTP client could not send
    # operation -> mode (positive/negative) -> why no case could be generated: the tool's limit, not a finding
    cannot_generate: dict[str, dict[str, str]] = field(default_factory=dict)
    # operation -> check -> why it did not run (runner/skips.py): every "skip" in the reports says why
    skip_reasons: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """2 for a set-up error; 1 when an error finding is not known to the baseline (if any); else 0."""
        if self.setup_error:
            return 2
        return 1 if any(f.severity is Severity.ERROR and f.baseline != "known" for f in self.findings) else 0

    @property
    def all_checks(self) -> list[str]:
        """The selected checks, then any other that produced a finding (transport, request_conformance…),
        so every finding that can fail a run has its column."""
        extra = sorted({f.check for f in self.findings if f.check and f.check not in self.checks})
        return [*self.checks, *extra]

    def matrix(self) -> dict[str, dict[str, str]]:
        """operation -> check -> pass | fail | warn | skip (every operation with a finding has a row)."""
        out: dict[str, dict[str, str]] = {}
        rows = list(self.operations) + sorted({f.operation for f in self.findings} - set(self.operations))
        checks = self.all_checks
        for op in rows:
            row = {}
            for check in checks:
                mine = [f for f in self.findings if f.operation == op and f.check == check]
                if check not in self.applied.get(op, set()) and not mine:
                    row[check] = "skip"
                    continue
                if any(f.severity is Severity.ERROR and f.baseline != "known" for f in mine):
                    row[check] = "fail"
                elif any(f.severity is Severity.WARNING for f in mine):
                    row[check] = "warn"
                else:
                    row[check] = "pass"
            out[op] = row
        return out

    def skipped(self, matrix: dict[str, dict[str, str]] | None = None) -> dict[str, dict[str, str]]:
        """operation -> check -> why, for every skipped cell of the matrix."""
        out: dict[str, dict[str, str]] = {}
        for op, row in (self.matrix() if matrix is None else matrix).items():
            for check, verdict in row.items():
                if verdict == "skip":
                    out.setdefault(op, {})[check] = (self.skip_reasons.get(op, {}).get(check)
                                                     or skips.fallback(self, op, check))
        return out

    def summary(self) -> dict[str, Any]:
        matrix = self.matrix()
        by_op: dict[str, dict[str, int]] = {}
        for op, meta in self.operations.items():
            by_op[op] = {"spec": meta["spec"], "cases": self.cases.get(op, 0), "error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            by_op.setdefault(f.operation, {"cases": 0, "error": 0, "warning": 0, "info": 0})[f.severity.value] += 1
        return {
            "target": self.target,
            "specs": self.specs,
            "seed": self.seed,
            "max_examples": self.max_examples,
            "duration_seconds": round(self.duration, 3),
            "cases": sum(self.cases.values()),
            "requests": self.requests,
            "interrupted": self.interrupted,
            **({"stopped": self.stopped} if self.stopped else {}),
            **({"skipped_entries": self.skipped_entries} if self.skipped_entries else {}),
            **({"not_sendable": sum(self.unsendable.values()), "not_sendable_reasons": dict(
                sorted(self.unsendable.items(), key=lambda kv: -kv[1])[:10])} if self.unsendable else {}),
            **({"cannot_generate": {op: dict(modes) for op, modes in self.cannot_generate.items()}}
               if self.cannot_generate else {}),
            "findings": len(self.findings),
            "by_severity": count_by_severity(self.findings),
            "by_operation": by_op,
            "checks": matrix,
            **({"skip_reasons": self.skipped(matrix)} if any("skip" in row.values() for row in matrix.values())
               else {}),
        }


# The circuit breaker: a target that never answered is unreachable once timeouts in a row reach
# UNREACHABLE_AFTER or UNREACHABLE_SECONDS of waiting (under 15 s whatever --timeout is). Once it
# has answered, an operation that times out HANGING_AFTER times in a row is left alone: its
# remaining cases are skipped (the timeouts stand as its finding) and the run goes on.
UNREACHABLE_AFTER = 3
UNREACHABLE_SECONDS = 10.0
HANGING_AFTER = 3
KEY_MEMORY = 20_000  # exact (operation, check, location, kind) keys kept for shrinking decisions


class _Collected:
    """Every finding of a run, folded into causes as it comes, so memory stays bounded."""

    def __init__(self) -> None:
        self.folder = Folder()
        self.keys: set[tuple[str, str, str, str]] = set()
        self._error_causes: set[Any] = set()  # distinct error causes (-x / --max-failures), not occurrences

    @property
    def errors(self) -> int:
        return len(self._error_causes)

    def append(self, f: Finding) -> None:
        self.folder.add(f)
        if f.severity is Severity.ERROR and len(self._error_causes) < KEY_MEMORY:
            self._error_causes.add(identity(f))
        if len(self.keys) < KEY_MEMORY:
            self.keys.add((f.operation, f.check or "", f.location, f.kind))

    def extend(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            self.append(f)

    def findings(self, minimal: dict[Any, Finding] | None = None) -> list[Finding]:
        self.folder.replace(minimal or {})
        return self.folder.findings()

    def __eq__(self, other: object) -> bool:
        return self.folder.findings() == other if isinstance(other, list) else NotImplemented

    def __len__(self) -> int:
        return len(self.folder)


class Runner:
    def __init__(self, contract: Contract, transport: Transport, planner: Planner, checks: list[Check], *,
                 seed: int = 0, max_examples: int = 0, observer: Observer | None = None, fuzzer: Any = None,
                 workers: int = 1, limiter: Any = None, deadline: float | None = None,
                 max_failures: int | None = None) -> None:
        self.contract = contract
        self.transport = transport
        self.planner = planner
        self.checks = checks
        self.check_names = {c.name for c in checks}
        self.seed = seed
        self.max_examples = max_examples
        self.workers = max(1, workers)
        self.observer = observer or _Silent()
        self._raw = _Collected()
        self.deadline = deadline  # time.monotonic() past which the run stops (--max-time)
        self.max_failures = max_failures  # error findings after which the run stops (-x / --max-failures)
        self._in_a_row = 0  # timeouts in a row (the circuit breaker)
        self._waited = 0.0  # seconds spent in those timeouts
        self._hanging: dict[str, int] = {}  # operation -> timeouts in a row (HANGING_AFTER: skipped)
        self._answered = 0
        self._timeouts = 0
        self._sent = 0
        self._valid: dict[str, list[tuple[int, str]]] = {}  # operation -> (status, outcome) of valid requests
        self._first_valid: dict[str, Any] = {}  # operation -> evidence of its first valid request
        self.fuzzer = fuzzer
        self.limiter = limiter  # runner/ratelimit.RateLimiter, shared with forked workers
        self._minimal: dict[tuple[str, str, str, str], Finding] = {}  # shrunk reproductions
        self._follow_budget: dict[str, int] = {}  # generated creates whose round trip is followed
        self._unsendable: dict[str, int] = {}  # reason -> requests the HTTP client could not send
        self._echoes: set[tuple[str, str]] = set()  # (name, canonical JSON value) sent in request bodies

    # -- one request -------------------------------------------------------------
    def execute(self, case: Case) -> Exchange:
        if case.meta.get("unsendable"):
            return self._not_sent(case, Request(case.operation.method.upper(), case.url(self.transport.base_url)),
                                  case.meta["unsendable"])
        try:
            request = case.request(self.transport.base_url)
        except Exception as exc:  # a body or URL the client cannot encode (NaN, bytes, ...): never sent
            where = self.transport.base_url + case.operation.path
            return self._not_sent(case, Request(case.operation.method.upper(), where),
                                  f"{where}: cannot be encoded as a request: {type(exc).__name__}: {exc}")
        request = self.planner.sign(case.operation, request, case.meta.get("auth"))
        refused = unsendable(request)
        if refused:
            return self._not_sent(case, request, refused)
        if case.phase != "generated":
            self._weigh(case, request)
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise _TimeUp("max-time")
        if self.max_failures is not None and self._raw.errors >= self.max_failures:
            raise _TimeUp("max-failures")
        if self._hanging.get(case.operation.operation_id, 0) >= HANGING_AFTER:
            return self._not_sent(case, request, f"{case.operation.operation_id} timed out {HANGING_AFTER} times "
                                                 f"in a row: its remaining cases were skipped")
        if self.limiter is not None:
            self.limiter.wait()
        self._sent += 1
        began = time.monotonic()
        try:
            response = self.transport.send(request)
        except TransportError as exc:
            if exc.kind == "unsendable":
                self._sent -= 1
                return self._not_sent(case, request, exc.message)
            if exc.kind in ("connect", "tls") and self._answered == 0:
                raise SetupFailure(exc.message) from None
            if exc.kind == "timeout":
                self._timeouts += 1
                self._breaker(case.operation.operation_id, time.monotonic() - began)
            ex = Exchange(case, request, None, None, exc.message)
            self._raw.append(Finding(operation=case.operation.operation_id, kind=Kind.TRANSPORT,
                                     severity=decide(Basis.STATED), location="", message=exc.message,
                                     spec=case.operation.spec.name, check="transport",
                                     evidence=self.contract.evidence(request, None), seed=case.seed,
                                     extra={"case": case.name, "phase": case.phase}, basis=Basis.STATED.value))
            return ex
        self._answered += 1
        self._in_a_row, self._waited = 0, 0.0
        self._hanging.pop(case.operation.operation_id, None)
        self._remember(request)
        outcome = self.contract.outcome(case.operation, response)
        return Exchange(case, request, response, outcome)

    def _breaker(self, operation: str, waited: float) -> None:
        """A target that never answered is a set-up error (with the reports of what ran); an operation
        that keeps timing out on a target that does answer is skipped from then on."""
        self._in_a_row += 1
        self._waited += waited
        self._hanging[operation] = self._hanging.get(operation, 0) + 1
        if self._answered == 0 and (self._in_a_row >= UNREACHABLE_AFTER or self._waited >= UNREACHABLE_SECONDS):
            raise SetupFailure(f"{self.transport.description}: unreachable: {self._in_a_row} request(s) in a row "
                                f"got no answer within --timeout ({self._waited:.1f} s in all); is the server up, "
                                f"and is --timeout long enough?")

    def _not_sent(self, case: Case, request: Any, reason: str) -> Exchange:
        """A request the client cannot send is the tool's own problem: counted, never a finding."""
        key = reason.split(": ", 1)[-1][:160]
        self._unsendable[key] = self._unsendable.get(key, 0) + 1
        case.meta = {**case.meta, "unsendable": reason}
        return Exchange(case, request, None, None, reason)

    def _weigh(self, case: Case, request: Any) -> None:
        """What a planned case's expectation rests on, judged on its wire form (see verdict.py)."""
        if case.expect == REJECT:
            verdict = judge(self.contract, case.operation, request)
            missing = verdict.unauthenticated
            if missing is not None and not case.location.startswith(missing.location):
                # no credentials configured for it: a refusal is all this request can show
                case.expect, case.reason = REFUSE, f"{case.reason}, and {missing.message}"
            elif verdict.invalid:
                case.weigh(verdict.grounds, verdict.leniency)
        elif case.expect == ACCEPT:
            verdict = judge(self.contract, case.operation, request)
            if verdict.invalid and verdict.unauthenticated is None:
                # the plan meant it as valid, but the spec says otherwise: never blame the server for it
                first = verdict.first
                case.expect, case.location = REJECT, first.location
                case.reason = f"{first.message} (planned as {case.name})"
                case.weigh(verdict.grounds, verdict.leniency)
            elif case.location:
                case.weigh(positive_grounds(case.operation, case.location))

    # -- echoes -------------------------------------------------------------------
    def _remember(self, request: Any) -> None:
        """Every (name, value) the checker put in a JSON body, so an echo of it is recognised."""
        if not request.body or len(self._echoes) >= ECHO_MEMORY:
            return
        try:
            body = loads(request.body)
        except ValueError:
            return
        stack = [body]
        while stack and len(self._echoes) < ECHO_MEMORY:
            node = stack.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    self._echoes.add((str(key), _canonical(value)))
                    stack.append(value)
            elif isinstance(node, list):
                stack.extend(node)

    def _echoed(self, found: list[Finding], ex: Exchange) -> list[Finding]:
        """An undocumented response field holding what the checker itself sent is an echo (docs silent)."""
        if not self._echoes or ex.response is None:
            return found
        out = []
        for f in found:
            if f.kind == Kind.UNDOCUMENTED_FIELD and f.location.startswith("/body/"):
                try:
                    value = jp.resolve(ex.response.json(), f.location[len("/body"):], _ABSENT)
                except ValueError:
                    value = _ABSENT
                name = jp.unescape(f.location.rpartition("/")[2])
                if value is not _ABSENT and (name, _canonical(value)) in self._echoes:
                    f = reweigh(f, Grounds(Basis.SILENT, "an echo of what the checker itself sent"),
                                strict=self.contract.strict)
            out.append(f)
        return out

    def _applied(self, result: RunResult, op: Operation, case: Case) -> None:
        names = result.applied.setdefault(op.operation_id, set())
        names.update({"status_code_conformance", "content_type_conformance", "response_headers_conformance",
                      "response_schema_conformance", "not_a_server_error", "throttling"})
        if case.expect == REJECT:
            names.add("negative_data_rejection")
        elif case.expect == ACCEPT:
            names.add("positive_data_acceptance")
        elif case.expect == REFUSE:
            names.add("ignored_auth")

    def _findings(self, result: RunResult, ex: Exchange) -> list[Finding]:
        if ex.response is None:
            return []
        self._applied(result, ex.case.operation, ex.case)
        found = self._echoed(run_checks(self.checks, Context(self.contract, ex)), ex)
        if "pagination" in self.check_names and ex.case.phase != "stateful" and ex.case.expect == ACCEPT \
                and ex.outcome is not None and ex.outcome.kind == "success":
            meta = page_meta(ex.case.operation, ex.case)
            if meta is not None:
                ex.case.meta = {**ex.case.meta, **meta}
                found.extend(CHECKS["pagination"].run(Context(self.contract, ex, [ex])))
        return found

    def _check(self, result: RunResult, ex: Exchange) -> None:
        self._raw.extend(self._findings(result, ex))

    def probe(self, result: RunResult, op: Operation, case: Case, record: bool) -> tuple[Exchange, list[Finding]]:
        """Send one generated case; ``record=False`` while hypothesis shrinks (no double counting)."""
        ex = self.execute(case)
        found = self._findings(result, ex)
        if record:
            self._raw.extend(found)
            self._count(result, op, case, ex)
            # A create accepted with undocumented fields is followed too: what comes back shows whether
            # the server kept them (an echo is info, see _echoed).
            followed = case.expect == ACCEPT or case.leniency == UNDOCUMENTED
            if followed and ex.outcome is not None and ex.outcome.kind == "success":
                self._follow(result, op, ex)
        return ex, found

    def _follow(self, result: RunResult, op: Operation, ex: Exchange) -> None:
        """Follow the links of a successful generated call, as a stateful test would.

        A create is round-tripped through its links (what was stored comes
        back, a delete makes it go away); a page is followed to the next one
        (the marker moves down, no record repeats). Each costs a request or
        a few and no generation. Only a create (POST) or a read is followed:
        a generated write to an id it did not create may race with the other
        workers' writes to that id; the stateful phase, which runs alone,
        follows those.
        """
        if op.method not in ("post", "get"):
            return
        if self._follow_budget.get(op.operation_id, FOLLOW_LIMIT) <= 0:
            return
        self._follow_budget[op.operation_id] = self._follow_budget.get(op.operation_id, FOLLOW_LIMIT) - 1
        first_meta = page_meta(op, ex.case)
        if first_meta is not None:
            ex.case.meta = {**ex.case.meta, **first_meta}
        for chain in follow_links(self.contract, self.planner, ex, lambda c: self._run_case(result, op, c),
                                  only_round_trips=False):
            second = chain[-1]
            name = second.case.meta.get("check", "pagination")
            if name not in self.check_names:
                continue
            for step in chain[1:]:  # a delete's follow-up read checks the delete as well
                result.applied.setdefault(step.case.operation.operation_id, set()).add(name)
            self._raw.extend(CHECKS[name].run(Context(self.contract, second, chain)))

    def _count(self, result: RunResult, op: Operation, case: Case, ex: Exchange) -> None:
        if case.meta.get("unsendable"):
            return  # never sent: counted apart, as not sendable
        target = case.operation.operation_id
        result.cases[target] = result.cases.get(target, 0) + 1
        if case.expect == ACCEPT and ex.response is not None and ex.outcome is not None:
            self._valid.setdefault(target, []).append((ex.response.status, ex.outcome.kind))
            if target not in self._first_valid:
                self._first_valid[target] = self.contract.evidence(ex.request, ex.response)
        self.observer.case_done(op, ex)

    def _run_case(self, result: RunResult, op: Operation, case: Case) -> Exchange:
        ex = self.execute(case)
        self._check(result, ex)
        self._count(result, op, case, ex)
        return ex

    # -- a whole run ---------------------------------------------------------------
    def run(self, operations: Iterable[Operation], phases: Iterable[str] = PHASES) -> RunResult:
        """Planned cases, then generated ones (in parallel workers), then stateful walks.

        ``phases`` narrows the run (the pytest plugin runs one item per
        operation and phase): samples, positive, negative (with auth), stateful.
        """
        wanted = set(phases)
        unknown = wanted - set(PHASES)
        if unknown:
            raise ValueError(f"unknown phase(s) {sorted(unknown)}; expected some of {list(PHASES)}")
        ops = list(operations)
        result = RunResult(self.transport.description, sorted({op.spec.name for op in ops}), self.seed,
                           self.max_examples, checks=[c.name for c in self.checks])
        for op in ops:
            result.operations[op.operation_id] = {"spec": op.spec.name, "method": op.method.upper(),
                                                  "path": op.path, "summary": op.summary}
        started = time.perf_counter()
        modes = [negative for negative, phase in ((False, "positive"), (True, "negative")) if phase in wanted]
        pending = None
        try:
            generate = self.fuzzer is not None and bool(modes)
            for op in ops:
                cases = [c for c in self.planner.plan(op) if PHASE_OF.get(c.phase, c.phase) in wanted]
                self.observer.operation_started(op, len(cases))
                for case in cases:
                    self._run_case(result, op, case)
                    if generate and pending is None and self._answered:
                        # the target answers: workers explore while the remaining planned cases run
                        pending = self._start_generation(ops, modes)
                        generate = pending is not None
            if self.fuzzer is not None and modes:
                self._finish_generation(result, ops, modes, pending)
            if "stateful" in wanted and self.check_names & {"stateful_round_trip", "pagination"}:
                for op in ops:
                    self._stateful(result, op)
            for op in ops:
                self.observer.operation_finished(op)
                if "positive" in wanted:  # the phase with the plain mandatory-only call
                    self._operation_findings(op, self._valid.get(op.operation_id, []))
        except SetupFailure as exc:
            result.setup_error = str(exc)
        except _TimeUp as stop:
            result.stopped = stop.reason
        except KeyboardInterrupt:
            result.interrupted = True
        finally:
            if pending is not None:
                pending.stop()
        result.duration = time.perf_counter() - started
        result.requests = self._sent
        if result.setup_error is None and self._sent and self._answered == 0 and self._timeouts == self._sent:
            result.setup_error = (f"{self.transport.description}: every request timed out "
                                  f"({self._sent} sent); is the server up, and is --timeout long enough?")
        result.unsendable = self._unsendable
        result.findings = self._raw.findings({identity(f): f for f in self._minimal.values()})
        result.skip_reasons = skips.reasons(result, ops, result.all_checks, wanted)
        return result

    # -- generated cases ---------------------------------------------------------------
    def _tasks(self, ops: list[Operation], modes: list[bool]) -> list[tuple[int, bool, int]]:
        """(operation, mode, piece) in a fixed order: the pieces of costly modes first, so that the
        pool, which hands tasks out in order, starts the long ones while cheap ones fill the gaps."""
        tasks = [(index, negative, chunk) for index in range(len(ops)) for negative in modes
                 for chunk in range(self.fuzzer.chunks(ops[index]))]
        return sorted(tasks, key=lambda t: -self.fuzzer.chunks(ops[t[0]]))

    def _start_generation(self, ops: list[Operation], modes: list[bool]) -> Any:
        """Fork the workers and start exploring (None when generation runs in this process).

        With several workers, forked processes share the CPU work of
        generation (hypothesis draws dominate); results merge back in task
        order, so a seed still gives the same report.
        """
        tasks = self._tasks(ops, modes)
        workers = min(self.workers, len(tasks))
        if workers <= 1 or not _can_fork() or threading.active_count() > 1:
            # Forking a process that runs other threads (pytest-xdist's I/O, a progress display)
            # can copy a lock another thread holds, and the child waits on it forever.
            return None
        import multiprocessing

        self.fuzzer.prepare(ops)  # import and parse once here, so forked workers inherit it
        global _FORKED
        _FORKED = (self, ops)
        # multiprocessing.Pool rather than ProcessPoolExecutor: on Ctrl-C or an error the parent
        # can terminate() workers that are still generating instead of waiting for them.
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_worker_init)
        return _Generation(pool, [pool.apply_async(_generate_task, task) for task in tasks])

    def _finish_generation(self, result: RunResult, ops: list[Operation], modes: list[bool], pool: Any) -> None:
        known = set(self._raw.keys)
        tasks = self._tasks(ops, modes)
        explored: list[tuple[Operation, bool, int, list[Any]]] = []
        if pool is None:
            for index, negative, chunk in tasks:
                op = ops[index]
                keys = self.fuzzer.explore(op, negative, lambda c, record, op=op: self.probe(result, op, c, record),
                                           chunk)
                self._cannot(result, op, negative, self.fuzzer.cannot_generate(op, negative))
                explored.append((op, negative, chunk, keys))
        else:
            global _FORKED
            try:
                for (index, negative, chunk), pending in zip(tasks, pool.results):
                    part = pending.get()
                    if part.error is not None:  # a bug in a worker, returned as text: it ends the run
                        raise GenerationWorkerError(ops[index], negative, part.error)
                    self._absorb(result, ops[index], part)
                    if part.setup is not None:
                        raise SetupFailure(part.setup)
                    if part.stopped:
                        raise _TimeUp(part.stopped)
                    if self.max_failures is not None and self._raw.errors >= self.max_failures:
                        raise _TimeUp("max-failures")
                    self._cannot(result, ops[index], negative, part.cannot)
                    explored.append((ops[index], negative, chunk, part.keys))
                pool.pool.close()
                pool.pool.join()
            finally:
                pool.stop()
                _FORKED = None
        for op, negative, chunk, keys in explored:  # shrinking replays the piece's seed here, after the planned cases
            self._minimal.update(self.fuzzer.shrink_all(
                op, negative, keys, lambda c, record, op=op: self.probe(result, op, c, record),
                known | set(self._minimal), chunk))  # a cause another piece also hit is shrunk once

    @staticmethod
    def _cannot(result: RunResult, op: Operation, negative: bool, reason: str | None) -> None:
        """Note that no case could be generated for this operation and mode (reported, never a finding)."""
        if reason is not None:
            result.cannot_generate.setdefault(op.operation_id, {})["negative" if negative else "positive"] = reason

    def _absorb(self, result: RunResult, op: Operation, part: "_Part") -> None:
        self._raw.extend(part.findings)
        self._raw.keys.update(part.keys_seen)
        for name, n in part.cases.items():
            result.cases[name] = result.cases.get(name, 0) + n
        for name, checks in part.applied.items():
            result.applied.setdefault(name, set()).update(checks)
        for name, seen in part.valid.items():
            self._valid.setdefault(name, []).extend(seen)
        for name, evidence in part.first_valid.items():
            self._first_valid.setdefault(name, evidence)
        self._sent += part.sent
        self._answered += part.answered
        self._timeouts += part.timeouts
        for why, n in part.unsendable.items():
            self._unsendable[why] = self._unsendable.get(why, 0) + n
        self.observer.operation_progress(op, sum(part.cases.values()))

    def _stateful(self, result: RunResult, op: Operation) -> None:
        checks = {c.name: c for c in self.checks if c.stateful}
        if "stateful_round_trip" in checks:
            for chain in run_round_trips(self.contract, self.planner, op, lambda c: self._run_case(result, op, c)):
                for step in chain[1:]:
                    result.applied.setdefault(step.case.operation.operation_id, set()).add("stateful_round_trip")
                ctx = Context(self.contract, chain[-1], chain)
                self._raw.extend(checks["stateful_round_trip"].run(ctx))
        if "pagination" in checks:
            chain = run_pagination(self.planner, op, lambda c: self._run_case(result, op, c))
            if chain:
                result.applied.setdefault(op.operation_id, set()).add("pagination")
                self._raw.extend(checks["pagination"].run(Context(self.contract, chain[-1], chain)))

    def _operation_findings(self, op: Operation, valid: list[tuple[int, str]]) -> None:
        """Operation-level hints: nothing valid ever succeeded, or credentials were refused throughout."""
        if not valid or "positive_data_acceptance" not in self.check_names:
            return
        if any(kind == "success" for _, kind in valid):
            return
        statuses = sorted({status for status, _ in valid})
        uncredentialed = op.requires_auth and not self.planner.has_credentials(op)
        refused = uncredentialed or all(status in (401, 403) for status, _ in valid)
        hint = ("pass credentials with --header 'Name: value'" if refused
                else "pass real ids with --param name=value, or check the server's data")
        self._raw.append(Finding(
            operation=op.operation_id, kind=Kind.REJECTED_VALID, severity=decide(Basis.IMPLIED), location="",
            basis=Basis.IMPLIED.value,
            message=(f"none of the {len(valid)} valid requests succeeded (answers: "
                     f"{', '.join(f'HTTP {s}' for s in statuses)}); the checks on success bodies did not run"),
            suggestion=hint, spec=op.spec.name, check="positive_data_acceptance",
            evidence=self._first_valid.get(op.operation_id), seed=self.seed))




class SetupFailure(Exception):
    """The target never answered: one line of set-up error, with the reports of what ran."""


class _TimeUp(Exception):
    """--max-time ran out, or --max-failures was reached: the run stops where it is and reports what ran."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "max-time" or "max-failures"


class GenerationWorkerError(RuntimeError):
    """A generation worker hit a bug; its traceback came back as text (see ``_generate_task``).

    The message is one line (the CLI prints it as an internal error); the
    worker's traceback is a note, shown with CONTRACTS_DEBUG=1.
    """

    def __init__(self, op: Operation, negative: bool, trace: str) -> None:
        last = trace.strip().splitlines()[-1] if trace.strip() else "unknown error"
        super().__init__(f"generating for {op.operation_id} ({'negative' if negative else 'positive'}): {last}")
        self.add_note(f"in the generation worker:\n{trace}")


@dataclass
class _Part:
    """What one generation task found, sent back from a worker process."""

    findings: list[Finding]
    keys: list[tuple[str, str, str, str]]
    cases: dict[str, int]
    applied: dict[str, set[str]]
    valid: dict[str, list[tuple[int, str]]]
    first_valid: dict[str, Any]
    sent: int
    answered: int
    timeouts: int
    unsendable: dict[str, int]
    cannot: str | None = None  # why no case could be generated for this operation and mode
    error: str | None = None  # a bug in the worker, as text: exceptions do not always survive pickling
    setup: str | None = None  # the target became unreachable (the circuit breaker), as text
    stopped: str | None = None  # --max-time ran out, or --max-failures was reached, while this task generated
    keys_seen: set[tuple[str, str, str, str]] = field(default_factory=set)


_FORKED: Any = None  # (runner, operations), inherited by forked workers


@dataclass
class _Generation:
    """The worker pool and its pending (operation, mode) tasks."""

    pool: Any
    results: list[Any]

    def stop(self) -> None:
        """End the workers now, finished or not (idempotent)."""
        self.pool.terminate()
        self.pool.join()


def _worker_init() -> None:
    """Workers leave Ctrl-C to the parent, which stops them and keeps what ran."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _generate_task(index: int, negative: bool, chunk: int) -> _Part:
    """Runs in a forked worker: a fresh connection, empty collectors, one piece of one (operation, mode)."""
    parent, ops = _FORKED
    runner = Runner(parent.contract, parent.transport.fresh(), parent.planner, parent.checks, seed=parent.seed,
                    max_examples=parent.max_examples, fuzzer=parent.fuzzer, limiter=parent.limiter,
                    deadline=parent.deadline, max_failures=parent.max_failures)
    runner._answered = 1  # a refused connection here is a finding; set-up problems show in the parent
    op = ops[index]
    result = RunResult(runner.transport.description, [], runner.seed, runner.max_examples)
    setup, stopped, keys = None, None, []
    try:
        keys = runner.fuzzer.explore(op, negative, lambda c, record: runner.probe(result, op, c, record), chunk)
    except SetupFailure as exc:  # what ran so far comes back with it
        setup = str(exc)
    except _TimeUp as stop:
        stopped = stop.reason
    except Exception:  # sent back as text: an exception that does not unpickle would hang the parent
        import traceback

        return _Part([], [], {}, {}, {}, {}, 0, 0, 0, {}, error=traceback.format_exc(limit=-8).strip())
    finally:
        runner.transport.close()
    return _Part(runner._raw.findings(), keys, result.cases, result.applied, runner._valid, runner._first_valid,
                 runner._sent, runner._answered - 1, runner._timeouts, runner._unsendable,
                 cannot=runner.fuzzer.cannot_generate(op, negative), setup=setup, stopped=stopped,
                 keys_seen=runner._raw.keys)
