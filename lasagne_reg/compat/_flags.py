"""THEANO_FLAGS: the one place where lasagne_reg decides Theano's C build flags.

Everything Theano needs from us to compile on today's stack is decided here
and nowhere else: on numpy 2, the macros numpy 1's ``npy_3kcompat.h`` used
to provide; always, ``blas.ldflags`` (Theano's own BLAS detection fails on
current numpy) and, when an optimized BLAS is installed, the flags that link
it (``_blas``). The penalty kernels (``lasagne_reg._kernels``) need no
flag: their C code vectorizes at the ``-O3`` every backend already uses.

The user's flags win: a flag set in ``THEANO_FLAGS`` or a ``.theanorc`` is
never replaced, and ``gcc.cxxflags`` is extended after the user's own.
:func:`install` merges them into ``THEANO_FLAGS`` before ``import theano``,
and says in the report what could not take effect after it.

Flag names are spelled as the installed Theano reads them in
``THEANO_FLAGS`` (:mod:`lasagne_reg._variant`): ``blas.ldflags`` for Theano
1.0.5, ``blas__ldflags`` for Theano-PyMC. A ``.theanorc`` spells them
``[blas] ldflags`` for both; :func:`theanorc_values` keys them
``'blas.ldflags'``, and :func:`_rc_key` maps either spelling onto that.
"""
import configparser
import os
import shlex
import sys

from . import _blas

NUMPY2_CXXFLAGS = ('-DNPY_PY3K=1', '-DPyInt_AsLong=PyLong_AsLong',
                   '-DPyInt_FromLong=PyLong_FromLong',
                   '-DPyInt_Check=PyLong_Check',
                   '-DNPY_TARGET_VERSION=NPY_2_0_API_VERSION')

BLAS_LDFLAGS = 'blas.ldflags'
CXXFLAGS = 'gcc.cxxflags'


def parse(text):
    """THEANO_FLAGS as an ordered list of (key, value) pairs."""
    pairs = []
    for item in text.split(','):
        item = item.strip()
        if not item:
            continue
        key, _, value = item.partition('=')
        pairs.append((key.strip(), value))
    return pairs


def theanorc_values():
    """(section.option) -> value from the user's .theanorc files."""
    default = os.pathsep.join([os.path.expanduser('~/.theanorc'),
                               os.path.expanduser('~/.theanorc.txt')])
    paths = os.environ.get('THEANORC', default).split(os.pathsep)
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read([p for p in paths if p])
    except configparser.Error:
        return {}
    return {'%s.%s' % (section, option): parser.get(section, option)
            for section in parser.sections()
            for option in parser.options(section)}


def _rc_key(key):
    """`key` as :func:`theanorc_values` keys it (``'section.option'``)."""
    return key.replace('__', '.')


def user_value(key, text, rc):
    """The user's own value of `key` (THEANO_FLAGS first), or None."""
    current = dict(parse(text))
    if key in current:
        return current[key]
    return rc.get(_rc_key(key))


def names(variant=None):
    """(blas.ldflags, gcc.cxxflags) as `variant` spells them (a
    :class:`lasagne_reg._variant.Variant`; None: Theano 1.0.5's spelling)."""
    if variant is None:
        return BLAS_LDFLAGS, CXXFLAGS
    return variant.flag(BLAS_LDFLAGS), variant.flag(CXXFLAGS)


def wanted(numpy_major, text, rc, blas=None, variant=None):
    """The flags this stack needs: ({key: value}, Blas used or None).

    `blas` is what :func:`_blas.find` found (None: no optimized BLAS). It is
    linked only when the user chose no ``blas.ldflags`` of their own.
    `variant` (a :class:`lasagne_reg._variant.Variant`, None for Theano
    1.0.5) decides how the keys are spelled.
    """
    ldflags_key, cxxflags_key = names(variant)
    flags = {}
    cxxflags = []     # groups of tokens that stay together ('-Xlinker -rpath=')
    if numpy_major >= 2:
        cxxflags += NUMPY2_CXXFLAGS
    used = None
    if user_value(ldflags_key, text, rc) is None:
        if blas is not None:
            flags[ldflags_key] = blas.ldflags
            cxxflags += blas.cxxflags
            used = blas
        else:
            flags[ldflags_key] = ''
    if cxxflags:
        flags[cxxflags_key] = cxxflags
    return flags, used


