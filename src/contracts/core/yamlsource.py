"""YAML and JSON loading that remembers where each JSON pointer came from.

Spec errors must name a file and a line, so loading records the line of every
JSON pointer while it builds plain Python data.

A document loads as the JSON document it denotes, as the OpenAPI
specification asks of YAML ("YAML version 1.2 ... Tags MUST be limited to those
allowed by the JSON Schema ruleset. Keys used in YAML maps MUST be limited to a
scalar string, as defined by the YAML Failsafe schema ruleset"):

* plain scalars resolve by the YAML 1.2 core schema: ``2024-01-31`` and
  ``10:30`` stay strings, ``yes`` and ``on`` are strings, ``0o17`` and ``0x1F``
  are integers;
* every mapping key is its scalar text (``200:`` is ``"200"``), everywhere;
* values JSON cannot hold are refused with their line: tags outside JSON's
  (``!!binary``, ``!!set``, ``!!timestamp``, ``!!omap``, ``!!pairs``, custom tags),
  ``.inf`` and ``.nan``, keys that are not scalars, a key given twice, an
  alias that contains itself;
* merge keys (``<<: *defaults``) are applied, since their JSON form is the
  merged mapping.

Text that is JSON (a ``.json`` file, or a ``.yaml`` file holding JSON) is
parsed by the ``json`` module, so every value is exact (surrogate-pair
escapes such as ``"\\ud83d\\ude00"`` included); a small scanner of the
already valid text records the lines.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import SpecError
from .pointer import escape

_BASE: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is much faster on large specs

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_VALUE = "tag:yaml.org,2002:value"


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    """The safe parser with the YAML 1.2 core schema's implicit types instead of YAML 1.1's."""


_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    (_NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    (_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (_FLOAT, r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
             r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+.0123456789")),
    (_MERGE, r"^<<$", ["<"]),
):
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)

_JSON_TAGS = "str, int, float, bool, null, seq, map"


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
        if marker < 0:
            marker = first.find(f'"{key}":')
            marker = marker + 2 if marker >= 0 else marker
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


# -- YAML -------------------------------------------------------------------

class _Builder:
    """Builds the JSON form of a composed YAML node tree, recording lines on the way."""

    def __init__(self, source: SourceMap, limit: int) -> None:
        self.source = source
        self.active: set[int] = set()  # nodes being built: an alias back to one of them is a cycle
        self.budget = limit  # aliases can expand a small text into a huge tree

    def error(self, message: str, node: yaml.Node) -> SpecError:
        return SpecError(message, file=self.source.file, line=node.start_mark.line + 1)

    def build(self, node: yaml.Node, pointer: str) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise self.error("aliases expand this document beyond any real spec's size", node)
        source = self.source
        source.lines.setdefault(pointer, node.start_mark.line + 1)
        end = node.end_mark.line + (0 if node.end_mark.column == 0 else 1)
        source.ends.setdefault(pointer, max(end, node.start_mark.line + 1))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if id(node) in self.active:
            raise self.error("an alias refers to a node that contains it; JSON cannot hold a cycle", node)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.tag != _SEQ:
                    raise self.error(self.tag_message(node.tag), node)
                return [self.build(item, f"{pointer}/{index}") for index, item in enumerate(node.value)]
            if node.tag != _MAP:
                raise self.error(self.tag_message(node.tag), node)
            out: dict[str, Any] = {}
            for key, (key_node, value_node) in self.pairs(node).items():
                child = f"{pointer}/{escape(key)}"
                source.lines[child] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, child)
            return out
        finally:
            self.active.discard(id(node))

    def pairs(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Key text -> (key node, value node), merge keys applied: own keys win, then earlier sources."""
        merged: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        own: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for src in sources:
                    if not isinstance(src, yaml.MappingNode):
                        raise self.error("a merge key (<<) takes a mapping or a list of mappings", src)
                    if id(src) in self.active or src is node:
                        raise self.error("a merge key (<<) refers to a mapping that contains it", src)
                    self.active.add(id(src))
                    try:
                        for key, pair in self.pairs(src).items():
                            merged.setdefault(key, pair)
                    finally:
                        self.active.discard(id(src))
                continue
            key = self.key(key_node)
            if key in own:
                first = own[key][0].start_mark.line + 1
                raise self.error(f"duplicate key {key!r} (first at line {first}); one of the values would be "
                                 "lost", key_node)
            own[key] = (key_node, value_node)
        if not merged:
            return own
        merged.update(own)
        return merged

    def key(self, node: yaml.Node) -> str:
        if not isinstance(node, yaml.ScalarNode):
            kind = "a sequence" if isinstance(node, yaml.SequenceNode) else "a mapping"
            raise self.error(f"a mapping key must be a string, not {kind}", node)
        if node.tag not in (_STR, _NULL, _BOOL, _INT, _FLOAT, _VALUE):
            raise self.error(self.tag_message(node.tag), node)
        return str(node.value)  # the Failsafe schema: a key is its text, so 200: is "200"

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag in (_STR, _VALUE):
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            if text.lower() in ("true", "false"):
                return text.lower() == "true"
            raise self.error(f"{text!r} is not a boolean (true or false)", node)
        if tag == _INT:
            try:
                if text[:2] in ("0o", "0x"):
                    return int(text[2:], 8 if text[1] == "o" else 16)
                return int(text)
            except ValueError:
                raise self.error(f"{text!r} is not an integer", node) from None
        if tag == _FLOAT:
            special = text.lstrip("+-").lower() in (".inf", ".nan")
            try:
                value = float(text.replace(".", "", 1) if special else text)
            except ValueError:
                raise self.error(f"{text!r} is not a number", node) from None
            if special or math.isinf(value) or math.isnan(value):
                raise self.error(f"{text} has no JSON form (JSON numbers are finite)", node)
            return value
        raise self.error(self.tag_message(tag), node)

    @staticmethod
    def tag_message(tag: str) -> str:
        short = tag.replace("tag:yaml.org,2002:", "!!")
        return (f"the YAML tag {short} has no JSON form; OpenAPI documents use only JSON's types "
                f"({_JSON_TAGS})")


