"""Test items generated from the specs: one per operation and phase.

Node ids read ``specs/iotda-v5.yaml::ShowAsyncDeviceCommand::negative``; each
item carries the markers ``contracts`` and ``contracts_<phase>``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from ..core.errors import ContractsError
from ..core.finding import Finding, Severity
from ..core.spec import Operation
from .engine import known, marked, session
from .outcome import describe
from .reports import attach

PHASES = ("samples", "positive", "negative", "stateful")


class ContractsFailure(Exception):
    """Error-level findings of one item."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} contract finding(s)")
        self.findings = findings


class SpecFile(pytest.File):
    """A spec file as a pytest collector."""

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        s = session(self.config)
        spec = next(x for x in s.specs if x.path.resolve() == Path(self.path).resolve())
        for op in spec.operations:
            yield OperationNode.from_parent(self, name=op.operation_id, operation=op)


class OperationNode(pytest.Collector):
    def __init__(self, *, operation: Operation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.operation = operation

    def collect(self) -> Iterator[pytest.Item]:
        for phase in PHASES:
            if phase == "stateful" and not _has_stateful(self.operation):
                continue
            yield PhaseItem.from_parent(self, name=phase, operation=self.operation, phase=phase)


def _has_stateful(op: Operation) -> bool:
    links = any("x-round-trip" in link for r in op.responses.values() for link in r.links.values())
    return links or "x-pagination" in op.extensions


class PhaseItem(pytest.Item):
    def __init__(self, *, operation: Operation, phase: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.operation = operation
        self.phase = phase
        self.add_marker(pytest.mark.contracts)
        self.add_marker(getattr(pytest.mark, f"contracts_{phase}"))

    def runtest(self) -> None:
        s = session(self.config)
        if s.unreachable:  # one verdict for the session: no item waits for a dead target again
            raise ContractsFailure([_setup_finding(self.operation, s.unreachable)])
        if s.deadline is not None and time.monotonic() > s.deadline:
            pytest.skip(f"--contracts-max-time ({s.options.max_time:g} s) ran out before this item")
        result = s.runner().run([self.operation], phases=[self.phase])
        scrub = s.contract.redactor.finding  # the boundary: nothing below sees a secret
        result.findings = marked(self.config, [scrub(f) for f in result.findings])
        if result.setup_error:
            result.setup_error = s.contract.redactor.scrub(result.setup_error)
            s.unreachable = result.setup_error
        attach(self, result)
        if result.setup_error:
            raise ContractsFailure([_setup_finding(self.operation, result.setup_error)])
        errors = [f for f in result.findings if f.severity is Severity.ERROR and f.baseline != "known"]
        if errors:
            raise ContractsFailure(errors)
        if result.stopped == "max-time":
            pytest.skip(f"--contracts-max-time ({s.options.max_time:g} s) ran out during this item; what ran is "
                        "reported")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ContractsFailure):
            return describe(excinfo.value.findings)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return Path(self.path), None, f"{self.operation.operation_id} [{self.phase}]"


def _setup_finding(operation: Operation, message: str) -> Finding:
    return Finding(operation=operation.operation_id, kind="setup-error", severity=Severity.ERROR, location="",
                   message=message, check="setup")


def collect(parent: pytest.Session) -> list[pytest.Item]:
    """Every item of every selected spec (used by pytest_collection_modifyitems)."""
    try:
        specs = session(parent.config).specs
        known(parent.config)  # a broken --contracts-baseline is a usage error now, not in every item
    except ContractsError as exc:
        raise pytest.UsageError(f"contracts: {exc}") from None
    items: list[pytest.Item] = []
    for spec in specs:
        node = SpecFile.from_parent(parent, path=spec.path.resolve())
        mine: list[pytest.Item] = []
        for op_node in node.collect():
            assert isinstance(op_node, OperationNode)
            mine.extend(op_node.collect())
        # a collect report, so the terminal's "collected N items" and friends count these items
        parent.config.hook.pytest_collectreport(
            report=pytest.CollectReport(node.nodeid, "passed", None, list(mine)))
        items.extend(mine)
    if hasattr(parent.config, "workerinput"):
        items = heaviest_first(items)
    return items


# Generation dominates an item's time: the generating phases come first, negatives before positives, each
# by the size of the input schema; samples and stateful send a handful of requests.
_GENERATING = ("negative", "positive")


def heaviest_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """The items in the order xdist should hand them out: heaviest first, so no worker is left
    finishing a long item alone at the end (longest-processing-time-first scheduling).

    Every worker computes the same order from the same specs, as xdist requires.
    """
    def weight(item: pytest.Item) -> tuple[int, bool, int]:
        if not isinstance(item, PhaseItem) or item.phase not in _GENERATING:
            return (0, False, 0)
        # negatives first: making values invalid, then dropping those still valid on the wire, makes them
        # the heavier item of most operations (on the shipped specs: 4 of 5 at 50 examples, 5 of 5 at 200)
        return (1, item.phase == "negative", input_size(item.operation))

    return sorted(items, key=weight, reverse=True)  # stable: ties keep the collection order


def input_size(op: Operation, limit: int = 5000) -> int:
    """Schema nodes in an operation's parameters and request body, $refs followed (each once)."""
    seen: set[str] = set()
    count = 0
    stack: list[Any] = [p.schema for p in op.parameters]
    if op.request_body is not None:
        stack += [m.schema for m in op.request_body.content.values()]
    while stack and count < limit:
        node = stack.pop()
        count += 1
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                if ref not in seen:
                    seen.add(ref)
                    try:
                        stack.append(op.spec.resolver.lookup(ref))
                    except LookupError:
                        pass
                continue
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count
