"""Serving the mock over real sockets with uvicorn.

The socket is bound here, before uvicorn starts, so port 0 yields a free
port whose URL is known; readiness is reported after uvicorn's startup, so a
caller that reads the URL can connect at once. SIGINT and SIGTERM stop the
server gracefully and the process exits 0 (uvicorn alone would re-raise the
signal after shutting down, which kills the process with it).
"""

from __future__ import annotations

import contextlib
import gc
import signal
import socket
import threading
from typing import Any, Callable, Iterator

import uvicorn

from ..core.errors import UsageError

ReadyCallback = Callable[[str], None]
GRACEFUL_SECONDS = 5


def _available(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class _Server(uvicorn.Server):
    """uvicorn with a readiness callback and signal handling that ends in a clean exit."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._on_ready()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _stop(self, sig: int, frame: Any) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True  # a second Ctrl-C: stop waiting for open connections
        self.should_exit = True


class MockServer:
    """One ASGI app served by uvicorn on ``host:port`` (port 0: a free port).

    ``run()`` serves in the foreground until SIGINT/SIGTERM; ``start()`` serves
    from a background thread and returns the base URL once connections are
    accepted; ``stop()`` (or leaving the ``with`` block) shuts it down.
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, *, log_level: str = "warning") -> None:
        self.app = app
        self.host = host
        self.port = port
        self.log_level = log_level
        self.url: str | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        try:
            sock = socket.create_server((self.host, self.port), family=family, backlog=2048)
        except OSError as exc:
            hint = "; pass --port 0 for a free port" if self.port else ""
            raise UsageError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}{hint}") from None
        self.url = base_url(self.host, sock.getsockname()[1])
        return sock

    def _config(self) -> uvicorn.Config:
        return uvicorn.Config(
            self.app, lifespan="on", log_config=None, log_level=self.log_level, access_log=False,
            loop="uvloop" if _available("uvloop") else "asyncio",
            http="httptools" if _available("httptools") else "h11",
            server_header=False, proxy_headers=False, timeout_graceful_shutdown=GRACEFUL_SECONDS, backlog=2048)

    def run(self, on_ready: ReadyCallback | None = None) -> None:
        """Serve in this thread until SIGINT or SIGTERM; ``on_ready(url)`` once connections are accepted."""
        sock = self._bind()
        url = self.url or ""

        def ready() -> None:
            self._ready.set()
            if on_ready is not None:
                on_ready(url)

        self._server = _Server(self._config(), ready)
        if threading.current_thread() is threading.main_thread():
            # The specs and compiled schemas are a large, permanent heap; a full collection of
            # it takes milliseconds, which would show as tail latency. Park it out of the collector.
            gc.collect()
            gc.freeze()
        try:
            self._server.run(sockets=[sock])
        finally:
            sock.close()

    def start(self, timeout: float = 15.0) -> str:
        """Serve from a background thread; the base URL once it accepts connections."""
        errors: list[BaseException] = []

        def target() -> None:
            try:
                self.run()
            except BaseException as exc:  # reported to the starting thread below
                errors.append(exc)
                self._ready.set()

        self._thread = threading.Thread(target=target, name="contracts-mock", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout) or errors or self.url is None:
            self.stop()
            if errors and isinstance(errors[0], UsageError):
                raise errors[0]
            raise UsageError(f"the mock server did not start on {self.host}:{self.port}"
                             + (f": {errors[0]}" if errors else ""))
        return self.url

    def stop(self, timeout: float = 15.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> "MockServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(app: Any = None, *, host: str = "127.0.0.1", port: int = 0, on_ready: ReadyCallback | None = None,
          **options: Any) -> None:
    """Serve the mock in the foreground until SIGINT/SIGTERM, then return.

    ``app`` defaults to ``create_app(**options)``; ``on_ready`` receives the
    base URL (default: print ``contracts mock: serving on URL``).
    """
    if app is None:
        from .app import create_app

        app = create_app(**options)
    elif options:
        raise UsageError(f"serve() takes app or app options, not both: {', '.join(sorted(options))}")
    if on_ready is None:
        on_ready = _print_ready
    MockServer(app, host, port).run(on_ready)


def _print_ready(url: str) -> None:
    print(f"contracts mock: serving on {url}", flush=True)
