"""`contracts mock --quota`: past the quota, operations that document throttling answer as documented."""

from __future__ import annotations

from contracts.mock import create_app
from contracts.mock.quota import Quota, throttled_reply

from .conftest import Client


def test_the_window_slides() -> None:
    quota = Quota(2, 10.0)
    assert [quota.admit("app", t) for t in (0.0, 1.0, 2.0, 10.5, 11.5)] == [True, True, False, True, True]
    assert quota.admit("other", 2.0)  # per caller


def test_past_the_quota_oceanconnect_answers_its_documented_throttling_error(oc_headers: dict[str, str]) -> None:
    client = Client(create_app(seed=1, quota="3/60s"))
    url = "/iocm/app/cmd/v1.4.0/deviceCommandCancelTasks?pageSize=1"
    statuses = [client.get(url, headers=oc_headers).status for _ in range(5)]
    assert statuses == [200, 200, 200, 403, 403]
    throttled = client.get(url, headers=oc_headers).json()
    assert throttled == {"error_code": "1010009", "error_desc": "app throttle exceed."}  # the spec's own example


def test_operations_without_documented_throttling_are_never_throttled(iotda_headers: dict[str, str]) -> None:
    app = create_app(seed=1, quota="1/60s")
    client = Client(app)
    url = "/v5/iot/p/batchtasks?task_type=softwareUpgrade&limit=1"
    assert {client.get(url, headers=iotda_headers).status for _ in range(4)} == {200}
    assert throttled_reply(app.contract.operation("ListBatchTasks")) is None
