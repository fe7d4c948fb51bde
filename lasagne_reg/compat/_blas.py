"""Finding an optimized BLAS for Theano, and the flags that link Theano to it.

Theano 1.0.5 finds its BLAS through ``numpy.distutils``, which no longer
reports one on current numpy; without a BLAS it falls back to a NumPy C-API
implementation of ``gemm`` about ten times slower than numpy's own matmul.

The BLAS we link is the one from the PyPI package ``scipy-openblas32``
(OpenBLAS built by the SciPy project for SciPy's own wheels): it has 32-bit
integers (the LP64 ABI Theano's C code declares) and installs with pip
everywhere numpy does. numpy's own bundled OpenBLAS cannot serve: it is
ILP64 (64-bit integers) and private to numpy.

Its symbols are prefixed (``scipy_sgemm_`` for ``sgemm_``), so each BLAS
name Theano's C code declares is mapped with a ``-D<name>=scipy_<name>``
macro. The run-time path of the library goes into ``gcc.cxxflags`` as
``-Xlinker -rpath=<dir>``: ``THEANO_FLAGS`` splits on commas (which rules
out ``-Wl,-rpath,<dir>``) and ``blas.ldflags`` keeps only ``-l``/``-L``
tokens.

Nothing here imports or loads the library: it is located from its package
metadata alone, so deciding the flags costs no more than a file lookup.
"""
import importlib.util
import os
import sys

PACKAGE = 'scipy_openblas32'
DISTRIBUTION = 'scipy-openblas32'
LIBRARY = 'scipy_openblas'
PREFIX = 'scipy_'

# Every BLAS routine Theano 1.0.5's C code declares in
# theano.tensor.blas_headers (tests/test_compat.py checks this list against
# that header and against the library's exports), and the OpenBLAS thread
# functions its CorrMM convolution calls when the library's name contains
# "openblas". xerbla_ and the Fortran wrappers *_sub_ are declared too but
# never called: they are left alone.
_ROUTINES = """
caxpy ccopy cgbmv cgemm cgemv cgerc cgeru chbmv chemm chemv cher2 cher2k
cher cherk chpmv chpr2 chpr cscal csscal cswap csymm csyr2k csyrk ctbmv
ctbsv ctpmv ctpsv ctrmm ctrmv ctrsm ctrsv daxpy dcopy ddot dgbmv dgemm
dgemv dger drot drotg drotm drotmg dsbmv dscal dspmv dspr2 dspr dswap
dsymm dsymv dsyr2 dsyr2k dsyr dsyrk dtbmv dtbsv dtpmv dtpsv dtrmm dtrmv
dtrsm dtrsv saxpy scopy sdot sgbmv sgemm sgemv sger srot srotg srotm
srotmg ssbmv sscal sspmv sspr2 sspr sswap ssymm ssymv ssyr2 ssyr2k ssyr
ssyrk stbmv stbsv stpmv stpsv strmm strmv strsm strsv zaxpy zcopy
zdscal zgbmv zgemm zgemv zgerc zgeru zhbmv zhemm zhemv zher2 zher2k zher
zherk zhpmv zhpr2 zhpr zscal zswap zsymm zsyr2k zsyrk ztbmv ztbsv ztpmv
ztpsv ztrmm ztrmv ztrsm ztrsv""".split()
_THREADS = ('openblas_set_num_threads', 'openblas_get_num_threads',
            'goto_set_num_threads')


def symbols():
    """The C names Theano declares that must be renamed, without prefix."""
    return [name + '_' for name in _ROUTINES] + list(_THREADS)


class Blas:
    """An optimized BLAS found for Theano.

    Attributes
    ----------
    name : str
        What to call it in a report, with its version.
    lib_dir : str
        The directory holding the shared library.
    ldflags : str
        The value for Theano's ``blas.ldflags``.
    cxxflags : list of str
        What ``gcc.cxxflags`` needs: the renaming macros and the run path,
        each item one group of space-separated tokens that stay together.
    """

    def __init__(self, name, lib_dir, ldflags, cxxflags):
        self.name = name
        self.lib_dir = lib_dir
        self.ldflags = ldflags
        self.cxxflags = cxxflags

    def __repr__(self):
        return 'Blas(%r, lib_dir=%r)' % (self.name, self.lib_dir)


