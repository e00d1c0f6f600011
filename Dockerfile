# One image for the worker, the API and the portal (the command differs per service).
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      fonts-wqy-zenhei poppler-utils zbar-tools curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY footprint footprint
COPY compliance_rules compliance_rules
COPY evidence evidence
COPY signing signing
COPY store store
COPY workflows workflows
COPY api api
COPY portal portal
COPY config config
COPY scripts scripts
RUN pip install --no-cache-dir .
ENV TANPASS_VAR_DIR=/data PYTHONUNBUFFERED=1
VOLUME /data
