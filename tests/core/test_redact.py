from __future__ import annotations

from contracts.core.http import Request
from contracts.core.redact import MASK, Redactor, is_secret_header, is_secret_param
from contracts.core.validator import Contract


def test_secret_names() -> None:
    for name in ("Authorization", "X-Auth-Token", "app_key", "Cookie", "X-Api-Key"):
        assert is_secret_header(name), name
    for name in ("Content-Type", "Instance-Id", "Accept"):
        assert not is_secret_header(name), name
    for name in ("accessKey", "sign", "signature", "token", "client_secret", "access_key"):
        assert is_secret_param(name), name
    for name in ("orgId", "limit", "designation"):
        assert not is_secret_param(name), name


def test_headers_urls_and_echoes_are_masked() -> None:
    r = Redactor()
    assert r.headers([("Authorization", "Bearer abc.def.ghi"), ("X-Auth-Token", "tok-12345")]) == [
        ("Authorization", f"Bearer {MASK}"), ("X-Auth-Token", MASK)]
    assert r.url("https://h/p?accessKey=AK123456&sign=ffee00&orgId=o1") == f"https://h/p?accessKey={MASK}&sign={MASK}&orgId=o1"
    assert r.url("https://user:pass@h/p") == f"https://{MASK}@h/p"
    # values seen once are scrubbed anywhere afterwards (servers echo them)
    assert r.scrub("token tok-12345 and abc.def.ghi and AK123456") == f"token {MASK} and {MASK} and {MASK}"


def test_evidence_is_redacted() -> None:
    contract = Contract([], redactor=Redactor(["very-secret-value"]))
    ev = contract.evidence(Request("POST", "https://h/p?token=very-secret-value",
                                   (("app_key", "very-secret-value"),), b'{"echo": "very-secret-value"}'), None)
    text = repr(ev)
    assert "very-secret-value" not in text
    assert ev.curl is not None and MASK in ev.curl
