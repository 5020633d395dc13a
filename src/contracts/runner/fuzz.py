"""Generated cases: schemathesis strategies, driven by hypothesis, checked by our checks.

Schemathesis (public API: ``schemathesis.openapi.from_dict``,
``APIOperation.as_strategy``) generates positive and negative cases from the
same spec files. Before a case is sent, the core validates the request as it
will travel on the wire; a "negative" case that is valid on the wire (the
classic source of false positives) is sent as a positive one, and the other
way round. Failures are then shrunk by hypothesis to a minimal request.

Generation itself can be impossible for an operation and mode: an
unsatisfiable schema, nothing to make invalid (no parameters, or only
strings that accept anything), a schema schemathesis cannot read. That is
the tool's own limit, never a finding and never the end of a run: the
reason is kept per (operation, mode) in ``Fuzzer.cannot`` and reported as
"cannot generate".
"""

from __future__ import annotations

import re
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import unquote

from ..core.bundle import bundle
from ..core.finding import Finding, Severity
from ..core.http import unsendable
from ..core.severity import Basis, Grounds
from ..core.spec import Operation, Spec
from ..core.validator import Contract
from . import drawing
from .cases import ACCEPT, NO_BODY, REFUSE, REJECT, Case
from .exchange import Exchange
from .plan import Planner
from .verdict import UNDOCUMENTED, documented_body, judge

