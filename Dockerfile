# syntax=docker/dockerfile:1
# The Quad API image (Cloud Run). The migration job runs the same image with the command
# `quad-migrate`. Build from the repository root: docker build -t quad-api .
#
# Stage 1 installs the `api` dependency group and the project itself (non-editable, so
# the `quad` and `quad-migrate` scripts and the api/infra packages live in the virtualenv)
# with the same uv version and lock file as `make install`. Stage 2 is the slim runtime:
# the virtualenv only, a non-root user, no build tools, no tests, no local-only packages
# and no demo data (.dockerignore).

ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder

# The uv version of the Makefile (UV_VERSION); tests/deploy checks they agree.
RUN pip install --no-cache-dir --disable-pip-version-check "uv==0.13.8"

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /src

# Dependencies first (a layer that changes only with the lock file)...
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-default-groups --group api --no-install-project --no-editable

# ...then the project itself.
COPY README.md ./
COPY api ./api
COPY infra ./infra
RUN uv sync --locked --no-default-groups --group api --no-editable


FROM ${PYTHON_IMAGE}

RUN groupadd --system --gid 10001 quad \
    && useradd --system --uid 10001 --gid quad --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin quad

COPY --from=builder /app/.venv /app/.venv

# HOST: listen on every interface in the container (the app defaults to loopback).
# PORT: Cloud Run sets it; 8080 is the default elsewhere.
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=8080

WORKDIR /app
USER 10001:10001
EXPOSE 8080

# Exec form: `quad serve` is PID 1 and receives SIGTERM itself, drains in-flight requests
# and exits 0 (uvicorn's supervisor stops the workers).
CMD ["quad", "serve"]
