"""A spec named as a file or as a git revision, ``REV:PATH`` (``main:specs/iotda-v5.yaml``).

A revision is read with ``git show`` (a subprocess, never a shell), and so is
every local file its ``$ref``s reach, at the same revision: the files are
written under a temporary folder in the repository's own layout and loaded
from there by ``load_spec``, so refs, validation and line numbers work as for
any file, and every name shown is ``REV:path``. A ref that leaves the
repository cannot be read at a revision and is refused with its line. PATH is
relative to the repository's top, as git reads it, or to the working folder
when it starts with ``./`` or ``../``; an empty REV (``:specs/x.yaml``) is the
index, as in git.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import unquote

from .errors import SpecError, UsageError
from .refs import is_remote, iter_sites
from .spec import Spec, display_name, load_spec
from .yamlsource import load_text

MAX_FILES = 500  # local files one spec may reach at a revision


@dataclass
class Source:
    spec: Spec
    name_of: Callable[[Path], str]  # the name any file the spec reads is shown under


def is_revision(text: str) -> bool:
    """``REV:PATH`` when no such file exists (a file named ``a:b`` is still a file)."""
    return ":" in text and not Path(text).exists()


@contextmanager
def open_source(text: str) -> Iterator[Source]:
    """The spec a diff argument names, loaded; its temporary files (for a revision) live as long as the block."""
    if not is_revision(text):
        path = Path(text)
        if path.is_dir():
            raise UsageError(f"{text} is a folder; contracts diff compares one spec with one spec")
        if not path.exists():
            raise UsageError(f"no such spec file: {text} (a git revision is written REV:PATH, "
                             "such as main:specs/iotda-v5.yaml)")
        yield Source(load_spec(path), display_name)
        return
    rev, _, path_text = text.partition(":")
    reader = _Revision(rev, text)
    relative = reader.relative(path_text)
    with tempfile.TemporaryDirectory(prefix="contracts-rev-") as folder:
        root = Path(folder).resolve()
        reader.materialize(relative, root)
        try:
            spec = load_spec(root / relative)
        except SpecError as exc:
            raise reader.renamed(exc, root) from None
        spec.name = reader.label(relative)

        def name_of(path: Path) -> str:
            try:
                return reader.label(path.resolve().relative_to(root).as_posix())
            except ValueError:
                return display_name(path)

        yield Source(spec, name_of)


class _Revision:
    """git at one revision, from the working folder."""

    def __init__(self, rev: str, text: str) -> None:
        self.rev = rev
        self.text = text
        if rev.startswith("-"):
            raise UsageError(f"{text}: {rev!r} is not a git revision")
        top = self._git("rev-parse", "--show-toplevel")
        if top.returncode != 0:
            raise UsageError(f"{text}: not inside a git repository, so revision {rev!r} cannot be read")
        self.top = Path(top.stdout.decode().strip())
        self.prefix = self._git("rev-parse", "--show-prefix").stdout.decode().strip()
        if rev and self._git("rev-parse", "--verify", "--quiet", f"{rev}^{{tree}}").returncode != 0:
            raise UsageError(f"unknown git revision {rev!r} (in {text})")

    def _git(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(["git", *args], capture_output=True, timeout=60, check=False)
        except FileNotFoundError:
            raise UsageError(f"{self.text}: git is not installed, so a revision cannot be read") from None
        except subprocess.TimeoutExpired:
            raise UsageError(f"{self.text}: git did not answer within 60 s") from None

    def label(self, relative: str) -> str:
        return f"{self.rev}:{relative}"

    def relative(self, path: str) -> str:
        """PATH relative to the repository's top."""
        if not path:
            raise UsageError(f"{self.text}: no path after the revision (write REV:PATH)")
        joined = self.prefix + path if path.startswith(("./", "../")) else path
        normal = posixpath.normpath(joined)
        if normal.startswith("../") or normal == ".." or posixpath.isabs(normal):
            raise UsageError(f"{self.text}: {path} is outside the repository")
        return normal

    def kind(self, relative: str) -> str | None:
        """``blob``, ``tree``, ... of PATH at the revision; None when it has none."""
        found = self._git("cat-file", "-t", f"{self.rev}:{relative}")
        return found.stdout.decode().strip() if found.returncode == 0 else None

    def show(self, relative: str) -> bytes | None:
        if self.kind(relative) != "blob":
            return None
        shown = self._git("show", f"{self.rev}:{relative}")
        return shown.stdout if shown.returncode == 0 else None

    def materialize(self, relative: str, root: Path) -> None:
        """Write the spec and every local file its refs reach, at the revision, under ``root``."""
        first = self.show(relative)
        if first is None:
            where = "the index" if not self.rev else f"revision {self.rev}"
            if self.kind(relative) == "tree":
                raise UsageError(f"{relative} is a folder at {where} (in {self.text}); contracts diff compares "
                                 "one spec with one spec")
            raise UsageError(f"{relative} does not exist at {where} (in {self.text})")
        queue: list[tuple[str, bytes]] = [(relative, first)]
        seen = {relative}
        while queue:
            name, data = queue.pop(0)
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            for ref, line in self._file_refs(name, data):
                file_part = ref.partition("#")[0]
                other = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(file_part)))
                if other.startswith("../") or other == ".." or posixpath.isabs(other):
                    raise SpecError(f"$ref {ref!r} leaves the repository, so it cannot be read at revision "
                                    f"{self.rev or 'the index'}", file=self.label(name), line=line)
                if other in seen:
                    continue
                seen.add(other)
                if len(seen) > MAX_FILES:
                    raise SpecError(f"more than {MAX_FILES} files are referred to from this spec",
                                    file=self.label(name), line=line)
                found = self.show(other)
                if found is not None:  # a missing one is named by the loader, with the ref's line
                    queue.append((other, found))

    def _file_refs(self, name: str, data: bytes) -> Iterator[tuple[str, int | None]]:
        try:
            document, source = load_text(data.decode("utf-8"), self.label(name))
        except (SpecError, UnicodeDecodeError):
            return  # the loader names the problem
        for site in iter_sites(document, mappings=True):
            ref = site.owner[site.key]
            if not isinstance(ref, str) or is_remote(ref) or not ref.partition("#")[0]:
                continue
            if site.key != "$ref" and not ref.partition("#")[0].lower().endswith((".json", ".yaml", ".yml")):
                continue  # a discriminator mapping naming a schema, not a file
            yield ref, source.line_of(site.pointer)

    def renamed(self, exc: SpecError, root: Path) -> SpecError:
        """The same error, with the temporary folder shown as ``REV:``."""
        prefixes = sorted({str(root) + os.sep, display_name(root) + "/", root.as_posix() + "/"}, key=len,
                          reverse=True)

        def rename(text: str | None) -> str | None:
            if text is None:
                return None
            for prefix in prefixes:
                text = text.replace(prefix, f"{self.rev}:")
            return text

        return SpecError(rename(exc.message) or "", file=rename(exc.file), line=exc.line, pointer=exc.pointer)


__all__ = ["MAX_FILES", "Source", "is_revision", "open_source"]