def find():
    """The BLAS to link Theano against: (Blas or None, why-not message).

    Returns ``(Blas, '')`` when ``scipy-openblas32`` is installed and
    usable, else ``(None, reason)``.
    """
    if not sys.platform.startswith('linux'):
        return None, ('linking %s is implemented for Linux only (its rpath '
                      'and library name differ elsewhere): set blas.ldflags '
                      'yourself' % DISTRIBUTION)
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return None, ('no optimized BLAS is installed (pip install %s)'
                      % DISTRIBUTION)
    lib_dir = os.path.join(list(spec.submodule_search_locations)[0], 'lib')
    library = os.path.join(lib_dir, 'lib%s.so' % LIBRARY)
    if not os.path.isfile(library):
        return None, ('%s is installed but %s is missing; reinstall it '
                      '(pip install --force-reinstall %s)'
                      % (DISTRIBUTION, library, DISTRIBUTION))
    if any(c.isspace() or c in ',=' for c in lib_dir):
        return None, ('%s is installed at %r, a path with a space, comma or '
                      "'=' that Theano's flags cannot carry; set blas.ldflags"
                      ' yourself, or install it elsewhere'
                      % (DISTRIBUTION, lib_dir))
    cxxflags = ['-D%s=%s%s' % (name, PREFIX, name) for name in symbols()]
    cxxflags.append('-Xlinker -rpath=%s' % lib_dir)   # one group: kept together
    return Blas('OpenBLAS %s from %s' % (_version(), DISTRIBUTION), lib_dir,
                '-L%s -l%s' % (lib_dir, LIBRARY), cxxflags), ''


def _version():
    import importlib.metadata
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return '(version unknown)'


def describe(ldflags):
    """A person's description of the BLAS that ``blas.ldflags`` selects."""
    if not ldflags.strip():
        return ("none: Theano's NumPy C-API fallback, about 10x slower than "
                "numpy's matmul (pip install %s)" % DISTRIBUTION)
    blas, _ = find()
    if blas is not None and ldflags.strip() == blas.ldflags:
        return '%s (%s)' % (blas.name, blas.lib_dir)
    return 'blas.ldflags=%s' % ldflags


#: What OpenBLAS reads for its thread count, in its order (the first set wins).
THREAD_VARIABLES = ('OPENBLAS_NUM_THREADS', 'GOTO_NUM_THREADS',
                    'OMP_NUM_THREADS')


def threads(environ, cpus, load):
    """OpenBLAS's thread count in `environ`, and advice where it hurts.

    Parameters
    ----------
    environ : mapping
        The environment the process starts with.
    cpus : int
        CPUs this process may run on.
    load : float or None
        The machine's 1-minute load average, None where unknown.

    Returns
    -------
    (str, str)
        A description (threads, where the number comes from, load) and
        advice, '' when there is nothing to do. OpenBLAS starts one thread
        per CPU unless told otherwise; its threads wait for each other in
        every product, so on a machine busier than its CPUs a small product
        waits for a thread that is not running (a 500-image convolution of
        32 x 12 x 12 maps ran 30 times slower with 2 threads than with 1 on
        the project's loaded 2-core machines).

    Examples
    --------
    >>> threads({}, 4, 1.0)
    ('4, one per CPU (OPENBLAS_NUM_THREADS unset); load 1.0 on 4 CPUs', '')
    >>> threads({'OMP_NUM_THREADS': '1'}, 2, 7.5)[0]
    '1 (OMP_NUM_THREADS=1); load 7.5 on 2 CPUs'
    """
    count, source = cpus, ', one per CPU (OPENBLAS_NUM_THREADS unset)'
    for name in THREAD_VARIABLES:
        value = environ.get(name, '').strip()
        if value:
            if value.isdigit() and int(value) > 0:
                count, source = int(value), ' (%s=%s)' % (name, value)
            else:       # OpenBLAS ignores it and starts one per CPU
                source = ', one per CPU (%s=%r is not a count)' % (name,
                                                                  value)
            break
    where = ('%d CPUs' % cpus if load is None
             else 'load %.1f on %d CPUs' % (load, cpus))
    text = '%d%s; %s' % (count, source, where)
    if count > cpus:
        return text, ('more BLAS threads than CPUs (%d on %d): set '
                      'OPENBLAS_NUM_THREADS=%d or less' % (count, cpus, cpus))
    if count > 1 and load is not None and load > cpus:
        return text, ('this machine is busier than its CPUs (load %.1f on %d)'
                      ': OpenBLAS threads then wait for each other, and small'
                      ' matrix products (convolutions) can run 10-30x slower;'
                      ' set OPENBLAS_NUM_THREADS=1, or the number of idle '
                      'CPUs, before starting Python (docs/troubleshooting.rst)'
                      % (load, cpus))
    return text, ''


def cpus():
    """CPUs this process may run on."""
    if hasattr(os, 'sched_getaffinity'):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load():
    """The 1-minute load average, or None where the platform has none."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None

