"""The only place that asks platformdirs where files go (so the XDG variables and tests can move them)."""

from pathlib import Path

import platformdirs

APP_NAME = "media-annotator"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    return data_dir() / "project.sqlite"


def backup_dir() -> Path:
    return data_dir() / "backups"


def settings_path() -> Path:
    return config_dir() / "settings.json"
