#!/usr/bin/env python3
"""Set up a virtual environment if needed, then run the demo, the tests or the checks.

    python3 run.py demo        the main job on embedded defaults (no network, no setup)
    python3 run.py test        the whole test suite (ruff, mypy and pytest)
    python3 run.py lint        ruff and mypy only
    python3 run.py bench ...   the benchmarks in benchmarks/

Only the Python standard library is used here: this file is what turns a fresh machine with
Python 3.11 and pip into one that can run the project.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("AHEAD_CONNECTOR_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".ahead-connector-installed"

# pytest exit code when no test was collected: for this project that is a broken test run.
PYTEST_NO_TESTS = 5


def _requirements_digest() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_environment() -> None:
    """Create the virtual environment and install the project with its dev tools, once."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs before any check
        sys.exit(f"ahead-connector needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"creating a virtual environment in {VENV}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    digest = _requirements_digest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    print("installing ahead-connector and its development tools", flush=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]"],
        check=True,
    )
    STAMP.write_text(digest)


def run(*args: str) -> int:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([str(BIN / args[0]), *args[1:]], cwd=ROOT, env=env).returncode


def lint() -> int:
    for command in (("ruff", "check", "."), ("ruff", "format", "--check", "."), ("mypy",)):
        code = run(*command)
        if code:
            print(f"{' '.join(command)} failed", file=sys.stderr)
            return code
    return 0


def test(extra: list[str]) -> int:
    code = lint()
    if code:
        return code
    code = run("pytest", *extra)
    if code == PYTEST_NO_TESTS:
        print("pytest collected no tests: treating that as a failure", file=sys.stderr)
        return 1
    return code


def main(argv: list[str]) -> int:
    command, extra = (argv[0], argv[1:]) if argv else ("demo", [])
    ensure_environment()
    if command == "demo":
        return run("ahead-connector", "demo", *extra)
    if command == "test":
        return test(extra)
    if command == "lint":
        return lint()
    if command == "bench":
        return run("python", "-m", "benchmarks", *extra)
    if command == "shell":
        return run("ahead-connector", *extra)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
