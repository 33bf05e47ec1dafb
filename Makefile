# Tensorcell: `make lab` to use it, `make test` to check it. See README.md.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages the build, the tests and the charts need.
APT_PACKAGES := pkg-config libzmq3-dev libopenblas-dev libcairo2-dev zlib1g-dev fonts-dejavu-core
# And the browser test's: a headless browser and its WebDriver, both from Debian.
BROWSER_APT_PACKAGES := chromium chromium-driver
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
# JupyterLab refuses to start as root (as in a container or a fresh machine) unless told.
LAB_ROOT := $(shell [ "$$(id -u)" -eq 0 ] && echo --allow-root)

VENV := .venv
PYTHON := $(VENV)/bin/python
RELEASE_BIN := .build/release/tensorcell
# The Swift runtime is linked in, so the binary runs where no Swift is installed (the wheel, the
# Docker image, Binder); every release build uses the same flags so none rebuilds another's work.
SWIFT_RELEASE := swift build -c release --static-swift-stdlib
TOOLS_VENV := build/tools-venv
TEACHING_VENV := build/teach-venv
# The course notebook the clean-machine test runs from the wheel.
WHEEL_NOTEBOOK := notebooks/03-the-neuron.ipynb
BENCH_BIN := .build/release/tensorcell-bench
GALLERY_DIR := build/gallery

export TENSORCELL_BIN := $(abspath $(RELEASE_BIN))

.PHONY: help deps deps-browser swift-check venv build lab notebooks test test-swift test-protocol \
	test-notebooks test-browser test-wheel test-teaching test-torch wheel bench gallery kernelspec clean reference \
	link-order

help:
	@echo "make lab       install what is needed, build, install the kernel, open JupyterLab on notebooks/"
	@echo "make test      install what tests need, build, run the Swift, protocol, notebook, browser and wheel tests"
	@echo "make test-torch  install PyTorch (gigabytes) and run the PyTorch half of the class cross-check (make test runs it last)"
	@echo "make notebooks run every notebooks/*.ipynb with the kernel and save it with its outputs"
	@echo "make wheel     build dist/tensorcell-VERSION-py3-none-PLATFORM.whl, a self-contained wheel"
	@echo "make bench     run every benchmark beside its peers and rewrite docs/benchmarks.md"
	@echo "make gallery   render every chart kind to PNG under $(GALLERY_DIR)/"

# Installs the Debian packages in $(1) that are missing, and only those.
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	python3 -m venv --help >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

deps: swift-check
	$(call apt_install,$(APT_PACKAGES))

deps-browser: deps
	$(call apt_install,$(BROWSER_APT_PACKAGES))

swift-check:
	@command -v swift >/dev/null || { echo "Swift 6 is needed: install the toolchain from swift.org, then run make again." >&2; exit 1; }

$(VENV)/.installed: Tests/protocol/requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -r Tests/protocol/requirements.txt
	touch $@

venv: deps $(VENV)/.installed

build: deps
	$(SWIFT_RELEASE) --product tensorcell

$(TOOLS_VENV)/.installed: wheel/requirements.txt
	python3 -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install -q -r wheel/requirements.txt
	touch $@

# The kernel, the libraries it links and opens, a font and the kernelspec, as one wheel.
wheel: build $(TOOLS_VENV)/.installed
	$(TOOLS_VENV)/bin/python wheel/make_wheel.py --binary $(RELEASE_BIN) --dist dist

kernelspec: build venv
	$(RELEASE_BIN) install --prefix $(abspath $(VENV))
	$(VENV)/bin/jupyter kernelspec list

lab: build venv
	$(RELEASE_BIN) install --prefix $(abspath $(VENV))
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(LAB_ROOT)

# Runs every notebook in a fresh kernel and saves it with its outputs, for committing.
notebooks: build venv
	$(PYTHON) Tests/notebooks/execute.py --in-place

