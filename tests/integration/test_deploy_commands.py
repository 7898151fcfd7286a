"""The start commands of the Docker image and docker-compose.yml, run outside Docker.

No Docker engine runs here, so the test reads the commands out of the Dockerfile (ENTRYPOINT,
CMD, HEALTHCHECK, ENV) and docker-compose.yml (each service's command, environment and
healthcheck) and runs exactly those: two API replicas on two ports sharing one data directory
and one worker, against a real Redis. Only what a container gets from outside is substituted:
the address and port, the data directory, the Redis URL and the editor token.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tasks.processes import spawn, stop, wait_until_up
from tests.builders import EXAMPLES, ROOT
from tests.integration.deploy_files import (
    compose_env,
    dockerfile_env,
    dockerfile_final_stage,
    exec_form,
    healthcheck_command,
    with_address,
)
from tests.services import free_port

pytestmark = pytest.mark.integration
TOKEN = "deploy-test-token"
EDITOR = {"Authorization": f"Bearer {TOKEN}"}
# Three articles keep the worker's first index to seconds on a busy machine.
SAMPLE = ["celery-retries-2022", "redis-caching-patterns", "docker-for-real-teams"]
START_TIMEOUT_S = 150


# --- the processes ----------------------------------------------------------------------------


@dataclass
class Deployment:
    apis: list[str]
    api_commands: list[list[str]]
    worker: subprocess.Popen[bytes]
    healthcheck: list[str]
    worker_healthcheck: str
    env: dict[str, str]
    logs: Path


@pytest.fixture
def deployment(tmp_path: Path, redis_url: str) -> Iterator[Deployment]:
    stage = dockerfile_final_stage((ROOT / "Dockerfile").read_text())
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    entrypoint = exec_form(stage, "ENTRYPOINT")
    image_env = {k: v for k, v in dockerfile_env(stage).items() if k != "PATH"}
    source = tmp_path / "articles"
    source.mkdir()
    for slug in SAMPLE:
        shutil.copy(EXAMPLES / "articles" / f"{slug}.md", source / f"{slug}.md")
    # What an operator passes in through the shell or .env; the rest comes from the files.
    passed = {
        "FOOTNOTE_EDITOR_TOKEN": TOKEN,
        "FOOTNOTE_SOURCE_DIR": str(source),
        "FOOTNOTE_WORKER_CONCURRENCY": "1",
    }
    # The venv's bin first: it is the image's /opt/venv/bin.
    base = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    base.pop("FOOTNOTE_REDIS_URL", None)
    # The image bakes its ONNX export in at build time; the session's export stands in for it.
    outside = {
        "FOOTNOTE_DATA_DIR": str(tmp_path / "data"),
        "FOOTNOTE_REDIS_URL": redis_url,
        "FOOTNOTE_ONNX_CACHE_DIR": os.environ["FOOTNOTE_ONNX_CACHE_DIR"],
    }

    def service_env(name: str) -> dict[str, str]:
        env = {**base, **image_env, **compose_env(compose["services"][name], passed), **outside}
        assert env["HF_HUB_OFFLINE"] == "1" and env["OMP_NUM_THREADS"] == "1"
        return env

    logs = tmp_path / "logs"
    logs.mkdir()
    worker_service = compose["services"]["worker"]
    # cwd: the image's WORKDIR /app holds examples/ the same way.
    worker_command = entrypoint + worker_service["command"]
    worker = spawn(worker_command, service_env("worker"), logs / "w.log", ROOT)
    api_service = compose["services"]["api"]
    api_command = entrypoint + (api_service.get("command") or exec_form(stage, "CMD"))
    ports = [free_port(), free_port()]
    commands = [with_address(api_command, "127.0.0.1", port) for port in ports]
    api_logs = [logs / f"api{i}.log" for i in range(len(commands))]
    apis = [
        spawn(c, service_env("api"), log, ROOT) for c, log in zip(commands, api_logs, strict=True)
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            wait_until_up(
                url,
                "/healthz",
                [worker, *apis],
                [logs / "w.log", *api_logs],
                timeout_s=START_TIMEOUT_S,
            )
        test = worker_service["healthcheck"]["test"]
        assert test[0] == "CMD-SHELL"
        yield Deployment(
            apis=urls,
            api_commands=commands,
            worker=worker,
            healthcheck=healthcheck_command(stage),
            # Compose writes a literal $ as $$ in the file.
            worker_healthcheck=test[1].replace("$$", "$"),
            env=service_env("api"),
            logs=logs,
        )
    finally:
        for process in [*apis, worker]:
            stop(process, timeout_s=20)


def wait_for_job(api: str, accepted: httpx.Response, timeout_s: float = 120) -> dict[str, Any]:
    assert accepted.status_code == 202, accepted.text
    status_url = api + accepted.json()["status_url"]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = httpx.get(status_url, headers=EDITOR, timeout=5).json()  # editors' jobs too
        if job["state"] in ("succeeded", "failed", "cancelled"):
            assert job["state"] == "succeeded", job
            return dict(job)
        time.sleep(0.3)
    pytest.fail(f"job {status_url} did not finish in {timeout_s} s")


# --- the test ---------------------------------------------------------------------------------


def test_the_image_commands_serve_two_replicas_over_one_index_written_by_one_worker(
    deployment: Deployment,
) -> None:
    first, second = deployment.apis
    for command in deployment.api_commands:
        assert command[:2] == ["footnote", "serve"] and "--no-worker" not in command

    # The image's HEALTHCHECK passes for each replica.
    for url in deployment.apis:
        probe = subprocess.run(
            deployment.healthcheck,
            env={**deployment.env, "FOOTNOTE_HEALTH_URL": f"{url}/healthz"},
            capture_output=True,
            timeout=30,
        )
        assert probe.returncode == 0, probe.stderr.decode()

    # Index the sample through replica 1; the job lives in Redis, so replica 2 can follow it.
    reindex = httpx.post(f"{first}/admin/reindex", headers=EDITOR, timeout=10)
    job = wait_for_job(second, reindex)
    assert job["result"]["added"] == len(SAMPLE) and job["result"]["failed"] == 0

    generations = set()
    for url in deployment.apis:
        found = httpx.get(f"{url}/search", params={"q": "cache stampede expiry"}, timeout=30)
        assert found.status_code == 200, found.text
        body = found.json()
        assert body["results"][0]["article_id"] == "redis-caching-patterns"
        generations.add(body["snapshot"])
    assert len(generations) == 1

    # An upsert through replica 1 is searchable on replica 2: the worker commits a new
    # generation to the shared data directory and replica 2 sees it on its next query.
    article = {
        "title": "Quokka telemetry for night shifts",
        "body": "# Quokka telemetry\n\nThe zephyrine quokka gauge tracks night shift load.",
        "tags": ["operations"],
    }
    upsert = httpx.put(
        f"{first}/admin/articles/quokka-telemetry", json=article, headers=EDITOR, timeout=10
    )
    wait_for_job(first, upsert)
    found = httpx.get(
        f"{second}/search", params={"q": "zephyrine quokka", "mode": "bm25"}, timeout=30
    ).json()
    assert [hit["article_id"] for hit in found["results"]][:1] == ["quokka-telemetry"]
    assert found["snapshot"] > generations.pop()
    ready = httpx.get(f"{second}/readyz", timeout=10).json()
    assert ready["ready"] and ready["articles"] == len(SAMPLE) + 1

    # The compose file's worker healthcheck finds this worker over the broker.
    ping = subprocess.run(
        ["sh", "-c", deployment.worker_healthcheck],
        cwd=ROOT,
        env={**deployment.env, "HOSTNAME": socket.gethostname()},
        capture_output=True,
        timeout=60,
    )
    assert ping.returncode == 0, ping.stderr.decode()[-2000:]
    assert deployment.worker.poll() is None
