"""Settings for the test suite: the ordinary settings with ``POCKETCOUNCIL_ENV=test``.

``DATABASE_URL`` still chooses the database, so the same suite runs on SQLite and PostgreSQL.
The environment is forced (not defaulted) so that a shell or Makefile that exports
``POCKETCOUNCIL_ENV=development`` cannot turn the tests into a development run.
"""

import os

os.environ["POCKETCOUNCIL_ENV"] = "test"
os.environ["DEBUG"] = "false"

from pocketcouncil.settings import *  # noqa: E402, F403

# Tests serve static files from the finders (build/static); WhiteNoise only needs the collected
# folder to exist.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
