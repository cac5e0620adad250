"""Shared fixtures: the repository root and the puffery CLI built from it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def cli() -> Path:
    """The CLI binary: $PUFFERY_BIN, else `cargo build --bin puffery` (fast when up to date)."""
    if os.environ.get("PUFFERY_BIN"):
        return Path(os.environ["PUFFERY_BIN"])
    subprocess.run(
        ["cargo", "build", "--quiet", "--locked", "--bin", "puffery"], cwd=ROOT, check=True
    )
    return ROOT / "target" / "debug" / "puffery"


def run_cli(cli: Path, *args: str) -> List[Dict[str, Any]]:
    """Runs the CLI from the repository root; its output lines, parsed."""
    out = subprocess.run(
        [str(cli), *args], cwd=ROOT, check=True, stdout=subprocess.PIPE
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]
