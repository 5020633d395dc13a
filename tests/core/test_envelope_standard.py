"""The shipped specs say "success or error" in plain OpenAPI too, and it means what `x-error-envelope` means.

Every response with an `x-error-envelope` rule has a media schema that any
JSON Schema tool reads as ``oneOf: [Success, ErrorEnvelope]``, the two
excluding each other. contracts picks the branch by the rule instead (for
precise messages). For every body (the docs' samples, hypothesis-made bodies
around the rule's field, and every answer the mock gives a check run,
faults included) both verdicts must be the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.core.compiled import CompiledSchema
from contracts.core.schema import to_json_schema
from contracts.core.spec import Operation, load_spec

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "specs").glob("*.yaml"))


def _enveloped() -> Iterator[tuple[Any, Operation, Any, Any]]:
    for path in SPECS:
        spec = load_spec(path)
        for op in spec.operations:
            for response in op.responses.values():
                if response.envelope is None:
                    continue
                for media in response.content.values():
                    if media.schema is not None:
                        yield spec, op, response, media


ENVELOPED = list(_enveloped())
IDS = [f"{op.operation_id}-{r.status}" for _, op, r, _ in ENVELOPED]


class Verdicts:
    """The plain verdict (the media schema as written) and the envelope verdict (the rule picks the branch)."""

    def __init__(self, spec: Any, response: Any, media: Any) -> None:
        rule = response.envelope
        self.rule = rule
        self.plain = CompiledSchema(to_json_schema(spec, media.schema))
        self.success = CompiledSchema(to_json_schema(spec, rule.success(media.schema)))
        self.error = CompiledSchema(to_json_schema(spec, rule.schema))

    def of(self, body: Any) -> tuple[bool, bool]:
        chosen = self.error if self.rule.matches(body) else self.success
        return self.plain.is_valid(body), chosen.is_valid(body)


def test_every_envelope_is_also_said_in_plain_openapi() -> None:
    assert {op.operation_id for _, op, _, _ in ENVELOPED} == {"createJob", "getJob", "queryDeviceCmdCancelTask"}
    for _, op, response, media in ENVELOPED:
        branches = media.schema.get("oneOf")
        assert isinstance(branches, list) and len(branches) == 2, op.operation_id
        assert response.envelope.schema in branches, op.operation_id
        assert response.envelope.success(media.schema) in branches, op.operation_id


@pytest.mark.parametrize(("spec", "op", "response", "media"), ENVELOPED, ids=IDS)
def test_samples_get_the_same_verdict(spec: Any, op: Operation, response: Any, media: Any) -> None:
    verdicts = Verdicts(spec, response, media)
    values = [e.value for e in media.examples if e.external is None and e.value is not None]
    assert values, "each enveloped response has samples"
    for value in values:
        plain, envelope = verdicts.of(value)
        assert plain == envelope, json.dumps(value)[:300]


# Bodies around the rule: the field present or not, with values of every JSON type, and the other members
# each shape has (so both "valid success", "valid error" and every kind of invalid come up).
_VALUES = st.one_of(st.none(), st.booleans(), st.sampled_from([0, 0.0, -1, 1, 5, "0", "-1", "100203", "100217",
                                                               "100418", "100022", "x"]),
                    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(),
                                                                         max_size=2))
_MEMBERS = ("code", "msg", "requestId", "data", "error_code", "error_desc", "pagination")


@st.composite
def _bodies(draw: Any, samples: list[Any]) -> Any:
    base = dict(draw(st.sampled_from(samples))) if samples and draw(st.booleans()) else {}
    for name in draw(st.lists(st.sampled_from(_MEMBERS), max_size=4, unique=True)):
        if draw(st.booleans()):
            base.pop(name, None)
        else:
            base[name] = draw(_VALUES)
    return base


@pytest.mark.parametrize(("spec", "op", "response", "media"), ENVELOPED, ids=IDS)
def test_bodies_around_the_rule_get_the_same_verdict(spec: Any, op: Operation, response: Any, media: Any) -> None:
    verdicts = Verdicts(spec, response, media)
    samples = [e.value for e in media.examples if isinstance(e.value, dict)]
    seen = {"plain valid": 0, "plain invalid": 0}

    @settings(max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(_bodies(samples))
    def agree(body: Any) -> None:
        plain, envelope = verdicts.of(body)
        assert plain == envelope, json.dumps(body)
        seen["plain valid" if plain else "plain invalid"] += 1

    agree()
    assert seen["plain valid"] and seen["plain invalid"]  # both outcomes were exercised


@pytest.mark.slow
@pytest.mark.parametrize("faults", [(), ("enos-error-as-success",), ("wrong-type",), ("enum-value",),
                                    ("accept-invalid",)], ids=lambda f: ",".join(f) or "correct")
def test_every_mock_answer_gets_the_same_verdict(faults: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    from contracts.runner import transport as transport_module
    from contracts.runner.session import Options, open_session

    answers: list[tuple[Any, int, bytes]] = []
    real = transport_module.AsgiTransport.send

    def send(self: Any, request: Any) -> Any:
        response = real(self, request)
        answers.append((request, response.status, response.body or b""))
        return response

    monkeypatch.setattr(transport_module.AsgiTransport, "send", send)
    specs = [str(ROOT / "specs" / "enos-connect-v2.5.yaml"), str(ROOT / "specs" / "oceanconnect-iocm-v1.4.0.yaml")]
    session = open_session(Options(specs=specs, seed=3, max_examples=20, workers=1, mock_faults=faults))
    try:
        session.runner().run(session.selected_operations())
        verdicts: dict[str, Verdicts] = {}
        compared = 0
        for request, status, body in answers:
            if status != 200 or not body:
                continue
            try:
                value = json.loads(body)
            except ValueError:
                continue
            found = session.contract.match(request)
            response = found.operation.responses.get("200") if found is not None else None
            if found is None or response is None or response.envelope is None:
                continue
            op = found.operation
            if op.operation_id not in verdicts:
                verdicts[op.operation_id] = Verdicts(op.spec, response, response.content["application/json"])
            plain, envelope = verdicts[op.operation_id].of(value)
            assert plain == envelope, f"{request.url}: {body[:300]!r}"
            compared += 1
        assert compared > 20
    finally:
        session.close()
