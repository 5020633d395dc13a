"""Credentials as a registry of named signers, plain functions, and the Huawei AK/SK algorithm.

Everything that sends a request (``contracts check``, the pytest plugin, the
proxy) signs it here, after every mutation and right before it is sent. A
signer is a plain function registered by name; teams add their own through
the entry point group ``contracts.auth`` (see the README). Each signer can
also misbehave on purpose, so ``ignored_auth`` can send no, wrong and stale
credentials.

``huawei-aksk`` is Huawei Cloud's ``SDK-HMAC-SHA256`` request signing, as the
vendor SDK (huaweicloudsdkcore) and the API signing guide describe it: an
``X-Sdk-Date``, a canonical request (method, canonical URI, sorted query,
signed headers, body hash), and ``Authorization: SDK-HMAC-SHA256 Access=…,
SignedHeaders=…, Signature=…``. ``verify_huawei_aksk`` checks the same
algorithm on the receiving side (the mock).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Callable, Iterable, Mapping
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from .errors import UsageError
from .http import Request

if TYPE_CHECKING:
    from .spec import Operation, SecurityScheme

ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "X-Sdk-Date"
CONTENT_HEADER = "X-Sdk-Content-Sha256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_HASH = hashlib.sha256(b"").hexdigest()
SKEW = timedelta(minutes=15)  # how far X-Sdk-Date may be from the receiver's clock
STALE = timedelta(minutes=20)  # how old a deliberately stale signature is
WRONG = "contracts-invalid-credential"


class Mode(str, enum.Enum):
    """How a signer treats one request: properly, or wrongly on purpose (for ignored_auth)."""

    SIGN = "sign"
    NONE = "none"  # no credentials at all
    WRONG = "wrong"  # well-formed, but wrong
    STALE = "stale"  # right, but dated beyond the allowed skew


@dataclass(frozen=True)
class Option:
    name: str
    env: str | None = None  # where the value comes from when not given
    secret: bool = True
    required: bool = True


SignFn = Callable[[Request, Mapping[str, str], Mode, datetime], Request]


@dataclass(frozen=True)
class Signer:
    """A named way to put credentials on a request.

    ``satisfies`` tells which security schemes it implements: the signer is
    applied to the operations whose security names one of them (or names the
    signer itself with ``x-contracts-signer``). None: every operation.
    """

    name: str
    description: str
    sign: SignFn
    options: tuple[Option, ...] = ()
    modes: frozenset[Mode] = frozenset({Mode.SIGN, Mode.NONE, Mode.WRONG})
    headers: tuple[str, ...] = ("Authorization",)  # the headers it sets: auth headers to the planner
    satisfies: Callable[["SecurityScheme", Mapping[str, str]], bool] | None = None


@dataclass
class Auth:
    """A configured signer: the registry entry and its option values."""

    signer: Signer
    values: dict[str, str] = field(default_factory=dict)

    def apply(self, request: Request, mode: Mode = Mode.SIGN, now: datetime | None = None) -> Request:
        return self.signer.sign(request, self.values, mode, now or datetime.now(timezone.utc))

    @property
    def secrets(self) -> list[str]:
        """Values that must never reach an artefact."""
        return [self.values[o.name] for o in self.signer.options if o.secret and self.values.get(o.name)]

    @property
    def modes(self) -> frozenset[Mode]:
        return self.signer.modes

    @property
    def headers(self) -> tuple[str, ...]:
        if self.signer.name == "header" and self.values.get("name"):
            return (self.values["name"],)
        return self.signer.headers

    def applies(self, op: "Operation") -> bool:
        """Whether this signer is how requests to ``op`` authenticate."""
        if self.signer.satisfies is None:
            return True
        return any(scheme.signer == self.signer.name or self.signer.satisfies(scheme, self.values)
                   for alternative in op.security_schemes for scheme in alternative)


def _without(headers: Iterable[tuple[str, str]], *names: str) -> list[tuple[str, str]]:
    drop = {n.lower() for n in names}
    return [(k, v) for k, v in headers if k.lower() not in drop]


def _replaced(request: Request, headers: list[tuple[str, str]]) -> Request:
    return Request(request.method, request.url, tuple(headers), request.body)


# -- simple signers ----------------------------------------------------------------
def sign_bearer(request: Request, values: Mapping[str, str], mode: Mode, now: datetime) -> Request:
    headers = _without(request.headers, "Authorization")
    if mode is not Mode.NONE:
        token = values["token"] if mode is Mode.SIGN else WRONG
        headers.append(("Authorization", f"Bearer {token}"))
    return _replaced(request, headers)


def sign_basic(request: Request, values: Mapping[str, str], mode: Mode, now: datetime) -> Request:
    headers = _without(request.headers, "Authorization")
    if mode is not Mode.NONE:
        password = values["password"] if mode is Mode.SIGN else WRONG
        pair = f"{values['user']}:{password}".encode("utf-8")
        headers.append(("Authorization", "Basic " + base64.b64encode(pair).decode("ascii")))
    return _replaced(request, headers)


def sign_header(request: Request, values: Mapping[str, str], mode: Mode, now: datetime) -> Request:
    name = values["name"]
    headers = _without(request.headers, name)
    if mode is not Mode.NONE:
        headers.append((name, values["value"] if mode is Mode.SIGN else WRONG))
    return _replaced(request, headers)


# -- Huawei Cloud AK/SK -------------------------------------------------------------
def _encode(text: str) -> str:
    return quote(text, safe="~")


def canonical_uri(path: str) -> str:
    """Each segment percent-decoded, then encoded (``~`` kept); always a trailing slash."""
    out = "/".join(_encode(segment) for segment in unquote(path or "/").split("/"))
    return out if out.endswith("/") else out + "/"


def canonical_query(query: str) -> str:
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs)


def signed_header_names(headers: Iterable[tuple[str, str]]) -> list[str]:
    """Every header name, lower-case, but those with an underscore (app_key), which gateways drop."""
    return sorted({k.lower() for k, _ in headers if "_" not in k})


def _payload_hash(headers: Iterable[tuple[str, str]], body: bytes | None) -> str:
    declared = next((v for k, v in headers if k.lower() == CONTENT_HEADER.lower()), None)
    if declared:
        return declared
    return hashlib.sha256(body).hexdigest() if body else EMPTY_HASH


def string_to_sign(method: str, path: str, query: str, headers: Iterable[tuple[str, str]], signed: list[str],
                   body: bytes | None, date: str) -> str:
    """The canonical request, hashed, under the algorithm's name and the date."""
    items = list(headers)
    values: dict[str, str] = {}
    for k, v in items:
        values.setdefault(k.lower(), v.strip())
    canonical_headers = "".join(f"{name}:{values.get(name, '')}\n" for name in signed)
    canonical = "\n".join([method.upper(), canonical_uri(path), canonical_query(query), canonical_headers,
                           ";".join(signed), _payload_hash(items, body)])
    return f"{ALGORITHM}\n{date}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def signature(secret_key: str, text: str) -> str:
    return hmac.new(secret_key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def sign_huawei_aksk(request: Request, values: Mapping[str, str], mode: Mode, now: datetime) -> Request:
    """Sign as huaweicloudsdkcore's ``Signer`` does (SDK-HMAC-SHA256)."""
    headers = _without(request.headers, "Authorization", DATE_HEADER)
    if mode is Mode.NONE:
        return _replaced(request, headers)
    parts = urlsplit(request.url)
    if not any(k.lower() == "host" for k, _ in headers):
        headers.append(("Host", parts.netloc))
    if values.get("project_id") and not any(k.lower() == "x-project-id" for k, _ in headers):
        headers.append(("X-Project-Id", values["project_id"]))
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    if request.body and content_type and not content_type.startswith(("application/json", "application/bson")):
        headers = _without(headers, CONTENT_HEADER) + [(CONTENT_HEADER, "UNSIGNED-PAYLOAD")]
    when = now - STALE if mode is Mode.STALE else now
    date = when.astimezone(timezone.utc).strftime(DATE_FORMAT)
    headers.append((DATE_HEADER, date))
    signed = signed_header_names(headers)
    text = string_to_sign(request.method, parts.path, parts.query, headers, signed, request.body, date)
    key = values["sk"] if mode is not Mode.WRONG else values["sk"] + WRONG
    headers.append(("Authorization", f"{ALGORITHM} Access={values['ak']}, SignedHeaders={';'.join(signed)}, "
                                     f"Signature={signature(key, text)}"))
    return _replaced(request, headers)


_AUTH_VALUE = re.compile(r"^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)$")


def verify_huawei_aksk(method: str, path: str, query: str, headers: Iterable[tuple[str, str]], body: bytes | None,
                       keys: Mapping[str, str], now: datetime | None = None) -> str | None:
    """Why a request's SDK-HMAC-SHA256 signature is not valid, or None when it is.

    ``keys`` maps access keys to secret keys; ``X-Sdk-Date`` must lie within
    15 minutes of ``now``. ``path`` and ``query`` are as received (raw).
    """
    items = list(headers)
    lookup = {k.lower(): v for k, v in items}
    found = _AUTH_VALUE.match(lookup.get("authorization", "").strip())
    if found is None:
        return "no SDK-HMAC-SHA256 Authorization header"
    access, signed_list, given = found.groups()
    if access not in keys:
        return "unknown access key"
    date = lookup.get(DATE_HEADER.lower())
    if not date:
        return f"no {DATE_HEADER} header"
    try:
        when = datetime.strptime(date, DATE_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        return f"{DATE_HEADER} is not yyyyMMdd'T'HHmmss'Z'"
    if abs((now or datetime.now(timezone.utc)) - when) > SKEW:
        return f"{DATE_HEADER} is more than 15 minutes away from now"
    signed = signed_list.lower().split(";")
    if DATE_HEADER.lower() not in signed or any(name not in lookup for name in signed):
        return "the signed headers are not all present (X-Sdk-Date must be signed)"
    expected = signature(keys[access], string_to_sign(method, path, query, items, signed, body, date))
    if not hmac.compare_digest(expected, given.lower()):
        return "the signature does not match the request"
    return None


# -- the registry --------------------------------------------------------------------
def _http(name: str) -> Callable[["SecurityScheme", Mapping[str, str]], bool]:
    return lambda scheme, values: scheme.type == "http" and (scheme.scheme or "").lower() == name.lower()


def _api_key(scheme: "SecurityScheme", values: Mapping[str, str]) -> bool:
    return (scheme.type == "apiKey" and scheme.location == "header"
            and (scheme.param or "").lower() == values.get("name", "").lower())


SIGNERS: dict[str, Signer] = {s.name: s for s in (
    Signer("bearer", "Authorization: Bearer <token>", sign_bearer,
           (Option("token", "CONTRACTS_TOKEN"),), satisfies=_http("bearer")),
    Signer("basic", "HTTP basic authentication", sign_basic,
           (Option("user", "CONTRACTS_USER", secret=False), Option("password", "CONTRACTS_PASSWORD")),
           satisfies=_http("basic")),
    Signer("header", "a token in a header of your choice (e.g. X-Auth-Token)", sign_header,
           (Option("name", None, secret=False), Option("value", "CONTRACTS_TOKEN")), satisfies=_api_key),
    Signer("huawei-aksk", "Huawei Cloud AK/SK request signing (SDK-HMAC-SHA256)", sign_huawei_aksk,
           (Option("ak", "HUAWEICLOUD_SDK_AK"), Option("sk", "HUAWEICLOUD_SDK_SK"),
            Option("project_id", "HUAWEICLOUD_SDK_PROJECT_ID", secret=False, required=False)),
           frozenset(Mode), ("Authorization", DATE_HEADER), satisfies=_http(ALGORITHM)),
)}
ENTRY_POINTS = "contracts.auth"


def registry() -> dict[str, Signer]:
    """The built-in signers and those other packages register under the ``contracts.auth`` entry points."""
    from importlib.metadata import entry_points

    found = dict(SIGNERS)
    for point in entry_points(group=ENTRY_POINTS):
        if point.name in found:
            continue
        try:
            loaded = point.load()
        except Exception as exc:  # a broken plug-in is a set-up problem, named
            raise UsageError(f"auth plug-in {point.name!r} ({point.value}) cannot be loaded: {exc}") from None
        if isinstance(loaded, Signer):
            found[point.name] = loaded
        elif callable(loaded):
            found[point.name] = Signer(point.name, (loaded.__doc__ or point.value).strip().splitlines()[0], loaded)
        else:
            raise UsageError(f"auth plug-in {point.name!r} ({point.value}) is not a signer function")
    return found


def configure(name: str, given: Mapping[str, str] | None = None,
              environ: Mapping[str, str] | None = None) -> Auth:
    """A signer by name with its option values (given, else from the environment); UsageError when unusable."""
    from .suggest import did_you_mean

    signers = registry()
    if name not in signers:
        raise UsageError(f"--auth {name!r} is not a known signer{did_you_mean(name, list(signers))} "
                         f"(known: {', '.join(sorted(signers))})")
    signer = signers[name]
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    known = {o.name for o in signer.options}
    for key in given or {}:
        if key not in known:
            raise UsageError(f"--auth-option {key!r} is not an option of {name}"
                             f"{did_you_mean(key, sorted(known))} (options: {', '.join(sorted(known)) or 'none'})")
    for option in signer.options:
        value = (given or {}).get(option.name) or (env.get(option.env) if option.env else None)
        if value:
            values[option.name] = value
        elif option.required:
            where = f" or set {option.env}" if option.env else ""
            raise UsageError(f"--auth {name} needs {option.name}: pass --auth-option {option.name}=…{where}")
    return Auth(signer, values)


__all__ = ["ALGORITHM", "Auth", "DATE_HEADER", "ENTRY_POINTS", "Mode", "Option", "SIGNERS", "Signer", "configure",
           "registry", "sign_huawei_aksk", "verify_huawei_aksk"]
