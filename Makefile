# make demo  - the main job: train a small Lasagne MLP with each regularizer
# make test  - lint, then every test and doctest, on each backend in its own virtualenv
# make lint  - ruff (pinned in requirements/lint.txt, configured in ruff.toml)
# make docs  - the Sphinx site (warnings are errors)
# make mutation - mutation testing (mutmut) of every module, per-module table
#
# Each virtualenv is created on first use from pinned requirements/*.txt with
# only Python 3.11 and pip. The compile caches of Theano, PyTensor (Numba's
# included) and Aesara live in .cache/ (ignored), so cold compiles are paid
# once per checkout.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
CACHE := $(CURDIR)/.cache
comma := ,
# the user's THEANO_FLAGS (floatX=float32, say) win over our compile dir
THEANO_TEST_FLAGS := base_compiledir=$(CACHE)/theano$(if $(THEANO_FLAGS),$(comma)$(THEANO_FLAGS))
THEANO_NP2_FLAGS := base_compiledir=$(CACHE)/theano-numpy2$(if $(THEANO_FLAGS),$(comma)$(THEANO_FLAGS))
# PyTensor keeps its Numba cache in base_compiledir too; NUMBA_CACHE_DIR takes
# what numba itself caches (out of site-packages and ~/.cache)
PYTENSOR_TEST_FLAGS := base_compiledir=$(CACHE)/pytensor$(if $(PYTENSOR_FLAGS),$(comma)$(PYTENSOR_FLAGS))
AESARA_TEST_FLAGS := base_compiledir=$(CACHE)/aesara$(if $(AESARA_FLAGS),$(comma)$(AESARA_FLAGS))
PYTEST_OPTS ?=

.PHONY: demo lint pythons test test-theano test-numpy2 test-pytensor test-aesara \
  test-py312 test-py313 test-theano-pymc test-theano-pymc-numpy2 test-pytensor313 \
  test-aesara312 docs bench mutation mutation-smoke mutation-py312 clean theano-suite \
  test-theano-suite test-cops

# $(call make-venv,DIR,REQUIREMENTS[,THEN]): a fresh virtualenv of $(PYTHON)
# with the pinned requirements and lasagne_reg installed in it (editable),
# then the command THEN, if given, before the stamp. A virtualenv of another
# Python sets PYTHON for its target (PYTHON = $(PYTHON312)).
define make-venv
	rm -rf $(1)
	$(PYTHON) -m venv $(1)
	$(1)/bin/pip install --disable-pip-version-check -q -r $(2)
	$(1)/bin/pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	$(3)
	touch $(1)/.installed
endef

# one virtualenv per stack: .venv (Theano 1.0.5 + Lasagne 0.1, numpy 1.23),
# .venv-numpy2 (the same on numpy 2 and setuptools without pkg_resources)
.venv/.installed: requirements/theano.txt requirements/test.txt setup.py
	$(call make-venv,.venv,requirements/theano.txt)

.venv-numpy2/.installed: requirements/theano-numpy2.txt requirements/test.txt setup.py
	$(call make-venv,.venv-numpy2,requirements/theano-numpy2.txt)

# .venv-pytensor (PyTensor 3.0.7, numpy 2, Numba and JAX) and .venv-aesara
# (Aesara 2.9.4, numpy 1.26): neither has Theano or Lasagne
.venv-pytensor/.installed: requirements/pytensor.txt requirements/test.txt setup.py
	$(call make-venv,.venv-pytensor,requirements/pytensor.txt)

.venv-aesara/.installed: requirements/aesara.txt requirements/test.txt setup.py
	$(call make-venv,.venv-aesara,requirements/aesara.txt)

# .venv-mutation: the Theano stack's pins plus mutmut (make mutation)
.venv-mutation/.installed: requirements/mutation.txt requirements/mutmut.txt requirements/theano.txt requirements/demo.txt requirements/test.txt setup.py
	$(call make-venv,.venv-mutation,requirements/mutation.txt)

