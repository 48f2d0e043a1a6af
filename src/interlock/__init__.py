"""Interlock: static inspection of Python package releases for malicious code."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("interlock")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"
