"""The console entry point leaves without the interpreter's teardown, and loses nothing by it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import atexit, sys, threading, time
from pathlib import Path
out = Path(sys.argv[1])
atexit.register(lambda: (out / "atexit-ran").write_text("yes"))
if sys.argv[2] == "thread":
    threading.Thread(target=lambda: (time.sleep(0.3), (out / "thread-finished").write_text("yes"))).start()
print("before the run", flush=False)  # still buffered when the run ends
sys.argv = ["contracts", "check", "--max-examples", "0", "--seed", "1", "--report-dir", str(out / "reports")]
from contracts.cli import main
main()
"""


def _run(tmp_path: Path, mode: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-c", PROBE, str(tmp_path), mode], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_exit_code_output_reports_and_exit_handlers_all_survive_the_fast_exit(tmp_path: Path) -> None:
    done = _run(tmp_path, "alone")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("before the run")
    assert (tmp_path / "atexit-ran").read_text() == "yes"
    summary = json.loads((tmp_path / "reports" / "report.json").read_text())["summary"]
    assert summary["requests"] > 0 and f"{summary['requests']} requests in" in done.stdout  # the last line made it
    assert (tmp_path / "reports" / "report.html").read_text().rstrip().endswith("</html>")


def test_a_thread_still_running_is_waited_for(tmp_path: Path) -> None:
    done = _run(tmp_path, "thread")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "thread-finished").read_text() == "yes"
    assert (tmp_path / "atexit-ran").read_text() == "yes"


def test_a_usage_error_keeps_its_exit_code() -> None:
    done = subprocess.run([sys.executable, "-c", "from contracts.cli import main; import sys; "
                           "sys.argv = ['contracts', 'check', '--bogus']; main()"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["contracts: error: No such option '--bogus'. Did you mean "
                                               "'--verbose'?"]


def test_a_profiler_still_writes_its_results(tmp_path: Path) -> None:
    stats = tmp_path / "run.prof"
    script = tmp_path / "contracts_main.py"
    script.write_text("import sys\nsys.argv = ['contracts', '--version']\nfrom contracts.cli import main\nmain()\n")
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(stats), str(script)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "version" in done.stdout
    import pstats

    assert pstats.Stats(str(stats)).total_calls > 0  # type: ignore[attr-defined]
