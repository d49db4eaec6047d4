# YANN: two commands do all the set-up on a fresh machine (Python 3.11 and pip):
#   make book   build the HTML book from the recorded notebooks (installs only the book toolchain)
#   make test   run yann's tests and nbval over every chapter, one chapter as on Colab, and every
#               page of the book in headless Chromium (installs the full tested set, and as root
#               Debian's chromium and poppler-utils; fetches MathJax and axe-core into .cache/)
#   make lint   ruff over src/, tests/, tools/, benchmarks/ and the chapters' code
#   make lab    JupyterLab on the chapters: the .md sources and .ipynb twins open as notebooks
#   make pdf    the whole book as one PDF, _build/pdf/yann.pdf (Debian's chromium prints it)
# and, for authors:
#   make notebooks   re-execute every chapter whose .md changed into its .ipynb twin
#   make -B notebooks   re-execute them all
#   make serve   serve the built book on http://localhost:8000
#   make test-compat   nbval over every chapter with Colab's releases (Python 3.12, the frameworks
#                      of requirements-compat.txt), in .venv-compat; not part of make test
#   make test-colab   run every chapter as on Colab: alone, in a fresh environment without yann,
#                     installed by the chapter's own first cell (minutes)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CHAPTERS := $(wildcard chapters/*.md)
# The browser test answers the book's MathJax 3 request from this copy of the npm package.
MATHJAX_VERSION := 3.2.2
MATHJAX := .cache/mathjax-$(MATHJAX_VERSION)

.PHONY: book test lint lab notebooks serve clean test-colab test-compat browser-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.book-installed: requirements-book.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-book.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-book.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $@

# JupyterLab, and its settings overrides for this environment: a double click opens a chapter's
# .md as a notebook (jupytext's viewer), not as text.
$(VENV)/.lab-installed: requirements-lab.txt tools/lab_overrides.json $(VENV)/.test-installed
	$(BIN)/python -m pip install --quiet -r requirements-lab.txt
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp tools/lab_overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

book: $(VENV)/.book-installed
	$(BIN)/jupyter-book build -W -n --keep-going .
	@echo "The book is at file://$(CURDIR)/_build/html/index.html"

# The lab test starts `make lab`'s server, so make test installs JupyterLab too.
test: $(VENV)/.test-installed $(VENV)/.lab-installed browser-deps
	YANN_MATHJAX_DIR=$(CURDIR)/$(MATHJAX) $(BIN)/python -m pytest

# src/, tests/, tools/ and benchmarks/ with pyproject.toml's settings; the chapters' code through
# their executed twins (the same cells as the .md sources), in lines of at most 80 characters.
lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/ruff check --line-length 80 chapters/*.ipynb

# JupyterLab on this checkout, opened at chapters/; jupytext (requirements.txt) makes every
# chapter's .md source open as a notebook beside its .ipynb twin. LAB_ARGS adds options, such as
# LAB_ARGS="--no-browser --ServerApp.port=8899".
# As root (a container, CI) Jupyter refuses to start without --allow-root.
lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) --ServerApp.default_url=/lab/tree/chapters \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

test-colab: $(VENV)/.test-installed
	YANN_COLAB_CHAPTERS=all $(BIN)/python -m pytest -n 2 --dist load tests/test_colab_like.py

# The recorded chapters under Colab's releases (Python 3.12 and requirements-compat.txt), in a
# second environment .venv-compat that the script creates on first use (gigabytes, minutes). The
# script finds a Python 3.12 (COMPAT_PYTHON, python3.12 on PATH, or pyenv's) or says why it skips.
test-compat:
	tools/test_compat.sh

# The whole book as one PDF, _build/pdf/yann.pdf: the one-page HTML build printed by Debian's
# chromium with the local MathJax (tools/pdf.py). Also copied into _build/html/_static/ when the
# HTML book is built, where the front page links it. Takes minutes on two cores.
.PHONY: pdf
pdf: $(VENV)/.book-installed browser-deps
	$(BIN)/python tools/pdf.py

# What the browser and PDF tests need besides requirements.txt (without it, a test is skipped and
# says why): Debian's chromium and poppler-utils (pdftotext), installed here when missing if we are
# root (as in CI), a local MathJax and axe-core (the accessibility checker the browser test injects).
AXE_VERSION := 4.14.1
AXE := .cache/axe-core-$(AXE_VERSION)
browser-deps: $(MATHJAX)/es5/tex-mml-chtml.js $(AXE)/axe.min.js
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing and this is not root:$$missing (the browser and PDF tests will be skipped)"; \
	  fi; \
	fi

# npm package NAME@VERSION unpacked into .cache/NAME-VERSION (used by the two rules below).
define npm_unpack
	@if ! command -v npm >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; \
	fi
	@if command -v npm >/dev/null; then \
	  mkdir -p .cache && cd .cache && npm pack --silent $(1)@$(2) >/dev/null && \
	  rm -rf $(1)-$(2) && mkdir $(1)-$(2) && \
	  tar -xzf $(1)-$(2).tgz -C $(1)-$(2) --strip-components=1 && rm $(1)-$(2).tgz; \
	else \
	  echo "npm is missing: no local $(1), so the browser test will be skipped"; \
	fi
endef

$(MATHJAX)/es5/tex-mml-chtml.js:
	$(call npm_unpack,mathjax,$(MATHJAX_VERSION))

$(AXE)/axe.min.js:
	$(call npm_unpack,axe-core,$(AXE_VERSION))

notebooks: execution_report.md

# The execution report page is regenerated from the timing recorded in the chapter notebooks.
execution_report.md: $(CHAPTERS:.md=.ipynb) tools/execution_report.py
	$(BIN)/python tools/execution_report.py

# A twin is stale when its chapter, yann or the install cell changed. The install cell is rewritten
# from _config.yml first, then the chapter is executed into its twin.
# No --update: with it jupytext 1.19 keeps the old outputs of cells whose source looks unchanged.
chapters/%.ipynb: chapters/%.md $(wildcard src/yann/*.py) tools/colab_cell.py _config.yml pyproject.toml | $(VENV)/.test-installed
	$(BIN)/python tools/colab_cell.py $<
	$(BIN)/jupytext --to ipynb --execute $<

serve: book
	$(BIN)/python -m http.server --directory _build/html 8000

clean:
	rm -rf _build
