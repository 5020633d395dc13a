"""contracts: executable contracts for IoT device-platform command APIs.

Public names load on first use (PEP 562), so ``import contracts`` and the
command line stay fast; ``__all__`` lists them all.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "AuditResult": "contracts.core.audit",
    "audit": "contracts.core.audit",
    "ContractsError": "contracts.core.errors",
    "SpecError": "contracts.core.errors",
    "UsageError": "contracts.core.errors",
    "Evidence": "contracts.core.finding",
    "Finding": "contracts.core.finding",
    "Kind": "contracts.core.finding",
    "Severity": "contracts.core.finding",
    "lint": "contracts.core.lint",
    "Operation": "contracts.core.spec",
    "Spec": "contracts.core.spec",
    "load_spec": "contracts.core.spec",
    "load_specs": "contracts.core.spec",
    "Contract": "contracts.core.validator",
    "ContractViolation": "contracts.core.validator",
    "iter_findings": "contracts.core.validator",
    "validate": "contracts.core.validator",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'contracts' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .core.audit import AuditResult, audit
    from .core.errors import ContractsError, SpecError, UsageError
    from .core.finding import Evidence, Finding, Kind, Severity
    from .core.lint import lint
    from .core.spec import Operation, Spec, load_spec, load_specs
    from .core.validator import Contract, ContractViolation, iter_findings, validate