# the demo's and the docs' packages (tqdm, matplotlib, scikit-learn, Sphinx)
# go into .venv on top of it, with their own stamp: changing them does not
# rebuild .venv
.venv/.demo-installed: .venv/.installed requirements/demo.txt requirements/docs.txt
	.venv/bin/pip install --disable-pip-version-check -q -r requirements/theano.txt \
	  -r requirements/demo.txt -r requirements/docs.txt
	touch $@

# the same pins on numpy 2 (pip resolves them with numpy 2.4.6 and scipy
# 1.17.1 on Python 3.11), so that make test-numpy2 runs the demo's and the
# docs' tests too
.venv-numpy2/.demo-installed: .venv-numpy2/.installed requirements/demo.txt requirements/docs.txt
	.venv-numpy2/bin/pip install --disable-pip-version-check -q \
	  -r requirements/theano-numpy2.txt -r requirements/demo.txt -r requirements/docs.txt
	touch $@

DEMO_OPTS ?=

demo: .venv/.demo-installed
	THEANO_FLAGS="$(THEANO_TEST_FLAGS)" .venv/bin/python -m lasagne_reg.demo $(DEMO_OPTS)

test: pythons lint test-theano test-numpy2 test-pytensor test-aesara test-py312 \
  test-py313 test-theano-pymc test-theano-pymc-numpy2 test-pytensor313 test-aesara312 \
  test-theano-suite mutation-smoke
	@echo 'make test ran these Pythons (one virtualenv each):'
	@for venv in .venv .venv-*; do [ -x $$venv/bin/python ] && \
	  echo "  $$venv: Python $$($$venv/bin/python -c 'import sys; print(sys.version.split()[0])') ($$(readlink -f $$venv/bin/python))"; \
	  done; true

# ruff in its own small virtualenv (ruff alone: no stack, no lasagne_reg),
# first in make test, so a lint error fails in seconds
.venv-lint/.installed: requirements/lint.txt
	rm -rf .venv-lint
	$(PYTHON) -m venv .venv-lint
	.venv-lint/bin/pip install --disable-pip-version-check -q -r requirements/lint.txt
	touch $@

lint: .venv-lint/.installed
	.venv-lint/bin/ruff check .

# everything, doctests of the package and of docs/*.rst included
test-theano: .venv/.demo-installed
	LASAGNE_REG_TEST_BACKEND=theano THEANO_FLAGS="$(THEANO_TEST_FLAGS)" \
	  .venv/bin/python -m pytest $(PYTEST_OPTS) tests lasagne_reg docs README.rst \
	  --doctest-modules --doctest-glob='*.rst'

# everything, as test-theano, on numpy 2 (the stack pip gives on Python
# 3.11 today) under compat; tests/test_compat_numpy2.py compares a corpus of
# graphs with Theano on numpy 1.23.5, so .venv is the reference here (it runs
# in a second process, beside this one). Measured (2026-12-06, 2 cores at
# load ~12, caches partly warm): the suite without the corpus took 5m14s of
# CPU (35 min of wall time at that load); the corpus takes about 1m20s of
# CPU on each side, in parallel, and its C compiles are cached.
test-numpy2: .venv-numpy2/.demo-installed .venv/.installed
	LASAGNE_REG_TEST_BACKEND=theano THEANO_FLAGS="$(THEANO_NP2_FLAGS)" \
	  LASAGNE_REG_REFERENCE_PYTHON="$(CURDIR)/.venv/bin/python" \
	  .venv-numpy2/bin/python -m pytest $(PYTEST_OPTS) tests lasagne_reg docs README.rst \
	  --doctest-modules --doctest-glob='*.rst'

# every test that needs no Lasagne; a backend that does not import fails the
# run (the root conftest.py imports it). Most tests compile in FAST_COMPILE on
# PyTensor (tests/conftest.py says why), tests/test_backend.py in its default
# Numba, C and JAX modes too.
test-pytensor: .venv-pytensor/.installed
	LASAGNE_REG_TEST_BACKEND=pytensor PYTENSOR_FLAGS="$(PYTENSOR_TEST_FLAGS)" \
	  NUMBA_CACHE_DIR="$(CACHE)/numba" \
	  .venv-pytensor/bin/python -m pytest $(PYTEST_OPTS) tests -m "not lasagne"

