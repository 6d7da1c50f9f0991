"""Fixtures for the accounts tests: the hand-made world of tests/access/world.py."""

from tests.access.world import world  # noqa: F401
