# slimlab: the human interface.  `make help` lists the targets.
# `make check` and `make test` do all their own set-up: Python environment,
# Docker engine (checks/setup/engine.sh) and base images (built on first need).

PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)

.DEFAULT_GOAL := help
.PHONY: help setup venv engine browser registry skopeo bases check test unit lint bench bench-analyze clean html serve locale linkcheck

help:  ## show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z0-9%-]*:.*## / {sub(/%/, "N", $$1); printf "  make %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.txt
	@echo "setup: Python environment in $(VENV) from requirements.txt"
	@$(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)  ## create .venv from requirements.txt (exact pins)

engine:  ## make sure a Docker engine with buildx answers (installs/starts one on Debian/Ubuntu as root)
	@bash checks/setup/engine.sh

setup: venv engine  ## everything check and test need; near-instant when done

bases: setup  ## make every base image the labs name available (official, or a local stand-in)
	@$(PY) -m checks bases

check: setup  ## build, measure and verify every lab (LAB=4 for one), write labs/*/results.json, render the guide
	@$(PY) -m checks verify $(LAB)
	@$(MAKE) --no-print-directory html

# The guide: sphinx-build reads only the recorded labs/*/results.json, never Docker.
#   -c .          conf.py lives at the repository root; the sources are in docs/
#   -n            nitpicky: every cross-reference (claims, pages, labels) must resolve
#   -W            warnings are errors, so stale or missing results fail the build
#   --keep-going  report every warning before failing, not only the first
#   -q            print only warnings and errors
SPHINXOPTS ?= -c . -n -W --keep-going -q
HTML       := docs/_build/html
PORT       ?= 8000

# Editions: English at the root, each translation (docs/locale/<code>/) in a folder of its own.
EDITIONS := zh_CN

html: venv  ## render the guide, English and 中文 (docs/_build/html/zh_CN), from the recorded results (no Docker needed)
	@$(PY) -m sphinx -b html $(SPHINXOPTS) docs $(HTML)
	@for code in $(EDITIONS); do \
	  $(PY) -m sphinx -b html $(SPHINXOPTS) -D language=$$code docs $(HTML)/$$code || exit 1; \
	done
	@echo "html: the guide is in $(HTML)/index.html, and $(foreach c,$(EDITIONS),$(HTML)/$(c)/index.html) (make serve to preview it)"

# The catalogs: the pages' messages (Sphinx's gettext builder), lab.toml's and the
# checker's own (python -m checks locale), merged into docs/locale/<code>/LC_MESSAGES/*.po
# by sphinx-intl.  New or changed English arrives untranslated or fuzzy, and the
# catalog test (tests/test_locale.py) fails until a translator has done it.
POT := docs/_build/gettext

locale: venv  ## update the translation catalogs in docs/locale from the English pages, lab.toml files and the checker's words
	@rm -rf $(POT)
	@$(PY) -m sphinx -b gettext -c . -q docs $(POT)
	@$(PY) -m checks locale $(POT)
	@$(VENV)/bin/sphinx-intl update --pot-dir $(POT) --locale-dir docs/locale --line-width 0 --no-obsolete $(foreach c,$(EDITIONS),-l $(c))
	@echo "locale: catalogs updated; translate what is new (msgstr \"\") or fuzzy, then make html"

linkcheck: venv  ## check every external link the English pages carry (needs the network those links are on)
	@$(PY) -m sphinx -b linkcheck -c . -q docs docs/_build/linkcheck

serve: venv  ## build, then preview the guide at http://127.0.0.1:8000 (PORT=8000), on the loopback interface only
	@$(MAKE) --no-print-directory html || echo "serve: the build failed (see above); serving the pages it wrote anyway"
	@echo "serve: http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	@$(PY) -m http.server --bind 127.0.0.1 --directory $(HTML) $(PORT)

registry:  ## make sure docker-registry is installed, for the registry tests and compressed sizes (apt-installs it on Debian as root)
	@bash checks/setup/registry.sh

browser:  ## make sure a headless Chromium exists for the docs browser tests (apt-installs it on Debian as root)
	@bash checks/setup/browser.sh

skopeo:  ## make sure skopeo exists, for the tests that read OCI layouts and registries (apt-installs it on Debian as root)
	@bash checks/setup/skopeo.sh

test: setup browser registry skopeo lint  ## lint, then the full test suite (unit, docs, browser, registry and docker tests)
	@$(PY) -m pytest

unit: venv  ## only the unit tests (no Docker, no registry; installs nothing)
	@$(PY) -m pytest -m "not docker and not registry"

# Lint and types, from the pins in requirements.txt and the settings in pyproject.toml:
#   ruff check          the rule set of [tool.ruff.lint] (each choice commented there)
#   ruff format --check the layout ruff format would give; `$(VENV)/bin/ruff format` applies it
#   mypy                --strict over checks/ ([tool.mypy])
#   lint-imports        the layers and forbidden imports of [tool.importlinter]
# All four run even when one fails, so one run reports every finding.
LINTED := checks tests tools conf.py

lint: venv  ## ruff check, ruff format --check, mypy --strict and the import contracts (no Docker needed)
	@failed=; \
	$(VENV)/bin/ruff check --quiet $(LINTED) || failed="$$failed ruff-check"; \
	$(VENV)/bin/ruff format --check --quiet $(LINTED) || failed="$$failed ruff-format"; \
	$(VENV)/bin/mypy || failed="$$failed mypy"; \
	$(VENV)/bin/lint-imports --no-cache || failed="$$failed lint-imports"; \
	if [ -n "$$failed" ]; then echo "lint: failed:$$failed"; exit 1; fi; \
	echo "lint: ruff, ruff format, mypy and the import contracts all pass"

bench: setup  ## print speed figures: warm `make check`, and cold on a fresh empty engine (minutes)
	@$(PY) tools/bench.py --cold --timings

bench-analyze: venv  ## print time and peak memory of checks analyze beside dive --ci: the largest lab image (docker save) and 200,000 small files
	@$(PY) tools/analyzebench.py

lab-%-solution: setup  ## check a lab's reference answer against its goals (e.g. make lab-4-solution)
	@$(PY) -m checks grade $* --solution

lab-%: setup  ## grade your labs/lab-N-*/exercise.Dockerfile (e.g. make lab-4)
	@$(PY) -m checks grade $*

BUNDLE ?= slimlab-workshop.tar.gz

workshop-prepare: setup  ## build every base, lab and reference answer once, so a room needs no network
	@$(PY) -m checks workshop prepare

workshop-bundle: setup  ## export every base image to one archive (BUNDLE=slimlab-workshop.tar.gz)
	@$(PY) -m checks workshop bundle --bundle $(BUNDLE)

workshop-load: setup  ## load a workshop archive on an air-gapped machine (BUNDLE=...)
	@$(PY) -m checks workshop load --bundle $(BUNDLE)

clean:  ## remove only the images and containers this checkout labelled as its own (LAB=<folder> for one lab, BASES=1 for the shared stand-ins too)
	@if docker info >/dev/null 2>&1; then $(PYTHON) -m checks clean $(if $(LAB),--lab $(LAB)) $(if $(BASES),--bases); else echo "clean: no engine answers; nothing to remove"; fi
