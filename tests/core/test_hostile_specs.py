"""Hostile specs: every command answers in one line (exit 2) or runs, never an internal error or a hang.

A legal recursive schema is supported; a $ref chain that never reaches a schema, a YAML alias
that contains itself, an alias bomb and nesting deeper than any real document are refused,
each with one line naming the file and the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.cli import run

HEAD = 'openapi: 3.0.3\ninfo: {title: t, version: "1"}\n'

CYCLE = HEAD + """paths: {}
components:
  schemas:
    A: {$ref: "#/components/schemas/B"}
    B: {$ref: "#/components/schemas/A"}
"""
SELF = HEAD + """paths: {}
components:
  schemas:
    Self: {$ref: "#/components/schemas/Self"}
"""
TREE = HEAD + """paths:
  /t:
    get:
      operationId: tree
      summary: a tree
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Tree"}
              example: {kids: [{kids: [{kids: []}]}]}
components:
  schemas:
    Tree: {type: object, properties: {kids: {type: array, items: {$ref: "#/components/schemas/Tree"}}}}
"""
ANCHOR = HEAD + """paths: {}
components:
  schemas:
    A: &a
      type: object
      properties:
        self: *a
"""


def bomb() -> str:
    lines = [HEAD + "paths: {}", "x-bomb:", '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"  {name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines) + "\n"


CASES = {
    "cycle": (CYCLE, "-> #/components/schemas/A -> #/components/schemas/B never reaches a schema"),
    "self": (SELF, "circular $ref: #/components/schemas/Self -> #/components/schemas/Self"),
    "anchor": (ANCHOR, "an alias refers to a node that contains it"),
    "bomb": (bomb(), "aliases expand this document"),
    "deep-yaml": (HEAD + "paths: {}\nx-deep: " + "[" * 20000 + "]" * 20000 + "\n", "nesting depth"),
    "deep-json": ('{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "x": '
                  + "[" * 20000 + "]" * 20000 + "}", "nested too deeply"),
}


@pytest.mark.parametrize("command", ["lint", "audit"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hostile_spec_is_one_line(name: str, command: str, write_spec: Callable[..., Path],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    text, words = CASES[name]
    path = write_spec(text, "spec.json" if name == "deep-json" else "spec.yaml")
    code = run([command, str(path)])
    out, err = capsys.readouterr()
    assert code in (1, 2) and "Traceback" not in out + err
    shown = (err if code == 2 else out).strip()
    assert words in shown, shown
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and str(path) in err


def test_a_recursive_schema_is_legal(write_spec: Callable[..., Path]) -> None:
    path = write_spec(TREE)
    assert run(["lint", str(path)]) == 0
    assert run(["audit", str(path)]) == 0
    assert run(["check", "--spec", str(path), "--max-examples", "0", "--base-url", "http://127.0.0.1:9",
                "--timeout", "0.5"]) == 2  # nothing listens there: a set-up error, not a recursion


YAMLISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.sampled_from(["*a", "&a x", "!!binary x",
                                                                                        "{", "- ", "$ref"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(doc=YAMLISH, as_json=st.booleans())
def test_generated_documents_never_crash_the_loaders(doc: object, as_json: bool, tmp_path_factory: pytest.TempPathFactory,
                                                     ) -> None:
    import json

    import yaml

    folder = tmp_path_factory.mktemp("gen")
    wrapped = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"get": doc}}}
    text = json.dumps(wrapped, default=str) if as_json else yaml.safe_dump(wrapped, allow_unicode=True)
    path = folder / ("g.json" if as_json else "g.yaml")
    path.write_text(text, encoding="utf-8")
    for command in ("lint", "audit"):
        assert run([command, str(path)]) in (0, 1, 2)
