"""What the lower core modules need of a loaded spec, as structural types.

``schema``, ``envelope`` and ``speccheck`` are used by ``spec`` to build a
``Spec``; naming the ``Spec`` class back would make an import circle. They
ask instead for the few members they use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from .errors import SpecError


class Resolves(Protocol):
    def lookup(self, ref: str) -> Any: ...

    def deref(self, node: Any) -> Any: ...


class SpecLike(Protocol):
    """A loaded OpenAPI document: its file, its data, a ``$ref`` resolver and a way to name an error."""

    @property
    def path(self) -> Path: ...

    @property
    def data(self) -> dict[str, Any]: ...

    @property
    def resolver(self) -> Resolves: ...

    def error(self, message: str, pointer: str) -> SpecError: ...


__all__ = ["Resolves", "SpecLike"]
