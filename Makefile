# The two commands a user needs (see README.md):
#   make demo   set up .venv and run the main job (offline, on the embedded digits)
#   make test   set up .venv with the test tools and run the test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
OUT    ?= out

.PHONY: demo test test-slow lint bench assets imports size graphviz chromium clean

demo: $(VENV)/.stamp-base graphviz
	$(VENV)/bin/minigrad demo --out $(OUT)
	$(VENV)/bin/minigrad train lenet --out $(OUT)

# Two test processes (one per core), each with one BLAS thread: more threads than cores
# only make them wait for each other.
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

test: $(VENV)/.stamp-test graphviz chromium
	$(TEST_ENV) $(PY) -m pytest -q -n 2 $(PYTEST_ARGS)

# Everything kept out of `make test` (tests marked slow), and every hypothesis property again
# with the thorough profile: ten times the default run's examples, freshly random.
test-slow: $(VENV)/.stamp-test graphviz chromium
	$(TEST_ENV) MINIGRAD_HYPOTHESIS_PROFILE=thorough $(PY) -m pytest -q -n 2 -m "slow or hypothesis" $(PYTEST_ARGS)

lint: $(VENV)/.stamp-test
	$(VENV)/bin/ruff check minigrad tests lessons benchmarks

assets: $(VENV)/.stamp-base graphviz
	$(PY) assets/build.py

# Which minigrad module imports which, and the cycles among them (there should be none).
imports:
	$(PYTHON) tests/import_graph.py
	$(PYTHON) tests/import_graph.py --cycles

# How big the package is, by area and kind of line (REV=<commit> for an earlier one).
size:
	$(PYTHON) tests/package_size.py $(if $(REV),--rev $(REV))

# Every ratio against PyTorch (and micrograd), each library in its own processes, then what
# learners wait for (lessons, model builds). Prints numbers; never fails on a slow one.
bench: $(VENV)/.stamp-bench
	$(PY) benchmarks/bench_lenet.py
	$(PY) benchmarks/bench_conv.py
	$(PY) benchmarks/bench_engine.py
	$(PY) benchmarks/bench_scalar.py
	$(PY) benchmarks/bench_train.py
	$(PY) benchmarks/bench_lenet.py --threads 1
	$(PY) benchmarks/bench_conv.py --threads 1
	$(PY) benchmarks/bench_lessons.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Reinstall only when pyproject.toml changes (the install is editable: code edits need none).
$(VENV)/.stamp-base: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e ".[test]"
	touch $@ $(VENV)/.stamp-base

$(VENV)/.stamp-bench: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e ".[test,bench]"
	touch $@ $(VENV)/.stamp-test $(VENV)/.stamp-base

# Graphviz's `dot` renders the pictures. Install it where we can (root with apt-get);
# otherwise say once that pictures will be DOT source only. Never fails the build.
graphviz:
	@sh .ci/ensure-graphviz.sh

# The browser tests drive Debian's Chromium with Debian's chromedriver (never a downloaded
# browser). Installed where we can (root with apt-get); elsewhere those tests skip.
chromium:
	@sh .ci/ensure-chromium.sh

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
