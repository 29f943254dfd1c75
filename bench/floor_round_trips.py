"""The floor plus a submission's round trips to Redis and the database, and nothing else; see
bench/floor_site.py. Which ones: FLOOR_ROUND_TRIPS in the environment, comma-separated, from
redis, invitation and cell (default all three, as the submission endpoint makes them)."""

import os

from bench.floor_site import *  # noqa: F403

FLOOR_ROUND_TRIPS = tuple(os.getenv("FLOOR_ROUND_TRIPS", "redis,invitation,cell").split(","))
if not set(FLOOR_ROUND_TRIPS) <= {"redis", "invitation", "cell"} or (
    "cell" in FLOOR_ROUND_TRIPS and "invitation" not in FLOOR_ROUND_TRIPS
):
    raise ValueError(
        f"FLOOR_ROUND_TRIPS: {FLOOR_ROUND_TRIPS} (redis, invitation, cell; cell needs invitation)"
    )
