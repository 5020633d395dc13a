"""Plugin options: the command line wins, then `[tool.pytest.ini_options]`, then `[tool.contracts]`.

The last is the table the CLI reads (contracts.toml or pyproject.toml, found
from the rootdir), with the same keys (``spec``, ``header``,
``max_examples``, ...), except the target: ``base_url`` and the mock are
only ever taken from pytest's own options, so a ``base_url`` written for
``contracts check`` never makes a plain ``pytest`` run send requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..core.errors import UsageError


@dataclass(frozen=True)
class PluginOptions:
    base_url: str | None = None
    mock: bool = False
    specs: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    max_examples: int = 50
    seed: int | None = None
    report_dir: str | None = None
    strict: bool = False
    baseline: str | None = None
    write_baseline: str | None = None
    auth: str | None = None
    auth_options: tuple[str, ...] = ()
    rate_limit: str | None = None
    timeout: float = 10.0
    max_time: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _value(config: pytest.Config, name: str) -> Any:
    dest = "contracts_" + name
    cli = config.getoption(dest, default=None)
    if cli not in (None, [], ""):
        return cli
    try:
        ini = config.getini(dest)
    except ValueError:
        ini = None
    if ini not in ("", [], None):
        return ini
    if name in _TARGET:
        return None
    value = _settings(config).values.get(name)
    return [value] if name in _LISTS and isinstance(value, str) else value


def _settings(config: pytest.Config) -> Any:
    """[tool.contracts] of the project pytest runs in, read once."""
    if _SETTINGS not in config.stash:
        from ..core.config import read_settings

        config.stash[_SETTINGS] = read_settings(Path(config.rootpath))
    return config.stash[_SETTINGS]


def _int(config: pytest.Config, name: str, default: int | None) -> int | None:
    raw = _value(config, name)
    if raw is None or raw is False:
        return default
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise UsageError(f"--contracts-{name.replace('_', '-')} must be an integer, not {raw!r}") from None


def _seconds(config: pytest.Config, name: str, default: float | None) -> float | None:
    raw = _value(config, name)
    if raw is None or raw is False:
        return default
    flag = f"--contracts-{name.replace('_', '-')}"
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise UsageError(f"{flag} must be a number of seconds, not {raw!r}") from None
    if not value > 0 or value == float("inf"):
        raise UsageError(f"{flag} must be a positive number of seconds, not {raw!r}")
    return value


def _bool(config: pytest.Config, name: str) -> bool:
    raw = _value(config, name)
    if isinstance(raw, str):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return bool(raw)


def read(config: pytest.Config) -> PluginOptions:
    cached = config.stash.get(_KEY, None)
    if cached is not None:
        return cached
    options = PluginOptions(
        base_url=_value(config, "base_url") or None,
        mock=_bool(config, "mock"),
        specs=tuple(_value(config, "spec") or ()),
        headers=tuple(_value(config, "header") or ()),
        params=tuple(_value(config, "param") or ()),
        max_examples=_int(config, "max_examples", 50) or 0,
        seed=_int(config, "seed", None),
        report_dir=_value(config, "report_dir") or None,
        strict=_bool(config, "strict"),
        baseline=_value(config, "baseline") or None,
        write_baseline=_value(config, "write_baseline") or None,
        auth=_value(config, "auth") or None,
        auth_options=tuple(_value(config, "auth_option") or ()),
        rate_limit=_value(config, "rate_limit") or None,
        timeout=_seconds(config, "timeout", 10.0) or 10.0,
        max_time=_seconds(config, "max_time", None),
    )
    config.stash[_KEY] = options
    return options


_TARGET = {"base_url", "mock"}
_LISTS = {"spec", "header", "param", "auth_option"}
_KEY = pytest.StashKey[PluginOptions]()
_SETTINGS = pytest.StashKey[Any]()
