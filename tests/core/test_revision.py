"""Specs read at a git revision (``REV:PATH``), with every local file their ``$ref``s reach."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from contracts.core.diff import diff_sources
from contracts.core.errors import SpecError, UsageError
from contracts.core.revision import is_revision, open_source

SPEC = """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      summary: Get A
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "schemas/common.yaml#/A"}
"""
COMMON = """\
A:
  type: object
  properties:
    x: {type: integer, maximum: 10}
    b: {$ref: "more.yaml#/B"}
"""
MORE = """\
B: {type: string, enum: [p, q]}
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "schemas").mkdir(parents=True)
    (root / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (root / "schemas" / "common.yaml").write_text(COMMON, encoding="utf-8")
    (root / "schemas" / "more.yaml").write_text(MORE, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    monkeypatch.chdir(root)
    return root


def test_refs_are_read_at_the_revision(repo: Path) -> None:
    (repo / "schemas" / "more.yaml").write_text(MORE.replace("[p, q]", "[p, q, r]"), encoding="utf-8")
    (repo / "schemas" / "common.yaml").write_text(COMMON.replace("maximum: 10", "maximum: 20"), encoding="utf-8")
    result = diff_sources("main:spec.yaml", "spec.yaml")
    found = {(c.rule, c.breaking, c.old.file if c.old else None, c.old.line if c.old else None)
             for c in result.changes}
    assert found == {("enum-value-added", True, "main:schemas/more.yaml", 1),
                     ("range-changed", True, "main:schemas/common.yaml", 4)}
    # the working tree side, committed: the same changes, named at that revision
    git(repo, "commit", "-q", "-am", "second")
    again = diff_sources("main~1:spec.yaml", "main:spec.yaml")
    assert {(c.rule, c.new.file if c.new else None) for c in again.changes} == \
        {("enum-value-added", "main:schemas/more.yaml"), ("range-changed", "main:schemas/common.yaml")}


def test_the_index_is_an_empty_revision(repo: Path) -> None:
    (repo / "schemas" / "more.yaml").write_text(MORE.replace("[p, q]", "[p]"), encoding="utf-8")
    assert diff_sources(":spec.yaml", "spec.yaml").changes  # the index still has the old enum
    git(repo, "add", ".")
    assert diff_sources(":spec.yaml", "spec.yaml").changes == []


def test_a_ref_leaving_the_repository_is_refused_with_its_line(repo: Path) -> None:
    (repo / "spec.yaml").write_text(SPEC.replace("schemas/common.yaml#/A", "../outside.yaml#/A"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "outside")
    with pytest.raises(SpecError) as caught:
        with open_source("main:spec.yaml"):
            pass
    assert (caught.value.file, caught.value.line) == ("main:spec.yaml", 13)
    assert "leaves the repository" in caught.value.message


def test_a_missing_ref_at_the_revision_names_it(repo: Path) -> None:
    git(repo, "rm", "-q", "schemas/more.yaml")
    git(repo, "commit", "-q", "-m", "gone")
    with pytest.raises(SpecError) as caught:
        with open_source("main:spec.yaml"):
            pass
    assert str(caught.value).startswith("main:schemas/common.yaml:5")
    assert "contracts-rev-" not in str(caught.value)


def test_a_file_named_with_a_colon_is_a_file(repo: Path) -> None:
    odd = repo / "v1:spec.yaml"
    odd.write_text(SPEC.replace("schemas/common.yaml#/A", "./schemas/common.yaml#/A"), encoding="utf-8")
    assert not is_revision(str(odd.name))
    with open_source(odd.name) as source:
        assert source.spec.operations[0].operation_id == "getA"
    assert is_revision("main:spec.yaml")


def test_an_option_like_revision_is_refused(repo: Path) -> None:
    with pytest.raises(UsageError, match="is not a git revision"):
        with open_source("--output=x:spec.yaml"):
            pass
