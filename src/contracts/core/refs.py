"""$ref resolution that never touches the network.

Internal refs (``#/...``) and relative local files are allowed; anything with
a scheme or a network location is refused, because loading a spec must never
fetch.

A relative ref means a file relative to the file that holds it. Every
consumer looks refs up with the raw string it finds in the data, so when a
sibling file is loaded its refs are rewritten once to be relative to the root
spec's folder (``./tag.yaml`` inside ``schemas/pet.yaml`` becomes
``schemas/tag.yaml``; ``#/Foo`` there becomes ``schemas/pet.yaml#/Foo``; a ref
back into the root file becomes ``#/...``). After that one resolver, rooted at
the spec's folder, answers every ref of every file.

Only places that hold references are searched: values that are data
(``example``, ``default``, ``enum``, ``const``, an Example's ``value``, a
Link's ``parameters``) may contain a ``$ref`` key that means nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote, unquote, urlsplit

from . import pointer as jp
from .errors import SpecError


@dataclass(frozen=True)
class RefProblem:
    pointer: str  # the $ref key's owner, in ``file`` (the root document when ``file`` is None)
    ref: str  # as written in that file
    problem: str
    remote: bool = False
    file: str | None = None  # display name of the file holding the ref, when it is not the root document
    line: int | None = None  # its line there


def is_remote(ref: str) -> bool:
    parts = urlsplit(ref)
    return bool(parts.scheme or parts.netloc or ref.startswith("//"))


# -- where references are -----------------------------------------------------

_LITERAL = frozenset({"example", "default", "enum", "const"})
_SCHEMA_ONE = frozenset({"schema", "items", "additionalProperties", "not", "contains", "propertyNames", "if",
                         "then", "else", "unevaluatedProperties", "unevaluatedItems", "additionalItems",
                         "contentSchema"})
_SCHEMA_LIST = frozenset({"allOf", "anyOf", "oneOf", "prefixItems", "items"})
# keys whose value maps names (not keywords) to objects of a kind
_NAMES: dict[str, str] = {
    "properties": "schemas", "patternProperties": "schemas", "$defs": "schemas", "definitions": "schemas",
    "dependentSchemas": "schemas", "schemas": "schemas",
    "responses": "responses", "parameters": "parameters", "requestBodies": "requestBodies", "headers": "headers",
    "examples": "examples", "links": "links", "callbacks": "callbacks", "securitySchemes": "securitySchemes",
    "paths": "pathItems", "webhooks": "pathItems", "pathItems": "pathItems", "content": "mediaTypes",
    "encoding": "encodings", "variables": "serverVariables", "mapping": "mapping", "scopes": "scopes",
}
_ONE: dict[str, str] = {"requestBody": "requestBodies"}


@dataclass(frozen=True)
class RefSite:
    """One reference: ``owner[key]`` is the ref string; ``kind`` is what it stands for, when known
    (a components section name: ``schemas``, ``parameters``, ``responses``, ...)."""

    pointer: str  # of the owner
    owner: dict[str, Any]
    key: str  # "$ref", or a discriminator mapping's name
    kind: str | None


def iter_sites(node: Any, at: str = "", kind: str | None = None, *, mappings: bool = False) -> Iterator[RefSite]:
    """Every reference in a document (or a part of it of a known ``kind``), data values skipped."""
    stack: list[tuple[Any, str, str | None, str]] = [(node, at, kind, "object")]
    while stack:
        node, at, kind, mode = stack.pop()
        if isinstance(node, list):
            for index in range(len(node) - 1, -1, -1):
                stack.append((node[index], jp.join(at, index), kind, "object"))
            continue
        if not isinstance(node, dict):
            continue
        if mode == "names":  # keys are names; each value is an object of ``kind``
            for key in reversed(list(node)):
                stack.append((node[key], jp.join(at, key), kind, "object"))
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield RefSite(at, node, "$ref", kind)
        if mappings and kind == "schemas" and isinstance(node.get("discriminator"), dict):
            mapping = node["discriminator"].get("mapping")
            if isinstance(mapping, dict):
                for name, value in mapping.items():
                    if isinstance(value, str) and ("#" in value or "/" in value or
                                                   value.lower().endswith((".json", ".yaml", ".yml"))):
                        yield RefSite(jp.join(at, "discriminator", "mapping"), mapping, name, "schemas")
        pushed: list[tuple[Any, str, str | None, str]] = []
        for key, value in node.items():
            where = jp.join(at, key)
            if key == "$ref" or key in _LITERAL:
                continue
            if kind == "examples" and key == "value":
                continue
            if kind == "links" and key in ("parameters", "requestBody"):
                continue  # runtime expressions or literal values
            if key == "examples" and isinstance(value, list):
                continue  # JSON Schema examples: data
            if kind == "callbacks":  # a Callback maps expressions to path items
                pushed.append((value, where, "pathItems", "object"))
            elif key in _NAMES and isinstance(value, dict):
                pushed.append((value, where, _NAMES[key], "names"))
            elif key in _SCHEMA_ONE or (key in _SCHEMA_LIST and isinstance(value, list)):
                pushed.append((value, where, "schemas", "object"))
            elif key in _ONE:
                pushed.append((value, where, _ONE[key], "object"))
            elif key == "parameters" and isinstance(value, list):
                pushed.append((value, where, "parameters", "object"))
            else:
                pushed.append((value, where, None, "object"))
        stack.extend(reversed(pushed))


def iter_refs(node: Any, at: str = "") -> Iterator[tuple[str, str]]:
    """Every (pointer of the $ref key's owner, ref string) in a document."""
    for site in iter_sites(node, at):
        yield site.pointer, site.owner[site.key]


# -- resolution ---------------------------------------------------------------

def _display(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class Resolver:
    """Resolves refs against a root document and local files, each ref relative to the file holding it."""

    def __init__(self, root: Any, base: Path, load: Callable[[Path], Any] | None = None) -> None:
        self.root = root
        self.base = base
        self._root_path = base.resolve()
        self._folder = self._root_path.parent
        self._load = load or self._load_with_lines
        self._files: dict[Path, Any] = {}
        self._written: dict[Path, dict[str, str]] = {}  # file -> owner pointer -> the ref as written there
        self._lines: dict[Path, Any] = {}  # file -> its SourceMap (None when it cannot be read)

    def _load_with_lines(self, path: Path) -> Any:
        from .yamlsource import load_file

        data, source = load_file(path, _display(path))
        self._lines[path] = source
        return data

    # files ----------------------------------------------------------------
    def path_of(self, file_part: str) -> Path:
        """The file a (root-relative) ref's file part names."""
        return (self._folder / unquote(file_part)).resolve()

    def qualify(self, ref: str, holder: Path) -> str:
        """``ref`` as written in ``holder``, made relative to the root spec's folder."""
        if is_remote(ref):
            return ref
        file_part, hash_, fragment = ref.partition("#")
        target = (holder.parent / unquote(file_part)).resolve() if file_part else holder
        if target == self._root_path:
            return "#" + fragment
        relative = Path(os.path.relpath(target, self._folder)).as_posix()
        return quote(relative) + (hash_ + fragment if fragment else "")  # "pet.yaml#" is "pet.yaml"

    def _document(self, file_part: str) -> tuple[Any, Path]:
        if not file_part:
            return self.root, self._root_path
        target = self.path_of(file_part)
        if target == self._root_path:
            return self.root, target
        if target not in self._files:
            data = self._load(target)
            self._files[target] = data
            written: dict[str, str] = {}
            seen: set[int] = set()
            for site in iter_sites(data, mappings=True):
                if id(site.owner) in seen and site.key == "$ref":
                    continue  # the same object reached twice (a loader that shares aliases)
                seen.add(id(site.owner))
                original = site.owner[site.key]
                if site.key == "$ref":
                    written[site.pointer] = original
                site.owner[site.key] = self.qualify(original, target)
            self._written[target] = written
        return self._files[target], target

    def files(self) -> dict[Path, Any]:
        """The local files loaded so far (refs already rewritten to be root-relative)."""
        return dict(self._files)

    # lookups --------------------------------------------------------------
    def lookup(self, ref: str) -> Any:
        """The target of ``ref``; raises LookupError with a reason."""
        if is_remote(ref):
            raise LookupError("remote $ref refused: loading a spec never fetches from the network")
        file_part, _, fragment = ref.partition("#")
        try:
            document, _ = self._document(file_part)
        except SpecError as exc:
            raise LookupError(f"cannot load {unquote(file_part)!r}: {exc.message}") from None
        if fragment and not fragment.startswith("/"):
            raise LookupError(f"fragment {fragment!r} is not a JSON pointer")
        try:
            return jp.resolve(document, fragment)
        except KeyError:
            pass
        decoded = unquote(fragment)  # URI fragments may percent-encode the pointer
        if decoded != fragment:
            try:
                return jp.resolve(document, decoded)
            except KeyError:
                pass
        raise LookupError(f"nothing at {fragment or '/'!r}" + (f" in {unquote(file_part)!r}" if file_part else ""))

    def deref(self, node: Any) -> Any:
        """Follow ``$ref`` chains until a non-ref node (a chain that loops is named, arrows and all)."""
        seen: list[str] = []
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                chain = " -> ".join([*seen[seen.index(ref):], ref])
                raise LookupError(f"circular $ref: {chain} never reaches a schema")
            seen.append(ref)
            node = self.lookup(ref)
        return node

    # problems -------------------------------------------------------------
    def line_of(self, path: Path, pointer: str) -> int | None:
        """The line of ``pointer`` in the local file ``path`` (or of its nearest ancestor)."""
        if path not in self._lines:
            from .yamlsource import load_file

            try:
                self._lines[path] = load_file(path, _display(path))[1]
            except SpecError:
                self._lines[path] = None
        source = self._lines[path]
        return source.line_of(pointer) if source is not None else None

    def problems(self) -> list[RefProblem]:
        """Every ref that does not resolve, in the root document and in every local file it reaches."""
        out: list[RefProblem] = []
        queue: list[Path | None] = [None]
        visited: set[Path] = set()
        while queue:
            path = queue.pop(0)
            document = self.root if path is None else self._files[path]
            written = {} if path is None else self._written.get(path, {})
            for at, ref in iter_refs(document):
                try:
                    self.deref({"$ref": ref})  # resolves, and does not loop through refs alone
                except LookupError as exc:
                    shown = written.get(at, ref)
                    if path is None:
                        out.append(RefProblem(at, shown, str(exc), remote=is_remote(ref)))
                    else:
                        jp_at = jp.join(at, "$ref")
                        out.append(RefProblem(at, shown, str(exc), remote=is_remote(ref), file=_display(path),
                                              line=self.line_of(path, jp_at)))
                    continue
                file_part = ref.partition("#")[0]
                if file_part and not is_remote(ref):
                    target = self.path_of(file_part)
                    if target != self._root_path and target not in visited and target in self._files:
                        visited.add(target)
                        queue.append(target)
        return out


__all__ = ["RefProblem", "RefSite", "Resolver", "is_remote", "iter_refs", "iter_sites"]
