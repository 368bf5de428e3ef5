# Two commands for a fresh clone (see README):
#   make demo   set up .venv and estimate VGG-8 on the default architecture -> HTML report
#   make test   set up .venv (+ headless chromium for the report tests) and run the test suite
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
# torch is pinned through constraints.txt so installs take the local CPU build.
PIP     := $(PY) -m pip install -q -c constraints.txt
# Tests and benchmarks run torch on one thread per worker (busy 2-core machines).
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: demo test setup browser lint bench zoo clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) 'torch==2.13.0'
	$(PIP) -e '.[dev]'
	touch $(STAMP)

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the HTML report tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

demo: $(STAMP)
	$(VENV)/bin/ppa-sim estimate architectures/default.yaml --network vgg8 --per-layer \
	    --html reports/vgg8_default.html

test: $(STAMP) browser
	$(PY) -m pytest -n 2 -q

lint: $(STAMP)
	$(VENV)/bin/ruff check ppa_sim tests examples benchmarks

# Re-trace the zoo networks (ppa_sim/network/models.py) into the shipped, torch-free
# ppa_sim/network/zoo_layers.json; needed after changing models.py, torch_import.py or Layer.
zoo: $(STAMP)
	$(PY) -m ppa_sim.network.zoo --write

bench: $(STAMP)
	for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
