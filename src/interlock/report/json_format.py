"""The machine-readable report: exactly the JSON contract in DESIGN.md."""

from __future__ import annotations

import json
from collections.abc import Sequence

from interlock.model.result import ScanResult
from interlock.report.interface import Formatter


class JsonFormatter(Formatter):
    """`{"results": [ScanResult.to_json(), ...]}`, indented."""

    name = "json"

    def render(self, results: Sequence[ScanResult]) -> str:
        document = {"results": [result.to_json() for result in results]}
        # ASCII escapes keep the output writable anywhere, lone surrogates from odd evidence included;
        # `default=str` keeps an unexpected value from costing the whole report.
        return json.dumps(document, indent=2, ensure_ascii=True, default=str) + "\n"
