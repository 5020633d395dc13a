"""OceanConnect cancel tasks: the two auth headers, filters, page/size paging, HTTP-200 business errors."""

from __future__ import annotations

from typing import Any

from contracts.core.validator import Contract
from contracts.mock.credentials import (OCEANCONNECT_APP_KEY, OCEANCONNECT_AUTHORIZED_APP_ID, OCEANCONNECT_TOKEN,
                                        OCEANCONNECT_UNAUTHORIZED_APP_ID)
from contracts.mock.data import CancelTaskData

from .conftest import CANCEL_TASKS, Client, app_of, findings


def data_of(client: Client) -> CancelTaskData:
    vendor = next(v for v in app_of(client).vendors if v.name == "OceanConnect")
    data = getattr(vendor, "data")
    assert isinstance(data, CancelTaskData)
    return data


def query(client: Client, headers: dict[str, str], params: str = "") -> dict[str, Any]:
    exchange = client.get(f"{CANCEL_TASKS}?{params}", headers=headers)
    assert exchange.status == 200, exchange.body
    return exchange.json()


def task_ids(body: dict[str, Any]) -> list[str]:
    return [t["taskId"] for t in body["data"]]


def test_authentication_errors_follow_the_error_table(client: Client, strict: Contract) -> None:
    bearer = f"Bearer {OCEANCONNECT_TOKEN}"
    cases = [
        ({"Authorization": bearer}, 500, "100220"),
        ({"app_key": OCEANCONNECT_APP_KEY}, 403, "1010005"),
        ({"app_key": OCEANCONNECT_APP_KEY, "Authorization": OCEANCONNECT_TOKEN}, 403, "1010005"),
        ({"app_key": OCEANCONNECT_APP_KEY, "Authorization": "Bearer someone-elses"}, 403, "1010005"),
        ({"app_key": "unknown-app", "Authorization": bearer}, 403, "1010005"),
        ({}, 500, "100220"),
    ]
    for headers, status, code in cases:
        for params in ("", "pageSize=0"):  # credentials are checked before the input
            exchange = client.get(f"{CANCEL_TASKS}?{params}", headers=headers)
            assert (exchange.status, exchange.json()["error_code"]) == (status, code), headers
            assert findings(strict, exchange) == []


def test_without_parameters_every_task_of_the_callers_app_in_one_page(client: Client, oc_headers: dict[str, str],
                                                                      strict: Contract) -> None:
    exchange = client.get(CANCEL_TASKS, headers=oc_headers)
    body = exchange.json()
    own = [t.task_id for t in data_of(client).tasks if t.app_id == OCEANCONNECT_APP_KEY]
    assert body["pagination"] == {"pageNo": 0, "pageSize": 1000, "totalSize": len(own)}
    assert task_ids(body) == own and len(own) >= 60
    assert findings(strict, exchange) == []


def test_pages_partition_the_matches(client: Client, oc_headers: dict[str, str]) -> None:
    everything = task_ids(query(client, oc_headers))
    pages = []
    for page_no in range(0, 10):
        body = query(client, oc_headers, f"pageNo={page_no}&pageSize=7")
        assert body["pagination"] == {"pageNo": page_no, "pageSize": 7, "totalSize": len(everything)}
        pages += task_ids(body)
    assert pages == everything
    assert query(client, oc_headers, "pageNo=1000&pageSize=1000")["data"] == []


def test_filters_by_task_device_status_and_creation_window(client: Client, oc_headers: dict[str, str]) -> None:
    own = [t for t in data_of(client).tasks if t.app_id == OCEANCONNECT_APP_KEY]
    target = own[10]
    assert task_ids(query(client, oc_headers, f"taskId={target.task_id}")) == [target.task_id]
    assert query(client, oc_headers, "taskId=unknown")["data"] == []
    by_device = [t.task_id for t in own if t.device_id == target.device_id]
    assert task_ids(query(client, oc_headers, f"deviceId={target.device_id}")) == by_device
    by_status = [t.task_id for t in own if t.status == "PART_SUCCESS"]
    assert task_ids(query(client, oc_headers, "status=PART_SUCCESS")) == by_status
    start, end = own[5].created, own[20].created  # both ends are inclusive
    window = task_ids(query(client, oc_headers, f"startTime={start}&endTime={end}"))
    assert window == [t.task_id for t in own[5:21]]
    assert task_ids(query(client, oc_headers, f"startTime={end}&endTime={start}")) == []


def test_a_known_device_without_tasks_is_an_empty_page_not_an_error(client: Client,
                                                                    oc_headers: dict[str, str]) -> None:
    data = data_of(client)
    idle = sorted(data.devices[OCEANCONNECT_APP_KEY] - {t.device_id for t in data.tasks})
    assert idle
    body = query(client, oc_headers, f"deviceId={idle[0]}")
    assert body["data"] == [] and body["pagination"]["totalSize"] == 0


def test_business_errors_come_back_with_http_200(client: Client, oc_headers: dict[str, str],
                                                 strict: Contract) -> None:
    partner_device = sorted(data_of(client).devices[OCEANCONNECT_AUTHORIZED_APP_ID])[0]
    cases = {
        "appId=no-such-app": "100203",
        f"appId={OCEANCONNECT_UNAUTHORIZED_APP_ID}": "100217",
        "deviceId=no-such-device": "100418",
        f"deviceId={partner_device}": "100418",  # a device of another application
    }
    for params, code in cases.items():
        exchange = client.get(f"{CANCEL_TASKS}?{params}", headers=oc_headers)
        assert exchange.status == 200 and exchange.json()["error_code"] == code, params
        assert findings(strict, exchange) == []


def test_an_authorized_app_id_lists_that_apps_tasks(client: Client, oc_headers: dict[str, str]) -> None:
    data = data_of(client)
    partner = [t.task_id for t in data.tasks if t.app_id == OCEANCONNECT_AUTHORIZED_APP_ID]
    body = query(client, oc_headers, f"appId={OCEANCONNECT_AUTHORIZED_APP_ID}")
    assert task_ids(body) == partner and {t["appId"] for t in body["data"]} == {OCEANCONNECT_AUTHORIZED_APP_ID}
    partner_device = sorted(data.devices[OCEANCONNECT_AUTHORIZED_APP_ID])[0]
    assert query(client, oc_headers, f"appId={OCEANCONNECT_AUTHORIZED_APP_ID}&deviceId={partner_device}")["data"] \
        == [dict(t.body) for t in data.tasks if t.device_id == partner_device]
    assert task_ids(query(client, oc_headers, f"appId={OCEANCONNECT_APP_KEY}")) == task_ids(query(client, oc_headers))


def test_invalid_input_gets_400_100022(client: Client, oc_headers: dict[str, str], strict: Contract) -> None:
    for params in ("pageSize=0", "pageSize=1001", "pageNo=-1", "pageNo=x", "status=PENDDING",
                   "startTime=2015-12-12T12:12:12Z", "endTime=20151312T121212Z"):
        exchange = client.get(f"{CANCEL_TASKS}?{params}", headers=oc_headers)
        assert exchange.status == 400, params
        assert exchange.json() == {"error_code": "100022", "error_desc": "The input is invalid."}
        assert findings(strict, exchange) == []
