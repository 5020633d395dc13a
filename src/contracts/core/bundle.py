"""One self-contained document: every external ``$ref`` brought into the root.

Tools that are handed a spec as a plain dict (schemathesis'
``openapi.from_dict``, openapi-spec-validator without a base URI) cannot
follow refs into other files. ``bundle`` gives them a copy of the root
document in which each external target lives under ``components`` (in the
section its use implies: ``schemas``, ``parameters``, ``responses``, ...,
with a stable name taken from the ref) and each external ref points there.
Internal refs are kept as they are, so recursion keeps working. Nothing is
fetched: remote refs are left as written (loading refuses them anyway).
"""

from __future__ import annotations

import copy
import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from . import pointer as jp
from .refs import RefSite, is_remote, iter_sites

if TYPE_CHECKING:
    from .protocols import SpecLike

_SECTIONS_30 = frozenset({"schemas", "responses", "parameters", "examples", "requestBodies", "headers",
                          "securitySchemes", "links", "callbacks"})
_SECTIONS_31 = _SECTIONS_30 | {"pathItems"}
FALLBACK_SECTION = "x-bundled"  # targets whose use names no components section
_ENTRY = re.compile(r"^/components/([^/]+)/([^/]+)$")


def _external(ref: str) -> bool:
    return not ref.startswith("#") and not is_remote(ref)


def _name_of(ref: str) -> tuple[str, str]:
    """(a name, the file's stem) for a root-relative external ref."""
    file_part, _, fragment = ref.partition("#")
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", PurePosixPath(unquote(file_part)).stem) or "document"
    tokens = jp.split(unquote(fragment)) if fragment.startswith("/") else []
    base = re.sub(r"[^A-Za-z0-9._-]", "_", tokens[-1]) if tokens and tokens[-1] else stem
    return base, stem


class _Bundler:
    def __init__(self, spec: "SpecLike") -> None:
        self.spec = spec
        self.doc: dict[str, Any] = copy.deepcopy(spec.data)
        version = str(self.doc.get("openapi", ""))
        self.sections = _SECTIONS_31 if version.startswith("3.1") else _SECTIONS_30
        self.placed: dict[tuple[str, str], str] = {}  # (file, fragment) -> the internal ref that replaces it
        self.inlined: dict[tuple[str, str], int] = {}

    def key(self, ref: str) -> tuple[str, str]:
        """One key per target however the ref spells it ("./a.yaml", "a.yaml", "a.yaml#", percent-encoding)."""
        file_part, _, fragment = ref.partition("#")
        path_of = getattr(self.spec.resolver, "path_of", None)
        file = str(path_of(file_part)) if callable(path_of) else unquote(file_part)
        return file, unquote(fragment)

    def target(self, ref: str, site: RefSite, in_root: bool) -> Any:
        try:
            return copy.deepcopy(self.spec.resolver.lookup(ref))
        except LookupError as exc:
            raise self.spec.error(f"$ref {ref!r} does not resolve: {exc}", jp.join(site.pointer, "$ref") if in_root else "") from None

    def components(self, section: str) -> dict[str, Any]:
        comps = self.doc.get("components")
        if not isinstance(comps, dict):
            comps = self.doc["components"] = {}
        entries = comps.get(section)
        if not isinstance(entries, dict):
            entries = comps[section] = {}
        return entries

    def free_name(self, entries: dict[str, Any], ref: str) -> str:
        base, stem = _name_of(ref)
        candidates = [base, f"{stem}_{base}"] if stem != base else [base]
        for name in candidates:
            if name not in entries:
                return name
        n = 2
        while f"{candidates[-1]}_{n}" in entries:
            n += 1
        return f"{candidates[-1]}_{n}"

    def run(self) -> dict[str, Any]:
        work: list[tuple[RefSite, bool]] = [(s, True) for s in iter_sites(self.doc, mappings=True)]
        while work:
            site, in_root = work.pop(0)
            ref = site.owner.get(site.key)
            if not isinstance(ref, str) or not _external(ref):
                continue
            key = self.key(ref)
            if key in self.placed:
                site.owner[site.key] = self.placed[key]
                continue
            target = self.target(ref, site, in_root)
            only_ref = site.key == "$ref" and set(site.owner) == {"$ref"} and isinstance(target, dict)
            entry = _ENTRY.match(site.pointer) if in_root else None
            section = site.kind if site.kind in self.sections else None
            if only_ref and entry is not None and entry.group(1) == site.kind:
                # a components entry that is itself an external ref: the target takes its place
                self.placed[key] = "#" + site.pointer
                site.owner.clear()
                site.owner.update(target)
                work.extend((s, True) for s in iter_sites(site.owner, site.pointer, site.kind, mappings=True))
                continue
            if section is None and only_ref and self.inlined.get(key, 0) < 8:
                # no components section for it (a path item in 3.0): inline in place
                self.inlined[key] = self.inlined.get(key, 0) + 1
                site.owner.clear()
                site.owner.update(target)
                work.extend((s, in_root) for s in iter_sites(site.owner, site.pointer, site.kind, mappings=True))
                continue
            section = section or FALLBACK_SECTION
            entries = self.components(section)
            name = self.free_name(entries, ref)
            entries[name] = target
            at = jp.join("/components", section, name)
            self.placed[key] = "#" + at
            site.owner[site.key] = "#" + at
            work.extend((s, True) for s in iter_sites(target, at, site.kind, mappings=True))
        return self.doc


def bundle(spec: "SpecLike") -> dict[str, Any]:
    """A copy of ``spec.data`` with every external ``$ref`` target brought into the document.

    Each target is placed once under ``components/<section>/<name>`` (the
    section its use implies; ``x-bundled`` when none does) and every ref to it
    points there; a components entry that was only an external ref becomes its
    target; a path item in OpenAPI 3.0 (which has no ``pathItems`` section) is
    inlined in place. Internal refs are kept. ``spec.data`` is not changed.
    Raises SpecError for a ref that does not resolve.
    """
    return _Bundler(spec).run()


__all__ = ["FALLBACK_SECTION", "bundle"]
