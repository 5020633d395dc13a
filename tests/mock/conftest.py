"""Shared fixtures: the shipped specs, a strict contract and an in-process client for the mock."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import httpx
import orjson
import pytest

from contracts.core.finding import Finding
from contracts.core.http import Request, Response
from contracts.core.spec import Operation, Spec, load_specs
from contracts.core.validator import Contract
from contracts.mock import MockApp, create_app, demo_headers

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"

COMMANDS = "/connect-service/v2.5/commands"
BATCHTASKS = "/v5/iot/p1/batchtasks"
SAMPLE_DEVICE = "c1224afb-e9f0-4916-8220-b6bab568e888"
SAMPLE_COMMAND = "b1224afb-e9f0-4916-8220-b6bab568e888"
SAMPLE_COMMAND_PATH = f"/v5/iot/p1/devices/{SAMPLE_DEVICE}/async-commands/{SAMPLE_COMMAND}"
CANCEL_TASKS = "/iocm/app/cmd/v1.4.0/deviceCommandCancelTasks"


@dataclass
class Exchange:
    """One request and its answer, as the core's transport-neutral records."""

    request: Request
    response: Response

    @property
    def status(self) -> int:
        return self.response.status

    @property
    def body(self) -> bytes:
        return self.response.body or b""

    def json(self) -> Any:
        return orjson.loads(self.body)


class Client:
    """Calls an ASGI app in-process through httpx's ASGI transport: no socket."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._loop = asyncio.new_event_loop()
        self._http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock")

    def request(self, method: str, url: str, *, headers: Mapping[str, str] | None = None, json: Any = None,
                content: bytes | None = None) -> Exchange:
        async def go() -> httpx.Response:
            return await self._http.request(method, url, headers=dict(headers or {}), json=json, content=content)

        r = self._loop.run_until_complete(go())
        sent = r.request
        request = Request(method, str(sent.url), tuple(sent.headers.multi_items()), sent.content or None)
        return Exchange(request, Response(r.status_code, tuple(r.headers.multi_items()), r.content))

    def get(self, url: str, **kwargs: Any) -> Exchange:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Exchange:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self._loop.run_until_complete(self._http.aclose())
        self._loop.close()


@pytest.fixture(scope="session")
def specs() -> list[Spec]:
    return load_specs([SPECS])


@pytest.fixture(scope="session")
def ops(specs: list[Spec]) -> dict[str, Operation]:
    return {op.operation_id: op for spec in specs for op in spec.operations}


@pytest.fixture(scope="session")
def strict(specs: list[Spec]) -> Contract:
    return Contract(specs, strict=True)


@pytest.fixture(scope="session")
def iotda_headers(ops: dict[str, Operation]) -> dict[str, str]:
    return demo_headers(ops["ListBatchTasks"])


@pytest.fixture(scope="session")
def oc_headers(ops: dict[str, Operation]) -> dict[str, str]:
    return demo_headers(ops["queryDeviceCmdCancelTask"])


@pytest.fixture
def make_client(specs: list[Spec]) -> Iterator[Callable[..., Client]]:
    """A factory: ``make_client(seed=..., faults=...)`` builds an app over the shipped specs and a client."""
    made: list[Client] = []

    def make(**options: Any) -> Client:
        client = Client(create_app(specs, **options))
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., Client]) -> Client:
    return make_client()


def app_of(client: Client) -> MockApp:
    assert isinstance(client.app, MockApp)
    return client.app


def findings(contract: Contract, exchange: Exchange) -> list[Finding]:
    """Every finding the core has about a response (the request must match an operation)."""
    match = contract.match(exchange.request)
    assert match is not None, f"{exchange.request.method} {exchange.request.url} matches no operation"
    return list(contract.iter_response_findings(exchange.request, exchange.response, match.operation))


def kinds(found: list[Finding]) -> set[tuple[str, str]]:
    return {(f.kind, f.location) for f in found}
