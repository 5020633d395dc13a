"""Turning command-line style options into a ready runner (shared by the CLI and the pytest plugin)."""

from __future__ import annotations

import random
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Iterable, Sequence
from urllib.parse import urlsplit

from ..core.errors import UsageError
from ..core.redact import Redactor, is_secret_header, is_secret_param
from ..core.spec import Spec, default_spec_dir, iter_spec_paths, load_spec
from ..core.validator import DEFAULT_BODY_LIMIT, Contract
from .checks import Check, select
from .engine import Observer, Runner
from .plan import Planner
from .transport import AsgiTransport, HttpTransport, Limits, Tls, Transport


def parse_header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip() or " " in name.strip():
        raise UsageError(f"--header {text!r} is not 'Name: value' (e.g. --header 'X-Auth-Token: abc')")
    return name.strip(), value.strip()


def parse_param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise UsageError(f"--param {text!r} is not name=value (e.g. --param project_id=abc123)")
    return name.strip(), value


def check_base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--base-url {url!r} is not an http(s) URL such as https://iot.example.com")
    return url.rstrip("/")


@dataclass
class Options:
    specs: Sequence[str] = ()
    base_url: str | None = None
    headers: Sequence[str] = ()
    params: Sequence[str] = ()
    max_examples: int = 50
    seed: int | None = None
    timeout: float = 10.0
    strict: bool = False
    checks: Sequence[str] = ()
    exclude_checks: Sequence[str] = ()
    max_body: int = DEFAULT_BODY_LIMIT
    mock_faults: Sequence[str] = ()
    operations: Sequence[str] = ()
    workers: int = 0  # processes for generated cases; 0 = one per CPU
    undocumented_fields: bool = False  # also send generated bodies with undocumented fields (negative, info)
    auth: str | None = None  # a registered signer (core/auth.py), e.g. huawei-aksk
    auth_options: Sequence[str] = ()  # name=value options of the signer
    rate_limit: str | None = None  # e.g. 20/s or 100/60s, for the whole run (all workers together)
    max_time: float | None = None  # seconds for the whole run; it stops and reports what ran
    max_failures: int | None = None  # error findings after which the run stops (-x is 1)
    dry_run: bool = False  # list the planned cases, send nothing
    cacert: str | None = None  # a CA bundle for HTTPS targets
    insecure: bool = False  # no TLS verification (warned)
    cert: str | None = None  # a client certificate (PEM), with its key or alongside --key
    key: str | None = None
    proxy: str | None = None  # else HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment


@dataclass
class Session:
    options: Options
    specs: list[Spec]
    contract: Contract
    transport: Transport
    planner: Planner
    checks: list[Check]
    seed: int
    limiter: Any = None
    deadline: float | None = None  # set by the first runner: --max-time spans the session, not each run
    unreachable: str | None = None  # the circuit breaker's verdict, kept so later runs fail at once

    def runner(self, observer: Observer | None = None) -> Runner:
        fuzzer = None
        if self.options.max_examples > 0:
            from .fuzz import Fuzzer

            fuzzer = Fuzzer(self.contract, self.planner, self.options.max_examples, self.seed,
                            undocumented_fields=self.options.undocumented_fields)
        import os

        workers = self.options.workers or os.cpu_count() or 1
        import time

        if self.options.max_time and self.deadline is None:
            self.deadline = time.monotonic() + self.options.max_time
        deadline = self.deadline
        return Runner(self.contract, self.transport, self.planner, self.checks, seed=self.seed,
                      max_examples=self.options.max_examples, observer=observer, fuzzer=fuzzer, workers=workers,
                      limiter=self.limiter, deadline=deadline, max_failures=self.options.max_failures)

    def selected_operations(self) -> list[Any]:
        wanted = list(self.options.operations)
        if not wanted:
            return list(self.contract.operations)
        ops = []
        for name in wanted:
            ops.append(self.contract.operation(name))
        return ops

    def close(self) -> None:
        self.transport.close()


def load(specs: Sequence[str]) -> list[Spec]:
    return [load_spec(p) for p in iter_spec_paths(list(specs) or [default_spec_dir()])]


