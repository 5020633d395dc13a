"""One check session per pytest session (or xdist worker), opened on first use."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from ..runner.session import Options, Session, open_session
from .options import read

_KEY = pytest.StashKey[Session]()
_SEED = pytest.StashKey[int]()
_BASELINE = pytest.StashKey[Any]()


def seed(config: pytest.Config) -> int:
    """The run's seed: given, or drawn once on the controller and handed to xdist workers."""
    if _SEED in config.stash:
        return config.stash[_SEED]
    options = read(config)
    worker = getattr(config, "workerinput", None)
    if options.seed is not None:
        value = options.seed
    elif worker is not None and "contracts_seed" in worker:
        value = int(worker["contracts_seed"])
    else:
        value = random.SystemRandom().randrange(2**31)
    config.stash[_SEED] = value
    return value


def session(config: pytest.Config) -> Session:
    if _KEY in config.stash:
        return config.stash[_KEY]
    options = read(config)
    opened = open_session(Options(
        specs=list(options.specs) or _project_specs(config),
        base_url=None if options.mock and not options.base_url else options.base_url,
        headers=list(options.headers), params=list(options.params), max_examples=options.max_examples,
        seed=seed(config), strict=options.strict, workers=1,  # xdist brings the parallelism
        auth=options.auth, auth_options=list(options.auth_options), rate_limit=_share(options.rate_limit),
        timeout=options.timeout, max_time=options.max_time))
    config.stash[_KEY] = opened
    config.add_cleanup(opened.close)
    return opened


def _project_specs(config: pytest.Config) -> list[str]:
    """The project's specs/ folder when it has one; else the specs that ship with contracts."""
    folder = Path(config.rootpath) / "specs"
    if folder.is_dir():
        return [str(folder)]
    from ..core.shipped import shipped_dir

    return [str(shipped_dir())]


def known(config: pytest.Config) -> Any:
    """The --contracts-baseline, read once (None without one)."""
    if _BASELINE not in config.stash:
        from ..core import baseline as core_baseline

        options = read(config)
        config.stash[_BASELINE] = core_baseline.load(options.baseline) if options.baseline else None
    return config.stash[_BASELINE]


def marked(config: pytest.Config, findings: list[Any]) -> list[Any]:
    """Findings marked known/new against the baseline, if there is one."""
    from ..report.baseline import apply

    return apply(findings, known(config))[0]


def failing(config: pytest.Config, findings: list[Any]) -> list[Any]:
    """The findings that fail a test: error findings the baseline does not know."""
    from ..core.finding import Severity

    return [f for f in marked(config, findings) if f.severity is Severity.ERROR and f.baseline != "known"]


def _share(rate: str | None) -> str | None:
    """Each xdist worker paces itself at its share of the session's rate."""
    import os

    if not rate:
        return rate
    from ..core.throttling import parse_rate

    parsed = parse_rate(rate)
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
    if parsed is None or workers <= 1:
        return rate
    return f"{parsed[0] / workers:g}/{parsed[1]:g}s"


def header(config: pytest.Config) -> list[str]:
    options = read(config)
    target = options.base_url or "the embedded mock (in-process, one per worker)"
    return [f"contracts: target {target}, seed {seed(config)}, max examples {options.max_examples}"
            + (", strict" if options.strict else "")]