def merged(text, rc, wanted_flags):
    """(new THEANO_FLAGS text, {flag: value} changed) for `wanted_flags`.

    `text` is the user's THEANO_FLAGS, `rc` the values of their .theanorc.
    A flag the user set is kept; ``gcc.cxxflags`` (a list of groups of
    space-separated tokens in `wanted_flags`) is extended by the groups it
    lacks, after the user's own flags (from THEANO_FLAGS, else from
    .theanorc, which THEANO_FLAGS overrides).
    """
    pairs = parse(text)
    current = dict(pairs)
    changes = {}
    for key, value in wanted_flags.items():
        if _rc_key(key) == CXXFLAGS:
            mine = current.get(key, rc.get(_rc_key(key), ''))
            have = shlex.split(mine)
            missing = [g for g in value if not _contains(have, g.split())]
            if missing:
                changes[key] = ' '.join(mine.split() + missing)
        elif key not in current and _rc_key(key) not in rc:
            changes[key] = value
    result = [(k, changes.get(k, v)) for k, v in pairs]
    result += [(k, v) for k, v in changes.items() if k not in current]
    return ','.join('%s=%s' % kv for kv in result), changes


def _contains(tokens, group):
    """True if `group` appears in `tokens` as a contiguous run."""
    n = len(group)
    return any(tokens[i:i + n] == group for i in range(len(tokens) - n + 1))


# -- into THEANO_FLAGS, before import theano ---------------------------------

def _theano_state(modules=None):
    """'absent', 'imported', or 'failed' (a failed ``import theano`` left
    submodules such as ``theano.configdefaults`` behind)."""
    modules = sys.modules if modules is None else modules
    if 'theano' in modules:
        return 'imported'
    if any(name.startswith('theano.') for name in modules):
        return 'failed'
    return 'absent'


_RESTART = ('restart the interpreter (or the notebook kernel) and call '
            'lasagne_reg.compat.install() before importing theano or '
            'lasagne, or run "python -m lasagne_reg.compat enable" once so '
            'that every process gets it')


def install(report, stack):
    """Merge the flags `stack` needs into ``THEANO_FLAGS``, unless theano
    is imported already; record in `report` (an ``InstallReport``) the
    flags set, the BLAS Theano uses and what could not take effect.

    Parameters
    ----------
    report : lasagne_reg.compat.InstallReport
    stack : lasagne_reg.compat._stack.Stack
        Its numpy decides the numpy-2 macros, its variant the spelling.
    """
    text = os.environ.get('THEANO_FLAGS', '')
    rc = theanorc_values()
    blas, why_not = _blas.find()
    ldflags_key = names(stack.variant)[0]
    flags, used = wanted(stack.numpy, text, rc, blas, stack.variant)
    new_text, changes = merged(text, rc, flags)
    state = _theano_state()
    if state == 'failed':
        report.not_applied.append(
            'an earlier "import theano" failed in this process and left '
            'parts of theano loaded, so importing it again fails ("partially '
            'initialized module \'theano\'") whatever install() does: '
            + _RESTART)
    elif state == 'imported' and changes:
        report.not_applied.append(
            'theano was imported before install(), so these THEANO_FLAGS '
            'cannot take effect: %s (%s)' % (
                ', '.join('%s=%s' % (k, _short(v)) for k, v in
                          changes.items()), _RESTART))
    if state == 'absent':
        os.environ['THEANO_FLAGS'] = new_text
        report.flags.update(changes)
    report.blas = _blas.describe(_effective_ldflags(state, new_text, rc,
                                                    ldflags_key))
    if (state == 'absent' and used is None
            and user_value(ldflags_key, text, rc) is None):
        report.not_applied.append(
            "no optimized BLAS for Theano: %s; Theano falls back to a NumPy "
            "C-API gemm about 10x slower than numpy's matmul (an empty "
            "blas.ldflags of your own silences this)" % why_not)


def _effective_ldflags(state, text, rc, key=BLAS_LDFLAGS):
    if state == 'imported':
        config = getattr(sys.modules['theano'], 'config', None)
        try:
            if key != BLAS_LDFLAGS:     # Theano-PyMC's blas__ldflags
                return getattr(config, key)
            return config.blas.ldflags
        except Exception:     # a stub or a theano without config
            pass
    return user_value(key, text, rc) or ''


def _short(value):
    return value if len(value) <= 80 else value[:77] + '...'