def open_session(options: Options, *, app: Any = None) -> Session:
    """Everything `contracts check` needs; raises UsageError/SpecError on bad input."""
    if options.timeout <= 0:
        raise UsageError(f"--timeout must be positive, not {options.timeout}")
    if options.max_time is not None and options.max_time <= 0:
        raise UsageError(f"--max-time must be positive, not {options.max_time}")
    if options.max_failures is not None and options.max_failures < 1:
        raise UsageError(f"--max-failures must be at least 1, not {options.max_failures}")
    if options.max_examples < 0:
        raise UsageError(f"--max-examples must be 0 or more, not {options.max_examples}")
    headers = dict(parse_header(h) for h in options.headers)
    params = dict(parse_param(p) for p in options.params)
    checks = select(options.checks, options.exclude_checks)
    specs = load(options.specs)
    if not any(spec.operations for spec in specs):  # as schemathesis does: a run that checks nothing is no pass
        hooks = " (webhooks are calls the API makes, not operations to check)" if any(
            spec.data.get("webhooks") for spec in specs) else ""
        raise UsageError(f"nothing to check: no operations under paths in {', '.join(s.name for s in specs)}{hooks}")
    _known_params(params, specs)
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(2**31)
    secrets = [v for k, v in headers.items() if is_secret_header(k)] + \
              [v for k, v in params.items() if is_secret_param(k)]
    if options.base_url and urlsplit(options.base_url).password:
        secrets.append(urlsplit(options.base_url).password or "")
    limits = Limits(timeout=options.timeout, body_limit=options.max_body)
    auth_names: set[str] = set()
    per_operation: dict[str, dict[str, str]] = {}
    auth = _signer(options) if options.auth else None
    transport: Transport
    if options.base_url:
        tls = Tls(options.cacert, options.insecure, options.cert, options.key, options.proxy)
        for name, path in (("--cacert", options.cacert), ("--cert", options.cert), ("--key", options.key)):
            if path and not Path(path).is_file():
                raise UsageError(f"{name} {path}: no such file")
        if options.proxy and urlsplit(options.proxy).scheme not in ("http", "https", "socks5"):
            raise UsageError(f"--proxy {options.proxy!r} is not a proxy URL such as http://proxy.example.com:3128")
        transport = HttpTransport(check_base_url(options.base_url), limits, tls=tls)
    else:
        transport, per_operation = _embedded_mock(specs, seed, options.mock_faults, limits, app)
        for op_id in list(per_operation):
            op = next(o for s in specs for o in s.operations if o.operation_id == op_id)
            if auth is not None and auth.applies(op):
                per_operation[op_id] = {}  # the signer authenticates these: no demo token beside it
        for creds in per_operation.values():
            secrets.extend(creds.values())
            auth_names.update(name.lower() for name in creds)
    if auth is not None:
        secrets.extend(auth.secrets)
    redactor = Redactor(secrets)
    base_path = urlsplit(options.base_url).path if options.base_url else ""
    contract = Contract(specs, strict=options.strict, base_path=base_path, body_limit=options.max_body,
                        redactor=redactor)
    auth_names |= {h.lower() for h in headers if is_secret_header(h)}
    planner = Planner(params=params, headers=headers, auth_headers=frozenset(auth_names), seed=seed,
                      per_operation=per_operation, signing=auth)
    limiter = None
    if options.rate_limit:
        from .ratelimit import RateLimiter

        limiter = RateLimiter.parse(options.rate_limit)
    return Session(options, specs, contract, transport, planner, checks, seed, limiter)


def _known_params(params: dict[str, str], specs: list[Spec]) -> None:
    """A --param must name a parameter (or an API-key credential) some operation has: a typo is an error."""
    known: set[str] = set()
    for spec in specs:
        for op in spec.operations:
            known.update(p.name for p in op.parameters)
            known.update(s.param for alternative in op.security_schemes for s in alternative if s.param)
    folded = {k.lower() for k in known}
    for name in params:
        if name.lower() not in folded:  # header names are case-insensitive; a case slip elsewhere is no typo
            from ..core.suggest import did_you_mean

            raise UsageError(f"--param {name}: no operation of the specs has a parameter of that name"
                             f"{did_you_mean(name, sorted(known))}")


def _signer(options: Options) -> Any:
    """The --auth signer with its options; against the embedded mock, its demo keys where none are set."""
    import os

    from ..core.auth import configure

    given = dict(parse_auth_option(o) for o in options.auth_options)
    environ = dict(os.environ)
    if not options.base_url and options.auth == "huawei-aksk":
        from ..mock.credentials import IOTDA_AK, IOTDA_SK

        environ.setdefault("HUAWEICLOUD_SDK_AK", IOTDA_AK)
        environ.setdefault("HUAWEICLOUD_SDK_SK", IOTDA_SK)
    return configure(options.auth or "", given, environ)


def parse_auth_option(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise UsageError(f"--auth-option {text!r} is not name=value (e.g. --auth-option project_id=abc123)")
    return name.strip(), value


def _embedded_mock(specs: list[Spec], seed: int, faults: Iterable[str], limits: Limits,
                   app: Any) -> tuple[Transport, dict[str, dict[str, str]]]:
    try:
        from .. import mock
    except ImportError:
        raise UsageError("no --base-url given and the embedded mock is not available; pass --base-url URL") from None
    if app is None:
        app = mock.create_app(specs, seed=seed, faults=tuple(faults))
    credentials = {op.operation_id: dict(mock.demo_headers(op)) for spec in specs for op in spec.operations}
    label = "embedded mock (in-process)" + (f", faults: {', '.join(faults)}" if faults else "")
    return AsgiTransport(app, label, limits), credentials

