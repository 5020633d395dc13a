"""Every integer in every shipped spec carries the width its vendor table gives it.

The tables distinguish ``Integer`` (int32) from ``long`` (int64); EnOS's
``Number`` is a JSON number. The expectations below were read off the seed
pages, field by field; integers that no table documents (modelled from a
sample) carry no width.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from contracts.core import pointer as jp
from contracts.core.schema import integer_bounds, to_json_schema
from contracts.core.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
BATCH = "/paths/~1v5~1iot~1{project_id}~1batchtasks/get/parameters"
CANCEL = "/paths/~1iocm~1app~1cmd~1v1.4.0~1deviceCommandCancelTasks/get/parameters"
MODELLED = None  # no table: modelled from a sample

EXPECTED: dict[str, dict[str, tuple[str, str | None]]] = {
    "enos-connect-v2.5.yaml": {  # seeds 000, 001
        "/components/schemas/CreateJobResponse/properties/code": ("number", None),  # Number
        "/components/schemas/GetJobResponse/properties/code": ("number", None),  # number
        "/components/schemas/ErrorEnvelope/properties/code": ("number", None),
        "/components/schemas/CommandJob/properties/createTimestamp": ("number", None),  # Number
        "/components/schemas/DisposableSchedulePolicy/properties/triggerTs": ("integer", "int64"),  # 13-digit ms
        "/components/schemas/TimeoutPolicy/properties/inProgressTimeoutInSeconds": ("integer", "int32"),  # Integer
        "/components/schemas/TimeoutPolicy/properties/ttlTimeoutInSeconds": ("integer", "int32"),  # Integer
        "/components/schemas/RetryPolicy/properties/retryIntervalInSeconds": ("number", None),  # Number
        "/components/schemas/RetryPolicy/properties/retryCount": ("number", None),  # Number
    },
    "iotda-v5.yaml": {  # seeds 003, 004
        f"{BATCH}/4/schema": ("integer", "int32"),  # limit: Integer
        f"{BATCH}/6/schema": ("integer", "int32"),  # offset: Integer
        "/components/schemas/ListBatchTasksResponse/properties/page/properties/count": ("integer", MODELLED),
        "/components/schemas/TaskPolicy/properties/retry_count": ("integer", "int32"),  # Integer
        "/components/schemas/TaskPolicy/properties/retry_interval": ("integer", "int32"),  # Integer
        **{f"/components/schemas/TaskProgress/properties/{name}": ("integer", MODELLED)
           for name in ("total", "processing", "success", "fail", "waitting", "fail_wait_retry", "stopped")},
        "/components/schemas/AsyncDeviceCommand/properties/expire_time": ("integer", "int32"),  # Integer
    },
    "oceanconnect-iocm-v1.4.0.yaml": {  # seed 002
        f"{CANCEL}/0/schema": ("integer", "int32"),  # pageNo: Integer(>=0)
        f"{CANCEL}/1/schema": ("integer", "int32"),  # pageSize: Integer[1,1000]
        "/components/schemas/Pagination/properties/pageNo": ("integer", "int64"),  # long
        "/components/schemas/Pagination/properties/pageSize": ("integer", "int64"),  # long
        "/components/schemas/Pagination/properties/totalSize": ("integer", "int64"),  # long
        "/components/schemas/DeviceCommandCancelTaskResp/properties/totalCount": ("integer", "int32"),  # Integer
        "/components/schemas/DeviceCommandResp/properties/expireTime": ("integer", "int32"),  # Integer(>=0)
        "/components/schemas/DeviceCommandResp/properties/issuedTimes": ("integer", "int32"),  # Integer(>=0)
        "/components/schemas/DeviceCommandResp/properties/maxRetransmit": ("integer", "int32"),  # Integer(0~3)
    },
}


def numbers(node: Any, at: str = "") -> Iterator[tuple[str, str, str | None]]:
    if isinstance(node, dict):
        if node.get("type") in ("integer", "number"):
            yield at, node["type"], node.get("format")
        for key, value in node.items():
            yield from numbers(value, jp.join(at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from numbers(value, jp.join(at, index))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_number_has_the_width_of_its_table(name: str) -> None:
    data = yaml.safe_load((ROOT / "specs" / name).read_text(encoding="utf-8"))
    found = {at: (kind, fmt) for at, kind, fmt in numbers(data)}
    assert found == EXPECTED[name]


def test_integer_formats_become_bounds_in_the_one_converter() -> None:
    spec = load_spec(ROOT / "specs" / "oceanconnect-iocm-v1.4.0.yaml")
    page_no = spec.operations[0].param("query", "pageNo")
    assert page_no is not None
    converted = to_json_schema(spec, page_no.schema)
    assert (converted["minimum"], converted["maximum"]) == (0, 2**31 - 1)  # Integer(>=0): 0 .. int32 max
    compiled = spec.compiled(page_no.schema, closed=False, direction="request")
    assert compiled.is_valid(2**31 - 1) and not compiled.is_valid(2**31)
    assert [v.kind for v in compiled.detailed(2**31)] == ["out-of-range"]
    assert integer_bounds({"type": "integer", "format": "int64"}) == (-(2**63), 2**63 - 1)
    assert integer_bounds({"type": "integer", "format": "int32", "maximum": 10}) == (-(2**31), 10)
    assert integer_bounds({"type": "string", "format": "int32"}) == (None, None)
