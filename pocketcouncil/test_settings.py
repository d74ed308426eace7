"""Settings for the test suite: the ordinary settings with ``POCKETCOUNCIL_ENV=test``.

``DATABASE_URL`` still chooses the database, so the same suite runs on SQLite and PostgreSQL.
"""

import os

os.environ.setdefault("POCKETCOUNCIL_ENV", "test")

from pocketcouncil.settings import *  # noqa: E402, F403
