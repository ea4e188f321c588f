# Lobby: every target installs what it needs first, so a fresh clone works with one command.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: test unit integration infra e2e install clean synth bench

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# Two workers (one per core); each test file stays on one worker, so the fixtures it
# shares (moto, the local stack) are built once per worker.
test: install
	$(PY) -m pytest -n 2 --dist loadfile

unit: install
	$(PY) -m pytest tests/unit

integration: install
	$(PY) -m pytest tests/integration

infra: install
	$(PY) -m pytest tests/infra

bench: install
	$(PY) bench/bench.py

synth: install
	$(PY) app.py

clean:
	rm -rf $(VENV) cdk.out .pytest_cache .hypothesis .local
