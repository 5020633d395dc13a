"""contracts as another team meets it: a wheel installed in a fresh venv, used from a folder with no specs/.

The wheel is built from this checkout (offline, no build isolation) and
installed without dependencies into a new venv; the venv sees the test
environment's site-packages for the dependencies only (a .pth line: the
editable install's own finder is not activated that way), so every import of
``contracts`` comes from the wheel.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path
from typing import Iterator

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "contracts-demo-token"


def test_every_package_is_in_the_wheel_list() -> None:
    """pyproject lists packages by hand (contracts.specs lives in specs/): a new subpackage must be added."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT / "src").parts) for p in (ROOT / "src").rglob("__init__.py")}
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert "contracts.specs" in listed


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bin/ folder of a fresh venv holding contracts from a freshly built wheel."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(dist), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("contracts-*.whl"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # the `pytest` command `pip install … pytest-xdist` would have put here
    shim = venv / "bin" / "pytest"
    shim.write_text(f"#!{python}\nimport sys\nimport pytest\nsys.exit(pytest.console_main())\n")
    shim.chmod(0o755)
    yield venv / "bin"


def _env(bin_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CONTRACTS_"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


def _run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Another team's repository: no specs/, no contracts source."""
    folder = tmp_path / "their-repo"
    folder.mkdir()
    (folder / ".git").mkdir()  # settings are never read from above a repository's root
    return folder


@pytest.mark.slow
def test_the_wheel_holds_the_specs_and_imports_from_itself(installed: Path, project: Path) -> None:
    env = _env(installed)
    where = _run([str(installed / "python"), "-c", "import contracts; print(contracts.__file__)"], project, env)
    assert where.returncode == 0 and str(installed.parent) in where.stdout, where.stdout + where.stderr
    listing = _run([str(installed / "contracts"), "specs"], project, env)
    assert listing.returncode == 0, listing.stderr
    assert [line.split()[0] for line in listing.stdout.splitlines()] == ["enos", "iotda", "oceanconnect"]
    exported = _run([str(installed / "contracts"), "specs", "--export", "specs"], project, env)
    assert exported.returncode == 0, exported.stderr
    assert (project / "specs" / "iotda-v5.yaml").is_file()
    assert (project / "specs" / "samples" / "oceanconnect-iocm-v1.4.0" / "queryDeviceCmdCancelTask.200.txt").is_file()


@pytest.mark.slow
def test_check_and_the_plugin_run_from_an_empty_folder(installed: Path, project: Path) -> None:
    env = _env(installed)
    checked = _run([str(installed / "contracts"), "check", "--max-examples", "2", "--seed", "1"], project, env)
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr
    assert "3 spec(s)" in checked.stdout
    one = _run([str(installed / "contracts"), "check", "--spec", "iotda", "--max-examples", "0"], project, env)
    assert one.returncode == 0 and "1 spec(s)" in one.stdout, one.stdout[-2000:] + one.stderr
    tested = _run([str(installed / "python"), "-m", "pytest", "--contracts-mock", "--contracts-max-examples=2",
                   "--contracts-seed=1", "-p", "no:cacheprovider", "-q"], project, env)
    assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr[-2000:]
    assert re.search(r"\b18 passed\b", tested.stdout), tested.stdout[-2000:]


def _recipes() -> list[tuple[str, list[str]]]:
    """The shell commands of the README's GitHub Actions and GitLab CI recipes, as written."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = {title: yaml.safe_load(body) for title, body in
              re.findall(r"^(GitHub Actions|GitLab CI):\n\n```yaml\n(.*?)```", readme, re.M | re.S)}
    assert set(blocks) == {"GitHub Actions", "GitLab CI"}
    github = [step["run"] for step in blocks["GitHub Actions"]["jobs"]["contracts"]["steps"] if "run" in step]
    gitlab = list(blocks["GitLab CI"]["contracts"]["script"])
    return [("GitHub Actions", github), ("GitLab CI", gitlab)]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["GitHub Actions", "GitLab CI"])
def test_the_readme_ci_recipes_run_unchanged(name: str, installed: Path, project: Path) -> None:
    from contracts.mock import create_app
    from contracts.mock.server import MockServer

    commands = dict(_recipes())[name]
    server = MockServer(create_app(seed=1), "127.0.0.1", 0)
    url = server.start()
    try:
        env = _env(installed, IOTDA_URL=url, IOTDA_TOKEN=TOKEN)
        for command in commands:
            if command.startswith("pip install"):
                assert "contracts" in command  # the one step the wheel stands in for
                continue
            shell = command.replace("${{ secrets.IOTDA_TOKEN }}", TOKEN).replace("${{ vars.PROJECT_ID }}", "p1")
            done = _run(["bash", "-c", shell], project, env)
            assert done.returncode == 0, f"{shell}\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}"
    finally:
        server.stop()
    reports = project / "reports"
    assert {"junit.xml", "pytest.xml", "report.json", "report.html"} <= {p.name for p in reports.iterdir()}
    for path in reports.iterdir():
        assert TOKEN not in path.read_text(encoding="utf-8", errors="replace"), path.name


def test_the_version_the_cli_prints_is_the_installed_one() -> None:
    """contracts --version reads __version__ (importlib.metadata costs 24 ms at start-up): they must agree."""
    from importlib.metadata import version

    import contracts

    assert contracts.__version__ == version("contracts")
    from click.testing import CliRunner

    from contracts.cli import cli

    assert CliRunner().invoke(cli, ["--version"]).output.strip() == f"contracts, version {version('contracts')}"
