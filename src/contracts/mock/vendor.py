"""What every vendor stand-in provides: authentication, rejections, failures, handlers.

The app does the generic work (routing, body reading, core validation,
faults that are not vendor business); a ``Vendor`` speaks its vendor's error
dialect and serves its operations.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Iterable, Mapping, Sequence

from ..core import pointer as jp
from ..core.classify import Violation
from ..core.spec import Operation
from .cache import BoundedCache
from .credentials import Credentials
from .faults import BodyFaults
from .replies import Call, Reply, dumps

Handler = Callable[[Call], Reply]

RENDER_CACHE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Setup:
    """Everything a vendor needs to know about this mock instance."""

    seed: int
    faults: frozenset[str]
    credentials: Credentials
    max_jobs: int
    body_faults: BodyFaults
    cache_size: int  # entries per memo; 0 turns every memo off

    def has(self, fault: str) -> bool:
        return fault in self.faults


def field_name(location: str) -> str:
    """/body/timeoutPolicy/ttlTimeoutInSeconds -> timeoutPolicy.ttlTimeoutInSeconds; /query/limit -> limit."""
    tokens = jp.split(location) if location.startswith("/") else [location]
    if tokens and tokens[0] in ("body", "query", "path", "header", "cookie"):
        tokens = tokens[1:]
    return ".".join(tokens) or "body"


def describe(problems: Sequence[Violation]) -> str:
    """One line naming every field at fault."""
    return "; ".join(f"{field_name(v.location)}: {v.message}" for v in problems)


class Vendor(ABC):
    """Base class; subclasses set ``name`` and ``operations`` and define one ``op_<snake_case_id>`` handler
    per operation."""

    name: ClassVar[str] = ""
    operations: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, setup: Setup, operations: Iterable[Operation]) -> None:
        self.setup = setup
        self.ops = {op.operation_id: op for op in operations}
        self._handlers: dict[str, Handler] = {op_id: getattr(self, _handler_name(op_id)) for op_id in self.ops}
        self._rendered: BoundedCache[Any, bytes] = BoundedCache(setup.cache_size, RENDER_CACHE_BYTES, second_sight=True)

    # -- hooks ------------------------------------------------------------------
    def authenticate(self, call: Call, missing: Sequence[Violation]) -> Reply | None:
        """The vendor's answer to missing or wrong credentials; None when they are fine."""
        return None

    @abstractmethod
    def reject(self, call: Call | None, problems: Sequence[Violation]) -> Reply:
        """The vendor's answer to invalid input, in its own error dialect."""

    def internal_error(self) -> Reply:
        return Reply.json(500, {"error": "internal_error", "message": "the mock failed to answer"})

    def unroutable(self, method: str, path: str, query: Mapping[str, list[str]],
                   candidates: Sequence[Operation]) -> Reply:
        """A known path under a method (or action) no operation documents."""
        allowed = sorted({op.method.upper() for op in candidates})
        return Reply(405, dumps({"error": "method_not_allowed",
                                 "message": f"{method} {path} is not documented; documented: {', '.join(allowed)}"}),
                     headers=(("allow", ", ".join(allowed)),), cacheable=True)

    def handle(self, call: Call) -> Reply:
        return self._handlers[call.op.operation_id](call)

    # -- helpers ----------------------------------------------------------------
    def success(self, op: Operation, body: Any, status: int = 200) -> Reply:
        """A success body with the active body faults applied."""
        return Reply(status, dumps(self.setup.body_faults.apply(op, body)))

    def cached_success(self, op: Operation, key: Any, build: Callable[[], Any],
                       render: Callable[[], bytes] | None = None) -> Reply:
        """A success body that never changes for ``key``, serialised once (read-only data).

        ``render``, when given, makes the very bytes ``dumps(build())`` would, faster; it serves
        whenever no body fault is active (a fault rewrites the built object)."""
        body = self._rendered.get(key)
        if body is None:
            faults = self.setup.body_faults
            body = render() if render is not None and not faults else dumps(faults.apply(op, build()))
            self._rendered.put(key, body, len(body))
        return Reply(200, body, cacheable=True)


def _handler_name(operation_id: str) -> str:
    out: list[str] = []
    for ch in operation_id:
        if ch.isupper() and out:
            out.append("_")
        out.append(ch.lower())
    return "op_" + "".join(out)


def docs_sample(op: Operation) -> Any:
    """The docs' own success sample of an operation (the example named ``docs``), or None."""
    for status in sorted(op.responses):
        response = op.responses[status]
        if not response.is_success:
            continue
        for media in response.content.values():
            for example in media.examples:
                if example.name == "docs" and example.external is None:
                    return example.value
    return None
