"""lasagne_reg's own import graph: no cycle, and the core imports no compat.

Every module of the package is read with :mod:`ast` (nothing is imported),
and each ``import`` / ``from ... import`` of a module of lasagne_reg is an
edge, wherever it is: at the top or deferred inside a function. ``from
package import name`` is an edge to the submodule ``package.name`` where
there is one, else to the package. The core (everything but
``lasagne_reg.compat`` and ``lasagne_reg.demo``, which make Theano import
and run it) must not import compat at all: compat builds on the core, not
the other way round.
"""
import ast
import os

import pytest

pytestmark = [pytest.mark.nobackend]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = 'lasagne_reg'
# the parts that may import compat: compat itself, and the demo (it calls
# compat.install() before it imports Theano)
ALLOWED_COMPAT_USERS = ('lasagne_reg.compat', 'lasagne_reg.demo')


def modules(root=ROOT, package=PACKAGE):
    """{dotted name: path} of every module of `package` under `root`."""
    found = {}
    for directory, _, files in os.walk(os.path.join(root, package)):
        for name in files:
            if not name.endswith('.py'):
                continue
            path = os.path.join(directory, name)
            parts = os.path.relpath(path, root)[:-3].split(os.sep)
            if parts[-1] == '__init__':
                parts = parts[:-1]
            found['.'.join(parts)] = path
    return found


def imports(name, path, known):
    """The modules of `known` that module `name` (file `path`) imports."""
    with open(path, encoding='utf-8') as f:
        tree = ast.parse(f.read(), path)
    here = name if path.endswith('__init__.py') else name.rpartition('.')[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = alias.name
                while target and target not in known:
                    target = target.rpartition('.')[0]
                if target:
                    found.add(target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = here.split('.')
                base = '.'.join(parts[:len(parts) - node.level + 1])
                if node.module:
                    base += '.' + node.module
            else:
                base = node.module
            for alias in node.names:
                if base + '.' + alias.name in known:
                    found.add(base + '.' + alias.name)
                elif base in known:
                    found.add(base)
    found.discard(name)
    return found


def graph(root=ROOT, package=PACKAGE):
    """{module: modules it imports}, for the modules of `package`."""
    known = modules(root, package)
    return {name: imports(name, path, known) for name, path in known.items()}


def cycles(edges):
    """Each strongly connected group of more than one module (a cycle),
    as a sorted list of names; the groups sorted."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(groups)


def _in(name, parts):
    return any(name == part or name.startswith(part + '.') for part in parts)


def test_lasagne_reg_has_no_import_cycle():
    assert cycles(graph()) == []


def test_the_core_imports_nothing_from_compat():
    edges = graph()
    wrong = sorted((name, target) for name, targets in edges.items()
                   for target in targets
                   if _in(target, ('lasagne_reg.compat',))
                   and not _in(name, ALLOWED_COMPAT_USERS))
    assert wrong == []


def test_the_graph_sees_top_level_relative_and_deferred_imports():
    edges = graph()
    assert {'lasagne_reg.regularization', 'lasagne_reg._backend'} <= \
        edges['lasagne_reg']
    assert {'lasagne_reg.compat._flags', 'lasagne_reg.compat._modules',
            'lasagne_reg.compat._patched'} <= edges['lasagne_reg.compat']
    # deferred, inside _kernels._bases
    assert 'lasagne_reg._variant' in edges['lasagne_reg._kernels']
    # deferred, inside the demo's command line
    assert 'lasagne_reg.compat' in edges['lasagne_reg.demo._cli']
    assert 'lasagne_reg.compat._flags' in edges['lasagne_reg.compat._cli']


def _write(root, files):
    for name, text in files.items():
        path = root.joinpath(*name.split('/'))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_deferred_import_that_closes_a_cycle_is_found(tmp_path):
    _write(tmp_path, {
        'pkg/__init__.py': 'from . import a\n',
        'pkg/a.py': 'from . import b\n',
        'pkg/b.py': 'def later():\n    from .sub import c\n',
        'pkg/sub/__init__.py': '',
        'pkg/sub/c.py': 'import pkg.a\nfrom .. import b as _b\n',
        'pkg/d.py': 'from pkg.sub import missing_name\nimport os\n',
    })
    edges = graph(str(tmp_path), 'pkg')
    assert edges == {'pkg': {'pkg.a'}, 'pkg.a': {'pkg.b'},
                     'pkg.b': {'pkg.sub.c'}, 'pkg.sub': set(),
                     'pkg.sub.c': {'pkg.a', 'pkg.b'}, 'pkg.d': {'pkg.sub'}}
    assert cycles(edges) == [['pkg.a', 'pkg.b', 'pkg.sub.c']]


def test_cycles_are_told_apart():
    assert cycles({'a': {'b'}, 'b': {'c'}, 'c': set()}) == []
    assert cycles({'a': {'b'}, 'b': {'a'}, 'c': {'d'}, 'd': {'c', 'a'}}) \
        == [['a', 'b'], ['c', 'd']]
    assert cycles({'a': {'a'}}) == []      # imports() never gives a self-edge
