"""Ask pip what it is configured with; prints JSON when run as a script.

Imports only the standard library and pip, so it can run in-process or, when pip is not
importable beside Interlock, under another interpreter (``python3 _pip_probe.py``). pip's
internals are private and change between releases: every lookup is guarded, and a missing
piece is reported as absent rather than guessed.
"""

from __future__ import annotations

import json
import sys
from typing import Any

# The options Interlock reads, as pip names them in configuration keys.
OPTIONS = ("index-url", "extra-index-url", "cert")


def probe() -> dict[str, Any]:
    """``{"default": <pip's default index URL or None>, "values": {option: [value, origin]}}``.

    Values follow pip's precedence for ``pip install``: ``install.X`` beats ``global.X``, and of
    the files, later variants (global < user < site < PIP_CONFIG_FILE) beat earlier ones.
    Environment variables are left to the caller, which reads them without importing pip.
    Raises whatever pip raises for an unreadable configuration file: pip itself would stop there.
    """
    from pip._internal.configuration import Configuration

    return {"default": _default_index(), "values": _configured(Configuration)}


def _default_index() -> str | None:
    try:
        from pip._internal.models.index import PyPI

        url = PyPI.simple_url
    except Exception:
        return None
    return url if isinstance(url, str) and url else None


def _flat(values: dict[str, Any]) -> dict[str, Any]:
    """pip < 24 gives `{key: value}` per variant; newer pip gives `{file: {key: value}}` (later files win)."""
    if values and all(isinstance(v, dict) for v in values.values()):
        merged: dict[str, Any] = {}
        for file_values in values.values():
            merged.update(file_values)
        return merged
    return values


def _configured(configuration_class: Any) -> dict[str, list[str]]:
    configuration = configuration_class(isolated=False)
    configuration.load()
    try:
        from pip._internal.configuration import OVERRIDE_ORDER

        variants = [str(variant) for variant in OVERRIDE_ORDER if str(variant) != "env-var"]
        per_variant = [(variant, _flat(configuration.get_values_in_config(variant))) for variant in variants]
    except Exception:
        per_variant = [("pip configuration", {k: v for k, v in configuration.items() if not k.startswith(":env:")})]
    found: dict[str, list[str]] = {}
    for option in OPTIONS:
        for section in ("global", "install"):  # later wins, as in pip's ConfigOptionParser
            for variant, values in per_variant:
                value = values.get(f"{section}.{option}")
                if isinstance(value, str) and value.strip():
                    origin = _file_holding(configuration, variant, section, option) or variant
                    found[option] = [value.strip(), f"pip config {section}.{option} ({origin})"]
    return found


def _file_holding(configuration: Any, variant: str, section: str, option: str) -> str | None:
    """The file of ``variant`` that set the option (the last one, as pip reads them), if pip says."""
    try:
        holders = [
            name
            for name, parser in configuration._parsers[variant]
            if parser.has_section(section)
            and any(key.replace("_", "-").lower() == option for key in parser.options(section))
        ]
    except Exception:
        return None
    return holders[-1] if holders else None


if __name__ == "__main__":
    json.dump(probe(), sys.stdout)