test-aesara: .venv-aesara/.installed
	LASAGNE_REG_TEST_BACKEND=aesara AESARA_FLAGS="$(AESARA_TEST_FLAGS)" \
	  .venv-aesara/bin/python -m pytest $(PYTEST_OPTS) tests -m "not lasagne"

# --- Theano-PyMC 1.1.2 (PyMC3's Theano) on Python 3.11, numpy 1.23.5 ---
# compat writes its flags as it spells them (blas__ldflags) and serves what
# Lasagne 0.1 imports (compat/_pymc.py). Files chosen by measurement to stay
# under 6 minutes warm on 2 cores: the compat tests of this variant, the
# core (regularization, penalties, graph), the kernels and their Ops.
THEANO_PYMC_FLAGS := base_compiledir=$(CACHE)/theano-pymc$(if $(THEANO_FLAGS),$(comma)$(THEANO_FLAGS))
THEANO_PYMC_TESTS := tests/test_compat_variant.py tests/test_compat_pymc.py \
  tests/test_regularization.py tests/test_penalties.py tests/test_graph.py \
  tests/test_kernels.py tests/test_ops.py

.venv-theano-pymc/.installed: requirements/theano-pymc.txt requirements/test.txt setup.py
	$(call make-venv,.venv-theano-pymc,requirements/theano-pymc.txt)

test-theano-pymc: .venv-theano-pymc/.installed
	LASAGNE_REG_TEST_BACKEND=theano LASAGNE_REG_TEST_THEANO=Theano-PyMC \
	  THEANO_FLAGS="$(THEANO_PYMC_FLAGS)" \
	  .venv-theano-pymc/bin/python -m pytest $(PYTEST_OPTS) $(THEANO_PYMC_TESTS)

# the same on numpy 2.4.6 (the newest for 3.11) and setuptools 84 (no
# pkg_resources): the variant's compat tests and the drop-in core
THEANO_PYMC_NP2_FLAGS := base_compiledir=$(CACHE)/theano-pymc-numpy2$(if $(THEANO_FLAGS),$(comma)$(THEANO_FLAGS))
THEANO_PYMC_NP2_TESTS := tests/test_compat_variant.py tests/test_compat_pymc.py \
  tests/test_regularization.py tests/test_kernels.py

.venv-theano-pymc-numpy2/.installed: requirements/theano-pymc-numpy2.txt requirements/test.txt setup.py
	$(call make-venv,.venv-theano-pymc-numpy2,requirements/theano-pymc-numpy2.txt)

test-theano-pymc-numpy2: .venv-theano-pymc-numpy2/.installed
	LASAGNE_REG_TEST_BACKEND=theano LASAGNE_REG_TEST_THEANO=Theano-PyMC \
	  THEANO_FLAGS="$(THEANO_PYMC_NP2_FLAGS)" \
	  .venv-theano-pymc-numpy2/bin/python -m pytest $(PYTEST_OPTS) $(THEANO_PYMC_NP2_TESTS)

# --- PyTensor 3.3.8 (its newest release) on Python 3.13, numpy 2.5.5 ---
# The interpreter comes from tools/find-python, which fails loudly (and so
# does this rule) when there is no Python 3.13. As test-pytensor, without
# Lasagne; files chosen to stay under 6 minutes warm on 2 cores: the modes
# users run (test_backend: Numba, C, JAX), compat, the drop-in core, the
# kernels and their Ops. The backend-independent rest (validation, updates,
# report, CLI, mutation, benchmarks) runs in test-pytensor.
PYTHON313 = $(shell tools/find-python 3.13)
PYTENSOR313_FLAGS := base_compiledir=$(CACHE)/pytensor313$(if $(PYTENSOR_FLAGS),$(comma)$(PYTENSOR_FLAGS))
PYTENSOR313_TESTS := tests/test_backend.py tests/test_compat.py \
  tests/test_compat_variant.py tests/test_regularization.py \
  tests/test_penalties.py tests/test_graph.py tests/test_ops.py tests/test_kernels.py \
  tests/test_kernels_threads.py

