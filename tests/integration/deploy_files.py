"""Reading the Docker image's and docker-compose.yml's start commands the way Docker and Compose
do, for the tests that run them outside Docker."""

from __future__ import annotations

import json
import shlex
from typing import Any


def dockerfile_final_stage(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the last stage, continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # Docker drops comment lines, even inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: list[list[tuple[str, str]]] = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword.upper(), rest.strip()))
    return stages[-1]


def dockerfile_env(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in stage:
        if keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def exec_form(stage: list[tuple[str, str]], keyword: str) -> list[str]:
    values = [rest for kw, rest in stage if kw == keyword]
    assert values, f"the Dockerfile's final stage has no {keyword}"
    parsed = json.loads(values[-1])  # exec form: signals reach the process, no shell between
    assert isinstance(parsed, list) and all(isinstance(p, str) for p in parsed)
    return parsed


def healthcheck_command(stage: list[tuple[str, str]]) -> list[str]:
    [rest] = [rest for kw, rest in stage if kw == "HEALTHCHECK"]
    options, _, command = rest.partition("CMD ")
    assert all(o.startswith("--") for o in options.split()), options
    parsed = json.loads(command)
    assert isinstance(parsed, list)
    return [str(part) for part in parsed]


def with_address(command: list[str], host: str, port: int) -> list[str]:
    """The command with the values of --host and --port replaced, everything else kept."""
    out = list(command)
    for flag, value in (("--host", host), ("--port", str(port))):
        assert flag in out, f"{flag} missing from {command}"
        out[out.index(flag) + 1] = value
    return out


def compose_env(service: dict[str, Any], passed: dict[str, str]) -> dict[str, str]:
    """The service's environment the way Compose resolves it: a name without a value comes
    from the caller's environment (`passed` here) or stays unset."""
    env: dict[str, str] = {}
    for name, value in (service.get("environment") or {}).items():
        if value is None:
            if name in passed:
                env[name] = passed[name]
        else:
            env[name] = str(value)
    return env