test: test-swift test-protocol test-notebooks test-browser test-wheel test-teaching test-torch

test-swift: deps
	swift build --build-tests
	swift test --skip-build

test-protocol: build venv
	$(PYTHON) -m pytest -q Tests/protocol

# Every notebook, run on a copy, without an error; and committed as executed.
test-notebooks: build venv
	$(PYTHON) -m pytest -q Tests/notebooks

# A notebook run in JupyterLab by headless Chromium; screenshots go to build/browser/.
test-browser: build venv deps-browser
	$(PYTHON) -m pytest -q -s Tests/browser

# The wheel installed on a minimal Debian root (debootstrap, kept in build/debian-root) with
# nothing else: a course notebook runs there, and the kernel loads no library from outside it.
test-wheel: wheel
	Tests/wheel/clean-machine.sh dist/tensorcell-*.whl $(WHEEL_NOTEBOOK)

$(TEACHING_VENV)/.installed: Tests/wheel/requirements.txt
	python3 -m venv $(TEACHING_VENV)
	$(TEACHING_VENV)/bin/python -m pip install -q -r Tests/wheel/requirements.txt
	touch $@

# papermill and nbgrader, from PyPI, with the kernel installed from the wheel.
test-teaching: wheel $(TEACHING_VENV)/.installed
	$(TEACHING_VENV)/bin/python -m pip install -q --force-reinstall --no-deps dist/tensorcell-*.whl
	$(TEACHING_VENV)/bin/python -m pytest -q Tests/wheel

# The PyTorch half of the class cross-check: a torch module with the same attributes loads the
# file a notebook saved. Run last by `make test`, since PyPI's Linux torch is the CUDA build, 2.8 GB
# to download and 5.3 GB installed; once torch is in the venv (this target, or `make bench`, whose
# peers include it), the protocol tests run that half too.
test-torch: build venv
	$(PYTHON) -m pip install -q -r Tests/protocol/requirements-torch.txt
	TENSORCELL_REQUIRE_TORCH=1 $(PYTHON) -m pytest -q Tests/protocol/test_classes_cross_check.py

# `make bench BASELINE=<commit>` also builds that commit in build/baseline and runs it beside this
# checkout in the same rounds, so a change is measured against what came before it in one run.
# The debug-hooks workload needs a second build with the debugger's hooks compiled out.
BASELINE ?=
bench: deps venv
	$(PYTHON) -m pip install -q -r bench/requirements.txt
	$(SWIFT_RELEASE) --product tensorcell-bench
	$(SWIFT_RELEASE) --product tensorcell
	$(SWIFT_RELEASE) --build-path .build-nohooks -Xswiftc -DNO_DEBUG_HOOKS --product tensorcell-bench
ifneq ($(BASELINE),)
	test -d build/baseline || git worktree add --detach build/baseline $(BASELINE)
	git -C build/baseline checkout -q --detach $(BASELINE)
	cd build/baseline && $(SWIFT_RELEASE) --product tensorcell-bench && $(SWIFT_RELEASE) --product tensorcell
endif
	$(PYTHON) bench/run.py --scaling $(if $(BASELINE),--baseline build/baseline) --write docs/benchmarks.md

gallery: deps
	swift build -c release --product tensorcell-gallery
	.build/release/tensorcell-gallery $(GALLERY_DIR)
	@echo "charts written to $(GALLERY_DIR)/"

clean:
	rm -rf .build build dist $(VENV)

# The functions the kernel runs to start and answer cells, for the release link to lay out together
# (Sources/tensorcell/link-order.txt; valgrind from Debian profiles the kernel, which takes minutes).
link-order: build venv
	$(call apt_install,valgrind)
	$(PYTHON) Tests/tools/link_order.py --binary $(RELEASE_BIN)

# The builtin reference inside docs/language.md, regenerated from the library.
reference:
	swift build --product tensorcell
	python3 Tests/tools/splice_reference.py docs/language.md .build/debug/tensorcell
