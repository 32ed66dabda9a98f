"""Database configuration: the engine, the table registry and migrations.

Tables are piccolo ``Table`` classes owned by their feature package. The engine is chosen from
:class:`core.settings.Settings` at start and bound to every table (:func:`core.db.engine.connect`).
"""

import os

# piccolo looks up its configuration module when a Table class is defined; point it at ours
# before any table module is imported.
os.environ.setdefault("PICCOLO_CONF", "core.db.piccolo_conf")