Probe = Callable[[Case, bool], tuple[Exchange, list[Finding]]]
Key = tuple[str, str, str, str]
MAX_SHRINKS_PER_OPERATION = 8
CHUNK = 13  # cases per worker task for a mode drawn through schemathesis (see Fuzzer.chunks)
_UNROUTABLE = re.compile(r"[\x00-\x20\x7f/\\?#%]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SHRINK_PROBES = 300  # requests spent shrinking one failure (deterministic, unlike a time limit)
SHRINK_SECONDS = 10.0  # and the time: on deep schemas, hypothesis' own shrinking budget is 5 minutes
SHRINK_RUN_SECONDS = 60.0  # shrinking in a whole run, all operations together

__all__ = ["CannotGenerate", "Fuzzer", "Key", "Probe", "key_of"]


class CannotGenerate(Exception):
    """No case can be generated for one operation and mode; ``reason`` says why, in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def key_of(f: Finding) -> Key:
    return (f.operation, f.check or "", f.location, f.kind)


class _Enough(BaseException):
    """The shrink budget ran out: not an Exception, so neither hypothesis nor _drive takes it for a failure."""


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
    _shrinking: float = 0.0  # seconds spent shrinking so far (SHRINK_RUN_SECONDS)
    _schemas: dict[str, Any] = field(default_factory=dict)
    _operations: dict[str, Any] = field(default_factory=dict)
    _strategies: dict[tuple[str, bool], Any] = field(default_factory=dict)
    # (operation id, negative) -> why no case could be generated (see CannotGenerate)
    cannot: dict[tuple[str, bool], str] = field(default_factory=dict)

    def cannot_generate(self, op: Operation, negative: bool) -> str | None:
        """Why generation was impossible for this operation and mode, if it was."""
        return self.cannot.get((op.operation_id, negative))

    def _schema(self, spec: Spec) -> Any:
        if spec.name not in self._schemas:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                import schemathesis

                try:
                    # external $refs inlined: schemathesis gets one document and never reads other files
                    self._schemas[spec.name] = schemathesis.openapi.from_dict(bundle(spec))
                except Exception as exc:  # schemathesis refuses the document: no operation of it is generated
                    self._schemas[spec.name] = CannotGenerate(f"schemathesis cannot read the spec: {_first_line(exc)}")
        found = self._schemas[spec.name]
        if isinstance(found, CannotGenerate):
            raise found
        return found

    @property
    def per_mode(self) -> int:
        """The budget is per operation, like schemathesis' -n: half positive, half negative."""
        return max(1, (self.max_examples + 1) // 2)

    def chunks(self, op: Operation) -> int:
        """How many pieces one mode of ``op`` is explored in, each its own task for the workers.

        Drawing through schemathesis costs 25-60 ms a case on a nested body, so
        one such mode can take longer than everything else together and
        leave the other workers idle; its budget is cut into pieces of about
        ``CHUNK`` cases, each seeded apart. Cheap drawn modes stay whole. The
        count depends on the operation and the budget only, never on the
        number of workers, so a seed gives the same cases with ``-w 1`` and ``-w 2``.
        """
        if self._drawn(op):
            return 1
        return max(1, -(-self.per_mode // CHUNK))

    def budget(self, op: Operation, chunk: int) -> int:
        """The examples of piece ``chunk`` of one mode: ``per_mode`` split as evenly as it goes."""
        parts = self.chunks(op)
        share, rest = divmod(self.per_mode, parts)
        return share + (1 if chunk < rest else 0)

    def _seed(self, chunk: int) -> int:
        return self.seed if chunk == 0 else (self.seed * 1_000_003 + chunk) % 2**32

    def prepare(self, ops: list[Operation]) -> None:
        """Load schemathesis' view of every operation and warm its strategies now.

        Workers forked afterwards inherit the parsed schema, the built
        strategies and hypothesis' caches instead of each paying for them.
        """
        for op in ops:
            for negative in (False, True):
                try:
                    self._drive(op, negative, lambda generated, op=op, negative=negative:
                                self.convert(op, generated, negative), examples=1, shrink=False, seeded=False)
                except CannotGenerate:
                    pass  # explore meets it again under the run's seed and records it, in order

    def _drawn(self, op: Operation) -> bool:
        """Whether ``op`` takes the drawing lane. Bodies with undocumented members, asked for with
        --undocumented-fields, are schemathesis' to draw: the lane sends documented members only."""
        return drawing.simple(op) and not (self.undocumented_fields and op.request_body is not None)

    def _strategy(self, op: Operation, negative: bool) -> Any:
        """Built once per operation and mode: drawn directly for simple requests, else by schemathesis."""
        key = (op.operation_id, negative)
        if key not in self._strategies:
            if self._drawn(op):
                found = drawing.strategy(op, negative)
                if found is None:
                    found = CannotGenerate(_nothing_to_break(op))
                self._strategies[key] = found
            else:
                from schemathesis import GenerationMode

                generated_op = self._operation(op)
                mode = GenerationMode.NEGATIVE if negative else GenerationMode.POSITIVE
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self._strategies[key] = generated_op.as_strategy(generation_mode=mode)
        found = self._strategies[key]
        if isinstance(found, CannotGenerate):
            raise found
        return found

    def _operation(self, op: Operation) -> Any:
        """Schemathesis' view of ``op``; raises CannotGenerate when it has none."""
        if op.operation_id not in self._operations:
            try:
                self._operations[op.operation_id] = self._find(op)
            except CannotGenerate as exc:
                self._operations[op.operation_id] = exc
        found = self._operations[op.operation_id]
        if isinstance(found, CannotGenerate):
            raise found
        return found

    def _find(self, op: Operation) -> Any:
        from schemathesis.core.result import Err

        for result in self._schema(op.spec).get_all_operations():
            if isinstance(result, Err):  # schemathesis could not read an operation (or a whole path item)
                error = result.err()
                method, path = getattr(error, "method", None), getattr(error, "path", None)
                if path == op.path and method in (None, op.method, op.method.upper()):
                    message = getattr(error, "message", None) or str(error)
                    raise CannotGenerate(f"schemathesis cannot read the operation: {_first_line(message)}")
                continue
            candidate = result.ok()
            if candidate.method.lower() == op.method and candidate.path == op.path:
                if op.discriminators:
                    # RPC-style: schemathesis knows operations by method and path; ours share one path.
                    if (candidate.definition.raw or {}).get("operationId") != op.operation_id:
                        continue
                return candidate
        raise CannotGenerate(f"schemathesis does not list {op.method.upper()} {op.path}")

    # -- turning a generated case into ours --------------------------------------------
    def convert(self, op: Operation, generated: Any, negative: bool) -> Case | None:
        case = self.planner._base(op, "generated", "negative" if negative else "positive")
        case.path_params = {k: unquote(str(_plain(v))) for k, v in (generated.path_parameters or {}).items()}
        if any(_UNROUTABLE.search(v) or v in (".", "..") for v in case.path_params.values()):
            return None  # ids with '/', '%', '?', control characters or dot segments change the route, not the input
        case.query = {k: _plain(v) for k, v in (generated.query or {}).items() if v is not None}
        self.planner._credentials(op, case)  # query and cookie API keys given with --param travel too
        configured = {k.lower() for k in case.headers}
        for name, value in (generated.headers or {}).items():
            if name.lower() not in configured:
                case.headers[name] = str(_plain(value))
        body = generated.body
        if _is_binary(body):  # a whole `format: binary` body: the bytes themselves
            body = body.data
        if op.request_body is not None:
            if body is NO_BODY or type(body).__name__ == "NotSet":  # left out, by the drawing lane or schemathesis
                case.body = NO_BODY
            else:
                media = generated.media_type or self.planner.body_media(op)
                if "json" not in media:
                    return None
                if isinstance(body, (bytes, bytearray)):  # raw bytes under a JSON media type: send them as is
                    case.body, case.raw_body, case.content_type = NO_BODY, bytes(body), media
                else:
                    case.body, case.content_type = _plain(body), media
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
        if self.contract.path_params(op, request) is None:  # a generated path value that changes the route
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
        minimal: dict[Key, Finding] = {}
        for chunk in range(self.chunks(op)):
            keys = self.explore(op, negative, probe, chunk)
            minimal.update(self.shrink_all(op, negative, keys, probe, known, chunk))
        return minimal

    def explore(self, op: Operation, negative: bool, probe: Probe, chunk: int = 0) -> list[Key]:
        """Send piece ``chunk`` of the mode's generated cases; returns the error keys they hit, in order."""
        if self.max_examples <= 0:
            return []
        keys: dict[Key, None] = {}

        def explore(generated: Any) -> None:
            case = self.convert(op, generated, negative)
            if case is None:
                return
            _, findings = probe(case, True)
            for f in findings:
                if f.severity is Severity.ERROR:
                    keys.setdefault(key_of(f), None)

        try:
            self._drive(op, negative, explore, examples=self.budget(op, chunk), shrink=False, chunk=chunk)
        except CannotGenerate as exc:  # what was sent before it counts; the mode ends here
            self.cannot[(op.operation_id, negative)] = exc.reason
        return list(keys)

    def _drive(self, op: Operation, negative: bool, body: Callable[[Any], None], *, examples: int, shrink: bool,
               seeded: bool = True, chunk: int = 0) -> None:
        """Run ``body`` on up to ``examples`` generated cases of one operation and mode.

        What ``body`` raises is ours (a finding being shrunk, a set-up
        failure, a bug) and propagates unchanged. Anything hypothesis or
        schemathesis raise besides (Unsatisfiable, FailedHealthCheck,
        InvalidArgument, schemathesis' schema errors, RecursionError on a
        recursive schema) means generation is impossible here: CannotGenerate.
        """
        from hypothesis import given, seed

        raised: list[BaseException] = []

        def test(generated: Any) -> None:
            try:
                body(generated)
            except BaseException as exc:
                raised.append(exc)
                raise

        try:
            strategy = self._strategy(op, negative)
            run = self._settings(examples, shrink)(given(strategy)(test))
            (seed(self._seed(chunk))(run) if seeded else run)()
        except CannotGenerate:
            raise
        except RecursionError as exc:  # deep recursive schemas, wherever the recursion ran out
            raise CannotGenerate(_reason(exc, op, negative)) from None
        except Exception as exc:
            if raised:
                if any(exc is mine for mine in raised):
                    raise
                raise raised[-1] from exc  # hypothesis wrapped ours (a flaky replay): ours is what happened
            raise CannotGenerate(_reason(exc, op, negative)) from None

    def shrink_all(self, op: Operation, negative: bool, keys: list[Key], probe: Probe,
                   known: set[Key] | frozenset[Key] = frozenset(), chunk: int = 0) -> dict[Key, Finding]:
        """The minimal reproduction per key. ``known`` errors were already found by the planned
        cases, whose requests are minimal by design; shrinking them again would only cost time."""
        minimal: dict[Key, Finding] = {}
        if not self.shrink:
            return minimal
        fresh = [k for k in keys if k not in known]
        for key in fresh[:MAX_SHRINKS_PER_OPERATION]:
            if self._shrinking >= SHRINK_RUN_SECONDS:
                break  # the run's shrink budget is spent: the findings stand, unshrunk
            began = time.monotonic()
            found = self._shrink(op, key, negative, probe, chunk)
            self._shrinking += time.monotonic() - began
            if found is not None:
                minimal[key] = found
        return minimal

    def _shrink(self, op: Operation, key: Key, negative: bool, probe: Probe, chunk: int = 0) -> Finding | None:
        failing: dict[tuple[Any, ...], _Hit] = {}
        probes = [0]
        began = time.monotonic()

        def hunt(generated: Any) -> None:
            if failing and time.monotonic() - began > SHRINK_SECONDS:
                raise _Enough()  # hypothesis would go on for minutes on deep schemas: keep the smallest so far
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
            self._drive(op, negative, hunt, examples=self.budget(op, chunk), shrink=True, chunk=chunk)
        except _Enough:
            hit = list(failing.values())[-1]  # the last failure hypothesis reached is the smallest
            return hit.findings[0].with_(extra={**hit.findings[0].extra, "shrunk": True})
        except _Hit as hit:
            return hit.findings[0].with_(extra={**hit.findings[0].extra, "shrunk": True})
        except CannotGenerate:
            return None  # the unshrunk finding stands
        return None



def _fingerprint(case: Case) -> tuple[Any, ...]:
    if case.meta.get("unsendable"):
        return ("unsendable", case.meta["unsendable"])
    request = case.request("http://wire.invalid")
    return (request.method, request.url, request.headers, request.body)


def _is_binary(value: Any) -> bool:
    """schemathesis' ``Binary``: bytes standing in for a ``format: binary`` string (a str subclass)."""
    return isinstance(value, str) and isinstance(getattr(value, "data", None), (bytes, bytearray))


def _plain(value: Any) -> Any:
    """A generated value as plain JSON data: nested binary strings become the text of their bytes.

    Latin-1 keeps one character per byte, so length bounds still hold; the
    validators (and the JSON encoder) only know plain strings.
    """
    if _is_binary(value):
        return bytes(value.data).decode("latin-1")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _first_line(exc: BaseException | str) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


def _reason(exc: BaseException, op: Operation, negative: bool) -> str:
    """One line saying why generation failed, in the checker's terms rather than hypothesis' advice."""
    from hypothesis.errors import FailedHealthCheck, InvalidArgument, Unsatisfiable

    if isinstance(exc, RecursionError):
        return "the schema nests too deeply (recursive references) to generate from"
    if isinstance(exc, Unsatisfiable):
        if type(exc).__name__ == "UnsatisfiableSchema":  # schemathesis names the part that admits no value
            return f"no value satisfies the schema: {_first_line(exc)}"
        if negative:
            return _nothing_to_break(op)
        return "no valid request could be generated: every candidate was filtered out (is the schema satisfiable?)"
    if isinstance(exc, FailedHealthCheck):
        return f"hypothesis health check failed: {_first_line(exc)}"
    if isinstance(exc, InvalidArgument):
        return f"hypothesis cannot build a strategy for it: {_first_line(exc)}"
    try:
        from schemathesis.core.errors import SchemathesisError
    except ImportError:  # pragma: no cover - schemathesis moved it
        SchemathesisError = ()  # type: ignore[assignment,misc]
    if isinstance(exc, SchemathesisError):
        message = getattr(exc, "message", None) or str(exc)
        return f"schemathesis cannot generate from this schema: {_first_line(message)}"
    return f"generation failed: {type(exc).__name__}: {_first_line(exc)}"


def _nothing_to_break(op: Operation) -> str:
    if not op.parameters and op.request_body is None:
        return "nothing to make invalid: the operation has no parameters and no body"
    return "nothing to make invalid: every value its parameters and body can take is valid"
