"""piccolo app configuration: the tables and the migrations folder of the appliance."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.db.registry import TABLES

APP_CONFIG = AppConfig(
    app_name="storno",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(TABLES),
)
