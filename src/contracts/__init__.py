"""contracts: executable contracts for IoT device-platform command APIs."""

from __future__ import annotations

from .core.audit import AuditResult, audit
from .core.errors import ContractsError, SpecError, UsageError
from .core.finding import Evidence, Finding, Kind, Severity
from .core.lint import lint
from .core.spec import Operation, Spec, load_spec, load_specs
from .core.validator import Contract, ContractViolation, iter_findings, validate

__version__ = "0.1.0"

__all__ = [
    "AuditResult",
    "Contract",
    "ContractViolation",
    "ContractsError",
    "Evidence",
    "Finding",
    "Kind",
    "Operation",
    "Severity",
    "Spec",
    "SpecError",
    "UsageError",
    "__version__",
    "audit",
    "iter_findings",
    "lint",
    "load_spec",
    "load_specs",
    "validate",
]
