"""Settings for the server the browser tests drive: the production settings,
unchanged but for where collectstatic writes, so a test run never touches the
checkout's own ``staticfiles/``."""

import os
from pathlib import Path

from newsroom.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["E2E_STATIC_ROOT"])
