"""Interlock: static inspection of Python package releases for malicious code."""

__version__ = "0.1.0"
"""The release's version; pyproject.toml reads it from here (reading the installed metadata instead
would load importlib.metadata, a fifth of a short command's start-up)."""
