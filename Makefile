# adu.device_update: `make demo` shows it working, `make test` runs everything CI runs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
BUILD := $(CURDIR)/.build
COLLECTIONS := $(BUILD)/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/adu/device_update
BIN := $(CURDIR)/$(VENV)/bin
# Tests import the collection as ansible_collections.adu.device_update and the emulator from tests/.
TEST_ENV := PATH="$(BIN):$$PATH" PYTHONPATH="$(COLLECTIONS):$(CURDIR)/tests" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)"

.PHONY: help venv tree demo test unit e2e clean

help:
	@echo "make demo   start the emulator, cancel and retry sample deployments, run again to show ok"
	@echo "make test   everything CI runs"

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r tests/requirements.txt
	touch $@

# ansible-playbook and the tests find this checkout as the collection adu.device_update.
tree: $(COLLECTION_LINK)
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

demo: venv tree
	$(TEST_ENV) bash scripts/demo.sh

unit: venv tree
	$(TEST_ENV) $(BIN)/python -m pytest -q tests/unit

e2e: venv tree
	$(TEST_ENV) $(BIN)/python -m pytest -q tests/e2e tests/adu_emulator/tests

test: venv tree
	$(TEST_ENV) $(BIN)/python -m pytest -q tests/unit tests/adu_emulator/tests tests/e2e

clean:
	rm -rf $(BUILD) $(VENV) .pytest_cache .hypothesis .coverage*
