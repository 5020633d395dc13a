"""One finding per root cause: array indices, undocumented fields by parent, leniencies by name."""

from __future__ import annotations

from contracts.core.finding import Finding, Kind, Severity
from contracts.core.merge import identity, merge, shape


def f(location: str, kind: str = Kind.WRONG_TYPE, *, check: str = "response_schema_conformance",
      message: str = "m", severity: Severity = Severity.ERROR, **extra: object) -> Finding:
    return Finding("op", kind, severity, location, message, check=check, extra=extra)


def test_array_indices_fold_and_lines_are_kept() -> None:
    a = f("/body/items/3/status").with_(line=36)
    b = f("/body/items/7/status").with_(line=68, seed=9)
    merged = merge([a, b])
    assert len(merged) == 1 and merged[0].count == 2
    assert merged[0].location == "/body/items/3/status" and merged[0].extra["lines"] == [36, 68]
    assert shape("/body/items/3/status") == "/body/items/*/status"
    assert identity(a) == identity(b)  # the seed and the index are not part of the cause


def test_undocumented_fields_fold_by_parent_object() -> None:
    names = ["aXq", "Zz9", "k", "aXq"]  # random generated names, one repeated
    found = [f(f"/body/data/commandInfo/{n}", Kind.UNDOCUMENTED_FIELD, severity=Severity.WARNING) for n in names]
    found.append(f("/body/data/other", Kind.UNDOCUMENTED_FIELD, severity=Severity.WARNING))
    merged = {m.location: m for m in merge(found)}
    folded = merged["/body/data/commandInfo"]
    assert folded.count == 4 and folded.extra["fields"] == ["aXq", "Zz9", "k"]
    assert folded.message.startswith("3 undocumented fields under /body/data/commandInfo: aXq, Zz9, k")
    assert merged["/body/data/other"].count == 1  # another parent, another cause


def test_lenient_acceptances_of_one_kind_fold_into_one_finding() -> None:
    nulls = [f(f"/body/{n}", Kind.ACCEPTED_INVALID, check="negative_data_rejection", severity=Severity.INFO,
               message=f"/{n} = null", leniency="null") for n in ("a", "b/c", "d")]
    strict = [f(f"/body/{n}", Kind.ACCEPTED_INVALID, check="negative_data_rejection", message="above the maximum")
              for n in ("x", "y")]
    merged = merge(nulls + strict)
    folded = [m for m in merged if m.extra.get("leniency") == "null"]
    assert len(folded) == 1 and folded[0].count == 3
    assert folded[0].extra["locations"] == ["/body/a", "/body/b/c", "/body/d"]
    assert folded[0].location == "/body"
    assert folded[0].message.startswith("null was accepted where the docs never say whether it may be at 3 places")
    assert len([m for m in merged if not m.extra.get("leniency")]) == 2  # stated deviations stay apart


def test_errors_come_first() -> None:
    merged = merge([f("/body/b", severity=Severity.INFO), f("/body/a", severity=Severity.ERROR)])
    assert [m.severity for m in merged] == [Severity.ERROR, Severity.INFO]


def test_causes_beyond_the_cap_are_counted_in_one_finding_with_the_firmest_severity() -> None:
    from contracts.core.merge import Folder

    folder = Folder(max_causes=3)
    for n in range(10):
        folder.add(f(f"/header/x-{n}", Kind.UNDOCUMENTED_HEADER, check="response_headers_conformance",
                     severity=Severity.INFO))
    folder.add(f("/header/x-9", Kind.UNDOCUMENTED_HEADER, check="response_headers_conformance",
                 severity=Severity.INFO))  # a repeat of an unlisted cause
    folder.add(f("/header/x-late", Kind.MISSING_FIELD, check="response_headers_conformance"))
    found = folder.findings()
    listed = [x for x in found if x.kind != Kind.MORE_CAUSES]
    more = [x for x in found if x.kind == Kind.MORE_CAUSES]
    assert len(listed) == 3 and len(more) == 1
    assert more[0].extra["causes"] == 8 and more[0].count == 9
    assert more[0].severity is Severity.ERROR  # the error among them still fails the run
    assert more[0].message.startswith("8 more distinct causes of response_headers_conformance were not listed")
