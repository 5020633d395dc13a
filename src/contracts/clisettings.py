"""Project settings ([tool.contracts] / contracts.toml) as defaults of the command line's options.

A key is a long option name with ``_`` for ``-`` (``max_examples``,
``base_url``, ``exclude_checks``); ``spec`` also fills the positional SPECS of
``lint``, ``audit`` and ``docs``. A key applies to every command that has the
option; the command line overrides it (click's ``default_map``). A key no
command knows is a usage error naming the file and line, with a did-you-mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import click

from .core.config import Settings, read_settings
from .core.errors import UsageError

# keys only the pytest plugin reads (its other keys are the CLI's own; it takes its target only from pytest)
PLUGIN_ONLY: dict[str, str] = {}


@dataclass(frozen=True)
class Setting:
    """One option of one command with its effective value and where that value comes from."""

    key: str
    value: Any
    source: str  # "default" or "pyproject.toml:12"


def key_of(param: click.Parameter) -> str | None:
    """The settings key of a parameter: its long option name, ``_`` for ``-``; SPECS is ``spec``."""
    if isinstance(param, click.Argument):
        return "spec" if param.name == "specs" else None
    longs = [o for o in param.opts if o.startswith("--")]
    if not longs or param.name in ("help", "version"):
        return None
    return longs[0][2:].replace("-", "_")


def keyed(command: click.Command) -> dict[str, click.Parameter]:
    out = {}
    for param in command.params:
        key = key_of(param)
        if key is not None and not getattr(param, "hidden", False):
            out[key] = param
    return out


def _value_for(param: click.Parameter, value: Any, key: str, settings: Settings) -> Any:
    """The configured value in the form click expects for ``param``."""
    where = settings.origin(key)
    multiple = getattr(param, "multiple", False) or (isinstance(param, click.Argument) and param.nargs == -1)
    if multiple:
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, (str, int, float)) for v in items):
            raise UsageError(f"{where}: {key} must be a string or a list of strings, not {value!r}")
        return [str(v) for v in items]
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value) and isinstance(param.type, click.types.StringParamType):
            return ",".join(value)  # --checks a,b written as a list
        raise UsageError(f"{where}: {key} takes one value, not a list")
    if getattr(param, "is_flag", False) and not isinstance(value, bool):
        raise UsageError(f"{where}: {key} is a switch: write {key} = true or false")
    try:
        return param.type.convert(value, param, None)
    except click.BadParameter as exc:
        raise UsageError(f"{where}: {key}: {exc.message}") from None


def _all_keys(group: click.Group, ctx: click.Context) -> dict[str, list[str]]:
    """Every settings key of every command (loads lazily registered commands: only on a bad key)."""
    out: dict[str, list[str]] = {k: ["pytest plugin"] for k in PLUGIN_ONLY}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is not None:
            for key in keyed(command):
                out.setdefault(key, []).append(name)
    return out


def default_map(group: click.Group, ctx: click.Context, name: str | None,
                settings: Settings | None = None) -> dict[str, dict[str, Any]]:
    """click's default_map for the invoked command, from the project's settings."""
    settings = read_settings() if settings is None else settings
    if not settings.values or name is None:
        return {}
    command = group.get_command(ctx, name)
    if command is None:
        return {}
    mine = keyed(command)
    unknown = [k for k in settings.values if k not in mine]
    if unknown:
        known = _all_keys(group, ctx)
        for key in unknown:
            if key not in known:
                from .core.suggest import did_you_mean

                raise UsageError(f"{settings.origin(key)}: {key} is not a contracts setting"
                                 f"{did_you_mean(key, sorted(known))} (keys are long option names with _ for -)")
    return {name: {mine[k].name: _value_for(mine[k], v, k, settings)
                   for k, v in settings.values.items() if k in mine and mine[k].name}}


def effective(command: click.Command, settings: Settings | None = None) -> Iterator[Setting]:
    """Each option of ``command`` with the value it takes before the command line, and its source."""
    settings = read_settings() if settings is None else settings
    ctx = click.Context(command)
    for key, param in keyed(command).items():
        if key in settings.values:
            yield Setting(key, _value_for(param, settings.values[key], key, settings), settings.origin(key))
        else:
            default = param.get_default(ctx)
            unset = type(default).__name__ == "Sentinel"  # click's UNSET: no default at all
            yield Setting(key, None if unset else default, "default")


__all__ = ["PLUGIN_ONLY", "Setting", "default_map", "effective", "key_of", "keyed"]