.venv-pytensor313/.installed: PYTHON = $(PYTHON313)
.venv-pytensor313/.installed: requirements/pytensor313.txt requirements/test.txt setup.py
	@tools/find-python 3.13 >/dev/null
	$(call make-venv,.venv-pytensor313,requirements/pytensor313.txt)

test-pytensor313: .venv-pytensor313/.installed
	LASAGNE_REG_TEST_BACKEND=pytensor PYTENSOR_FLAGS="$(PYTENSOR313_FLAGS)" \
	  NUMBA_CACHE_DIR="$(CACHE)/numba313" \
	  .venv-pytensor313/bin/python -m pytest $(PYTEST_OPTS) $(PYTENSOR313_TESTS) -m "not lasagne"

# --- Aesara 2.9.4 on Python 3.12, numpy 1.26.4 ---
# numpy has no numpy.distutils on 3.12, where Aesara's BLAS detection looks
# (ModuleNotFoundError at import): blas__ldflags= (empty, Aesara's NumPy
# C-API fallback) comes first, the user's AESARA_FLAGS after it win. As
# test-aesara, without Lasagne, on the files test-pytensor313 runs, less
# the hessian in C mode: Aesara's Cython scan loop does not compile on 3.12
# (CompileError, which Aesara does not fall back from; docs/backends.rst).
AESARA312_KNOWN := --deselect 'tests/test_kernels.py::test_hessian[float32-c]' \
  --deselect 'tests/test_kernels.py::test_hessian[float64-c]'
PYTHON312 = $(shell tools/find-python 3.12)
AESARA312_FLAGS := base_compiledir=$(CACHE)/aesara312$(comma)blas__ldflags=$(if $(AESARA_FLAGS),$(comma)$(AESARA_FLAGS))

.venv-aesara312/.installed: PYTHON = $(PYTHON312)
.venv-aesara312/.installed: requirements/aesara312.txt requirements/test.txt setup.py
	@tools/find-python 3.12 >/dev/null
	$(call make-venv,.venv-aesara312,requirements/aesara312.txt)

test-aesara312: .venv-aesara312/.installed
	LASAGNE_REG_TEST_BACKEND=aesara AESARA_FLAGS="$(AESARA312_FLAGS)" \
	  .venv-aesara312/bin/python -m pytest $(PYTEST_OPTS) $(PYTENSOR313_TESTS) -m "not lasagne" \
	  $(AESARA312_KNOWN)

# -- Python 3.12 and 3.13 -------------------------------------------------
# Interpreters from PATH or pyenv (tools/find-python); a missing one fails
# loudly. `make pythons` (the first step of make test) names every
# interpreter make test needs and fails if any is missing: .ci/run requires
# them all.
PYTHON_VERSIONS := 3.11 3.12 3.13

pythons:
	@missing=; for v in $(PYTHON_VERSIONS); do \
	  if p=$$(tools/find-python $$v 2>/dev/null); then echo "make test: Python $$v is $$p"; \
	  else echo "make test: Python $$v NOT FOUND (on PATH or under pyenv): its runs cannot happen" >&2; missing="$$missing $$v"; fi; \
	done; [ -z "$$missing" ] || { echo "make test: missing Python(s):$$missing; install them (pyenv install X.Y) or put pythonX.Y on PATH" >&2; exit 1; }

# .venv-py312 / .venv-py313: Theano 1.0.5 + Lasagne 0.1, numpy 2.5 and
# setuptools 84 (no pkg_resources), Theano built as a user gets it: by
# `python -m lasagne_reg.compat enable` (compat/_build.py); then `disable`,
# so that, like .venv, the virtualenv has no hook (tests/test_compat.py
# checks a fresh environment without compat that inherits its packages).
# $(call enable-then-disable,DIR)
enable-then-disable = $(1)/bin/python -m lasagne_reg.compat enable && \
  $(1)/bin/python -m lasagne_reg.compat disable

