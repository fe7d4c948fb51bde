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
  mutation mutation-smoke clean pythons test-py312 test-py313

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

test: pythons test-theano test-numpy2 test-pytensor test-aesara test-py312 test-py313 mutation-smoke
	@echo 'make test ran these Pythons (one virtualenv each):'
	@for venv in .venv .venv-*; do [ -x $$venv/bin/python ] && \
	  echo "  $$venv: Python $$($$venv/bin/python -c 'import sys; print(sys.version.split()[0])') ($$(readlink -f $$venv/bin/python))"; \
	  done; true

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
# $(call make-venv-py3x,VERSION,DIR)
define make-venv-py3x
	rm -rf $(2)
	python=$$(tools/find-python $(1)) && $$python -m venv $(2)
	$(2)/bin/pip install --disable-pip-version-check -q -r requirements/theano-py312plus.txt
	$(2)/bin/pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	$(2)/bin/python -m lasagne_reg.compat enable
	$(2)/bin/python -m lasagne_reg.compat disable
	touch $(2)/.installed
endef

.venv-py312/.installed: requirements/theano-py312plus.txt requirements/test.txt setup.py lasagne_reg/compat/_build.py
	$(call make-venv-py3x,3.12,.venv-py312)

.venv-py313/.installed: requirements/theano-py312plus.txt requirements/test.txt setup.py lasagne_reg/compat/_build.py
	$(call make-venv-py3x,3.13,.venv-py313)

# compat, kernels and core on Theano + numpy 2.5, chosen by measurement
# (2.5 min warm on 2 busy cores, 3.12 and 3.13 each). tests/test_compat_cli.py
# stays on 3.11: its in-process tests do not depend on the Python, and its
# real probe expects Theano to import without compat (numpy 1.23.5 only).
PY3X_TESTS := tests/test_compat_py312.py tests/test_compat_build.py \
  tests/test_compat.py tests/test_regularization.py tests/test_kernels.py
THEANO_PY312_FLAGS := base_compiledir=$(CACHE)/theano-py312$(if $(THEANO_FLAGS),$(comma)$(THEANO_FLAGS))
THEANO_PY313_FLAGS := base_compiledir=$(CACHE)/theano-py313$(if $(THEANO_FLAGS),$(comma)$(THEANO_FLAGS))

test-py312: .venv-py312/.installed
	LASAGNE_REG_TEST_BACKEND=theano THEANO_FLAGS="$(THEANO_PY312_FLAGS)" \
	  .venv-py312/bin/python -m pytest $(PYTEST_OPTS) $(PY3X_TESTS)

test-py313: .venv-py313/.installed
	LASAGNE_REG_TEST_BACKEND=theano THEANO_FLAGS="$(THEANO_PY313_FLAGS)" \
	  .venv-py313/bin/python -m pytest $(PYTEST_OPTS) $(PY3X_TESTS)

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

clean:
	rm -rf .venv .venv-* .cache docs/_build
