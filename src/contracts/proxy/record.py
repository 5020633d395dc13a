"""The HAR 1.2 recording of what crossed the proxy, secrets redacted.

Entries are appended as exchanges complete, and the file is valid JSON after
every entry (the closing brackets are rewritten each time), so a recording
cut short by a crash still replays. Every entry passes the run's
``Redactor`` on its way out: secret headers and query parameters become
``***`` by name, and every secret value learnt from the traffic is scrubbed
from URLs, other headers and bodies, in its encodings, so the file holds
``***`` wherever a secret was. ``contracts validate FILE.har`` reads it back
to the same findings.

A body beyond ``--max-body`` is not recorded: its content says so
(``"_truncated": true``, a HAR custom field) and replays as too large.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlsplit

from ..core.errors import UsageError
from ..core.http import Request, Response
from ..core.redact import Redactor

CREATOR = {"name": "contracts proxy", "version": "0.1.0"}
_HEAD = '{"log": {"version": "1.2", "creator": ' + json.dumps(CREATOR) + ', "entries": [\n'
_TAIL = "\n]}}\n"


class HarRecorder:
    """Appends redacted entries to a HAR file; not thread-safe (the proxy's validator thread owns it)."""

    def __init__(self, path: str | os.PathLike[str], redactor: Redactor) -> None:
        self.path = Path(path)
        self.redactor = redactor
        self.entries = 0
        if self.path.is_dir():
            raise UsageError(f"--record {self.path} is a folder; name a file such as {self.path / 'traffic.har'}")
        try:
            self._fh: IO[str] = self.path.open("w", encoding="utf-8", newline="\n")
        except OSError as exc:
            raise UsageError(f"--record {self.path}: cannot write it: {exc.strerror}") from None
        self._fh.write(_HEAD)
        self._end = self._fh.tell()
        self._fh.write(_TAIL)
        self._fh.flush()

    def write(self, request: Request, response: Response, *, started: float, wait: float, total: float,
              reason: str = "", request_size: int | None = None, response_size: int | None = None) -> int:
        """Append one exchange (``started``: epoch seconds; ``wait``/``total``: seconds); its 1-based index."""
        entry = self.entry(request, response, started=started, wait=wait, total=total, reason=reason,
                           request_size=request_size, response_size=response_size)
        text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        self._fh.seek(self._end)
        self._fh.write(("," if self.entries else "") + text)
        self._end = self._fh.tell()
        self._fh.write(_TAIL)
        self._fh.truncate()
        self._fh.flush()
        self.entries += 1
        return self.entries

    def entry(self, request: Request, response: Response, *, started: float, wait: float, total: float,
              reason: str = "", request_size: int | None = None, response_size: int | None = None) -> dict[str, Any]:
        r = self.redactor
        req_headers = r.headers(request.headers)  # first: learns the secrets the bodies may echo
        url = r.url(request.url)
        resp_headers = r.headers(response.headers)
        req: dict[str, Any] = {
            "method": request.method.upper(), "url": url, "httpVersion": "HTTP/1.1", "cookies": [],
            "headers": [{"name": k, "value": v} for k, v in req_headers],
            "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(url).query,
                                                                          keep_blank_values=True)],
            "headersSize": -1, "bodySize": request_size if request_size is not None else len(request.body or b""),
        }
        if request_size is not None:
            req["postData"] = {"mimeType": request.header("content-type") or "", "text": "",
                               "comment": f"{request_size} bytes, beyond --max-body: not recorded"}
        elif request.body:
            req["postData"] = {"mimeType": request.header("content-type") or "",
                               "text": r.scrub(request.body.decode("utf-8", "replace"))}
        content: dict[str, Any] = {"size": 0, "mimeType": response.content_type or ""}
        if response.truncated:
            content.update(size=response.size or 0, _truncated=True,
                           comment="beyond --max-body: not recorded, replayed as too large")
        elif response.body is not None:
            content["size"] = len(response.body)
            try:
                content["text"] = r.scrub(response.body.decode("utf-8"))
            except UnicodeDecodeError:  # binary: scrubbed byte for byte (latin-1), then base64
                scrubbed = r.scrub(response.body.decode("latin-1")).encode("latin-1", "replace")
                content.update(text=base64.b64encode(scrubbed).decode("ascii"), encoding="base64")
        resp = {
            "status": response.status, "statusText": reason, "httpVersion": "HTTP/1.1", "cookies": [],
            "headers": [{"name": k, "value": v} for k, v in resp_headers], "content": content,
            "redirectURL": response.header("location") or "", "headersSize": -1,
            "bodySize": response_size if response_size is not None else content["size"],
        }
        if response.header("location"):
            resp["redirectURL"] = r.url(response.header("location") or "")
        ms = lambda seconds: round(seconds * 1000, 3)  # noqa: E731
        return {"startedDateTime": datetime.fromtimestamp(started, timezone.utc).isoformat(timespec="milliseconds"),
                "time": ms(total), "request": req, "response": resp, "cache": {},
                "timings": {"send": 0, "wait": ms(wait), "receive": ms(max(total - wait, 0.0))}}

    def close(self) -> None:
        try:
            self._fh.close()
        except OSError:
            pass


__all__ = ["HarRecorder"]