.venv-py312/.installed: PYTHON = $(PYTHON312)
.venv-py312/.installed: requirements/theano-py312plus.txt requirements/test.txt setup.py lasagne_reg/compat/_build.py
	@tools/find-python 3.12 >/dev/null
	$(call make-venv,.venv-py312,requirements/theano-py312plus.txt,$(call enable-then-disable,.venv-py312))

.venv-py313/.installed: PYTHON = $(PYTHON313)
.venv-py313/.installed: requirements/theano-py312plus.txt requirements/test.txt setup.py lasagne_reg/compat/_build.py
	@tools/find-python 3.13 >/dev/null
	$(call make-venv,.venv-py313,requirements/theano-py312plus.txt,$(call enable-then-disable,.venv-py313))

# compat, kernels and core on Theano + numpy 2.5, chosen by measurement
# (2.5 min warm on 2 busy cores, 3.12 and 3.13 each). tests/test_compat_cli.py
# stays on 3.11: its in-process tests do not depend on the Python, and its
# real probe expects Theano to import without compat (numpy 1.23.5 only).
PY3X_TESTS := tests/test_compat_py312.py tests/test_compat_build.py \
  tests/test_compat.py tests/test_compat_flags.py tests/test_compat_blas.py \
  tests/test_compat_shims.py tests/test_compat_site.py tests/test_compat_patch.py \
  tests/test_compat_py313.py tests/test_regularization.py tests/test_kernels.py
THEANO_PY312_FLAGS := base_compiledir=$(CACHE)/theano-py312$(if $(THEANO_FLAGS),$(comma)$(THEANO_FLAGS))
THEANO_PY313_FLAGS := base_compiledir=$(CACHE)/theano-py313$(if $(THEANO_FLAGS),$(comma)$(THEANO_FLAGS))

test-py312: .venv-py312/.installed
	LASAGNE_REG_TEST_BACKEND=theano THEANO_FLAGS="$(THEANO_PY312_FLAGS)" \
	  .venv-py312/bin/python -m pytest $(PYTEST_OPTS) $(PY3X_TESTS)

# 3.13 also compares the numpy-2 corpora (literals, patched Ops) with
# Theano on Python 3.11 + numpy 1.23.5 (.venv, in a second process)
test-py313: .venv-py313/.installed .venv/.installed
	LASAGNE_REG_TEST_BACKEND=theano THEANO_FLAGS="$(THEANO_PY313_FLAGS)" \
	  LASAGNE_REG_REFERENCE_PYTHON="$(CURDIR)/.venv/bin/python" \
	  .venv-py313/bin/python -m pytest $(PYTEST_OPTS) $(PY3X_TESTS) \
	  tests/test_compat_numpy2.py tests/test_compat_cops.py

# the Sphinx site: API reference from the docstrings, warnings are errors
docs: .venv/.demo-installed
	.venv/bin/sphinx-build -W --keep-going -b html docs docs/_build/html

# the benchmarks (docs/performance.rst); make test runs only their --smoke
# modes, through tests/test_benchmarks.py
BENCH_OPTS ?= --quick

bench: .venv/.demo-installed
	THEANO_FLAGS="$(THEANO_TEST_FLAGS)" .venv/bin/python benchmarks/step.py
	THEANO_FLAGS="$(THEANO_TEST_FLAGS)" .venv/bin/python benchmarks/kernels.py
	.venv/bin/python benchmarks/startup.py
	.venv/bin/python benchmarks/run.py $(BENCH_OPTS)

# mutation testing of every module on the Theano stack (tools/mutation.py,
# mutmut; not part of make test: it takes a while), then a per-module table.
# MUTATION_OPTS='--module lasagne_reg/report.py' mutates one module.
# mutation-smoke checks the set-up in seconds on one small module (make test
# runs it, so the set-up cannot rot).
MUTATION_OPTS ?=

mutation: .venv-mutation/.installed
	THEANO_FLAGS="$(THEANO_TEST_FLAGS)" .venv-mutation/bin/python tools/mutation.py $(MUTATION_OPTS)

