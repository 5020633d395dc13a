"""Causes first: the lead of every report (terminal, Markdown, HTML, JUnit).

The findings a report receives are already one per root cause
(``core/merge``). Every report opens with how many distinct causes there are,
then, for each, how often it was seen and one minimal example.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..core.finding import Finding, Severity


@dataclass(frozen=True)
class Headline:
    causes: int
    occurrences: int
    by_severity: dict[str, int]
    baseline: Mapping[str, Any] | None = None

    def text(self) -> str:
        sev = self.by_severity
        parts = [f"{self.causes} distinct cause{'s' if self.causes != 1 else ''}"
                 f" ({_n(sev['error'], 'error')}, {_n(sev['warning'], 'warning')}, {sev['info']} info)",
                 f"from {self.occurrences} occurrence{'s' if self.occurrences != 1 else ''}"]
        if self.baseline is not None:
            b = self.baseline
            parts.append(f"baseline {b.get('file')}: {b.get('new', 0)} new ({b.get('new_errors', 0)} new errors), "
                         f"{b.get('known', 0)} known, {len(b.get('stale') or [])} no longer seen")
        return "; ".join(parts)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def headline(findings: Iterable[Finding], baseline: Mapping[str, Any] | None = None) -> Headline:
    items = list(findings)
    counts = {s.value: 0 for s in Severity}
    for f in items:
        counts[f.severity.value] += 1
    return Headline(len(items), sum(f.count for f in items), counts, baseline)


def example(f: Finding) -> str | None:
    """One minimal reproduction: the (shrunk) curl command, or where in the spec the sample is."""
    if f.evidence is not None and f.evidence.curl:
        return f.evidence.curl
    if f.line is not None and f.spec:
        file = f.extra.get("file") if f.extra else None
        lines = f.extra.get("lines") if f.extra else None
        where = f"{file or f.spec}:{f.line}"
        if lines:
            where += " (lines " + ", ".join(str(n) for n in lines) + ")"
        return where
    return None


def label(f: Finding) -> str:
    """'createJob negative_data_rejection /body/desc' and the like."""
    return " ".join(x for x in (f.operation, f.sample or f.check or "", f.location or "/") if x)


def marks(f: Finding) -> str:
    """' ×3 [new]' and the like: how often, and the baseline verdict when there is one."""
    out = f" ×{f.count}" if f.count > 1 else ""
    if f.baseline:
        out += f" [{f.baseline}]"
    return out


__all__ = ["Headline", "example", "headline", "label", "marks"]
