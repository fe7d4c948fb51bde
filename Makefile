# make demo   - the main job: train a small Lasagne MLP with each regularizer
# make test   - lint, then every stack of the table below, two at a time (CI)
# make check  - the contributor's inner loop: lint, then the main stack's
#               tests that start no interpreter and compile no corpus
# make lint   - ruff (pinned in requirements/lint.txt, configured in ruff.toml)
# make docs   - the Sphinx site (warnings are errors)
# make bench  - the benchmarks (docs/performance.rst)
# make mutation [STACK=theano] [MUTATION_OPTS=...] - mutation testing (mutmut)
# make theano-suite [THEANO_SUITE_OPTS=...] - Theano 1.0.5's own tests, every module
# make reference-data - recompute the numpy-1.23.5 results the tests compare with
# make test-NAME - one stack of the table; make clean - remove every virtualenv
#
# Every virtualenv is created on first use from the pinned requirements/*.txt
# with Python and pip alone; the interpreters come from tools/find-python
# (PATH or pyenv), and a missing one fails loudly. Compile caches (Theano's,
# PyTensor's, Aesara's, Numba's) live in .cache/NAME (ignored), one per stack,
# so that two stacks never wait for each other's compile lock.

CACHE := $(CURDIR)/.cache
PYTEST_OPTS ?=
comma := ,

# ---------------------------------------------------------------------------
# The stacks: one row each, the one place they are declared.
#
#   name          the virtualenv is .venv-NAME (.venv for theano, which make
#                 demo, make docs and make bench use); make test-NAME runs it
#   Python        the interpreter's version (tools/find-python X.Y)
#   requirements  requirements/FILE.txt for each FILE, installed together
#   backend       LASAGNE_REG_TEST_BACKEND: theano, pytensor or aesara
#   tests         a pytest -m expression over the markers in pytest.ini: the
#                 tests this stack runs (those marked nobackend never: they
#                 run once, where the option says so)
#   options       nobackend: first run the tests marked nobackend, in a
#                   process where no backend imports (conftest.py)
#                 doctests: also the doctests of lasagne_reg/, docs/*.rst and
#                   README.rst
#                 theano-suite: also Theano's own tests, the quick subset of
#                   tools/theano_suite.py, against numpy 1.23.5's results
#                   (tests/data/theano_suite_numpy1.json)
#                 build-theano: Theano built as users get it on Python 3.12+,
#                   by `python -m lasagne_reg.compat enable` (then disable)
#   flags         added to the backend's flags (THEANO_FLAGS, PYTENSOR_FLAGS,
#                 AESARA_FLAGS) after base_compiledir=.cache/NAME; your own
#                 flags, set in the environment, come last and win
#
# The markers (pytest.ini says each one's meaning): core runs on every
# stack; backends on the Python 3.11 stacks but theano-pymc-numpy2, and on
# pytensor313 and aesara312; compat on the Theano 1.0.5
# stacks, parity (judged against numpy 1.23.5's results) once per numpy
# version: not on py312, whose numpy py313 has; pymc on the Theano-PyMC
# stacks; tooling (the demo and benchmark programs) not on numpy2; a test
# with none of core, backends, compat, pymc and nobackend on the four
# Python 3.11 stacks (theano, numpy2, pytensor, aesara). tests/test_matrix.py
# checks that no combination of markers is left to no stack. make test
# starts the rows in this order, two at a time: the longest first (by the
# times of docs/contributing.rst, "How long they take").
#
# $(call row,NAME,PYTHON,REQUIREMENTS,BACKEND,TESTS,OPTIONS,FLAGS): one row
# (only variables: every rule of a stack is made from them further down)
row = $(eval $(call define-row,$(strip $(1)),$(strip $(2)),$(strip $(3)),$(strip \
  $(4)),$(strip $(5)),$(strip $(6)),$(strip $(7))))
define define-row
STACKS += $(1)
$(1).python := $(2)
$(1).requirements := $(3)
$(1).backend := $(4)
$(1).tests := $(5)
$(1).options := $(6)
$(1).flags := $(7)
endef

