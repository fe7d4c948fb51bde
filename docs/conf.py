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
# a wider column than alabaster's 940 px page, so that the demo's figure and
# 80-column code read at 100%; custom.css makes a code block that is still
# wider scroll inside the column instead of running past it
html_theme_options = {'page_width': '1140px', 'body_max_width': 'auto'}
html_css_files = ['custom.css']

# What a reader sees, checked in every build (warnings, so errors under -W):
# a line of code wider than CODE_COLUMNS characters does not fit the text
# column of a 1280-pixel-wide window (measured in headless Chromium, with
# custom.css's code font), and a table row that is mostly empty cells is the
# sign of a simple table whose wrapped line became a row of its own.
CODE_COLUMNS = 96
# pages whose wide code is known and scrolls for now; each entry is a bug
WIDE_CODE_PAGES = {'performance'}

def _check_rendering(app, doctree, docname):
    from docutils import nodes
    from sphinx.util import logging
    log = logging.getLogger('lasagne_reg.docs')
    code = (nodes.literal_block, nodes.doctest_block)
    if docname not in WIDE_CODE_PAGES:
        for node in doctree.findall(lambda n: isinstance(n, code)):
            wide = [line for line in node.astext().splitlines()
                    if len(line) > CODE_COLUMNS]
            if wide:
                log.warning('code line of %d characters, wider than the '
                            'text column (%d): %.40s...', len(wide[0]),
                            CODE_COLUMNS, wide[0], location=node)
    for row in doctree.findall(nodes.row):
        cells = [entry.astext().strip() for entry in row.children]
        if len(cells) >= 3 and sum(not c for c in cells) * 2 >= len(cells):
            log.warning('table row with %d of %d cells empty (a wrapped line '
                        'of a simple table?): %r', sum(not c for c in cells),
                        len(cells), cells, location=row)


def setup(app):
    app.connect('doctree-resolved', _check_rendering)
