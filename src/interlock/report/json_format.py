"""The machine-readable report: the JSON contract in DESIGN.md, with a summary in front.

`{"schema_version": 1, "summary": {...}, "results": [ScanResult.to_json(), ...]}`. The results are
exactly the contract's, in input order; the summary counts them so a tool need not:

- `artifacts`: how many results;
- `verdicts`: results per verdict (`malicious`, `suspicious`, `error`, `clean`), each verdict once
  the policy's ignore entries took out the findings they accept (a result's `policy.verdict`);
- `decisions`: results per policy decision (`block`, `too-new`, `pass`; `none` when no policy
  was applied);
- `flagged`: results a person must look at (kept out, not clean, or not analysed);
- `accepted`: results with findings an ignore entry accepted;
- `unjudged`: requirements that could not be tied to one artifact (audit and the install gate
  fill it in; 0 elsewhere);
- `errors`: results that could not be analysed (verdict `error`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from interlock.model.decision import Status
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.report.common import VERDICT_ORDER, accepted_findings, is_flagged, verdict_after_policy
from interlock.report.interface import Formatter

SCHEMA_VERSION = 1
"""Raised when a key changes meaning or goes away; adding a key does not raise it."""


class JsonFormatter(Formatter):
    """`{"schema_version": 1, "summary": {...}, "results": [ScanResult.to_json(), ...]}`, indented."""

    name = "json"

    def render(self, results: Sequence[ScanResult]) -> str:
        document = {
            "schema_version": SCHEMA_VERSION,
            "summary": summary(results),
            "results": [result.to_json() for result in results],
        }
        # ASCII escapes keep the output writable anywhere, lone surrogates from odd evidence included;
        # `default=str` keeps an unexpected value from costing the whole report.
        return json.dumps(document, indent=2, ensure_ascii=True, default=str) + "\n"


def summary(results: Sequence[ScanResult], unjudged: int = 0) -> dict[str, object]:
    """The counts the JSON report leads with (see the module's docstring for each key)."""
    verdicts = Counter(verdict_after_policy(result) for result in results)
    decisions = Counter(result.decision.status.value if result.decision else "none" for result in results)
    return {
        "artifacts": len(results),
        "verdicts": {verdict.value: verdicts[verdict] for verdict in VERDICT_ORDER},
        "decisions": {status: decisions[status] for status in (*(s.value for s in Status), "none")},
        "flagged": sum(1 for result in results if is_flagged(result)),
        "accepted": sum(1 for result in results if accepted_findings(result)),
        "unjudged": unjudged,
        "errors": sum(1 for result in results if result.verdict is Verdict.ERROR),
    }