#        name                Python  requirements                     backend   tests                             options                     flags
$(call row, numpy2,             3.11, theano-numpy2 theano-suite demo docs, theano, not (pymc or tooling) or compat, doctests theano-suite,)
$(call row, py313,              3.13, theano-py312plus theano-suite,    theano,   core or compat,                   build-theano theano-suite,)
$(call row, theano,             3.11, theano theano-suite demo docs,     theano,   not pymc or compat,               nobackend doctests,)
$(call row, pytensor,           3.11, pytensor,                         pytensor, not (lasagne or compat or pymc),  ,)
$(call row, pytensor313,        3.13, pytensor313,                      pytensor, (core or backends) and not lasagne, ,)
$(call row, aesara,             3.11, aesara,                           aesara,   not (lasagne or compat or pymc),  ,)
$(call row, py312,              3.12, theano-py312plus theano-suite,    theano,   (core or compat) and not parity,  build-theano,)
$(call row, theano-pymc,        3.11, theano-pymc,                      theano,   core or backends or pymc,         ,)
$(call row, aesara312,          3.12, aesara312,                        aesara,   (core or backends) and not lasagne, ,             blas__ldflags=)
$(call row, theano-pymc-numpy2, 3.11, theano-pymc-numpy2,               theano,   core or pymc,                     ,)
# (aesara312's flags: numpy has no numpy.distutils on Python 3.12, where
# Aesara's BLAS detection looks; an empty blas__ldflags skips that
# detection, so Aesara uses its NumPy C-API BLAS.)
# ---------------------------------------------------------------------------

.PHONY: demo test check lint docs bench mutation mutation-smoke theano-suite \
  reference-data pythons stacks clean $(STACKS:%=test-%)

venv = $(if $(filter theano,$(1)),.venv,.venv-$(1))
flags-var = $(if $(filter theano,$(1)),THEANO_FLAGS,$(if $(filter pytensor,$(1)),PYTENSOR_FLAGS,AESARA_FLAGS))

# $(call make-venv,DIR,PYTHON VERSION,REQUIREMENTS[,THEN]): a fresh
# virtualenv with the pinned requirements and lasagne_reg installed in it
# (editable), then the command THEN, if given, before the stamp. pip does
# not byte-compile what it installs (a third of a virtualenv's install
# time): Python compiles the modules a run imports, once, as it imports
# them.
define make-venv
	rm -rf $(1)
	python=$$(tools/find-python $(2)) && $$python -m venv $(1)
	$(1)/bin/pip install --disable-pip-version-check -q --no-compile $(foreach r,$(3),-r requirements/$(r).txt)
	$(1)/bin/pip install --disable-pip-version-check -q --no-compile --no-deps --no-build-isolation -e .
	$(4)
	touch $(1)/.installed
endef

# Theano built by compat's enable, then the hook removed again, so that, as
# in .venv, the virtualenv has no hook (tests/test_compat.py checks a fresh
# environment without compat that inherits its packages)
enable-then-disable = $(1)/bin/python -m lasagne_reg.compat enable && \
  $(1)/bin/python -m lasagne_reg.compat disable

# $(call stack-env,NAME[,CACHE]): the variables a stack's tests run with;
# its compile caches in .cache/CACHE (default .cache/NAME)
stack-env = LASAGNE_REG_TEST_BACKEND=$($(1).backend) \
  $(call flags-var,$($(1).backend))="base_compiledir=$(CACHE)/$(or $(2),$(1))$(if $($(1).flags),$(comma)$($(1).flags))$(if $($(call flags-var,$($(1).backend))),$(comma)$($(call flags-var,$($(1).backend))))" \
  NUMBA_CACHE_DIR="$(CACHE)/$(or $(2),$(1))/numba"

