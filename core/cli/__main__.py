"""``python -m core.cli``: the same as the ``storno`` console script."""

import sys

from core.cli import main

sys.exit(main())
