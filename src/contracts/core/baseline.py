"""A baseline of known deviations, so CI fails only on new ones.

Vendor docs are wrong in known ways. ``--write-baseline FILE`` records the
causes a run found; ``--baseline FILE`` marks each finding ``known`` or
``new`` and lists the entries that no longer occur (fixed upstream).

An entry is a cause's identity (``core/merge.identity``): operation, check,
kind, sample and location shape, never the seed or a generated value. The
file is sorted JSON, one entry per cause, each with a ``reason`` for people to
fill in; rewriting a baseline keeps the reasons already written. Its format
is ``contracts/schemas/baseline.schema.json``. The core renders the file;
writing it is the reporters' job.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import UsageError
from .finding import Finding, Severity
from .merge import Identity, identity

FORMAT = 1


@dataclass(frozen=True)
class Entry:
    operation: str
    check: str
    kind: str
    sample: str
    location: str  # a location shape (array indices as *), or ~leniency for a folded leniency
    severity: str = "error"
    reason: str = ""

    @property
    def identity(self) -> Identity:
        return (self.operation, self.check, self.kind, self.sample, self.location)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"operation": self.operation, "check": self.check, "kind": self.kind,
                                "location": self.location}
        if self.sample:
            data["sample"] = self.sample
        data["severity"] = self.severity
        data["reason"] = self.reason
        return data


def entry_of(f: Finding, reason: str = "") -> Entry:
    operation, check, kind, sample, location = identity(f)
    return Entry(operation, check, kind, sample, location, f.severity.value, reason)


@dataclass
class Baseline:
    path: str
    entries: dict[Identity, Entry] = field(default_factory=dict)

    def __contains__(self, f: Finding) -> bool:
        return identity(f) in self.entries


@dataclass
class Comparison:
    """A run's findings against a baseline."""

    findings: list[Finding]  # every finding, marked known or new
    stale: list[Entry]  # baseline entries that no longer occur in what ran
    path: str

    @property
    def new_errors(self) -> list[Finding]:
        return [f for f in self.findings if f.baseline == "new" and f.severity is Severity.ERROR]

    def summary(self) -> dict[str, Any]:
        return {"file": self.path,
                "known": sum(1 for f in self.findings if f.baseline == "known"),
                "new": sum(1 for f in self.findings if f.baseline == "new"),
                "new_errors": len(self.new_errors),
                "stale": [e.to_dict() for e in self.stale]}


def schema() -> dict[str, Any]:
    from importlib import resources  # not loaded at start-up for a schema only tests and writers read

    text = resources.files("contracts").joinpath("schemas/baseline.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def load(path: str | os.PathLike[str]) -> Baseline:
    """Read a baseline file; a missing, unreadable or malformed one is a one-line usage error."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"--baseline {p}: no such file (write one with --write-baseline {p})") from None
    except OSError as exc:
        raise UsageError(f"--baseline {p}: cannot read it: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{p}:{getattr(exc, 'lineno', 1)}: not a baseline file: invalid JSON ({exc})") from None
    import jsonschema

    problem = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema()).iter_errors(data))
    if problem is not None:
        where = "/" + "/".join(str(t) for t in problem.absolute_path)
        raise UsageError(f"{p}: not a baseline file: {problem.message} (at {where})")
    entries = {}
    for raw in data["entries"]:
        entry = Entry(raw["operation"], raw["check"], raw["kind"], raw.get("sample", ""), raw["location"],
                      raw.get("severity", "error"), raw.get("reason", ""))
        entries[entry.identity] = entry
    return Baseline(str(p), entries)


def compare(findings: Iterable[Finding], baseline: Baseline, *, ran: set[tuple[str, str]] | None = None
            ) -> Comparison:
    """Mark findings known/new; list entries that no longer occur.

    ``ran`` holds the (operation, check) pairs the run covered: an entry outside
    them is not stale, it was simply not looked at this time.
    """
    marked = [f.with_(baseline="known" if f in baseline else "new") for f in findings]
    seen = {identity(f) for f in marked}
    stale = [e for key, e in sorted(baseline.entries.items()) if key not in seen
             and (ran is None or (e.operation, e.check) in ran)]
    return Comparison(marked, stale, baseline.path)


def render(findings: Iterable[Finding], *, command: str, previous: Baseline | None = None) -> str:
    """The baseline file for these findings, sorted; reasons already written are kept."""
    entries: dict[Identity, Entry] = {}
    for f in findings:
        entry = entry_of(f)
        old = previous.entries.get(entry.identity) if previous is not None else None
        if old is not None and old.reason:
            entry = Entry(*entry.identity, entry.severity, old.reason)
        entries.setdefault(entry.identity, entry)
    body = {"format": FORMAT, "tool": "contracts", "command": command,
            "entries": [e.to_dict() for _, e in sorted(entries.items())]}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


__all__ = ["Baseline", "Comparison", "Entry", "compare", "entry_of", "load", "render", "schema"]
