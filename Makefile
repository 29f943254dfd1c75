# The two set-up commands of README.md: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test test-postgres lint venv system messages

## Debian packages (Chromium for browser tests, CJK fonts, poppler): only what is missing.
system:
	bash scripts/system-deps

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

## The translations, compiled: English (locale/en) and the Chinese of Django's own texts that its
## catalogues leave in English (locale/zh_Hans), both domains (django, djangojs). The .po files
## are kept in git, the .mo files are not.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
locale/%.mo: locale/%.po
	msgfmt --check -o $@ $<

messages: $(MO_FILES)

## Set up everything and serve the demo at http://127.0.0.1:8000/ (SQLite in var/).
run: system venv messages
	$(PY) manage.py demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py runserver 127.0.0.1:8000

## Run every test (SQLite, or PostgreSQL when DATABASE_URL is set).
test: system venv messages
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: system venv messages
	DATABASE_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
