import os
import re

from setuptools import find_packages, setup

# The repository. README.rst links to files in it by relative paths, which
# work when browsing the repository; the package index shows the README
# without the files, so for long_description those links are made absolute
# (below). docs/conf.py reads this line for the site's source link.
# NOT YET CONFIRMED: the project has no public home yet; this is the intended
# address, to be checked before any upload to a package index.
URL = 'https://github.com/lasagne-reg/lasagne_reg'
BLOB = URL + '/blob/main/'

here = os.path.dirname(os.path.abspath(__file__))


def _absolute_links(text, base=BLOB):
    """RST links to repository files (`text <docs/x.rst>`_) made absolute."""
    return re.sub(r'<(?![a-z][a-z0-9+.-]*:)([^<>\s]+)>`_',
                  lambda m: '<%s%s>`_' % (base, m.group(1)), text)


def _version():
    with open(os.path.join(here, 'lasagne_reg', '__init__.py')) as f:
        return re.search(r"__version__ = '([^']+)'", f.read()).group(1)


def _long_description():
    with open(os.path.join(here, 'README.rst')) as f:
        return _absolute_links(f.read())


if __name__ == '__main__':   # setuptools runs this file as __main__
    setup(
        name='lasagne_reg',
        version=_version(),
        description="Lasagne's regularization for Theano, PyTensor and "
                    "Aesara, and the penalties it never had",
        long_description=_long_description(),
        long_description_content_type='text/x-rst',
        url=URL,
        project_urls={
            'Source': URL,
            'Documentation': BLOB + 'docs/index.rst',
            'Changelog': BLOB + 'CHANGELOG.rst',
            'Issues': URL + '/issues',
        },
        # an SPDX expression (PEP 639); the license classifier is deprecated
        license='MIT',
        license_files=['LICENSE'],
        packages=find_packages(include=['lasagne_reg', 'lasagne_reg.*']),
        # make test runs Python 3.11, 3.12 and 3.13 (requirements/*.txt);
        # no upper bound, which would only turn a newer Python's install
        # into a resolver error
        python_requires='>=3.11',
        install_requires=['numpy'],
        extras_require={
            # Theano 1.0.5's sdist does not build on Python 3.12+ as
            # shipped (configparser.SafeConfigParser, readfp): there the
            # extra leaves it out and `python -m lasagne_reg.compat enable`
            # builds it (compat/_build.py) with this environment's
            # setuptools (--no-build-isolation), which also provides the
            # distutils Theano imports
            'theano': ['Theano==1.0.5; python_version < "3.12"',
                       'setuptools; python_version >= "3.12"',
                       'Lasagne==0.1', 'scipy-openblas32'],
            'pytensor': ['pytensor'],
            'aesara': ['aesara'],
            # python -m lasagne_reg.demo: progress bars, the figure
            # (constrained layout of subfigures needs matplotlib 3.6), and
            # the digits data set, which ships inside scikit-learn
            'demo': ['tqdm', 'matplotlib>=3.6', 'scikit-learn'],
        },
        classifiers=[
            'Programming Language :: Python :: 3',
            'Programming Language :: Python :: 3.11',
            'Programming Language :: Python :: 3.12',
            'Programming Language :: Python :: 3.13',
            'Topic :: Scientific/Engineering :: Artificial Intelligence',
        ],
    )
