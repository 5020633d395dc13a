"""Other teams' tools read the shipped specs as contracts does: plain `schemathesis run` passes against the mock.

Its conformance checks know nothing of `x-error-envelope`; they pass because
each HTTP-200 error envelope is also written in standard OpenAPI (a oneOf of
the success shape and the error shape, which exclude each other).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from contracts.mock import create_app
from contracts.mock.credentials import IOTDA_TOKEN, OCEANCONNECT_APP_KEY, OCEANCONNECT_TOKEN
from contracts.mock.server import MockServer

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = "status_code_conformance,content_type_conformance,response_schema_conformance"


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    server = MockServer(create_app(seed=1), "127.0.0.1", 0)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.parametrize("spec", sorted(p.name for p in (ROOT / "specs").glob("*.yaml")))
def test_plain_schemathesis_run_passes_against_the_mock(spec: str, mock_url: str, tmp_path: Path) -> None:
    argv = [str(SCHEMATHESIS), "run", str(ROOT / "specs" / spec), "--url", mock_url, "--checks", CHECKS,
            "--max-examples", "30", "--seed", "1", "--no-color",
            "-H", f"X-Auth-Token: {IOTDA_TOKEN}", "-H", f"app_key: {OCEANCONNECT_APP_KEY}",
            "-H", f"Authorization: Bearer {OCEANCONNECT_TOKEN}"]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "", "HOME": str(tmp_path)}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    tail = "\n".join(done.stdout.splitlines()[-40:])
    assert done.returncode == 0, tail
    assert "No issues found" in done.stdout, tail
