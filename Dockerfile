# syntax=docker/dockerfile:1
# A JupyterHub single-user image: JupyterLab with the Tensorcell kernel and the course notebooks.
#
#   docker build -t tensorcell-notebook .
#   docker run --rm -p 8888:8888 tensorcell-notebook      # then open the 127.0.0.1 URL it prints
#
# On JupyterHub (zero-to-jupyterhub), push the image and name it as singleuser.image: see the
# README. The course is in /home/jovyan/notebooks, and also in /opt/tensorcell/notebooks, from
# which a start hook can copy it into a persistent home that hides the image's own.
#
# Binder does not read this file: it builds from binder/ (apt.txt and postBuild).

ARG SWIFT_IMAGE=docker.io/library/swift:6.3-noble
ARG BASE_IMAGE=quay.io/jupyter/base-notebook:ubuntu-24.04

# --- Build: the release binary, with the Swift runtime linked in -----------------------------
FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        pkg-config libzmq3-dev libopenblas-dev libcairo2-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest names the test targets too, so their folders must be there for it to load.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product tensorcell --static-swift-stdlib \
    && install -D -m 755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/tensorcell" \
        /out/tensorcell \
    && /out/tensorcell --version

# --- Run: the Jupyter stack, the libraries the kernel opens, the kernel, the course -----------
FROM ${BASE_IMAGE}
USER root
# ZeroMQ is linked; OpenBLAS and cairo are opened on first use; the charts draw with DejaVu.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libzmq5 libopenblas0 libcairo2 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/tensorcell /usr/local/bin/tensorcell
# Into the environment Jupyter runs from (/opt/conda), as --sys-prefix would.
RUN tensorcell install --prefix "${CONDA_DIR}" \
    && fix-permissions "${CONDA_DIR}"
COPY --chown=${NB_UID}:${NB_GID} notebooks/ /opt/tensorcell/notebooks/

USER ${NB_UID}
COPY --chown=${NB_UID}:${NB_GID} notebooks/ /home/${NB_USER}/notebooks/
RUN jupyter kernelspec list | grep -q tensorcell
WORKDIR /home/${NB_USER}
