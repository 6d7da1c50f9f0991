"""Fixtures for the access tests: the hand-made world of tests/access/world.py."""

from tests.access.world import world  # noqa: F401
