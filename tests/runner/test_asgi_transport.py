"""The in-process transport: the mock without an event loop, any other ASGI app on one."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from contracts.core.http import Request
from contracts.runner.transport import AsgiTransport, Limits, TransportError


def _request(body: bytes | None = None) -> Request:
    return Request("POST" if body else "GET", "http://mock.invalid/echo?x=1", (("X-Name", "v"),), body)


class _Echo:
    """Answers with what it was sent; ``sleeps`` makes it await a real timer first."""

    def __init__(self, sleeps: float = 0.0, mark: bool | None = None) -> None:
        self.sleeps = sleeps
        if mark is not None:
            self.runs_without_loop = mark

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        if self.sleeps:
            await asyncio.sleep(self.sleeps)
        names = b",".join(k for k, _ in scope["headers"])
        await send({"type": "http.response.start", "status": 201, "headers": [(b"x-names", names)]})
        await send({"type": "http.response.body", "body": scope["query_string"] + b"|" + message["body"],
                    "more_body": True})
        await send({"type": "http.response.body", "body": b"|end"})


@pytest.mark.parametrize("mark", [True, None, False])
def test_both_drivers_give_the_same_answer(mark: bool | None) -> None:
    transport = AsgiTransport(_Echo(mark=mark))
    try:
        response = transport.send(_request(b'{"a":1}'))
        assert transport._direct is (mark is True)
        assert (transport._loop is None) is (mark is True)  # the marked app never needed a loop
    finally:
        transport.close()
    assert response.status == 201
    assert response.body == b'x=1|{"a":1}|end'
    assert dict(response.headers)["x-names"] == "x-name,content-length"


def test_an_unmarked_app_that_awaits_a_timer_runs_on_the_loop_under_the_deadline() -> None:
    transport = AsgiTransport(_Echo(sleeps=0.01))
    try:
        assert transport.send(_request()).status == 201
    finally:
        transport.close()
    hanging = AsgiTransport(_Echo(sleeps=60), limits=Limits(timeout=0.2))
    try:
        with pytest.raises(TransportError) as caught:
            hanging.send(_request())
    finally:
        hanging.close()
    assert caught.value.kind == "timeout"


def test_a_marked_app_that_suspends_is_a_bug_named_as_such() -> None:
    class Suspends(_Echo):
        async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
            await asyncio.sleep(0)  # yields to a loop that is not there
            await super().__call__(scope, receive, send)

    transport = AsgiTransport(Suspends(mark=True))
    with pytest.raises(RuntimeError, match="runs_without_loop"):
        transport.send(_request())


def test_the_mock_is_marked_and_a_fresh_copy_keeps_the_direct_driver() -> None:
    from pathlib import Path

    from contracts.core.spec import load_specs
    from contracts.mock import create_app

    app = create_app(load_specs([Path(__file__).resolve().parents[2] / "specs"]), seed=1)
    transport = AsgiTransport(app)
    assert transport._direct and transport.fresh()._direct
    response = transport.send(Request("GET", "http://mock.invalid/nowhere", (), None))
    assert response.status == 404