# $(call run-stack,NAME[,MORE]): the stack's tests, and MORE ANDed to its
# marker expression (make check: and not slow)
define run-stack
	@mkdir -p $(CACHE)/times && date +%s > $(CACHE)/times/$(1).start
	@echo '== $(1): $(call venv,$(1)), Python $($(1).python), tests: $($(1).tests)$(if $($(1).options), [$($(1).options)])'
	$(if $(filter nobackend,$($(1).options)),$(call stack-env,$(1)) LASAGNE_REG_TEST_BACKEND=none \
	  $(call venv,$(1))/bin/python -m pytest $(PYTEST_OPTS) -m "nobackend$(if $(2), $(2))" tests)
	$(call stack-env,$(1)) $(call venv,$(1))/bin/python -m pytest $(PYTEST_OPTS) \
	  -m "($($(1).tests)) and not nobackend$(if $(2), $(2))" tests \
	  $(if $(filter doctests,$($(1).options)),lasagne_reg docs README.rst --doctest-modules --doctest-glob='*.rst')
	$(if $(and $(filter theano-suite,$($(1).options)),$(if $(2),,yes)),$(call venv,$(1))/bin/python \
	  tools/theano_suite.py --quick --fail-on-lost --stacks $(1))
	@rm -rf $(CACHE)/$(1)/compiledir_*/pch   # tests/_pch.py's headers: 100-350 MB
	@echo "$(1) $$(( $$(date +%s) - $$(cat $(CACHE)/times/$(1).start) ))" > $(CACHE)/times/$(1)
endef

# each stack's rules: its virtualenv, make test-NAME, and its mutation
# testing virtualenv .venv-mutation-NAME (the stack plus mutmut)
define stack-rules
$(call venv,$(1))/.installed: $(foreach r,$($(1).requirements),requirements/$(r).txt) \
  requirements/test.txt setup.py $(if $(filter build-theano,$($(1).options)),lasagne_reg/compat/_build.py)
	$$(call make-venv,$(call venv,$(1)),$($(1).python),$($(1).requirements),$(if $(filter build-theano,$($(1).options)),$$(call enable-then-disable,$(call venv,$(1)))))
.venv-mutation-$(1)/.installed: $(foreach r,$($(1).requirements),requirements/$(r).txt) \
  requirements/mutmut.txt requirements/test.txt setup.py \
  $(if $(filter build-theano,$($(1).options)),lasagne_reg/compat/_build.py)
	$$(call make-venv,.venv-mutation-$(1),$($(1).python),$($(1).requirements) mutmut,$(if $(filter build-theano,$($(1).options)),$$(call enable-then-disable,.venv-mutation-$(1))))
test-$(1): $(call venv,$(1))/.installed
	$$(call run-stack,$(1))
endef
$(foreach s,$(STACKS),$(eval $(call stack-rules,$(s))))

# ---------------------------------------------------------------------------

demo: .venv/.installed
	THEANO_FLAGS="base_compiledir=$(CACHE)/theano$(if $(THEANO_FLAGS),$(comma)$(THEANO_FLAGS))" \
	  .venv/bin/python -m lasagne_reg.demo $(DEMO_OPTS)

# every stack, two at a time (-j2: these machines have two cores; each stack
# compiles in one process), all of them even when one fails (-k); then the
# time of each and of the whole run
test: pythons lint
	@start=$$(date +%s); rm -rf $(CACHE)/times; \
	$(MAKE) --no-print-directory -k -j2 --output-sync=target $(STACKS:%=test-%) mutation-smoke; \
	status=$$?; \
	echo 'make test: each stack (virtualenv, Python, seconds):'; \
	for s in $(STACKS); do \
	  case $$s in theano) v=.venv;; *) v=.venv-$$s;; esac; \
	  t=$$(cut -d' ' -f2 $(CACHE)/times/$$s 2>/dev/null || echo 'FAILED or not run'); \
	  p=$$($$v/bin/python -c 'import sys; print(sys.version.split()[0])' 2>/dev/null); \
	  printf '  %-20s %-28s %-8s %s\n' $$s $$v "$$p" "$$t"; \
	done; \
	elapsed=$$(( $$(date +%s) - start )); \
	echo "make test: $$elapsed s ($$(( elapsed / 60 )) min $$(( elapsed % 60 )) s) in all, exit status $$status"; \
	exit $$status

# the main stack's fast tests (nothing marked slow), lint first
check: lint .venv/.installed
	$(call run-stack,theano,and not slow)

