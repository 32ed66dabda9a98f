"""The canonical EN 16931 document model; see :mod:`core.model.document`."""

from core.model.document import *  # noqa: F401,F403
from core.model.document import __all__  # noqa: F401
