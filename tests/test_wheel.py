"""The wheel carries the bundled dataset: installed outside the repository, `dprk-ld validate` works."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                           capture_output=True, text=True, timeout=300)
    wheels = list(out.glob("dprk_ld-*.whl"))
    assert build.returncode == 0 and wheels, f"cannot build the wheel: {build.stderr[-1000:]}"
    target = out / "site"
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = wheel.namelist()
        assert "dprk_ld/_project/ontology/dprk.ttl" in names
        assert any(n.startswith("dprk_ld/_project/data/") and n.endswith(".ttl") for n in names)
        assert any(n.startswith("dprk_ld/_project/queries/") and n.endswith(".rq") for n in names)
        assert "dprk_ld/context.jsonld" in names
        wheel.extractall(target)
    return target


def test_installed_package_validates_its_bundled_dataset(unpacked_wheel: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(unpacked_wheel)}
    env.pop("DPRK_LD_PROJECT", None)
    probe = subprocess.run([sys.executable, "-c", "import dprk_ld.project as p; print(p.find_project().root)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == str(unpacked_wheel / "dprk_ld" / "_project"), probe.stderr
    result = subprocess.run([sys.executable, "-m", "dprk_ld", "validate", "--check", "shacl", "--check",
                             "vocabulary", "--check", "citations"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "CONFORMS" in result.stdout
