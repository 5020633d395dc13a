"""One check session per pytest session (or xdist worker), opened on first use."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ..runner.session import Options, Session, open_session
from .options import read

_KEY = pytest.StashKey[Session]()
_SEED = pytest.StashKey[int]()


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
        specs=list(options.specs) or [str(Path(config.rootpath) / "specs")],
        base_url=None if options.mock and not options.base_url else options.base_url,
        headers=list(options.headers), params=list(options.params), max_examples=options.max_examples,
        seed=seed(config), strict=options.strict, workers=1))  # xdist brings the parallelism
    config.stash[_KEY] = opened
    config.add_cleanup(opened.close)
    return opened


def header(config: pytest.Config) -> list[str]:
    options = read(config)
    target = options.base_url or "the embedded mock (in-process, one per worker)"
    return [f"contracts: target {target}, seed {seed(config)}, max examples {options.max_examples}"
            + (", strict" if options.strict else "")]
