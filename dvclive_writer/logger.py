"""The writer's logger: dvclive's set-up (level from ``DVCLIVE_LOGLEVEL``, one stream handler)."""

from __future__ import annotations

import logging
import os

from dvclive_writer import env

logger = logging.getLogger("dvclive_writer")
logger.setLevel(os.getenv(env.DVCLIVE_LOGLEVEL, "WARNING").upper())
_handler = logging.StreamHandler()
_handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
logger.addHandler(_handler)
