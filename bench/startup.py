"""Start-up costs, side by side with their floors in one run.

  contracts --version           against `python -c pass`
  planned-only check            `contracts check --max-examples 0` (all five operations, embedded mock)
  pytest with the plugin        against the same empty suite with `-p no:contracts`

Each figure is the best of several runs (a cold disk cache is not start-up), with bytecode caching on
(PYTHONDONTWRITEBYTECODE is dropped: recompiling every module each time is not what users see).

Run: .venv/bin/python bench/startup.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def best(cmd: list[str], cwd: Path, runs: int = 7) -> float:
    times = []
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "NO_COLOR": "1"}
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp)
        (empty / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
        rows = [
            ("python -c pass (floor)", best([sys.executable, "-c", "pass"], ROOT)),
            ("contracts --version", best([str(BIN / "contracts"), "--version"], ROOT)),
            ("check, planned only", best([str(BIN / "contracts"), "check", "--max-examples", "0", "--seed", "1"],
                                         ROOT, runs=5)),
            ("pytest -p no:contracts", best([sys.executable, "-m", "pytest", "-q", "-p", "no:contracts",
                                             "-p", "no:cacheprovider"], empty, runs=5)),
            ("pytest with the plugin", best([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], empty,
                                            runs=5)),
        ]
    for label, seconds in rows:
        print(f"{label:<26} {seconds * 1000:8.0f} ms")
    floor, version = rows[0][1], rows[1][1]
    without, with_plugin = rows[3][1], rows[4][1]
    print(f"contracts --version = {version / floor:.2f}x python -c pass ({(version - floor) * 1000:.0f} ms over it)")
    print(f"plugin in an unrelated suite = {with_plugin / without:.2f}x without it "
          f"({(with_plugin - without) * 1000:+.0f} ms)")


if __name__ == "__main__":
    main()
