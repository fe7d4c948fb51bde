import os
import re

from setuptools import find_packages, setup

# The project has no public home yet, so no URL here (and no project_urls):
# add one only once its address is confirmed. README.rst links to files by
# relative paths, which work when browsing a checkout; the package index
# shows the README without the files, so for long_description those links
# become plain text naming the file, which the sdist carries (_unlinked).

here = os.path.dirname(os.path.abspath(__file__))


def _unlinked(text):
    """RST links to files (`text <docs/x.rst>`_) as plain text naming them.

    Links with a scheme (``https:``, ``mailto:``) stay links.
    """
    def plain(match):
        title, path = match.group(1), match.group(2)
        return path if title == path else '%s (%s)' % (title, path)
    return re.sub(r'`([^`<>]*?)\s*<(?![a-z][a-z0-9+.-]*:)([^<>\s]+)>`_',
                  plain, text)


def _version():
    with open(os.path.join(here, 'lasagne_reg', '__init__.py')) as f:
        return re.search(r"__version__ = '([^']+)'", f.read()).group(1)


def _long_description():
    with open(os.path.join(here, 'README.rst')) as f:
        return _unlinked(f.read())


if __name__ == '__main__':   # setuptools runs this file as __main__
    setup(
        name='lasagne_reg',
        version=_version(),
        description="Lasagne's regularization for Theano, PyTensor and "
                    "Aesara, and the penalties it never had",
        long_description=_long_description(),
        long_description_content_type='text/x-rst',
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
