"""``python -m lasagne_reg.compat enable | disable | status``."""
import sys

from ._cli import main

sys.exit(main())
