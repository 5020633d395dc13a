"""One finding per root cause.

Producers yield a finding per occurrence; reports show causes. A cause is
the finding's ``identity`` (operation, check, kind, sample, and the shape of
its location, array indices folded), with two wider folds:

* undocumented fields fold by their parent object: "3 undocumented fields
  under /body/data/commandInfo: a, b, c" (so random generated names never
  make one finding each);
* lenient acceptances of one kind in one operation fold into one finding
  that lists the pointers ("null was accepted for 20 fields").

The identity ignores the seed, so it also keys the baseline of known deviations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from . import pointer as jp
from .finding import Finding, Kind
from .severity import LENIENCIES

Identity = tuple[str, str, str, str, str]
LISTED = 12  # names or pointers spelled out in a folded finding's message
KEPT = 200  # names or pointers kept in its ``extra``


def shape(pointer: str) -> str:
    """/body/batchtasks/3/status and /body/batchtasks/7/status have one shape: /body/batchtasks/*/status."""
    return "/".join("*" if token.isdigit() else token for token in pointer.split("/"))


def parent(pointer: str) -> str:
    return pointer.rpartition("/")[0]


def identity(f: Finding) -> Identity:
    """What makes two findings the same cause."""
    leniency = f.extra.get("leniency") if isinstance(f.extra, Mapping) else None
    if leniency and f.kind == Kind.ACCEPTED_INVALID:
        where = f"~{leniency}"
    elif f.kind == Kind.UNDOCUMENTED_FIELD:
        where = shape(parent(f.location))
    else:
        where = shape(f.location)
    return (f.operation, f.check or "", f.kind, f.sample or "", where)


@dataclass
class _Group:
    first: Finding
    count: int = 0
    names: dict[str, None] = field(default_factory=dict)
    locations: dict[str, None] = field(default_factory=dict)
    lines: dict[int, None] = field(default_factory=dict)

    def add(self, f: Finding) -> None:
        self.count += f.count
        for name in f.extra.get("fields", ()) if isinstance(f.extra, Mapping) else ():
            self._keep(self.names, str(name))
        if f.kind == Kind.UNDOCUMENTED_FIELD and not f.extra.get("fields"):
            self._keep(self.names, jp.unescape(f.location.rpartition("/")[2]))
        for where in f.extra.get("locations", ()) if isinstance(f.extra, Mapping) else ():
            self._keep(self.locations, str(where))
        self._keep(self.locations, f.location)
        if f.line is not None and len(self.lines) < KEPT:
            self.lines.setdefault(f.line, None)

    @staticmethod
    def _keep(into: dict[str, None], value: str) -> None:
        if len(into) < KEPT:
            into.setdefault(value, None)

    def finding(self) -> Finding:
        f = self.first
        extra = dict(f.extra)
        if len(self.lines) > 1:
            extra["lines"] = sorted(self.lines)
        if f.kind == Kind.UNDOCUMENTED_FIELD and len(self.names) > 1:
            names = list(self.names)
            under = parent(f.location) or "/"
            shown = ", ".join(names[:LISTED]) + (f" and {len(names) - LISTED} more" if len(names) > LISTED else "")
            why = f.extra.get("why")
            message = f"{len(names)} undocumented fields under {under}: {shown}" + (f" ({why})" if why else "")
            extra["fields"] = names
            return f.with_(location=under, message=message, count=self.count, extra=extra)
        if f.extra.get("leniency") and f.kind == Kind.ACCEPTED_INVALID and len(self.locations) > 1:
            locations = sorted(self.locations)
            shown = ", ".join(locations[:LISTED]) + (f" and {len(locations) - LISTED} more"
                                                     if len(locations) > LISTED else "")
            extra["locations"] = locations
            common = _common(locations)
            what = LENIENCIES.get(str(f.extra["leniency"]), "the same leniency")
            message = f"{what} at {len(locations)} places ({shown}); for example: {f.message}"
            return f.with_(location=common, message=message, count=self.count, extra=extra)
        return f.with_(count=self.count, extra=extra)


def _common(pointers: list[str]) -> str:
    """The longest pointer every one of ``pointers`` lies under."""
    split = [p.split("/") for p in pointers]
    out: list[str] = []
    for tokens in zip(*split):
        if len(set(tokens)) != 1:
            break
        out.append(tokens[0])
    return "/".join(out)


MAX_CAUSES = 50  # causes listed per operation and check; the rest are counted in one finding
OVERFLOW_MEMORY = 100_000  # identities of unlisted causes remembered (so repeats are not counted twice)


@dataclass
class _Overflow:
    """Causes of one (operation, check) beyond MAX_CAUSES: counted, with the firmest severity among them."""

    first: Finding
    causes: int = 0
    occurrences: int = 0

    def add(self, f: Finding) -> None:
        self.occurrences += f.count
        if f.severity.rank < self.first.severity.rank:
            self.first = f


class Folder:
    """Folds findings into causes as they come, in bounded memory.

    One group per cause, and at most ``max_causes`` causes per operation and
    check: a server that answers with a thousand undocumented headers, or
    random names, costs one line saying how many more there were.
    """

    def __init__(self, max_causes: int = MAX_CAUSES) -> None:
        self._groups: dict[Identity, _Group] = {}
        self._per_check: dict[tuple[str, str], int] = {}
        self._overflow: dict[tuple[str, str], _Overflow] = {}
        self._overflowed: set[Identity] = set()
        self.max_causes = max_causes

    def __contains__(self, f: Finding) -> bool:
        key = identity(f)
        return key in self._groups or key in self._overflowed

    def __len__(self) -> int:
        return len(self._groups)

    def add(self, f: Finding) -> None:
        key = identity(f)
        group = self._groups.get(key)
        if group is None:
            where = (f.operation, f.check or "")
            if self._per_check.get(where, 0) >= self.max_causes:
                over = self._overflow.get(where)
                if over is None:
                    over = self._overflow[where] = _Overflow(f)
                if key not in self._overflowed:
                    over.causes += 1
                    if len(self._overflowed) < OVERFLOW_MEMORY:  # beyond it, repeats count as new causes
                        self._overflowed.add(key)
                over.add(f)
                return
            self._per_check[where] = self._per_check.get(where, 0) + 1
            group = self._groups[key] = _Group(f)
        group.add(f)

    def extend(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            self.add(f)

    def replace(self, minimal: Mapping[Identity, Finding]) -> None:
        """Where hypothesis shrank a failing case, its minimal reproduction stands for the cause."""
        for key, f in minimal.items():
            if key in self._groups:
                self._groups[key].first = f.with_(extra={**self._groups[key].first.extra, **f.extra})

    def findings(self) -> list[Finding]:
        """One finding per cause, counting the occurrences; errors first."""
        out = [g.finding() for g in self._groups.values()]
        for (operation, check), over in self._overflow.items():
            f = over.first
            out.append(f.with_(kind=Kind.MORE_CAUSES, location="", count=over.occurrences, evidence=None,
                               message=f"{over.causes} more distinct causes of {check or 'this check'} were not "
                                       f"listed (at most {self.max_causes} per operation and check); the firmest "
                                       f"of them: {f.kind} at {f.location or '/'}: {f.message}",
                               extra={"causes": over.causes}))
        return sorted(out, key=lambda f: (f.severity.rank, f.sort_key))


def merge(findings: Iterable[Finding], minimal: Mapping[Identity, Finding] | None = None) -> list[Finding]:
    """One finding per cause (see ``Folder``); ``minimal`` reproductions replace the first seen."""
    folder = Folder()
    for f in findings:
        folder.add(f)
    folder.replace(minimal or {})
    return folder.findings()


__all__ = ["Folder", "Identity", "identity", "merge", "parent", "shape"]
