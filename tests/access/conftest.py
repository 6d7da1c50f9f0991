"""Fixtures for the access tests: the hand-made world of tests/access/world.py."""

from tests.access.world import access_world_built_once, world  # noqa: F401
