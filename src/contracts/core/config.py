"""Project settings read from the working folder: ``contracts.toml`` or ``pyproject.toml``.

``contracts.toml`` holds sections at the top (``[lint]``); ``pyproject.toml``
holds them under ``[tool.contracts]`` (``[tool.contracts.lint]``). The first
of the two files that has the section wins.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError

FILES = (("contracts.toml", ()), ("pyproject.toml", ("tool", "contracts")))


@dataclass(frozen=True)
class Section:
    values: dict[str, Any]
    origin: str  # where it was read, for messages: "pyproject.toml [tool.contracts.lint]"


def read_section(name: str, folder: Path | None = None) -> Section | None:
    """The settings section ``name`` of the project in ``folder`` (default: the working folder), if any."""
    here = folder or Path.cwd()
    for file_name, prefix in FILES:
        path = here / file_name
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{file_name}: not valid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{file_name}: cannot read: {exc}") from None
        node: Any = data
        for key in (*prefix, name):
            node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            continue
        title = ".".join((*prefix, name))
        if not isinstance(node, dict):
            raise UsageError(f"{file_name}: {title} must be a table ([{title}])")
        return Section(dict(node), f"{file_name} [{title}]")
    return None


__all__ = ["Section", "read_section"]
