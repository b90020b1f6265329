"""Barometer: an open research compendium for the Innovatie Barometer Overheid 2025."""

# The one place the version is written. `make release VERSION=x.y.z` stamps it here and copies it
# into CITATION.cff, .zenodo.json and the data packages (barometer.build.release); the package metadata
# (pyproject.toml), the site's banner and footer and the cite page read it from here.
__version__ = "0.1.0"
#: The day the version above was released (ISO 8601).
__released__ = "2026-11-23"
