"""The auth registry and Huawei Cloud AK/SK signing, checked against the vendor SDK's own signer."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest

from contracts.core import auth
from contracts.core.auth import Mode, configure, sign_huawei_aksk, verify_huawei_aksk
from contracts.core.errors import UsageError
from contracts.core.http import Request

NOW = datetime(2026, 12, 2, 3, 0, 0, tzinfo=timezone.utc)
KEYS = {"ak": "AKDEMO0123", "sk": "SKDEMO-secret"}


def sdk_signature(method: str, host: str, path: str, query: list[tuple[str, Any]], headers: dict[str, str],
                  body: str) -> str:
    core = pytest.importorskip("huaweicloudsdkcore")
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer

    assert core
    request = SdkRequest(method=method, schema="http", host=host, resource_path=path, query_params=query,
                         header_params={"X-Sdk-Date": NOW.strftime("%Y%m%dT%H%M%SZ"), **headers}, body=body)
    return str(Signer(BasicCredentials(KEYS["ak"], KEYS["sk"])).sign(request).header_params["Authorization"])


CASES = [
    ("GET", "/v5/iot/p1/batchtasks", [("task_type", "softwareUpgrade"), ("limit", 10), ("marker", "a b~c")],
     {"Content-Type": "application/json", "Instance-Id": "i-1", "app_key": "skipped"}, ""),
    ("POST", "/x/y z/ü", [], {"Content-Type": "application/json"}, '{"a": 1}'),
    ("PUT", "/v5/iot/p1/things", [("b", "2"), ("a", "1"), ("a", "0")], {"Content-Type": "text/plain"}, "raw text"),
]


@pytest.mark.parametrize("method,path,query,headers,body", CASES)
def test_the_signature_is_the_vendor_sdks(method: str, path: str, query: list[tuple[str, Any]],
                                          headers: dict[str, str], body: str) -> None:
    from urllib.parse import quote, urlencode

    url = f"http://127.0.0.1:8080{quote(path)}" + (f"?{urlencode(query)}" if query else "")
    ours = sign_huawei_aksk(Request(method, url, tuple(headers.items()), body.encode() if body else None),
                            KEYS, Mode.SIGN, NOW)
    assert dict(ours.headers)["Authorization"] == sdk_signature(method, "127.0.0.1:8080", path, query, headers, body)


def signed(mode: Mode = Mode.SIGN, url: str = "http://h:1/v5/iot/p/batchtasks?task_type=x&limit=5",
           body: bytes | None = None) -> Request:
    return sign_huawei_aksk(Request("GET", url, (("Instance-Id", "i"),), body), KEYS, mode, NOW)


def verify(request: Request, now: datetime = NOW) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(request.url)
    return verify_huawei_aksk(request.method, parts.path, parts.query, request.headers, request.body,
                              {KEYS["ak"]: KEYS["sk"]}, now)


def test_verification_accepts_what_was_signed_and_nothing_else() -> None:
    good = signed()
    assert verify(good) is None
    assert verify(good, NOW + timedelta(minutes=14)) is None
    assert "15 minutes" in (verify(good, NOW + timedelta(minutes=16)) or "")
    assert "15 minutes" in (verify(signed(Mode.STALE)) or "")
    assert "does not match" in (verify(signed(Mode.WRONG)) or "")
    assert "no SDK-HMAC-SHA256" in (verify(signed(Mode.NONE)) or "")
    tampered = Request(good.method, good.url.replace("limit=5", "limit=6"), good.headers)
    assert "does not match" in (verify(tampered) or "")
    with_body = signed(url="http://h:1/p", body=b'{"a":1}')
    assert verify(Request("GET", with_body.url, with_body.headers, b'{"a":2}')) is not None
    other = sign_huawei_aksk(good, {"ak": "OTHER", "sk": "x"}, Mode.SIGN, NOW)
    assert verify(other) == "unknown access key"


def test_configure_reads_the_sdk_environment_and_says_what_is_missing() -> None:
    configured = configure("huawei-aksk", environ={"HUAWEICLOUD_SDK_AK": "AK1", "HUAWEICLOUD_SDK_SK": "SK1"})
    assert configured.values == {"ak": "AK1", "sk": "SK1"} and configured.secrets == ["AK1", "SK1"]
    with pytest.raises(UsageError, match="needs sk: pass --auth-option sk=… or set HUAWEICLOUD_SDK_SK"):
        configure("huawei-aksk", environ={"HUAWEICLOUD_SDK_AK": "AK1"})
    with pytest.raises(UsageError, match="did you mean 'huawei-aksk'"):
        configure("huawei-ak", environ={})
    with pytest.raises(UsageError, match="'skk' is not an option of huawei-aksk; did you mean 'sk'"):
        configure("huawei-aksk", {"skk": "x"}, environ={})


def test_simple_signers_and_their_wrong_modes() -> None:
    req = Request("GET", "http://h/x", (("Authorization", "stale"),))
    bearer = configure("bearer", {"token": "tok-1"}, environ={})
    assert dict(bearer.apply(req).headers)["Authorization"] == "Bearer tok-1"
    assert "Authorization" not in dict(bearer.apply(req, Mode.NONE).headers)
    assert dict(bearer.apply(req, Mode.WRONG).headers)["Authorization"].startswith("Bearer ")
    basic = configure("basic", {"user": "u", "password": "p"}, environ={})
    assert dict(basic.apply(req).headers)["Authorization"] == "Basic dTpw"
    header = configure("header", {"name": "X-Auth-Token", "value": "v1"}, environ={})
    assert dict(header.apply(req).headers)["X-Auth-Token"] == "v1" and header.headers == ("X-Auth-Token",)


def custom_sign(request: Request, values: Any, mode: Mode, now: datetime) -> Request:
    """A team's own signer (EnOS gateway signing, say)."""
    return Request(request.method, request.url, (*request.headers, ("X-Team-Sign", "ok")), request.body)


