"""piccolo's configuration module (``PICCOLO_CONF``): the engine from the settings, and the app.

:func:`core.db.engine.connect` replaces ``DB`` when the process picks its database, so the
migration runner and every table use the same engine.
"""

from piccolo.conf.apps import AppRegistry
from piccolo.engine.sqlite import SQLiteEngine

# A placeholder until core.db.engine.connect() binds the configured engine.
DB = SQLiteEngine(path=":memory:")
APP_REGISTRY = AppRegistry(apps=["core.db.piccolo_app"])
