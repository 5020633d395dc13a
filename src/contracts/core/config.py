"""Project settings: ``contracts.toml``, or ``[tool.contracts]`` in ``pyproject.toml``.

Both are looked for in the working folder and then its parents (the first
folder that has either wins, as ruff and pytest find theirs). Two kinds of
entries live there:

* settings: top-level keys named like the long command-line options, ``_``
  for ``-`` (``max_examples = 3``, ``base_url = "…"``, ``spec = ["iotda"]``);
  the command line overrides them, and the pytest plugin reads them too;
* sections: tables for one feature (``[tool.contracts.lint]``, or ``[lint]``
  in ``contracts.toml``).

In ``contracts.toml`` both sit at the top; when both files exist in one
folder, ``contracts.toml`` wins.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UsageError

FILES = (("contracts.toml", ()), ("pyproject.toml", ("tool", "contracts")))


@dataclass(frozen=True)
class Section:
    values: dict[str, Any]
    origin: str  # where it was read, for messages: "pyproject.toml [tool.contracts.lint]"


@dataclass(frozen=True)
class Settings:
    """The top-level settings of the project file, with the line each is written on."""

    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    file: Path | None = None

    def origin(self, key: str) -> str:
        """``pyproject.toml:12``: where ``key`` is set (relative to the working folder when inside it)."""
        if self.file is None:
            return "default"
        return f"{_shown(self.file)}:{self.lines.get(key, 1)}"

    @property
    def table(self) -> str:
        return "[tool.contracts]" if self.file is not None and self.file.name == "pyproject.toml" else "the top level"


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def project_folder(folder: Path | None = None) -> Path | None:
    """The working folder or the nearest parent that holds contracts.toml or a pyproject.toml with our table."""
    here = (folder or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "contracts.toml").is_file():
            return candidate
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_our_table(pyproject):
            return candidate
        if (candidate / ".git").exists():
            return None  # the repository's root: settings never come from above it
    return None


def _has_our_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[\s*tool\.contracts\s*[\].]", text, re.M) is not None


def _load(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{_shown(path)}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{_shown(path)}: cannot read: {exc}") from None


def _table(path: Path, prefix: tuple[str, ...]) -> dict[str, Any] | None:
    node: Any = _load(path)
    for key in prefix:
        node = node.get(key) if isinstance(node, dict) else None
    if node is None:
        return None
    if not isinstance(node, dict):
        raise UsageError(f"{_shown(path)}: {'.'.join(prefix)} must be a table")
    return node


def read_section(name: str, folder: Path | None = None) -> Section | None:
    """The settings section ``name`` of the project (default: found from the working folder), if any."""
    here = project_folder(folder) if folder is None else folder
    if here is None:
        return None
    for file_name, prefix in FILES:
        path = here / file_name
        if not path.is_file():
            continue
        root = _table(path, prefix)
        node = root.get(name) if root is not None else None
        if node is None:
            continue
        title = ".".join((*prefix, name))
        if not isinstance(node, dict):
            raise UsageError(f"{file_name}: {title} must be a table ([{title}])")
        return Section(dict(node), f"{file_name} [{title}]")
    return None


def read_settings(folder: Path | None = None) -> Settings:
    """The project's top-level settings (empty when there is no project file)."""
    here = project_folder(folder)
    if here is None:
        return Settings()
    for file_name, prefix in FILES:
        path = here / file_name
        if not path.is_file():
            continue
        root = _table(path, prefix)
        if root is None:
            continue
        values = {k: v for k, v in root.items() if not isinstance(v, dict)}
        return Settings(values, _lines(path, ".".join(prefix), values), path)
    return Settings()


def _lines(path: Path, table: str, keys: dict[str, Any]) -> dict[str, int]:
    """The line each key is written on, inside ``table`` ("" for the top of the file)."""
    current, found = "", {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        header = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]+", line)
        if header:
            current = header.group(1).replace('"', "").replace(" ", "")
            continue
        if current != table:
            continue
        assignment = re.match(r'^\s*"?([A-Za-z0-9_-]+)"?\s*=', line)
        if assignment and assignment.group(1) in keys and assignment.group(1) not in found:
            found[assignment.group(1)] = number
    return found


__all__ = ["Section", "Settings", "project_folder", "read_section", "read_settings"]
