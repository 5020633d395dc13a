"""$ref resolution that never touches the network.

Internal refs (``#/...``) and relative local files are allowed; anything with
a scheme or a network location is refused, because loading a spec must never
fetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

from . import pointer as jp
from .errors import SpecError


@dataclass(frozen=True)
class RefProblem:
    pointer: str
    ref: str
    problem: str
    remote: bool = False


def is_remote(ref: str) -> bool:
    parts = urlsplit(ref)
    return bool(parts.scheme or parts.netloc or ref.startswith("//"))


def iter_refs(node: Any, at: str = "") -> Iterator[tuple[str, str]]:
    """Every (pointer of the $ref key's owner, ref string) in a document."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield at, ref
        for key, value in node.items():
            if key != "$ref":
                yield from iter_refs(value, jp.join(at, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from iter_refs(item, jp.join(at, index))


class Resolver:
    """Resolves refs against a root document and local sibling files."""

    def __init__(self, root: Any, base: Path, load: Callable[[Path], Any]) -> None:
        self.root = root
        self.base = base
        self._load = load
        self._files: dict[Path, Any] = {}

    def _document(self, file_part: str) -> tuple[Any, Path]:
        if not file_part:
            return self.root, self.base
        target = (self.base.parent / file_part).resolve()
        if target not in self._files:
            self._files[target] = self._load(target)
        return self._files[target], target

    def lookup(self, ref: str) -> Any:
        """The target of ``ref``; raises LookupError with a reason."""
        if is_remote(ref):
            raise LookupError("remote $ref refused: loading a spec never fetches from the network")
        file_part, _, fragment = ref.partition("#")
        try:
            document, _ = self._document(file_part)
        except SpecError as exc:
            raise LookupError(f"cannot load {file_part!r}: {exc.message}") from None
        if fragment and not fragment.startswith("/"):
            raise LookupError(f"fragment {fragment!r} is not a JSON pointer")
        try:
            return jp.resolve(document, fragment)
        except KeyError:
            raise LookupError(f"nothing at {fragment or '/'!r}") from None

    def deref(self, node: Any) -> Any:
        """Follow ``$ref`` chains until a non-ref node."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise LookupError(f"circular $ref {ref!r}")
            seen.add(ref)
            node = self.lookup(ref)
        return node

    def problems(self) -> list[RefProblem]:
        out = []
        for at, ref in iter_refs(self.root):
            try:
                self.lookup(ref)
            except LookupError as exc:
                out.append(RefProblem(at, ref, str(exc), remote=is_remote(ref)))
        return out
