"""The desk as uvicorn loads it in each worker process (``warta desk --workers N``).

An adapter's entry point: it reads the configuration path and the SMTP password from
the environment that ``warta desk`` set, as the command line itself does.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.config import load_config
from pipeline.desk.app import Guard, create_app

CONFIG_ENV = "WARTA_DESK_CONFIG"
TRUST_ENV = "WARTA_DESK_TRUST_FILE"


def app() -> Guard:
    """The application of the configuration named in ``$WARTA_DESK_CONFIG`` (and the
    trust file in ``$WARTA_DESK_TRUST_FILE``, when ``--trust-file`` was given)."""
    config = load_config(os.environ[CONFIG_ENV])
    email = config.health.alerts.email
    password = os.environ.get(email.password_env, "") if email else ""
    trust = os.environ.get(TRUST_ENV)
    return create_app(config, smtp_password=password, trust_file=Path(trust) if trust else None)
