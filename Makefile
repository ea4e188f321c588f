# Lobby: every target installs what it needs first, so a fresh clone works with one command.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: test unit integration infra e2e install clean synth run expedia-message bench lint lock

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# Two workers (one per core); each test file stays on one worker, so the fixtures it
# shares (moto, the local stack) are built once per worker.
test: install chromium lint
	$(PY) -m pytest -n 2 --dist loadfile

# Static checks, in `make test` too. deptry: every import of functions/ (the code asset) is declared in
# requirements.txt, and every requirement is used ([tool.deptry] in pyproject.toml). ruff: the whole tree
# ([tool.ruff]); mypy: functions/, the core inbox/ strictly ([tool.mypy]; incremental, cached in .mypy_cache).
lint: install
	$(VENV)/bin/deptry functions
	$(PY) -m ruff check .
	$(PY) -m mypy

# The layer's whole dependency tree, pinned with every file's hash for Lambda (Python 3.13, arm64);
# run after changing requirements.txt (README: The Lambda artifact).
lock: install
	$(PY) -m infra.artifact lock

unit: install
	$(PY) -m pytest tests/unit

integration: install
	$(PY) -m pytest tests/integration

infra: install
	$(PY) -m pytest tests/infra

e2e: install chromium
	$(PY) -m pytest tests/e2e

bench: install chromium
	$(PY) bench/bench.py
	$(PY) bench/realtime.py
	$(PY) bench/teaching.py

synth: install
	$(PY) app.py

# The whole stack on this machine, on moto (local/): make run [PORT=8000] [RUN_ARGS=--no-seed]
run: install
	$(PY) -m local.run --port $(or $(PORT),8000) $(RUN_ARGS)

# A traveler writes through the Expedia stand-in of the running stack: make expedia-message TEXT="..." [THREAD=thr-...]
# (TEXT and THREAD reach the command through the environment, so quotes in the text are safe.)
expedia-message: install
	@test -n "$$TEXT" || { echo 'usage: make expedia-message TEXT="Bonjour !" [THREAD=thr-...]' >&2; exit 2; }
	$(PY) -m local.message --text "$$TEXT" $${THREAD:+--thread "$$THREAD"}

clean:
	rm -rf $(VENV) cdk.out .pytest_cache .hypothesis .local .build

# Debian's Chromium for the console's browser tests (Playwright cannot download a browser here).
.PHONY: chromium
chromium:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
