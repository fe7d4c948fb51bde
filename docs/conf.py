"""Sphinx configuration: ``make docs`` builds the site with warnings as errors.

The API reference is generated from the numpy-style docstrings by autodoc
and napoleon; nothing here imports a backend (autodoc only imports
lasagne_reg's modules, which import theano lazily).
"""
import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__),
                                                '..')))

import lasagne_reg  # noqa: E402

project = 'lasagne_reg'
author = 'lasagne_reg contributors'
copyright = '2026, ' + author
version = release = lasagne_reg.__version__

extensions = [
    'sphinx.ext.autodoc',
    'sphinx.ext.napoleon',
]

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
autodoc_member_order = 'bysource'

exclude_patterns = ['_build']
html_theme = 'alabaster'
html_static_path = ['_static']
