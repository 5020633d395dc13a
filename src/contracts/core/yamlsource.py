"""YAML (and JSON) loading that remembers where each JSON pointer came from.

Spec errors must name a file and a line, so loading composes the YAML node
tree with the safe loader and records each node's line before constructing
plain Python data from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import SpecError
from .pointer import escape

try:  # the C loader is much faster on large specs; same safe semantics
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


@dataclass
class SourceMap:
    """Pointer -> 1-based line of one loaded document."""

    file: str
    lines: dict[str, int] = field(default_factory=dict)
    ends: dict[str, int] = field(default_factory=dict)  # last line of each value node
    text: str = ""

    def snippet(self, pointer: str) -> str | None:
        """The source text of the value at ``pointer``, dedented: samples shown verbatim."""
        import textwrap

        start, end = self.lines.get(pointer), self.ends.get(pointer)
        if start is None or end is None or not self.text:
            return None
        rows = self.text.splitlines()[start - 1:end]
        if not rows:
            return None
        key = pointer.rsplit("/", 1)[-1]
        first = rows[0]
        marker = first.find(f"{key}:")
        head = first[marker + len(key) + 1:].strip() if marker >= 0 else first.strip()
        rest = textwrap.dedent("\n".join(rows[1:]))
        return (head + ("\n" + rest if rest else "")).strip("\n")

    def line_of(self, pointer: str) -> int | None:
        """The line of ``pointer`` or of its nearest ancestor that has one."""
        while True:
            if pointer in self.lines:
                return self.lines[pointer]
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


def _walk(node: yaml.Node, pointer: str, source: SourceMap) -> None:
    source.lines.setdefault(pointer, node.start_mark.line + 1)
    end = node.end_mark.line + (0 if node.end_mark.column == 0 else 1)
    source.ends.setdefault(pointer, max(end, node.start_mark.line + 1))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = f"{pointer}/{escape(str(key.value))}"
            source.lines.setdefault(child, key.start_mark.line + 1)
            _walk(value, child, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, f"{pointer}/{index}", source)


def load_text(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse YAML text; raise SpecError naming ``file`` and the line on failure."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        source = SourceMap(file, text=text)
        if node is None:
            raise SpecError("the file is empty", file=file, line=1)
        _walk(node, "", source)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise SpecError(f"malformed YAML: {problem}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"malformed YAML: {exc}", file=file) from None
    finally:
        loader.dispose()
    return data, source


def load_file(path: Path, display: str | None = None) -> tuple[Any, SourceMap]:
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError("no such file", file=name) from None
    except IsADirectoryError:
        raise SpecError("is a directory, not a spec file", file=name) from None
    except UnicodeDecodeError as exc:
        raise SpecError(f"not UTF-8 text (byte {exc.start})", file=name) from None
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror}", file=name) from None
    return load_text(text, name)
