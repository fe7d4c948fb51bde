# make demo  - the main job: train a small Lasagne MLP with each regularizer
# make test  - every test and doctest, on each backend in its own virtualenv
# make docs  - the Sphinx site (warnings are errors)
#
# Each virtualenv is created on first use from pinned requirements/*.txt with
# only Python 3.11 and pip. Theano's compile cache lives in .cache/ (ignored),
# so cold C compiles are paid once per checkout.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
CACHE := $(CURDIR)/.cache
comma := ,
# the user's THEANO_FLAGS (floatX=float32, say) win over our compile dir
THEANO_TEST_FLAGS := base_compiledir=$(CACHE)/theano$(if $(THEANO_FLAGS),$(comma)$(THEANO_FLAGS))
THEANO_NP2_FLAGS := base_compiledir=$(CACHE)/theano-numpy2$(if $(THEANO_FLAGS),$(comma)$(THEANO_FLAGS))
PYTEST_OPTS ?=

.PHONY: demo test test-theano test-numpy2 docs clean

# one virtualenv per stack: .venv (Theano 1.0.5 + Lasagne 0.1, numpy 1.23),
# .venv-numpy2 (the same on numpy 2 and setuptools without pkg_resources)
.venv/.installed: requirements/theano.txt requirements/test.txt setup.py
	rm -rf .venv
	$(PYTHON) -m venv .venv
	.venv/bin/pip install --disable-pip-version-check -q -r requirements/theano.txt
	.venv/bin/pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	touch $@

.venv-numpy2/.installed: requirements/theano-numpy2.txt requirements/test.txt setup.py
	rm -rf .venv-numpy2
	$(PYTHON) -m venv .venv-numpy2
	.venv-numpy2/bin/pip install --disable-pip-version-check -q -r requirements/theano-numpy2.txt
	.venv-numpy2/bin/pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	touch $@

demo: .venv/.installed
	THEANO_FLAGS="$(THEANO_TEST_FLAGS)" .venv/bin/python -m lasagne_reg.demo

test: test-theano test-numpy2

# everything, doctests of the package and of docs/*.rst included
test-theano: .venv/.installed
	LASAGNE_REG_TEST_BACKEND=theano THEANO_FLAGS="$(THEANO_TEST_FLAGS)" \
	  .venv/bin/python -m pytest $(PYTEST_OPTS) tests lasagne_reg docs README.rst \
	  --doctest-modules --doctest-glob='*.rst'

# the compatibility layer on the hardest stack, and the core on top of it
test-numpy2: .venv-numpy2/.installed
	LASAGNE_REG_TEST_BACKEND=theano THEANO_FLAGS="$(THEANO_NP2_FLAGS)" \
	  .venv-numpy2/bin/python -m pytest $(PYTEST_OPTS) tests/test_compat.py tests/test_regularization.py

clean:
	rm -rf .venv .venv-* .cache docs/_build
