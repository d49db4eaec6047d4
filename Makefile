# YANN: two commands do all the set-up on a fresh machine (Python 3.11 and pip):
#   make book   build the HTML book from the recorded notebooks (installs only the book toolchain)
#   make test   run yann's tests and nbval over every chapter (installs the full tested set)
# and, for authors:
#   make notebooks   re-execute every chapter whose .md changed into its .ipynb twin
#   make -B notebooks   re-execute them all
#   make serve   serve the built book on http://localhost:8000

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CHAPTERS := $(wildcard chapters/*.md)

.PHONY: book test notebooks serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.book-installed: requirements-book.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-book.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-book.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $@

book: $(VENV)/.book-installed
	$(BIN)/jupyter-book build -W -n --keep-going .
	@echo "The book is at file://$(CURDIR)/_build/html/index.html"

test: $(VENV)/.test-installed
	$(BIN)/python -m pytest

notebooks: $(CHAPTERS:.md=.ipynb)

# The install cell is rewritten from _config.yml first, then the chapter is executed into its twin.
# No --update: with it jupytext 1.19 keeps the old outputs of cells whose source looks unchanged.
chapters/%.ipynb: chapters/%.md tools/colab_cell.py _config.yml pyproject.toml | $(VENV)/.test-installed
	$(BIN)/python tools/colab_cell.py $<
	$(BIN)/jupytext --to ipynb --execute $<

serve: book
	$(BIN)/python -m http.server --directory _build/html 8000

clean:
	rm -rf _build
