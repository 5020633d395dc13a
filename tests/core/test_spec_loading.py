"""Loading: line numbers, local refs, envelope rules, routing."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from contracts.core.errors import SpecError, UsageError
from contracts.core.routing import Router
from contracts.core.spec import load_spec, load_specs

ROOT = Path(__file__).resolve().parents[2]


def test_local_file_refs_resolve(write_spec: Callable[..., Path]) -> None:
    write_spec("Thing: {type: object, properties: {x: {type: integer}}}\n", name="common.yaml")
    path = write_spec("""
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /a:
            get:
              operationId: a
              summary: A
              responses:
                "200":
                  description: OK
                  content:
                    application/json:
                      schema: {$ref: "common.yaml#/Thing"}
                      example: {x: 1}
        """)
    spec = load_spec(path)
    schema = spec.operations[0].responses["200"].content["application/json"].schema
    assert spec.compiled(schema, closed=True, direction="response").is_valid({"x": 1})
    assert not spec.compiled(schema, closed=True, direction="response").is_valid({"x": "1"})


def test_envelope_rule_is_read_from_the_spec() -> None:
    enos = load_spec(ROOT / "specs/enos-connect-v2.5.yaml")
    rule = enos.operation("getJob").responses["200"].envelope
    assert rule is not None
    assert rule.matches({"code": -1}) and not rule.matches({"code": 0}) and not rule.matches({})
    oc = load_spec(ROOT / "specs/oceanconnect-iocm-v1.4.0.yaml")
    rule = oc.operation("queryDeviceCmdCancelTask").responses["200"].envelope
    assert rule is not None
    assert rule.matches({"error_code": "100418"}) and not rule.matches({"data": []})


def test_bad_envelope_rule_is_a_spec_error(write_spec: Callable[..., Path]) -> None:
    path = write_spec("""
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /a:
            get:
              operationId: a
              summary: A
              responses:
                "200":
                  description: OK
                  x-error-envelope: {when: {pointer: code, present: true}, schema: {}}
        """)
    with pytest.raises(SpecError) as err:
        _ = load_spec(path).operations
    assert err.value.line == 11 and "JSON pointer" in str(err.value)


def test_router_uses_the_discriminating_query_parameter() -> None:
    specs = load_specs([ROOT / "specs"])
    router = Router(op for s in specs for op in s.operations)
    path = "/connect-service/v2.5/commands"
    assert router.match("POST", path, {"action": ["createJob"]}).operation.operation_id == "createJob"
    assert router.match("GET", path, {"action": "getJob"}).operation.operation_id == "getJob"
    assert router.match("GET", path, {"action": "createJob"}) is None
    m = router.match("GET", "/v5/iot/p1/devices/d%2D1/async-commands/c1")
    assert m is not None and m.operation.operation_id == "ShowAsyncDeviceCommand"
    assert m.path_params == {"project_id": "p1", "device_id": "d-1", "command_id": "c1"}
    assert router.match("DELETE", "/v5/iot/p1/batchtasks") is None


def test_unknown_operation_suggests(write_spec: Callable[..., Path]) -> None:
    spec = load_spec(ROOT / "specs/enos-connect-v2.5.yaml")
    with pytest.raises(UsageError, match="did you mean 'getJob'"):
        spec.operation("getjob")


def test_empty_file_is_a_spec_error(write_spec: Callable[..., Path]) -> None:
    with pytest.raises(SpecError, match=r":1: the file is empty"):
        load_spec(write_spec(""))


def test_folder_without_specs_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no spec files"):
        load_specs([tmp_path])