# every interpreter the table names must be there: make test fails at once,
# naming the missing ones, rather than after half an hour
pythons:
	@missing=; for v in $(sort $(foreach s,$(STACKS),$($(s).python))); do \
	  if p=$$(tools/find-python $$v 2>/dev/null); then echo "make test: Python $$v is $$p"; \
	  else echo "make test: Python $$v NOT FOUND (on PATH or under pyenv): its stacks cannot run" >&2; missing="$$missing $$v"; fi; \
	done; [ -z "$$missing" ] || { echo "make test: missing Python(s):$$missing; install them (pyenv install X.Y) or put pythonX.Y on PATH" >&2; exit 1; }

# the table as make reads it
stacks:
	@$(foreach s,$(STACKS),echo '$(s): Python $($(s).python), $(call venv,$(s)), requirements: $($(s).requirements), backend: $($(s).backend), tests: $($(s).tests)$(if $($(s).options), ($($(s).options)))';)

# ruff in its own small virtualenv (ruff alone: no stack, no lasagne_reg),
# first in make test, so a lint error fails in seconds
.venv-lint/.installed: requirements/lint.txt
	rm -rf .venv-lint
	python=$$(tools/find-python 3.11) && $$python -m venv .venv-lint
	.venv-lint/bin/pip install --disable-pip-version-check -q -r requirements/lint.txt
	touch $@

lint: .venv-lint/.installed
	.venv-lint/bin/ruff check .

# the Sphinx site: API reference from the docstrings, warnings are errors
docs: .venv/.installed
	.venv/bin/sphinx-build -W --keep-going -b html docs docs/_build/html

# the benchmarks (docs/performance.rst); make test runs only their --smoke
# modes, through tests/test_benchmarks.py
BENCH_OPTS ?= --quick

bench: .venv/.installed
	THEANO_FLAGS="base_compiledir=$(CACHE)/theano" .venv/bin/python benchmarks/step.py
	THEANO_FLAGS="base_compiledir=$(CACHE)/theano" .venv/bin/python benchmarks/kernels.py
	.venv/bin/python benchmarks/startup.py
	.venv/bin/python benchmarks/run.py $(BENCH_OPTS)

# mutation testing (tools/mutation.py, mutmut) of every module whose code
# runs on the stack STACK (default theano), in .venv-mutation-STACK, on a
# copy of the checkout in .cache/mutation-STACK; then a per-module table.
# MUTATION_OPTS='--module lasagne_reg/report.py' mutates one module. Not part
# of make test (it takes hours); mutation-smoke checks the set-up in seconds
# on one small module, and make test runs it, so the set-up cannot rot.
STACK ?= theano
MUTATION_OPTS ?=

mutation: .venv-mutation-$(STACK)/.installed
	$(call stack-env,$(STACK),mutation-$(STACK).theano) .venv-mutation-$(STACK)/bin/python tools/mutation.py \
	  --work $(CACHE)/mutation-$(STACK) --stack $(STACK) $(MUTATION_OPTS)

mutation-smoke: .venv-mutation-theano/.installed
	$(call stack-env,theano,mutation-smoke.theano) .venv-mutation-theano/bin/python tools/mutation.py \
	  --work $(CACHE)/mutation-smoke --stack theano --smoke

# Theano 1.0.5's own tests: every module that runs here (tensor, scalar,
# nnet, signal, scan, gof, compile, sparse) on the theano and numpy2 stacks,
# one table; hours on 2 cores, not part of make test.
# THEANO_SUITE_OPTS='--modules theano.tensor.tests.test_sort' runs one
# module; THEANO_SUITE_OPTS='--stacks theano,numpy2,py313' adds Python 3.13.
THEANO_SUITE_OPTS ?=
SUITE_STACKS = theano numpy2 $(foreach s,py312 py313,$(if $(findstring $(s),$(THEANO_SUITE_OPTS)),$(s)))

theano-suite: $(foreach s,$(SUITE_STACKS),$(call venv,$(s))/.installed)
	.venv/bin/python tools/theano_suite.py $(THEANO_SUITE_OPTS)

# the results of numpy 1.23.5 (the theano stack) that the numpy-2 stacks
# compare with, written to tests/data/; a test of the theano stack fails
# when they are stale (tests/test_reference_data.py)
reference-data: .venv/.installed
	$(call stack-env,theano) .venv/bin/python tools/reference_data.py

clean:
	rm -rf .venv .venv-* .cache docs/_build
