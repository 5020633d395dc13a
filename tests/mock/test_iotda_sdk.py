"""The vendor's own Python SDK (huaweicloudsdkiotda), configured with AK/SK as its docs show, against the mock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterator

import httpx
import pytest

from contracts.core.auth import Mode, configure
from contracts.core.http import Request
from contracts.mock import create_app
from contracts.mock.credentials import IOTDA_AK, IOTDA_SK
from contracts.mock.server import MockServer

COMMAND = ("c1224afb-e9f0-4916-8220-b6bab568e888", "b1224afb-e9f0-4916-8220-b6bab568e888")  # the docs' sample


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    server = MockServer(create_app(seed=5), "127.0.0.1", 0)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def sdk(mock_url: str) -> object:
    # a hard import: the SDK is in the test extra, and `make test` must run this test, never skip it
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkiotda.v5 import IoTDAClient

    return IoTDAClient.new_builder().with_credentials(BasicCredentials(IOTDA_AK, IOTDA_SK, "p1")) \
        .with_endpoint(mock_url).build()


def test_list_batch_tasks(sdk: object) -> None:
    from huaweicloudsdkiotda.v5 import ListBatchTasksRequest

    first = sdk.list_batch_tasks(ListBatchTasksRequest(task_type="softwareUpgrade", limit=3))  # type: ignore[attr-defined]
    assert len(first.batchtasks) == 3 and {t.task_type for t in first.batchtasks} == {"softwareUpgrade"}
    after = sdk.list_batch_tasks(ListBatchTasksRequest(task_type="softwareUpgrade", limit=3,  # type: ignore[attr-defined]
                                                       marker=first.page.marker))
    assert all(t.task_id < first.page.marker for t in after.batchtasks)


def test_show_async_device_command_and_the_404_path(sdk: object) -> None:
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    from huaweicloudsdkiotda.v5 import ShowAsyncDeviceCommandRequest

    found = sdk.show_async_device_command(ShowAsyncDeviceCommandRequest(device_id=COMMAND[0], command_id=COMMAND[1]))  # type: ignore[attr-defined]
    assert (found.device_id, found.command_id) == COMMAND and found.status == "DELIVERED"
    with pytest.raises(ClientRequestException) as missing:
        sdk.show_async_device_command(ShowAsyncDeviceCommandRequest(device_id="no-such-device", command_id="no-such-command"))  # type: ignore[attr-defined]
    assert (missing.value.status_code, missing.value.error_code) == (404, "IOTDA.014000")


@pytest.mark.parametrize("mode,words", [(Mode.NONE, "token is invalid"), (Mode.WRONG, "does not match"),
                                        (Mode.STALE, "more than 15 minutes")])
def test_a_missing_wrong_or_stale_signature_gets_the_401_envelope(mock_url: str, mode: Mode, words: str) -> None:
    signer = configure("huawei-aksk", environ={"HUAWEICLOUD_SDK_AK": IOTDA_AK, "HUAWEICLOUD_SDK_SK": IOTDA_SK})
    url = f"{mock_url}/v5/iot/p1/devices/{COMMAND[0]}/async-commands/{COMMAND[1]}"
    request = signer.apply(Request("GET", url), mode)
    answer = httpx.get(url, headers=dict(request.headers))
    assert answer.status_code == 401
    assert answer.json()["error_code"] == "IOTDA.000002" and words in answer.json()["error_msg"]
    good = signer.apply(Request("GET", url), Mode.SIGN, datetime.now(timezone.utc) - timedelta(minutes=14))
    assert httpx.get(url, headers=dict(good.headers)).status_code == 200  # 14 minutes old is still fine
