# adu.device_update: `make demo` shows it working, `make test` runs everything CI runs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
BUILD := $(CURDIR)/.build
COLLECTIONS := $(BUILD)/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/adu/device_update
BIN := $(CURDIR)/$(VENV)/bin
PY_VERSION = $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# Tests import the collection as ansible_collections.adu.device_update and the emulator from tests/.
# Azurite, Microsoft's storage emulator, from npm: the blob storage of the staging tests.
AZURITE_DIR := $(BUILD)/azurite
AZURITE := $(AZURITE_DIR)/node_modules/.bin/azurite-blob
TEST_ENV := PATH="$(BIN):$$PATH" PYTHONPATH="$(COLLECTIONS):$(CURDIR)/tests" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)" \
	ADU_AZURITE="$(AZURITE)"

.PHONY: help venv tree tools azurite docs demo bench compat test unit e2e pytest coverage-report sanity units lint docs-lint build clean

help:
	@echo "make demo   start the emulator and Azurite: stage and import a build, roll it out, stop a rollout at its failing ring; two rounds, the second all ok"
	@echo "make test   everything CI runs"
	@echo "make bench  the benchmark of docs/performance.md"

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r tests/requirements.txt
	touch $@

azurite: $(AZURITE)
$(AZURITE):
	mkdir -p $(AZURITE_DIR)
	npm install --prefix $(AZURITE_DIR) --no-audit --no-fund --loglevel=error azurite@3.37.0

# ansible-playbook and the tests find this checkout as the collection adu.device_update.
tree: $(COLLECTION_LINK)
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

# The demo installs only what it needs (ansible-core, the modules' runtime, the emulator's TLS helper).
DEMO_VENV := .venv-demo
$(DEMO_VENV)/.installed: requirements.txt tests/requirements-demo.txt
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-demo.txt
	touch $@

demo: $(DEMO_VENV)/.installed tree azurite
	PATH="$(CURDIR)/$(DEMO_VENV)/bin:$$PATH" PYTHONPATH="$(COLLECTIONS):$(CURDIR)/tests" \
	  ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)" ADU_AZURITE="$(AZURITE)" bash scripts/demo.sh

unit: venv tree
	$(TEST_ENV) $(BIN)/python -m pytest -q tests/unit tests/eda

e2e: venv tree azurite
	$(TEST_ENV) $(BIN)/python -m pytest -q tests/e2e

COVERAGE_DIR := $(BUILD)/coverage
COVERAGE_ENV := COVERAGE_RCFILE="$(CURDIR)/tests/coverage.rc" \
	_ANSIBLE_ANSIBALLZ_COVERAGE_CONFIG='{"config": "$(CURDIR)/tests/coverage.rc", "output": "$(COVERAGE_DIR)/module"}'

# pytest's unit, emulator and end-to-end tests, with line coverage of plugins/ over all of them: the
# in-process tests under coverage run, the end-to-end ones on two workers (each starts its own emulator),
# their modules reporting through ansiballz's coverage hook.
pytest: venv tree tools azurite
	rm -rf $(COVERAGE_DIR) && mkdir -p $(COVERAGE_DIR)
	$(TEST_ENV) $(COVERAGE_ENV) COVERAGE_FILE="$(COVERAGE_DIR)/pytest" \
	  $(BIN)/python -m coverage run -m pytest -q -p no:cacheprovider tests/unit tests/eda tests/adu_emulator/tests \
	  | tee $(BUILD)/pytest-unit.log
	$(TEST_ENV) $(COVERAGE_ENV) $(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --durations=12 tests/e2e \
	  | tee $(BUILD)/pytest-e2e.log

coverage-report: venv
	$(BIN)/coverage combine --quiet --rcfile="$(CURDIR)/tests/coverage.rc" --data-file=$(COVERAGE_DIR)/combined \
	  $$(find $(COVERAGE_DIR) -type f ! -name combined)
	$(BIN)/coverage report --rcfile="$(CURDIR)/tests/coverage.rc" --data-file=$(COVERAGE_DIR)/combined --fail-under=90

# The oldest supported ansible-core, end to end: the same tests against the same emulator. Its version is printed
# through sed, which reads all of it: head would close the pipe while ansible still writes (SIGPIPE, and pipefail).
COMPAT_VENV := .venv-compat
$(COMPAT_VENV)/.installed: requirements.txt tests/requirements-compat.txt
	$(PYTHON) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(COMPAT_VENV)/bin/python -m pip install --quiet -r tests/requirements-compat.txt
	touch $@

compat: $(COMPAT_VENV)/.installed tree
	PATH="$(CURDIR)/$(COMPAT_VENV)/bin:$$PATH" PYTHONPATH="$(COLLECTIONS):$(CURDIR)/tests" \
	  ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)" $(COMPAT_VENV)/bin/python -m pytest -q -p no:cacheprovider -n 2 \
	  tests/e2e/test_adu_deployment.py tests/e2e/test_auth.py tests/e2e/test_ga.py tests/e2e/test_hostile_input.py \
	  tests/e2e/test_devices.py tests/e2e/test_rollout.py tests/e2e/test_strict_emulator.py
	$(COMPAT_VENV)/bin/ansible --version | sed -n 1p

