"""The specs that ship with contracts, as package data, found by short name.

They are written in ``specs/`` of the repository (where other teams read
them) and installed as ``contracts.specs``, so a wheel installed anywhere
checks the vendors' endpoints with no copy of the folder. Each has a short
name: the first word of its file name (``enos``, ``iotda``, ``oceanconnect``);
the stem (``iotda-v5``) and the file name work too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Shipped:
    name: str  # short name: iotda
    path: Path


def shipped_dir() -> Path:
    """The folder of the shipped specs: the installed package data, or the source checkout's specs/."""
    import importlib.resources

    try:
        found = importlib.resources.files("contracts.specs")
    except ModuleNotFoundError:  # an editable install maps the package to a namespace setuptools cannot import
        found = None
    if isinstance(found, Path) and found.is_dir():
        return found
    if found is not None:  # a zipped install: the specs are read through a real copy on disk
        return _extracted(found)
    repo = Path(__file__).resolve().parents[3] / "specs"
    if repo.is_dir():
        return repo
    raise UsageError("this installation of contracts has no shipped specs (contracts.specs); reinstall it")


def _extracted(root: object) -> Path:
    import tempfile

    target = Path(tempfile.gettempdir()) / "contracts-shipped-specs"

    def copy(node: object, to: Path) -> None:
        to.mkdir(parents=True, exist_ok=True)
        for child in node.iterdir():  # type: ignore[attr-defined]
            if child.is_dir():
                copy(child, to / child.name)
            else:
                (to / child.name).write_bytes(child.read_bytes())

    copy(root, target)
    return target


def shipped() -> list[Shipped]:
    """Every shipped spec, sorted by name."""
    folder = shipped_dir()
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
    return [Shipped(p.stem.split("-", 1)[0].lower(), p) for p in files]


def lookup(name: str) -> Path | None:
    """The shipped spec a short name, stem or file name denotes, if any."""
    wanted = name.lower()
    for item in shipped():
        if wanted in (item.name, item.path.stem.lower(), item.path.name.lower()):
            return item.path
    return None


def names() -> list[str]:
    return [item.name for item in shipped()]


__all__ = ["Shipped", "lookup", "names", "shipped", "shipped_dir"]