def test_plug_ins_come_from_the_contracts_auth_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    point = SimpleNamespace(name="team-sign", value="tests.core.test_auth:custom_sign", load=lambda: custom_sign)
    monkeypatch.setattr("importlib.metadata.entry_points", lambda group: [point] if group == "contracts.auth" else [])
    configured = configure("team-sign", environ={})
    assert configured.signer.description == "A team's own signer (EnOS gateway signing, say)."
    assert dict(configured.apply(Request("GET", "http://h/x")).headers)["X-Team-Sign"] == "ok"
    broken = SimpleNamespace(name="broken", value="nowhere:fn", load=lambda: (_ for _ in ()).throw(ImportError("x")))
    monkeypatch.setattr("importlib.metadata.entry_points", lambda group: [broken])
    with pytest.raises(UsageError, match="auth plug-in 'broken' .* cannot be loaded"):
        auth.registry()


def test_the_readme_plug_in_example_works_as_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """The "Your own signer" example in the README, loaded through the entry point it shows."""
    import hashlib
    import hmac
    import importlib.util
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n# my_enos_auth\.py\n(.*?)```", readme, re.S)
    point_line = re.search(r'^enos = "my_enos_auth:SIGNER"', readme, re.M)
    assert code is not None and point_line is not None
    (tmp_path / "my_enos_auth.py").write_text(code.group(1), encoding="utf-8")
    module_spec = importlib.util.spec_from_file_location("my_enos_auth", tmp_path / "my_enos_auth.py")
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    point = SimpleNamespace(name="enos", value="my_enos_auth:SIGNER", load=lambda: module.SIGNER)
    monkeypatch.setattr("importlib.metadata.entry_points", lambda group: [point] if group == "contracts.auth" else [])

    configured = configure("enos", environ={"ENOS_ACCESS_KEY": "ak-1", "ENOS_SECRET": "s3cret-value"})
    now = datetime(2026, 12, 2, 4, 0, tzinfo=timezone.utc)
    signed = dict(configured.apply(Request("POST", "http://h/x", (), b'{"a":1}'), now=now).headers)
    stamp = str(int(now.timestamp() * 1000))
    expected = hmac.new(b"s3cret-value", f'ak-1{stamp}{{"a":1}}'.encode(), hashlib.sha256).hexdigest()
    assert (signed["X-Access-Key"], signed["X-Timestamp"], signed["X-Signature"]) == ("ak-1", stamp, expected)
    wrong = dict(configured.apply(Request("POST", "http://h/x", (), b"{}"), Mode.WRONG, now).headers)
    assert wrong["X-Signature"] != expected
    assert "X-Signature" not in dict(configured.apply(Request("GET", "http://h/x"), Mode.NONE, now).headers)
    assert configured.secrets == ["ak-1", "s3cret-value"] and configured.headers[-1] == "X-Signature"
    with pytest.raises(UsageError, match="set ENOS_SECRET"):
        configure("enos", environ={"ENOS_ACCESS_KEY": "ak-1"})
    with pytest.raises(UsageError, match="did you mean 'enos'"):
        configure("enoss", environ={})
