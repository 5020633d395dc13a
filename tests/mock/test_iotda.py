"""IoTDA: marker pagination exactly as documented, filters, the IoTDA error envelope, command lookup."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from contracts.core.spec import Operation
from contracts.core.validator import Contract
from contracts.mock.data import IOTDA_APP_IDS
from contracts.mock.faults import IGNORE_LIMIT
from contracts.mock.iotda import IotdaVendor
from contracts.mock.replies import dumps

from .conftest import BATCHTASKS, SAMPLE_COMMAND, SAMPLE_COMMAND_PATH, SAMPLE_DEVICE, Client, app_of, findings

SAMPLE_TASK = "5c8ba99030344005c02316ad"


def page(client: Client, headers: dict[str, str], query: str) -> dict[str, Any]:
    exchange = client.get(f"{BATCHTASKS}?{query}", headers=headers)
    assert exchange.status == 200, exchange.body
    return exchange.json()


def ids(body: dict[str, Any]) -> list[str]:
    return [t["task_id"] for t in body["batchtasks"]]


def test_first_page_is_the_newest_ten_with_count_and_marker(client: Client, iotda_headers: dict[str, str],
                                                            strict: Contract) -> None:
    exchange = client.get(f"{BATCHTASKS}?task_type=softwareUpgrade", headers=iotda_headers)
    body = exchange.json()
    got = ids(body)
    assert len(got) == 10 and got == sorted(got, reverse=True)
    assert {t["task_type"] for t in body["batchtasks"]} == {"softwareUpgrade"}
    assert body["page"]["marker"] == got[-1]
    assert body["page"]["count"] > 60
    assert findings(strict, exchange) == []


def test_walking_the_markers_yields_every_record_once_in_descending_order(client: Client,
                                                                          iotda_headers: dict[str, str]) -> None:
    first = page(client, iotda_headers, "task_type=softwareUpgrade&limit=50")
    count = first["page"]["count"]
    seen = ids(first)
    marker = first["page"]["marker"]
    while True:
        body = page(client, iotda_headers, f"task_type=softwareUpgrade&limit=50&marker={marker}")
        assert body["page"]["count"] == count
        if not body["batchtasks"]:
            assert "marker" not in body["page"]
            break
        assert all(i < marker for i in ids(body))
        seen += ids(body)
        marker = body["page"]["marker"]
    assert len(seen) == len(set(seen)) == count
    assert seen == sorted(seen, reverse=True) and seen[-1] == SAMPLE_TASK


def test_offset_skips_records_after_the_marker(client: Client, iotda_headers: dict[str, str]) -> None:
    everything = ids(page(client, iotda_headers, "task_type=softwareUpgrade&limit=50"))
    assert ids(page(client, iotda_headers, "task_type=softwareUpgrade&offset=5&limit=3")) == everything[5:8]
    marker = everything[9]
    after = ids(page(client, iotda_headers, f"task_type=softwareUpgrade&marker={marker.upper()}&offset=2&limit=4"))
    assert after == everything[12:16]
    beyond = page(client, iotda_headers, "task_type=softwareUpgrade&offset=500")
    assert beyond["batchtasks"] == [] and "marker" not in beyond["page"]


def test_status_and_app_id_filter_and_count_counts_the_matches(client: Client, iotda_headers: dict[str, str]) -> None:
    vendor = next(v for v in app_of(client).vendors if v.name == "IoTDA")
    tasks = getattr(vendor, "tasks")
    for query, keep in (("status=Stopped", lambda t: t.status == "Stopped"),
                        (f"app_id={IOTDA_APP_IDS[1]}", lambda t: t.app_id == IOTDA_APP_IDS[1])):
        body = page(client, iotda_headers, f"task_type=firmwareUpgrade&limit=50&{query}")
        expected = [t.task_id for t in tasks if t.task_type == "firmwareUpgrade" and keep(t)]
        assert ids(body) == expected[:50] and body["page"]["count"] == len(expected) > 0
    nothing = page(client, iotda_headers, "task_type=createDevices&app_id=no-such-space")
    assert nothing == {"batchtasks": [], "page": {"count": 0}}


def test_the_docs_sample_task_is_served(client: Client, iotda_headers: dict[str, str],
                                        ops: dict[str, Operation]) -> None:
    sample = ops["ListBatchTasks"].responses["200"].content["application/json"].examples[0].value
    body = page(client, iotda_headers, "task_type=softwareUpgrade&status=Success&limit=50")
    assert body["batchtasks"][-1] == sample["batchtasks"][0]


def test_invalid_parameters_get_400_iotda_000006_naming_them(client: Client, iotda_headers: dict[str, str],
                                                             strict: Contract) -> None:
    cases = {
        "task_type": "limit=5",
        "limit": "task_type=createDevices&limit=51",
        "offset": "task_type=createDevices&offset=501",
        "marker": "task_type=createDevices&marker=zz",
        "status": "task_type=createDevices&status=Done",
        "app_id": f"task_type=createDevices&app_id={'a' * 37}",
    }
    for name, query in cases.items():
        exchange = client.get(f"{BATCHTASKS}?{query}", headers=iotda_headers)
        body = exchange.json()
        assert exchange.status == 400 and body["error_code"] == "IOTDA.000006", name
        assert f"{name}: " in body["error_msg"]
        assert findings(strict, exchange) == []


def test_a_missing_or_wrong_token_gets_401_before_validation(client: Client, strict: Contract) -> None:
    for headers in ({}, {"X-Auth-Token": "someone-else"}):
        for url in (f"{BATCHTASKS}?task_type=createDevices", f"{BATCHTASKS}?limit=0", SAMPLE_COMMAND_PATH):
            exchange = client.get(url, headers=headers)
            assert exchange.status == 401 and exchange.json()["error_code"] == "IOTDA.000002"
            assert findings(strict, exchange) == []


def test_a_command_is_found_by_device_and_id(client: Client, iotda_headers: dict[str, str],
                                             ops: dict[str, Operation], strict: Contract) -> None:
    sample = ops["ShowAsyncDeviceCommand"].responses["200"].content["application/json"].examples[0].value
    exchange = client.get(SAMPLE_COMMAND_PATH, headers=iotda_headers)
    assert exchange.status == 200 and exchange.json() == sample
    vendor = next(v for v in app_of(client).vendors if v.name == "IoTDA")
    for (device, command), body in list(getattr(vendor, "commands").items())[:10]:
        found = client.get(f"/v5/iot/p1/devices/{device}/async-commands/{command}", headers=iotda_headers)
        assert found.json() == body
        assert findings(strict, found) == []


def test_an_unknown_command_is_404_and_a_malformed_id_is_400(client: Client, iotda_headers: dict[str, str],
                                                            strict: Contract) -> None:
    other_device = client.get(f"/v5/iot/p1/devices/other/async-commands/{SAMPLE_COMMAND}", headers=iotda_headers)
    unknown = client.get(f"/v5/iot/p1/devices/{SAMPLE_DEVICE}/async-commands/nope", headers=iotda_headers)
    for exchange in (other_device, unknown):
        assert exchange.status == 404 and exchange.json()["error_code"] == "IOTDA.014000"
        assert findings(strict, exchange) == []
    for path in (f"/v5/iot/p1/devices/bad.device/async-commands/{SAMPLE_COMMAND}",
                 f"/v5/iot/p1/devices/{SAMPLE_DEVICE}/async-commands/{'c' * 101}"):
        malformed = client.get(path, headers=iotda_headers)
        assert malformed.status == 400 and malformed.json()["error_code"] == "IOTDA.000006"
        assert findings(strict, malformed) == []


@pytest.mark.parametrize("faults", [(), (IGNORE_LIMIT,)])
def test_pages_are_the_plain_filters_and_joined_from_tasks_serialised_once(make_client: Callable[..., Client],
                                                                          faults: tuple[str, ...]) -> None:
    vendor = next(v for v in app_of(make_client(faults=faults)).vendors if isinstance(v, IotdaVendor))
    middle = vendor.tasks[len(vendor.tasks) // 2].task_id
    pages = 0
    for task_type in (None, "softwareUpgrade", "createMessages", "unknown"):
        for status in (None, "Success", "Fail"):
            for app_id in (None, IOTDA_APP_IDS[0]):
                for marker in ("f" * 24, middle, "0" * 24):
                    for limit, offset in ((1, 0), (10, 3), (50, 0), (0, 0)):
                        args = (task_type, status, app_id, marker, limit, offset)
                        assert vendor._page_bytes(*args) == dumps(vendor._page(*args)), args
                        kept = [t for t in vendor.tasks if task_type in (None, t.task_type)
                                and status in (None, t.status) and app_id in (None, t.app_id)]
                        after = [t.body for t in kept if t.task_id < marker]
                        expected = after[offset:] if faults else after[offset:offset + limit]
                        assert vendor._page(*args)["batchtasks"] == expected, args  # the plain filter's page
                        assert vendor._page(*args)["page"]["count"] == len(kept)
                        pages += bool(expected)
    assert pages > 50  # many of them are not empty
