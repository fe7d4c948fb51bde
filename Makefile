# make demo  - the main job: train a small Lasagne MLP with each regularizer
# make test  - every test and doctest, on each backend in its own virtualenv
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

.PHONY: demo test test-theano test-numpy2 test-pytensor test-aesara docs bench \
  mutation mutation-smoke clean theano-suite test-theano-suite test-cops

# $(call make-venv,DIR,REQUIREMENTS): a fresh virtualenv with the pinned
# requirements and lasagne_reg installed in it (editable)
define make-venv
	rm -rf $(1)
	$(PYTHON) -m venv $(1)
	$(1)/bin/pip install --disable-pip-version-check -q -r $(2)
	$(1)/bin/pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
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
.venv-mutation/.installed: requirements/mutation.txt requirements/theano.txt requirements/demo.txt requirements/test.txt setup.py
	$(call make-venv,.venv-mutation,requirements/mutation.txt)

# the demo's and the docs' packages (tqdm, matplotlib, scikit-learn, Sphinx)
# go into .venv on top of it, with their own stamp: changing them does not
# rebuild .venv
.venv/.demo-installed: .venv/.installed requirements/demo.txt requirements/docs.txt
	.venv/bin/pip install --disable-pip-version-check -q -r requirements/theano.txt \
	  -r requirements/demo.txt -r requirements/docs.txt
	touch $@

DEMO_OPTS ?=

demo: .venv/.demo-installed
	THEANO_FLAGS="$(THEANO_TEST_FLAGS)" .venv/bin/python -m lasagne_reg.demo $(DEMO_OPTS)

test: test-theano test-numpy2 test-pytensor test-aesara mutation-smoke \
  test-cops test-theano-suite

# everything, doctests of the package and of docs/*.rst included
test-theano: .venv/.demo-installed
	LASAGNE_REG_TEST_BACKEND=theano THEANO_FLAGS="$(THEANO_TEST_FLAGS)" \
	  .venv/bin/python -m pytest $(PYTEST_OPTS) tests lasagne_reg docs README.rst \
	  --doctest-modules --doctest-glob='*.rst'

# the compatibility layer on the hardest stack, and the core on top of it
test-numpy2: .venv-numpy2/.installed
	LASAGNE_REG_TEST_BACKEND=theano THEANO_FLAGS="$(THEANO_NP2_FLAGS)" \
	  .venv-numpy2/bin/python -m pytest $(PYTEST_OPTS) tests/test_compat.py tests/test_regularization.py \
	  tests/test_kernels.py

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

# -- numpy 2 and Theano's C code (issue 17; docs/theano-suite.rst) ---------
# test-cops: the Ops compat._cops patches, compiled with the C linker on
# numpy 2 and compared byte for byte with numpy and with the same graphs on
# numpy 1.23.5 (.venv, the reference interpreter). About 3.5 min cold,
# under 1 min warm (tests/test_compat_cops.py only).
test-cops: .venv/.installed .venv-numpy2/.installed
	LASAGNE_REG_TEST_BACKEND=theano THEANO_FLAGS="$(THEANO_NP2_FLAGS)" \
	  LASAGNE_REG_REFERENCE_PYTHON=$(CURDIR)/.venv/bin/python \
	  .venv-numpy2/bin/python -m pytest $(PYTEST_OPTS) tests/test_compat_cops.py

# Theano 1.0.5's own tests need pynose and parameterized: on top of .venv
# and .venv-numpy2, with their own stamps (changing them rebuilds neither)
.venv/.suite-installed: .venv/.installed requirements/theano-suite.txt
	.venv/bin/pip install --disable-pip-version-check -q -r requirements/theano-suite.txt
	touch $@

.venv-numpy2/.suite-installed: .venv-numpy2/.installed requirements/theano-suite.txt
	.venv-numpy2/bin/pip install --disable-pip-version-check -q -r requirements/theano-suite.txt
	touch $@

THEANO_SUITE_OPTS ?=

# every Theano test module that runs here (tensor, scalar, nnet, signal,
# scan, gof, compile, sparse) on numpy 1.23.5 and numpy 2, one table: takes
# hours on 2 cores; not part of make test. THEANO_SUITE_OPTS='--modules
# theano.tensor.tests.test_sort' runs one module.
theano-suite: .venv/.suite-installed .venv-numpy2/.suite-installed
	.venv/bin/python tools/theano_suite.py $(THEANO_SUITE_OPTS)

# make test's subset: the modules of every Theano part compat changes
# (tools/theano_suite.py's QUICK list); fails when a test passing on numpy
# 1.23.5 fails on numpy 2
test-theano-suite: .venv/.suite-installed .venv-numpy2/.suite-installed
	.venv/bin/python tools/theano_suite.py --quick --fail-on-lost

clean:
	rm -rf .venv .venv-* .cache docs/_build
