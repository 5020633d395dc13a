"""One request the checker sent, what came back, and what a check sees of it.

Kept apart from the check registry so that the checks and the stateful
chains can both use these records without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.finding import Finding
from ..core.http import Request, Response
from ..core.severity import Basis, Grounds
from ..core.spec import Operation
from ..core.validator import Contract, Outcome
from .cases import Case


@dataclass
class Exchange:
    """One request the checker sent and what came back."""

    case: Case
    request: Request
    response: Response | None
    outcome: Outcome | None = None
    error: str | None = None
    _core: list[Finding] | None = field(default=None, repr=False)

    def core_findings(self, contract: Contract) -> list[Finding]:
        """The validator's findings on the response, computed once for all checks."""
        if self._core is None:
            if self.response is None:
                self._core = []
            else:
                self._core = list(contract.iter_response_findings(self.request, self.response,
                                                                  self.case.operation))
        return self._core


@dataclass
class Context:
    contract: Contract
    exchange: Exchange
    chain: list[Exchange] = field(default_factory=list)  # stateful checks: every step

    @property
    def case(self) -> Case:
        return self.exchange.case

    @property
    def op(self) -> Operation:
        return self.exchange.case.operation

    def finding(self, check: str, kind: str, grounds: Grounds | Basis, location: str, message: str,
                suggestion: str | None = None, exchange: Exchange | None = None) -> Finding:
        """A finding whose severity the one rule (core/severity.py) decides from its grounds."""
        ex = exchange or self.exchange
        if isinstance(grounds, Basis):
            grounds = Grounds(grounds)
        if grounds.why and grounds.why not in message:
            message = f"{message.rstrip('.')} ({grounds.why})."
        extra = {"case": ex.case.name, "phase": ex.case.phase}
        if ex.case.leniency:
            extra["leniency"] = ex.case.leniency
        if grounds.why:
            extra["why"] = grounds.why
        return Finding(operation=ex.case.operation.operation_id, kind=kind,
                       severity=grounds.severity(strict=self.contract.strict), location=location,
                       message=message, suggestion=suggestion, spec=ex.case.operation.spec.name, check=check,
                       evidence=self.contract.evidence(ex.request, ex.response), seed=ex.case.seed,
                       extra=extra, basis=grounds.basis.value)
