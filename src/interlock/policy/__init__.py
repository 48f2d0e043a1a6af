"""Policy: what a project accepts, read from `[tool.interlock]` or `interlock.toml`, and how it
turns a scan result into a gate decision. See docs/policy.md for the file format."""

from interlock.policy.evaluate import apply_policy, newest_passing
from interlock.policy.load import PolicyError, PolicyProblem, find_policy, load_policy
from interlock.policy.model import FailOn, IgnoreEntry, PackageEntry, Policy, Provenance

__all__ = [
    "FailOn",
    "IgnoreEntry",
    "PackageEntry",
    "Policy",
    "PolicyError",
    "PolicyProblem",
    "Provenance",
    "apply_policy",
    "find_policy",
    "load_policy",
    "newest_passing",
]
