"""What a planned-only check loads: nothing it does not use (start-up is part of the product).

In a subprocess, like the plugin's import test: ``contracts check --max-examples 0`` against the
embedded mock generates nothing, serves on no socket and writes no file, so neither the generators
(hypothesis, schemathesis), nor uvicorn, nor the HTML page and junit writers may be imported, nor asyncio
and ssl (the mock is driven without an event loop), nor python-jsonschema (jsonschema-rs's errors name
the violations of the negative cases); with a warm spec-validation cache, neither
openapi-spec-validator nor importlib.metadata.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAZY = ("hypothesis", "schemathesis", "uvicorn", "watchfiles", "contracts.mock.server", "contracts.report.check_page",
        "contracts.report.html", "xml.etree.ElementTree", "openapi_spec_validator", "importlib.metadata", "asyncio",
        "ssl", "jsonschema")

PROBE = """
import json, sys
from contracts.cli import run
code = run(["check", "--max-examples", "0", "--seed", "1", "-q"])
print(json.dumps({"code": code, "loaded": sorted(m for m in sys.modules if m.split(".")[0] in
      {"hypothesis", "schemathesis", "uvicorn", "watchfiles", "openapi_spec_validator", "contracts", "xml",
       "importlib", "asyncio", "ssl", "jsonschema"})}))
"""


def _probe(cache: Path) -> dict[str, object]:
    env = {**os.environ, "CONTRACTS_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    env.pop("CONTRACTS_NO_CACHE", None)
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_planned_only_check_loads_no_generator_server_or_writer(tmp_path: Path) -> None:
    first = _probe(tmp_path)  # fills the spec-validation cache
    second = _probe(tmp_path)
    assert first["code"] == second["code"] == 0
    loaded = set(second["loaded"])  # type: ignore[arg-type]
    assert "contracts.runner.session" in loaded  # the probe did run a check
    assert sorted(m for m in loaded if m in LAZY or m.split(".")[0] in LAZY[:4]) == []
