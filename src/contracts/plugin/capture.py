"""`@pytest.mark.contract("operationId")`: every response made during the test is validated."""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator

import pytest

from ..core.finding import Finding
from ..core.severity import Basis, decide
from .client import CHECKED
from .engine import failing
from .fixtures import contract_of
from .outcome import ContractAssertionError, carry


def _patch(target: Any, name: str, seen: list[Any], stack: contextlib.ExitStack) -> None:
    original = getattr(target, name)
    if getattr(original, "__contracts_wrapped__", False):
        return

    if name == "send" and target.__name__ == "AsyncClient":
        async def async_send(self: Any, *args: Any, **kwargs: Any) -> Any:
            response = await original(self, *args, **kwargs)
            seen.append(response)
            return response

        wrapper: Any = async_send
    else:
        def sync_send(self: Any, *args: Any, **kwargs: Any) -> Any:
            response = original(self, *args, **kwargs)
            seen.append(response)
            return response

        wrapper = sync_send
    wrapper.__contracts_wrapped__ = True
    setattr(target, name, wrapper)
    stack.callback(setattr, target, name, original)


@contextlib.contextmanager
def validate_during(item: pytest.Item, marker: pytest.Mark) -> Iterator[Callable[[], None]]:
    """Record httpx and requests responses while the test runs; the returned check validates them."""
    if not marker.args or not isinstance(marker.args[0], str):
        raise pytest.UsageError(f"{item.nodeid}: use @pytest.mark.contract('operationId')")
    operation = marker.args[0]
    contract = contract_of(item.config)
    contract.operation(operation)  # fail early on a typo, with a did-you-mean
    seen: list[Any] = []
    with contextlib.ExitStack() as stack:
        try:
            import httpx

            _patch(httpx.Client, "send", seen, stack)
            _patch(httpx.AsyncClient, "send", seen, stack)
        except ImportError:
            pass
        try:
            import requests

            _patch(requests.Session, "send", seen, stack)
        except ImportError:
            pass

        def check() -> None:
            from ..core.validator import iter_findings

            findings: list[Finding] = []
            for response in seen:
                if CHECKED in getattr(response, "extensions", {}):
                    continue  # the client fixture validated it already (and kept its findings)
                findings.extend(iter_findings(contract, response, operation=operation))
            findings = [contract.redactor.finding(f) for f in findings]  # the boundary
            if findings:
                carry(item, findings=findings)
            errors = failing(item.config, findings)
            if errors:
                raise ContractAssertionError(errors)
            if not seen:
                raise ContractAssertionError([Finding(
                    operation=operation, kind="no-traffic", severity=decide(Basis.STATED), location="",
                    message="the test is marked contract(...) but made no httpx or requests call",
                    check="contract-marker", basis=Basis.STATED.value)])

        yield check