# CI machines may lack shellcheck, which ansible-test sanity runs on scripts/, and Java 17, which
# ansible-rulebook's rules engine needs for the Event-Driven Ansible tests.
tools:
	@command -v shellcheck >/dev/null || { apt-get update -qq && apt-get install -y -qq shellcheck >/dev/null; }
	@java -version 2>&1 | grep -E 'version "(1[7-9]|[2-9][0-9])' >/dev/null || { apt-get update -qq && \
	  apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

sanity: venv tools
	$(TEST_ENV) PYTHON=$(BIN)/python scripts/ansible-test.sh sanity --python $(PY_VERSION) --color no

units: venv
	$(TEST_ENV) PYTHON=$(BIN)/python scripts/ansible-test.sh units --python $(PY_VERSION) --color no

lint: venv tree
	$(TEST_ENV) $(BIN)/ansible-lint --nocolor

# Module reference in docs/reference, generated from the modules' own DOCUMENTATION.
REFERENCE_CMD = $(BIN)/antsibull-docs collection --use-current --squash-hierarchy --output-format simplified-rst \
	--fail-on-error --no-add-antsibull-docs-version
# The guides live once, in docs/docsite/rst: the reference links to them instead of holding a copy.
REFERENCE_GUIDES = rm -rf $(1)/docsite && sed -i 's|<docsite/\([a-z_]*\)\.rst>|<../docsite/rst/\1.rst>|' $(1)/index.rst
docs: venv tree
	rm -rf docs/reference && mkdir -m 700 -p docs/reference
	$(TEST_ENV) $(REFERENCE_CMD) --dest-dir docs/reference adu.device_update
	$(call REFERENCE_GUIDES,docs/reference)

docs-lint: venv tree
	$(TEST_ENV) $(BIN)/antsibull-docs lint-collection-docs --plugin-docs $(COLLECTION_LINK)
	rm -rf $(BUILD)/reference && mkdir -m 700 -p $(BUILD)/reference
	$(TEST_ENV) $(REFERENCE_CMD) --dest-dir $(BUILD)/reference adu.device_update
	$(call REFERENCE_GUIDES,$(BUILD)/reference)
	diff -ru docs/reference $(BUILD)/reference || { echo "docs/reference is stale: run make docs"; exit 1; }
	$(TEST_ENV) $(BIN)/antsibull-changelog lint
	for module in plugins/modules/*.py; do \
	  $(TEST_ENV) $(BIN)/ansible-doc adu.device_update.$$(basename $$module .py) >/dev/null; done

build: venv
	$(TEST_ENV) scripts/check-build.sh
	$(TEST_ENV) scripts/check-ee.sh

# Everything CI runs; coverage last, so its figure is the closing line to read.
test: sanity units lint docs-lint build compat pytest coverage-report
	@count() { cat $(BUILD)/pytest-unit.log $(BUILD)/pytest-e2e.log | grep -oE "[0-9]+ $$1" | \
	  awk '{ n += $$1 } END { print n + 0 }'; }; \
	 echo; echo "make test: $$(count passed) passed, $$(count failed) failed"

# The benchmark of docs/performance.md: figures printed as tables, a JSON copy and a plot in .build/bench.
bench: venv tree azurite
	mkdir -p $(BUILD)/bench
	$(TEST_ENV) $(BIN)/python scripts/bench.py --json $(BUILD)/bench/results.json --plot $(BUILD)/bench/performance.png
	$(TEST_ENV) $(BIN)/python scripts/bench_staging.py --json $(BUILD)/bench/staging.json
	$(TEST_ENV) $(BIN)/python scripts/bench_manifest.py --json $(BUILD)/bench/manifest.json
	$(TEST_ENV) $(BIN)/python scripts/bench_inventory.py --json $(BUILD)/bench/inventory.json
	$(TEST_ENV) $(BIN)/python scripts/bench_listing.py --json $(BUILD)/bench/listing.json
	$(TEST_ENV) $(BIN)/python scripts/bench_rollout.py --json $(BUILD)/bench/rollout.json
	$(TEST_ENV) $(BIN)/python scripts/bench_groups.py --json $(BUILD)/bench/groups.json
	$(TEST_ENV) $(BIN)/python scripts/bench_tasks.py --json $(BUILD)/bench/tasks.json

clean:
	rm -rf $(BUILD) $(VENV) $(DEMO_VENV) $(COMPAT_VENV) .pytest_cache .hypothesis .coverage*
