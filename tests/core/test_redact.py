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


def test_secrets_are_scrubbed_in_their_common_encodings() -> None:
    import base64
    import json
    from urllib.parse import quote

    secret = "s3cr/et+v@lue=1"
    r = Redactor([secret])
    for form in (secret, quote(secret, safe=""), base64.b64encode(secret.encode()).decode(),
                 base64.urlsafe_b64encode(secret.encode()).decode().rstrip("="), json.dumps(secret)[1:-1]):
        assert r.scrub(f"<{form}>") == f"<{MASK}>", form


def test_a_secret_cut_at_a_size_cap_leaves_nothing_behind() -> None:
    secret = "abcdefgh12345678"
    r = Redactor([secret])
    assert r.scrub("xxxx" + secret[:9], cut=True) == "xxxx" + MASK
    assert r.scrub("xxxx" + secret[:9]) == "xxxx" + secret[:9]  # not cut: an ordinary text
    contract = Contract([], redactor=r)
    from contracts.core.http import Response

    body = ("x" * 4090 + secret + "y" * 10).encode()
    ev = contract.evidence(None, Response(200, (), body))
    assert ev.response is not None and secret[:4] not in ev.response["body"]


def test_basic_credentials_and_url_passwords_are_remembered() -> None:
    import base64

    r = Redactor()
    token = base64.b64encode(b"alice:wonderland-42").decode()
    assert r.header_value("Authorization", f"Basic {token}") == f"Basic {MASK}"
    assert r.scrub("the password wonderland-42 came back") == f"the password {MASK} came back"
    assert r.url("https://bob:hunter2000@h/x") == f"https://{MASK}@h/x"
    assert r.scrub("hunter2000") == MASK


def test_a_finding_is_scrubbed_everywhere() -> None:
    from contracts.core.finding import Evidence, Finding, Severity

    r = Redactor(["tok-98765"])
    f = Finding("op", "enum-mismatch", Severity.ERROR, "/body/x", '"tok-98765" is not a documented value',
                suggestion="nearest: tok-98765", extra={"case": "tok-98765", "nested": ["tok-98765"]},
                evidence=Evidence({"url": "http://h/?q=tok-98765"}, {"body": "tok-98765"}, "curl tok-98765"))
    clean = r.finding(f)
    assert "tok-98765" not in repr(clean)
