"""``contracts diff``: what changed between two versions of a spec, from a client's point of view.

Each kind of change is one rule, registered by name in ``RULES`` (as the
checks are in ``runner/checks.py`` and the lint rules in ``core/lint.py``).
A rule has a hook for each level it looks at: the two documents
(``core/diffops.py`` SPEC_RULES), a pair of matched operations (OPERATION_RULES)
or a pair of schemas met in the structural walk (``core/diffschema.py``
SCHEMA_RULES); ``description-changed`` and ``example-changed`` look at all
three. The walk and the matching are here; what each rule decides is in its
module. The result is data: the CLI chooses the exit code and the writers in
``report/diff.py`` the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from .diffmodel import IMPACT_ORDER, Change, Impact, Rule, Side, SpecPair
from .diffops import OPERATION_DOC_RULES, OPERATION_HALVES, OPERATION_RULES, SPEC_DOC_RULES, SPEC_RULES, OperationPair, \
    match_operations, schema_slots
from .diffschema import SCHEMA_DOC_RULES, SCHEMA_RULES, SchemaWalk, location
from .spec import Spec


def _registry() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for name, summary, run in SPEC_RULES:
        rules[name] = Rule(name, summary, spec=run)
    for name, summary, run in OPERATION_RULES:
        rules[name] = Rule(name, summary, operation=run)
    for name, summary, run in SCHEMA_RULES:
        rules[name] = Rule(name, summary, schema=run, operation=OPERATION_HALVES.get(name))
    docs = {"description-changed": "summaries, descriptions, titles and documentation marks (x-docs-gap, "
                                   "x-undocumented): harmless",
            "example-changed": "examples and request samples: harmless",
            "deprecation-changed": "deprecated set or cleared: harmless (a notice)"}
    for name, summary in docs.items():
        rules[name] = Rule(name, summary, spec=SPEC_DOC_RULES.get(name), operation=OPERATION_DOC_RULES.get(name),
                           schema=SCHEMA_DOC_RULES.get(name))
    return rules


RULES: dict[str, Rule] = _registry()


@dataclass
class DiffResult:
    old: str  # how each side was named: a file, or REV:PATH
    new: str
    old_version: str
    new_version: str
    changes: list[Change] = field(default_factory=list)

    def count(self, impact: Impact) -> int:
        return sum(1 for c in self.changes if c.impact is impact)

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking]

    def fails(self, strict: bool = False) -> bool:
        """Any breaking change (with ``strict``, also any that breaks generated clients)."""
        return any(c.impact is Impact.BREAKING or (strict and c.impact is Impact.GENERATED) for c in self.changes)

    def summary(self) -> dict[str, Any]:
        by_rule: dict[str, int] = {}
        for c in self.changes:
            by_rule[c.rule] = by_rule.get(c.rule, 0) + 1
        return {"old": {"spec": self.old, "version": self.old_version},
                "new": {"spec": self.new, "version": self.new_version},
                "changes": len(self.changes), "breaking": self.count(Impact.BREAKING),
                "generated_clients": self.count(Impact.GENERATED), "harmless": self.count(Impact.HARMLESS),
                "by_rule": dict(sorted(by_rule.items()))}


def diff_specs(old: Spec | Side, new: Spec | Side, rules: Iterable[Rule] | None = None) -> DiffResult:
    """Every change from ``old`` to ``new``, breaking ones first (then in the new document's order)."""
    old_side = old if isinstance(old, Side) else Side(old)
    new_side = new if isinstance(new, Side) else Side(new)
    chosen = list(rules) if rules is not None else list(RULES.values())
    matched, removed, added = match_operations(old_side.spec.operations, new_side.spec.operations)
    pair = SpecPair(old_side, new_side, matched, removed, added)
    changes: list[Change] = []
    for rule in chosen:
        if rule.spec is not None:
            changes.extend(rule.spec(pair))
    walk = SchemaWalk(old_side, new_side, chosen)
    for old_op, new_op in matched:
        op_pair = OperationPair(old_op, new_op, old_side, new_side)
        for rule in chosen:
            if rule.operation is not None:
                changes.extend(rule.operation(op_pair))
        for slot in schema_slots(op_pair):
            for path, delta in walk.compare(slot.old, slot.new, slot.ctx):
                changes.append(Change(delta.rule, delta.impact, op_pair.label, location(slot.prefix, path,
                                                                                        delta.keyword),
                                      delta.message, delta.reason, operation_id=new_op.operation_id,
                                      direction=slot.ctx.direction, old=old_side.site(delta.old),
                                      new=new_side.site(delta.new)))
    unique: dict[tuple[str, str, str, str], Change] = {}
    for c in changes:
        unique.setdefault((c.rule, c.operation, c.location, c.message), c)
    ordered = sorted(unique.values(), key=lambda c: IMPACT_ORDER[c.impact])
    return DiffResult(old_side.name, new_side.name, old_side.spec.version, new_side.spec.version, ordered)


def diff_sources(old: str, new: str) -> DiffResult:
    """Diff two specs named as files or git revisions (``REV:PATH``); SpecError/UsageError on bad input."""
    from .revision import open_source

    with open_source(old) as old_source, open_source(new) as new_source:
        return diff_specs(Side(old_source.spec, old_source.name_of), Side(new_source.spec, new_source.name_of))


__all__ = ["DiffResult", "RULES", "diff_sources", "diff_specs"]
