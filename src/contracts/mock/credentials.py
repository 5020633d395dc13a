"""The demo credentials the mock accepts, and the headers a client sends with them.

They are constants so that a checker, a test or a person with curl can talk
to the mock without configuration; ``create_app(credentials=...)`` replaces
them. EnOS declares no security scheme (its gateway signs requests), so it
needs none.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Mapping

from ..core.errors import UsageError
from ..core.spec import Operation
from ..core.suggest import did_you_mean

# OceanConnect: the app_key header names the calling application; the bearer
# token must be the one issued to that application.
OCEANCONNECT_APP_KEY = "contracts-demo-app"
OCEANCONNECT_TOKEN = "contracts-demo-token"
# An application the caller is authorized for (a valid `appId` query value) and
# one that exists but is not authorized (answers 100217).
OCEANCONNECT_AUTHORIZED_APP_ID = "contracts-partner-app"
OCEANCONNECT_UNAUTHORIZED_APP_ID = "contracts-foreign-app"

# IoTDA: the IAM user token sent as X-Auth-Token, or a request signed with this AK/SK pair
# (SDK-HMAC-SHA256, as huaweicloudsdkiotda signs with BasicCredentials(ak, sk, project_id)).
IOTDA_TOKEN = "contracts-demo-token"
IOTDA_AK = "CONTRACTSDEMOACCESSKEY"
IOTDA_SK = "contracts-demo-secret-key"


@dataclass(frozen=True)
class Credentials:
    """What the mock accepts; every field has the demo value by default."""

    oceanconnect_app_key: str = OCEANCONNECT_APP_KEY
    oceanconnect_token: str = OCEANCONNECT_TOKEN
    oceanconnect_authorized_app_id: str = OCEANCONNECT_AUTHORIZED_APP_ID
    oceanconnect_unauthorized_app_id: str = OCEANCONNECT_UNAUTHORIZED_APP_ID
    iotda_token: str = IOTDA_TOKEN
    iotda_ak: str = IOTDA_AK
    iotda_sk: str = IOTDA_SK

    @classmethod
    def of(cls, value: "Credentials | Mapping[str, str] | None") -> "Credentials":
        """Credentials from an instance, a mapping of field names to values, or None (the demo ones)."""
        if value is None:
            return DEMO_CREDENTIALS
        if isinstance(value, Credentials):
            return value
        names = [f.name for f in fields(cls)]
        for key, item in value.items():
            if key not in names:
                raise UsageError(f"unknown credential {key!r}{did_you_mean(key, names)}")
            if not isinstance(item, str) or not item:
                raise UsageError(f"credential {key!r} must be a non-empty string")
        return replace(DEMO_CREDENTIALS, **dict(value))

    def header_value(self, header: str, scheme: str | None = None) -> str | None:
        """The value this mock accepts for one security header, or None if it knows none."""
        name = header.lower()
        if name == "x-auth-token":
            return self.iotda_token
        if name == "app_key":
            return self.oceanconnect_app_key
        if name == "authorization" and scheme == "bearer":
            return f"Bearer {self.oceanconnect_token}"
        return None


DEMO_CREDENTIALS = Credentials()


def demo_headers(operation: Operation, credentials: Credentials | Mapping[str, str] | None = None) -> dict[str, str]:
    """The credential headers a client must send to ``operation`` on the mock.

    Read from the operation's security requirement, so it follows the spec:
    IoTDA gets X-Auth-Token, OceanConnect app_key plus a bearer Authorization,
    EnOS nothing.
    """
    creds = Credentials.of(credentials)
    out: dict[str, str] = {}
    for alternative in operation.security_schemes[:1]:
        for scheme in alternative:
            if scheme.location != "header" or not scheme.param:
                continue
            value = creds.header_value(scheme.param, scheme.scheme)
            if value is not None:
                out[scheme.param] = value
    return out
