# Two commands on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test install bench lint-specs audit reports docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamps re-run the install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

install: $(VENV)/.installed

# The main job: the conformance check against the embedded mock (in-process).
# The audit afterwards exits 1 because the vendor docs do contradict themselves.
# Screenshots (PNG) of both pages land beside them when chromium is installed; otherwise one line says so.
demo: $(VENV)/.installed
	$(BIN)/contracts check --seed 1 --report-dir reports/demo
	$(BIN)/contracts audit --report-dir reports/demo || [ $$? -eq 1 ]
	$(BIN)/contracts docs --out reports/demo
	$(BIN)/python -m contracts.report.screenshot reports/demo/report.html reports/demo/index.html

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -n 2

# Benchmarks print side-by-side figures; they are never part of `make test`.
# A benchmark exits 1 when it misses its target; the '-' lines let the others run and print theirs.
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/validate_bench.py
	$(BIN)/python bench/check_vs_schemathesis.py
	$(BIN)/python bench/mock_vs_prism.py
	-$(BIN)/python bench/mock_unique.py
	-$(BIN)/python bench/har_validate.py
	-$(BIN)/python bench/scaling.py --plot docs/scaling.png
	$(BIN)/python bench/fastapi_vs_schemathesis.py
	$(BIN)/python bench/large_spec_lint.py
	$(BIN)/python bench/proxy_latency.py
	$(BIN)/python bench/plugin_xdist.py

lint-specs: $(VENV)/.installed
	$(BIN)/contracts lint

reports: $(VENV)/.installed
	$(BIN)/contracts audit --report-dir reports

docs: $(VENV)/.installed
	$(BIN)/contracts docs --out reports/docs

clean:
	rm -rf $(VENV) reports/demo build src/*.egg-info