mutation-smoke: .venv-mutation/.installed
	THEANO_FLAGS="$(THEANO_TEST_FLAGS)" .venv-mutation/bin/python tools/mutation.py --smoke

# compat/_py312.py runs on Python 3.12+ only, so make mutation leaves it to
# this run on 3.12 (Theano built as in .venv-py312; its own work directory
# and a compile cache apart from make mutation's, so the two can run at once)
.venv-mutation312/.installed: PYTHON = $(PYTHON312)
.venv-mutation312/.installed: requirements/mutation-py312.txt requirements/mutmut.txt requirements/theano-py312plus.txt requirements/test.txt setup.py lasagne_reg/compat/_build.py
	@tools/find-python 3.12 >/dev/null
	$(call make-venv,.venv-mutation312,requirements/mutation-py312.txt,$(call enable-then-disable,.venv-mutation312))

mutation-py312: .venv-mutation312/.installed
	THEANO_FLAGS="$(THEANO_PY312_FLAGS)" .venv-mutation312/bin/python tools/mutation.py \
	  --work $(CACHE)/mutation-py312 --module lasagne_reg/compat/_py312.py $(MUTATION_OPTS)

# -- numpy 2 and Theano's C code (issue 17; docs/theano-suite.rst) ---------
# test-cops: the Ops compat._cops patches, compiled with the C linker on
# numpy 2 and compared byte for byte with numpy and with the same graphs on
# numpy 1.23.5 (.venv, the reference interpreter). About 3.5 min cold,
# under 1 min warm (tests/test_compat_cops.py only; test-numpy2 runs it too,
# within the whole suite, so make test does not run this target).
test-cops: .venv/.installed .venv-numpy2/.installed
	LASAGNE_REG_TEST_BACKEND=theano THEANO_FLAGS="$(THEANO_NP2_FLAGS)" \
	  LASAGNE_REG_REFERENCE_PYTHON=$(CURDIR)/.venv/bin/python \
	  .venv-numpy2/bin/python -m pytest $(PYTEST_OPTS) tests/test_compat_cops.py

# Theano 1.0.5's own tests need pynose and parameterized: on top of .venv,
# .venv-numpy2, .venv-py312 and .venv-py313, with their own stamps
# (changing them rebuilds none of those)
%/.suite-installed: %/.installed requirements/theano-suite.txt
	$*/bin/pip install --disable-pip-version-check -q -r requirements/theano-suite.txt
	touch $@

THEANO_SUITE_OPTS ?=

# every Theano test module that runs here (tensor, scalar, nnet, signal,
# scan, gof, compile, sparse) on numpy 1.23.5 and numpy 2, one table: takes
# hours on 2 cores; not part of make test. THEANO_SUITE_OPTS='--modules
# theano.tensor.tests.test_sort' runs one module; THEANO_SUITE_OPTS=
# '--stacks numpy1,numpy2,py313' adds Python 3.13 (its virtualenv too).
theano-suite: .venv/.suite-installed .venv-numpy2/.suite-installed \
  $(if $(findstring py312,$(THEANO_SUITE_OPTS)),.venv-py312/.suite-installed) \
  $(if $(findstring py313,$(THEANO_SUITE_OPTS)),.venv-py313/.suite-installed)
	.venv/bin/python tools/theano_suite.py $(THEANO_SUITE_OPTS)

# make test's subset: the modules of every Theano part compat changes
# (tools/theano_suite.py's QUICK list) on numpy 1.23.5, numpy 2.4 (Python
# 3.11) and numpy 2.5 (Python 3.13); fails when a test passing on numpy
# 1.23.5 fails on either numpy 2
test-theano-suite: .venv/.suite-installed .venv-numpy2/.suite-installed \
  .venv-py313/.suite-installed
	.venv/bin/python tools/theano_suite.py --quick --fail-on-lost \
	  --stacks numpy1,numpy2,py313

clean:
	rm -rf .venv .venv-* .cache docs/_build
