# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# A developer's machine: DEBUG on, the embedded SQLite database unless DATABASE_URL is set.
export DEBUG ?= 1

.PHONY: run test lint typecheck bench venv dev-venv migrate demo messages clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
dev-venv: $(VENV)/.installed-dev

migrate: venv
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)/"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Types (pyproject.toml, [tool.mypy]): the documents layer and the modules
# built with it; strict on the document model and its naming and wording rules.
STRICT := documents/model.py documents/wording.py documents/names.py portal/names.py
typecheck: dev-venv
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --strict $(STRICT)

test: dev-venv lint typecheck
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

bench: dev-venv
	$(PY) -m bench

messages: dev-venv
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=bench
	$(PY) manage.py compilemessages -l vi

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# Backups (README.md, "Production"): the whole database into backups/, and back.
# PostgreSQL: pg_dump/pg_restore must be on PATH. SQLite: a consistent online copy.
.PHONY: backup restore
backup: venv
	$(PY) manage.py backup

restore: venv
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/<file>"; exit 2; }
	$(PY) manage.py restore "$(FILE)"
