"""Production settings plus the floor view, for bench/throughput.py only."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
