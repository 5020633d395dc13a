"""Demo credentials: the headers each operation needs, and replacing them."""

from __future__ import annotations

from typing import Callable

from contracts.core.spec import Operation
from contracts.mock import DEMO_CREDENTIALS, Credentials, demo_headers
from contracts.mock.credentials import IOTDA_TOKEN, OCEANCONNECT_APP_KEY, OCEANCONNECT_TOKEN

from .conftest import CANCEL_TASKS, SAMPLE_COMMAND_PATH, Client


def test_demo_headers_follow_each_operations_security(ops: dict[str, Operation]) -> None:
    assert demo_headers(ops["createJob"]) == demo_headers(ops["getJob"]) == {}
    assert demo_headers(ops["ListBatchTasks"]) == demo_headers(ops["ShowAsyncDeviceCommand"]) == {
        "X-Auth-Token": IOTDA_TOKEN}
    assert demo_headers(ops["queryDeviceCmdCancelTask"]) == {
        "app_key": OCEANCONNECT_APP_KEY, "Authorization": f"Bearer {OCEANCONNECT_TOKEN}"}


def test_demo_headers_open_every_operation(client: Client, ops: dict[str, Operation]) -> None:
    assert client.get(SAMPLE_COMMAND_PATH, headers=demo_headers(ops["ShowAsyncDeviceCommand"])).status == 200
    assert client.get(CANCEL_TASKS, headers=demo_headers(ops["queryDeviceCmdCancelTask"])).status == 200


def test_replaced_credentials_are_the_only_ones_accepted(make_client: Callable[..., Client],
                                                         ops: dict[str, Operation]) -> None:
    mine = {"iotda_token": "t-1", "oceanconnect_app_key": "app-1", "oceanconnect_token": "t-2"}
    client = make_client(credentials=mine)
    creds = Credentials.of(mine)
    assert creds.oceanconnect_authorized_app_id == DEMO_CREDENTIALS.oceanconnect_authorized_app_id
    assert client.get(SAMPLE_COMMAND_PATH, headers={"X-Auth-Token": "t-1"}).status == 200
    assert client.get(SAMPLE_COMMAND_PATH, headers=demo_headers(ops["ShowAsyncDeviceCommand"])).status == 401
    listing = client.get(CANCEL_TASKS, headers=demo_headers(ops["queryDeviceCmdCancelTask"], creds))
    assert listing.status == 200 and {t["appId"] for t in listing.json()["data"]} == {"app-1"}
    assert client.get(CANCEL_TASKS, headers=demo_headers(ops["queryDeviceCmdCancelTask"])).status == 403