def _load_yaml(text: str, file: str) -> tuple[Any, SourceMap]:
    loader = _Loader(text)
    source = SourceMap(file, text=text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SpecError("the file is empty", file=file, line=1)
        data = _Builder(source, max(200_000, 20 * len(text))).build(node, "")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise SpecError(f"malformed YAML: {problem}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"malformed YAML: {exc}", file=file) from None
    except RecursionError:
        raise SpecError("nested too deeply to load", file=file) from None
    finally:
        loader.dispose()
    return data, source


# -- JSON -------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class _NotFinite(ValueError):
    """A JSON number Python cannot hold as a finite float (``1e999``), or NaN/Infinity."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _refuse_constant(name: str) -> Any:
    raise _NotFinite(name)


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NotFinite(text)
    return value


def _json_lines(text: str, source: SourceMap) -> None:
    """Record the line of every pointer of valid JSON ``text`` (keys: the key's line).

    One pass over the tokens; linear in the text (a 20 MB spec takes seconds).
    """
    if "\r" in text:
        breaks = [m.end() for m in _LINE_BREAK.finditer(text)]

        def line_at(pos: int) -> int:
            return bisect.bisect_right(breaks, pos) + 1
    else:  # the common case: count newlines since the previous token
        state = [0, 1]  # position, line
        count = text.count

        def line_at(pos: int) -> int:
            state[1] += count("\n", state[0], pos)
            state[0] = pos
            return state[1]

    lines, ends = source.lines, source.ends
    # frames: [pointer, is_object, next index, pending member pointer, expecting a key]
    stack: list[list[Any]] = []
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        if tok == ":":
            continue
        if tok == ",":
            if stack[-1][1]:
                stack[-1][4] = True
            continue
        if tok == "}" or tok == "]":
            frame = stack.pop()
            ends[frame[0]] = line_at(m.start())
            continue
        top = stack[-1] if stack else None
        if top is not None and top[1] and top[4]:
            key = tok[1:-1] if "\\" not in tok else json.loads(tok)
            child = f"{top[0]}/{escape(key)}"
            at = line_at(m.start())
            if child in lines:
                raise SpecError(f"duplicate key {key!r} (first at line {lines[child]}); one of the values would "
                                "be lost", file=source.file, line=at)
            lines[child] = at
            top[3], top[4] = child, False
            continue
        if top is None:
            pointer = ""
        elif top[1]:
            pointer = top[3]
        else:
            pointer = f"{top[0]}/{top[2]}"
            top[2] += 1
        at = line_at(m.start())
        lines.setdefault(pointer, at)
        if tok == "{" or tok == "[":
            stack.append([pointer, tok == "{", 0, "", tok == "{"])
        else:
            ends[pointer] = at


def _looks_like_json(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")


def _load_json(text: str, file: str) -> tuple[Any, SourceMap]:
    body = text[1:] if text.startswith("\ufeff") else text
    try:
        data = json.loads(body, parse_constant=_refuse_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise SpecError(f"malformed JSON: {exc.msg} (column {exc.colno})", file=file, line=exc.lineno) from None
    except _NotFinite as exc:
        at = re.search(r"(?<![\w.\"])" + re.escape(exc.text), body)
        line = body.count("\n", 0, at.start()) + 1 if at else None
        raise SpecError(f"{exc.text} has no JSON form (JSON numbers are finite)", file=file, line=line) from None
    except RecursionError:
        raise SpecError("nested too deeply to load", file=file) from None
    source = SourceMap(file, text=text)
    _json_lines(body, source)
    return data, source


def load_text(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse YAML or JSON text; raise SpecError naming ``file`` and the line on failure."""
    if _looks_like_json(text):
        try:
            return _load_json(text, file)
        except SpecError:
            if file.lower().endswith(".json"):
                raise
            # a .yaml file may hold a YAML flow mapping that is not JSON: YAML decides
    return _load_yaml(text, file)


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


__all__ = ["SourceMap", "load_file", "load_text"]
