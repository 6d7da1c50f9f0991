"""Tuijin (推进): the platform on which a city runs its major-investment-project programme."""

__version__ = "0.1.0"
