"""A proxy in this process, in front of a test server: started and stopped by each test that asks."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator

import pytest

from contracts.core.finding import Finding
from contracts.proxy import Proxy, ProxyOptions

from ..runner.servers import ROOT, serve
from . import upstream

IOTDA = str(ROOT / "specs" / "iotda-v5.yaml")


class Running:
    def __init__(self, proxy: Proxy, url: str, seen: list[Finding], problems: list[str]) -> None:
        self.proxy, self.url, self.seen, self.problems = proxy, url, seen, problems
        self.result: Any = None

    def stop(self) -> Any:
        if self.result is None:
            self.result = self.proxy.stop()
        return self.result


@contextlib.contextmanager
def proxying(target: str, **options: Any) -> Iterator[Running]:
    seen: list[Finding] = []
    problems: list[str] = []
    proxy = Proxy(ProxyOptions(target=target, port=0, specs=[IOTDA], **options), on_finding=seen.append,
                  on_problem=problems.append)
    running = Running(proxy, proxy.start(), seen, problems)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def broken_upstream() -> Iterator[str]:
    """The IoTDA test server with one field wrong: ShowAsyncDeviceCommand's status is "DONE"."""
    with serve(upstream.app("enum")) as url:
        yield url


@pytest.fixture(scope="module")
def good_upstream() -> Iterator[str]:
    with serve(upstream.app()) as url:
        yield url


@pytest.fixture
def har(tmp_path: Path) -> Path:
    return tmp_path / "traffic.har"
