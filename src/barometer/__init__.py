"""Barometer: an open research compendium for the Innovatie Barometer Overheid 2025."""

__version__ = "0.1.0"
