"""``python -m lasagne_reg.demo``: see :func:`lasagne_reg.demo.main`."""
from ._cli import main

main()
