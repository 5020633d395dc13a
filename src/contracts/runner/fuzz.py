"""Generated cases: schemathesis strategies, driven by hypothesis, checked by our checks.

Schemathesis (public API: ``schemathesis.openapi.from_dict``,
``APIOperation.as_strategy``) generates positive and negative cases from the
same spec files. Before a case is sent, the core validates the request as it
will travel on the wire; a "negative" case that is valid on the wire (the
classic source of false positives) is sent as a positive one, and the other
way round. Failures are then shrunk by hypothesis to a minimal request.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import unquote

from ..core.finding import Finding, Severity
from ..core.http import unsendable
from ..core.severity import Basis, Grounds
from ..core.spec import Operation, Spec
from ..core.validator import Contract
from .cases import ACCEPT, NO_BODY, REFUSE, REJECT, Case
from .exchange import Exchange
from .plan import Planner
from .verdict import UNDOCUMENTED, documented_body, judge

Probe = Callable[[Case, bool], tuple[Exchange, list[Finding]]]
Key = tuple[str, str, str, str]
MAX_SHRINKS_PER_OPERATION = 8
_UNROUTABLE = re.compile(r"[\x00-\x20\x7f/\\?#%]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SHRINK_PROBES = 300  # requests spent shrinking one failure (deterministic, unlike a time limit)


def key_of(f: Finding) -> Key:
    return (f.operation, f.check or "", f.location, f.kind)


class _Hit(Exception):
    """Raised inside a hypothesis test so that it shrinks the case that produced ``key``."""

    def __init__(self, exchange: Exchange, findings: list[Finding]) -> None:
        super().__init__("contract finding")
        self.exchange = exchange
        self.findings = findings


@dataclass
class Fuzzer:
    contract: Contract
    planner: Planner
    max_examples: int
    seed: int
    shrink: bool = True
    undocumented_fields: bool = False  # also send generated bodies with undocumented properties (as negatives)
    _schemas: dict[str, Any] = field(default_factory=dict)
    _operations: dict[str, Any] = field(default_factory=dict)
    _strategies: dict[tuple[str, bool], Any] = field(default_factory=dict)

    def _schema(self, spec: Spec) -> Any:
        if spec.name not in self._schemas:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                import schemathesis

                self._schemas[spec.name] = schemathesis.openapi.from_dict(spec.data)
        return self._schemas[spec.name]

    @property
    def per_mode(self) -> int:
        """The budget is per operation, like schemathesis' -n: half positive, half negative."""
        return max(1, (self.max_examples + 1) // 2)

    def prepare(self, ops: list[Operation]) -> None:
        """Load schemathesis' view of every operation and warm its strategies now.

        Workers forked afterwards inherit the parsed schema, the built
        strategies and hypothesis' caches instead of each paying for them.
        """
        from hypothesis import given

        for op in ops:
            generated_op = self._operation(op)
            if generated_op is None:
                continue
            for negative in (False, True):
                strategy = self._strategy(op, generated_op, negative)

                @self._settings(1, shrink=False)
                @given(strategy)
                def warm(generated: Any) -> None:
                    self.convert(op, generated, negative)

                warm()

    def _strategy(self, op: Operation, generated_op: Any, negative: bool) -> Any:
        key = (op.operation_id, negative)
        if key not in self._strategies:
            from schemathesis import GenerationMode

            mode = GenerationMode.NEGATIVE if negative else GenerationMode.POSITIVE
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._strategies[key] = generated_op.as_strategy(generation_mode=mode)
        return self._strategies[key]

    def _operation(self, op: Operation) -> Any:
        if op.operation_id in self._operations:
            return self._operations[op.operation_id]
        found = self._find(op)
        self._operations[op.operation_id] = found
        return found

    def _find(self, op: Operation) -> Any:
        for result in self._schema(op.spec).get_all_operations():
            candidate = result.ok()
            if candidate.method.lower() == op.method and candidate.path == op.path:
                if op.discriminators:
                    # RPC-style: schemathesis knows operations by method and path; ours share one path.
                    if (candidate.definition.raw or {}).get("operationId") != op.operation_id:
                        continue
                return candidate
        return None

    # -- turning a generated case into ours --------------------------------------------
    def convert(self, op: Operation, generated: Any, negative: bool) -> Case | None:
        from schemathesis.core import NotSet

        case = self.planner._base(op, "generated", "negative" if negative else "positive")
        case.path_params = {k: unquote(str(v)) for k, v in (generated.path_parameters or {}).items()}
        if any(_UNROUTABLE.search(v) for v in case.path_params.values()):
            return None  # ids with '/', '%', '?' or control characters change the route, not the input
        case.query = {k: v for k, v in (generated.query or {}).items() if v is not None}
        configured = {k.lower() for k in case.headers}
        for name, value in (generated.headers or {}).items():
            if name.lower() not in configured:
                case.headers[name] = str(value)
        body = generated.body
        if op.request_body is not None:
            if isinstance(body, NotSet):
                case.body = NO_BODY
            else:
                media = generated.media_type or self.planner.body_media(op)
                if "json" not in media:
                    return None
                if isinstance(body, (bytes, bytearray)):  # raw bytes under a JSON media type: send them as is
                    case.body, case.raw_body, case.content_type = NO_BODY, bytes(body), media
                else:
                    case.body, case.content_type = body, media
        extra: list[str] = []
        if case.body is not NO_BODY:
            stripped, extra = documented_body(self.contract, op, case.body)
            if not self.undocumented_fields:
                # What the docs do not list is not sent unless asked for (--undocumented-fields): a
                # server that stores and echoes it is not wrong, and random names make noise, not findings.
                case.body, extra = stripped, []
        case.meta = {"generated": "negative" if negative else "positive"}
        try:
            request = self.planner.sign(op, case.request("http://wire.invalid"))  # judged as it will travel
        except (TypeError, ValueError) as exc:  # bytes or NaN in a JSON body: the client cannot send it
            case.meta["unsendable"] = f"the body cannot be encoded as JSON ({exc})"
            return case
        refused = unsendable(request)
        if refused is not None:
            case.meta["unsendable"] = refused
            return case
        from ..core.routing import match_path

        if match_path(op.path, request.path) is None:  # a generated path value that changes the route
            return None
        verdict = judge(self.contract, op, request)
        missing = verdict.unauthenticated
        if missing is not None:
            case.expect, case.name = REFUSE, f"generated without credentials: {missing.message}"
            case.location, case.reason = missing.location, missing.message
        elif verdict.invalid:
            first = verdict.first
            case.expect, case.name = REJECT, f"generated invalid: {first.message}"
            case.location, case.reason = first.location, first.message
            case.weigh(verdict.grounds, verdict.leniency)
        elif extra:
            case.expect, case.name = REJECT, f"generated with undocumented fields: {', '.join(extra[:5])}"
            case.location = extra[0].rpartition("/")[0] or "/body"
            case.reason = f"undocumented field(s) {', '.join(extra[:5])} were sent"
            case.weigh(Grounds(Basis.SILENT, "the docs do not say whether undocumented fields are refused"),
                       UNDOCUMENTED)
        else:
            case.expect, case.name = ACCEPT, "generated valid"
            # Control characters in free-text parameters are valid by the schema, but a server that
            # refuses them is arguably right: a rejection of such a case rests on what the docs imply.
            if any(isinstance(v, str) and _CONTROL.search(v) for v in case.query.values()):
                case.weigh(Grounds(Basis.IMPLIED, "the value holds control characters, which many servers refuse"))
        return case

    # -- driving hypothesis ----------------------------------------------------------------
    def _settings(self, max_examples: int, shrink: bool) -> Any:
        from hypothesis import HealthCheck, Phase, Verbosity, settings

        phases = [Phase.generate, Phase.shrink] if shrink else [Phase.generate]
        return settings(max_examples=max_examples, database=None, deadline=None, derandomize=False,
                        suppress_health_check=list(HealthCheck), phases=phases, verbosity=Verbosity.quiet,
                        report_multiple_bugs=False, print_blob=False)

    def run(self, op: Operation, probe: Probe, known: set[Key] | frozenset[Key] = frozenset()) -> dict[Key, Finding]:
        """Both modes of one operation, one after the other (see ``run_mode``)."""
        minimal: dict[Key, Finding] = {}
        for negative in (False, True):
            minimal.update(self.run_mode(op, negative, probe, known))
        return minimal

    def run_mode(self, op: Operation, negative: bool, probe: Probe,
                 known: set[Key] | frozenset[Key] = frozenset()) -> dict[Key, Finding]:
        """Explore one mode, then shrink each error only generation found (see ``shrink_all``)."""
        return self.shrink_all(op, negative, self.explore(op, negative, probe), probe, known)

    def explore(self, op: Operation, negative: bool, probe: Probe) -> list[Key]:
        """Send ``per_mode`` generated cases; returns the error keys they hit, in order."""
        if self.max_examples <= 0:
            return []
        generated_op = self._operation(op)
        if generated_op is None:
            return []
        from hypothesis import given, seed

        keys: dict[Key, None] = {}
        strategy = self._strategy(op, generated_op, negative)

        @seed(self.seed)
        @self._settings(self.per_mode, shrink=False)
        @given(strategy)
        def explore(generated: Any) -> None:
            case = self.convert(op, generated, negative)
            if case is None:
                return
            _, findings = probe(case, True)
            for f in findings:
                if f.severity is Severity.ERROR:
                    keys.setdefault(key_of(f), None)

        explore()
        return list(keys)

    def shrink_all(self, op: Operation, negative: bool, keys: list[Key], probe: Probe,
                   known: set[Key] | frozenset[Key] = frozenset()) -> dict[Key, Finding]:
        """The minimal reproduction per key. ``known`` errors were already found by the planned
        cases, whose requests are minimal by design; shrinking them again would only cost time."""
        generated_op = self._operation(op)
        minimal: dict[Key, Finding] = {}
        if not self.shrink or generated_op is None:
            return minimal
        fresh = [k for k in keys if k not in known]
        for key in fresh[:MAX_SHRINKS_PER_OPERATION]:
            found = self._shrink(op, generated_op, key, negative, probe)
            if found is not None:
                minimal[key] = found
        return minimal

    def _shrink(self, op: Operation, generated_op: Any, key: Key, negative: bool, probe: Probe) -> Finding | None:
        from hypothesis import given, seed

        strategy = self._strategy(op, generated_op, negative)
        failing: dict[tuple[Any, ...], _Hit] = {}
        probes = [0]

        @seed(self.seed)
        @self._settings(self.per_mode, shrink=True)
        @given(strategy)
        def hunt(generated: Any) -> None:
            case = self.convert(op, generated, negative)
            if case is None:
                return
            fingerprint = _fingerprint(case)
            if fingerprint in failing:  # replaying a known failure: same verdict, no request
                raise failing[fingerprint]
            if failing and probes[0] >= SHRINK_PROBES:
                return  # out of shrink budget: keep the smallest failure found so far
            probes[0] += 1
            exchange, findings = probe(case, False)
            hits = [f for f in findings if key_of(f) == key]
            if hits:
                failing[fingerprint] = _Hit(exchange, hits)
                raise failing[fingerprint]

        try:
            hunt()
        except _Hit as hit:
            return hit.findings[0].with_(extra={**hit.findings[0].extra, "shrunk": True})
        return None



def _fingerprint(case: Case) -> tuple[Any, ...]:
    if case.meta.get("unsendable"):
        return ("unsendable", case.meta["unsendable"])
    request = case.request("http://wire.invalid")
    return (request.method, request.url, request.headers, request.body)
