"""Typosquats: a project name that is a near miss of a popular project's name.

An attacker publishes `reqeusts`, `python_dateutil`, `сolorama` with a Cyrillic "с", or
`requests-api`, and waits for a typing slip or a copied requirement. A name is compared with the
shipped list of popular names (``popular_names.txt``); the most telling technique is reported:

- separator        the same letters with other separators (`py-yaml` for `pyyaml`);
- homoglyph        the same name once lookalikes are read as what they imitate: Unicode confusables
                   (UTS #39, after NFKC) and the ASCII ones 0/o, 1/l/i, rn/m, vv/w;
- padding          a popular name plus a deceptive affix: `python-`, `py-`, `py`, `-py`, `-python`,
                   `-dev`, `-sdk`, `-lib`, `-api` (with or without the hyphen), a trailing 2 or 3.
                   Plugins named `<popular>-<word>` with any other word (`requests-oauthlib`,
                   `django-redis`) are normal and not matched;
- swapped letters, doubled letter, dropped letter, one edit, two edits
                   Damerau-Levenshtein distance, with slack by length and rank (``_edits_allowed``):
                   among short names nearly every edit is another real project, so popular names
                   under six letters get none (only swaps, lookalikes and repeated letters), six to
                   eight letters one edit if well ranked, two edits only for long names in the top
                   1,000 and only if the first three letters are kept. Words that many popular
                   names share (`django-`, `types-`, `-client`, found from the list itself) are a
                   namespace: only the rest is measured, so `django-filters` near `django-filter`
                   counts but `django-ses` near `django-sass` does not;
- a misspelt first word followed by others (`matplatlib-plus`), one edit from a top-1,000 name.

Policy for names that are popular themselves. A popular name never matches itself, and a popular
project is not flagged for resembling a *less* popular one (`boto3` is not a squat of `boto`).
Popular pairs one edit or one affix apart are common and legitimate (`pyyaml`/`pyaml`,
`jinja2`/`jinja`, `pymysql`/`mysql`: about 6% of popular names have such a neighbour), yet a squat
can gather enough downloads from mistyped installs and mirrors to enter the list. So a popular
name is flagged only when it is outside the ``ESTABLISHED_TOP`` most downloaded, its target is at
least ``POPULAR_SQUAT_RANK_RATIO`` times more downloaded, and the technique is a precise one
(separator, homoglyph, swapped letters). bench/typosquat.py measures and lists what this flags.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from packaging.utils import NormalizedName, canonicalize_name

from interlock.intel.popular import PopularNames, is_project_name, shipped_popular_names

POPULAR_SQUAT_RANK_RATIO = 20
"""A popular name can squat another popular name only if that one is this many times better ranked."""
ESTABLISHED_TOP = 1000
"""The most downloaded projects are never flagged as squats of anything."""
MAX_NAME_LENGTH = 1000
"""Longer input is refused as not a project name (nothing popular is near it anyway)."""

_ASCII_LOOKALIKES = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("i", "l"))
_PREFIXES = ("python-", "python", "py-", "py")
_SUFFIXES = (
    "-python",
    "python",
    "-py",
    "py",
    "-dev",
    "-sdk",
    "-lib",
    "-api",
    "dev",
    "sdk",
    "lib",
    "api",
    "-2",
    "-3",
    "2",
    "3",
)
_MIN_PADDED_CORE = 4
"""Padding is only matched around a popular name at least this long: `py` + `six` is no signal."""
_MIN_LOOKALIKE_KEY = 4
"""Lookalikes, repeated and swapped letters are only matched in names at least this long."""
NAMESPACE_MIN_NAMES = 3
"""A word that begins (or ends) at least this many popular names is a namespace, like `django-` or `-client`."""
MISSPELT_HEAD_MIN_LENGTH = 8
MISSPELT_HEAD_TOP = 1000
"""Leading words followed by others count as a misspelt popular name when at least MISSPELT_HEAD_MIN_LENGTH
letters long and one edit from one of the MISSPELT_HEAD_TOP most downloaded."""
_RUNS = re.compile(r"(.)\1+")
ONE_EDIT_TOP_BY_LENGTH = {6: 5000, 7: 10000, 8: 10000}
"""Popular names of these lengths get one edit only when ranked within the limit; shorter names get none,
longer ones get it whatever their rank (shorter names have more innocent neighbours)."""
TWO_EDITS_MIN_LENGTH = 8
TWO_EDITS_TOP = 1000
"""Two edits are granted to names at least TWO_EDITS_MIN_LENGTH long among the TWO_EDITS_TOP most downloaded."""
_TWO_EDITS_KEPT_START = 3
"""Two edits must leave the first letters alone: typing slips rarely hit them, and a new start reads as a new word."""


class Technique(StrEnum):
    SEPARATOR = "separator"
    HOMOGLYPH = "homoglyph"
    PADDING = "prefix/suffix padding"
    SWAPPED = "swapped letters"
    DOUBLED = "doubled letter"
    DROPPED = "dropped letter"
    ONE_EDIT = "one edit"
    TWO_EDITS = "two edits"


_PRECISE = frozenset({Technique.SEPARATOR, Technique.HOMOGLYPH, Technique.SWAPPED})
"""The techniques by which one popular name may still be flagged as imitating another."""
_ORDER = {technique: position for position, technique in enumerate(Technique)}


@dataclass(frozen=True)
class SquatMatch:
    """A name that imitates a popular project's name."""

    name: str
    """The checked name, canonicalised (Unicode lookalikes kept as given)."""
    imitates: NormalizedName
    """The popular project it imitates."""
    rank: int
    """That project's download rank (1 = most downloaded)."""
    technique: Technique
    """How it imitates it."""
    explanation: str
    """One line for a person: what was changed."""


def find_squat(name: str, popular: PopularNames | None = None) -> SquatMatch | None:
    """The popular project ``name`` imitates, or None (see the module's policy for popular names).

    Raises ValueError when ``name`` is not a project name (empty, too long, characters no
    project name can have even after reading Unicode lookalikes as ASCII).
    """
    popular = popular if popular is not None else shipped_popular_names()
    matches = near_misses(name, popular)
    own_rank = popular.ranks.get(canonicalize_name(name)) if name.isascii() else None
    for match in matches:
        if _may_flag(match, own_rank):
            return match
    return None


def near_misses(name: str, popular: PopularNames | None = None) -> list[SquatMatch]:
    """Every popular project ``name`` is a near miss of, most telling first, whatever ``name``'s own rank.

    Raises ValueError as ``find_squat`` does.
    """
    popular = popular if popular is not None else shipped_popular_names()
    folded, lookalikes = _fold(name)
    canonical = canonicalize_name(folded)
    shown = canonicalize_name(name) if not lookalikes else name.lower()
    own_rank = popular.ranks.get(canonical)
    if lookalikes and own_rank is not None:
        explanation = (
            f"{shown!r} spells {canonical!r} (rank {own_rank}) with lookalike characters {_quoted(lookalikes)}"
        )
        return [SquatMatch(shown, canonical, own_rank, Technique.HOMOGLYPH, explanation)]
    best: dict[NormalizedName, _Candidate] = {}
    for candidate in _index_for(popular).candidates(canonical):
        known = best.get(candidate.target)
        if known is None or candidate.sort_key < known.sort_key:
            best[candidate.target] = candidate
    matches = []
    for candidate in sorted(best.values(), key=lambda candidate: candidate.sort_key):
        explanation = candidate.explain(shown)
        if lookalikes:
            explanation += f", written with lookalike characters {_quoted(lookalikes)}"
        matches.append(SquatMatch(shown, candidate.target, candidate.rank, candidate.technique, explanation))
    return matches


def _may_flag(match: SquatMatch, own_rank: int | None) -> bool:
    if own_rank is None:
        return True
    return (
        own_rank > ESTABLISHED_TOP and match.technique in _PRECISE and match.rank * POPULAR_SQUAT_RANK_RATIO <= own_rank
    )


def _fold(name: str) -> tuple[str, str]:
    """``name`` in ASCII with Unicode lookalikes replaced, and the lookalikes found; ValueError if not a name."""
    if not isinstance(name, str) or not name:
        raise ValueError("empty project name")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"project name longer than {MAX_NAME_LENGTH} characters: {name[:40]!r}...")
    if name.isascii():
        folded, lookalikes = name, ""
    else:
        letters = []
        for char in unicodedata.normalize("NFKC", name):
            ascii_char = char if char.isascii() else _ascii_lookalike(char)
            if ascii_char is None:
                raise ValueError(f"not a valid project name: {name[:80]!r} ({char!r} is not a letter a name can have)")
            letters.append(ascii_char)
        folded = "".join(letters)
        lookalikes = "".join(char for char in name if not char.isascii())
    if not is_project_name(folded):
        raise ValueError(f"not a valid project name: {name[:80]!r}")
    return folded, lookalikes


@lru_cache(maxsize=4096)
def _ascii_lookalike(char: str) -> str | None:
    """The ASCII letter, digit or separator a Unicode character imitates (UTS #39 confusables)."""
    # Imported here, like rapidfuzz below: listing the rules (`interlock rules`) needs neither.
    from confusable_homoglyphs.confusables import confusables_data

    for variant in (char, char.lower()):
        for glyph in confusables_data.get(variant, ()):
            ascii_char = glyph["c"]
            if len(ascii_char) == 1 and ascii_char.isascii() and (ascii_char.isalnum() or ascii_char in "-_."):
                return ascii_char.lower()
    return None


def _quoted(chars: str) -> str:
    return ", ".join(f"{char!r} (U+{ord(char):04X})" for char in dict.fromkeys(chars))


def _key(canonical: str) -> str:
    """The letters of a canonical name without separators."""
    return canonical.replace("-", "")


def _skeleton(key: str) -> str:
    for lookalike, letter in _ASCII_LOOKALIKES:
        key = key.replace(lookalike, letter)
    return key


def _collapsed(key: str) -> str:
    """``key`` with every run of one letter written once: `selleniumm` -> `selenium`."""
    return _RUNS.sub(r"\1", key)


def _edits_allowed(length: int, rank: int) -> int:
    """Edits a near miss may have, by the length of the part of the popular name it imitates and its rank.

    Every edit widens the net over the whole list: among short names nearly every edit is another
    real project, and two edits only stay rare coincidences for long names worth an attacker's effort.
    """
    if length < min(ONE_EDIT_TOP_BY_LENGTH) or rank > ONE_EDIT_TOP_BY_LENGTH.get(length, rank):
        return 0
    if length >= TWO_EDITS_MIN_LENGTH and rank <= TWO_EDITS_TOP:
        return 2
    return 1


@dataclass(frozen=True)
class _Candidate:
    target: NormalizedName
    rank: int
    technique: Technique
    detail: str
    """What was changed, for the explanation (the affix, the letters)."""
    partial: bool = False
    """Only the leading words imitate the popular name (weaker than a whole-name match)."""

    @property
    def sort_key(self) -> tuple[bool, int, int]:
        return self.partial, _ORDER[self.technique], self.rank

    def explain(self, shown: str) -> str:
        target = f"{self.target!r} (rank {self.rank})"
        match self.technique:
            case Technique.SEPARATOR:
                return f"{shown!r} is {target} with different separators"
            case Technique.HOMOGLYPH:
                return f"{shown!r} reads as {target} once lookalike letters ({self.detail}) are read alike"
            case Technique.PADDING:
                return f"{shown!r} is {target} padded with {self.detail!r}"
            case _:
                return f"{shown!r} is {target} with {self.detail}"


class _Index:
    """Lookups over one popular-name list: exact keys for the structured techniques, lengths for edits."""

    def __init__(self, popular: PopularNames) -> None:
        self.ranks = popular.ranks
        self.by_key: dict[str, list[NormalizedName]] = defaultdict(list)
        self.by_skeleton: dict[str, list[NormalizedName]] = defaultdict(list)
        self.by_collapsed: dict[str, list[NormalizedName]] = defaultdict(list)
        keys_by_length: dict[int, set[str]] = defaultdict(set)
        top_keys_by_length: dict[int, set[str]] = defaultdict(set)
        leading, trailing = Counter[str](), Counter[str]()
        for name, rank in sorted(popular.ranks.items(), key=lambda item: item[1]):
            key = _key(name)
            self.by_key[key].append(name)
            self.by_skeleton[_skeleton(key)].append(name)
            self.by_collapsed[_collapsed(key)].append(name)
            keys_by_length[len(key)].add(key)
            if rank <= MISSPELT_HEAD_TOP:
                top_keys_by_length[len(key)].add(key)
            if "-" in name:
                leading[name.split("-", 1)[0]] += 1
                trailing[name.rsplit("-", 1)[1]] += 1
        self.keys_by_length = {length: sorted(keys) for length, keys in keys_by_length.items()}
        self.top_keys_by_length = {length: sorted(keys) for length, keys in top_keys_by_length.items()}
        self.leading_words = frozenset(word for word, count in leading.items() if count >= NAMESPACE_MIN_NAMES)
        self.trailing_words = frozenset(word for word, count in trailing.items() if count >= NAMESPACE_MIN_NAMES)

    def candidates(self, canonical: str) -> Iterator[_Candidate]:
        key = _key(canonical)
        yield from self._lookalikes(canonical, key)
        yield from self._padding(canonical)
        yield from self._edits(canonical, key)
        yield from self._misspelt_head(canonical)

    def _candidate(self, target: NormalizedName, technique: Technique, detail: str) -> _Candidate:
        return _Candidate(target, self.ranks[target], technique, detail)

    def _lookalikes(self, canonical: str, key: str) -> Iterator[_Candidate]:
        """Exact matches once separators, ASCII lookalikes or repeated letters are set aside."""
        for target in self.by_key.get(key, ()):
            if target != canonical:
                yield self._candidate(target, Technique.SEPARATOR, "")
        if len(key) >= _MIN_LOOKALIKE_KEY:
            for target in self.by_skeleton.get(_skeleton(key), ()):
                if _key(target) != key:
                    yield self._candidate(target, Technique.HOMOGLYPH, "0/o, 1/l/i, rn/m, vv/w")
            for target in self.by_collapsed.get(_collapsed(key), ()):
                target_key = _key(target)
                if target_key != key and len(target_key) >= _MIN_LOOKALIKE_KEY:
                    if len(key) < len(target_key):
                        yield self._candidate(target, Technique.DROPPED, "a doubled letter written once")
                    else:
                        yield self._candidate(target, Technique.DOUBLED, "letters doubled")

    def _padding(self, canonical: str) -> Iterator[_Candidate]:
        for core, affix in _unpadded(canonical):
            if len(_key(core)) < _MIN_PADDED_CORE:
                continue
            for target in self.by_key.get(_key(core), ()):
                if target != canonical:
                    yield self._candidate(target, Technique.PADDING, affix)

    def _edits(self, canonical: str, key: str) -> Iterator[_Candidate]:
        """Popular names within the edits ``_edits_allowed`` grants."""
        for target_key, distance in self._near_keys(key, self.keys_by_length):
            for target in self.by_key[target_key]:
                technique, detail = _edit_kind(key, target_key, distance)
                if technique is Technique.SWAPPED:
                    allowed = len(target_key) >= _MIN_LOOKALIKE_KEY
                else:
                    within = distance <= _edits_allowed(self._differing_length(canonical, target), self.ranks[target])
                    same_start = key[:_TWO_EDITS_KEPT_START] == target_key[:_TWO_EDITS_KEPT_START]
                    allowed = within and (distance == 1 or same_start)
                if allowed:
                    yield self._candidate(target, technique, detail)

    def _misspelt_head(self, canonical: str) -> Iterator[_Candidate]:
        """`matplatlib-plus`: leading words one edit from a much-used popular name, then other words.

        Plugins that spell the popular name right (`requests-oauthlib`) are normal and not matched.
        """
        head, _, tail = canonical.partition("-")
        if not tail or len(head) < MISSPELT_HEAD_MIN_LENGTH or head in self.by_key:
            return
        for target_key, distance in self._near_keys(head, self.top_keys_by_length):
            ending = target_key.startswith(head) or head.startswith(target_key)
            if distance == 1 and not ending:  # `accelerated-` from `accelerate` is a word, not a typo
                target = self.by_key[target_key][0]
                technique, detail = _edit_kind(head, target_key, distance)
                yield _Candidate(target, self.ranks[target], technique, f"{detail}, then '-{tail}'", partial=True)

    @staticmethod
    def _near_keys(key: str, keys_by_length: dict[int, list[str]]) -> Iterator[tuple[str, int]]:
        """Keys within two edits of ``key`` (compared only with keys of a length two edits can reach)."""
        from rapidfuzz import process
        from rapidfuzz.distance import DamerauLevenshtein

        for length in range(len(key) - 2, len(key) + 3):
            keys = keys_by_length.get(length)
            if keys:
                for target_key, distance, _ in process.extract(
                    key, keys, scorer=DamerauLevenshtein.distance, score_cutoff=2, limit=None
                ):
                    if distance:
                        yield target_key, distance

    def _differing_length(self, candidate: str, target: str) -> int:
        """Letters of the target outside the namespace words it shares with the candidate.

        A namespace word is one many popular names share (`django-`, `types-`, `-client`): after
        `django-` only `filter` tells `django-filters` from `django-filter`, while in `bip-util` the
        whole of `bip-utils` is the name imitated.
        """
        ours, theirs = candidate.split("-"), target.split("-")
        while len(ours) > 1 and len(theirs) > 1 and ours[0] == theirs[0] and ours[0] in self.leading_words:
            ours, theirs = ours[1:], theirs[1:]
        while len(ours) > 1 and len(theirs) > 1 and ours[-1] == theirs[-1] and ours[-1] in self.trailing_words:
            ours, theirs = ours[:-1], theirs[:-1]
        return len("".join(theirs))


def _unpadded(canonical: str) -> Iterator[tuple[str, str]]:
    """(core, affix) for each deceptive affix ``canonical`` carries."""
    for prefix in _PREFIXES:
        if canonical.startswith(prefix) and len(canonical) > len(prefix):
            yield canonical[len(prefix) :].lstrip("-"), prefix
    for suffix in _SUFFIXES:
        if canonical.endswith(suffix) and len(canonical) > len(suffix):
            yield canonical[: -len(suffix)].rstrip("-"), suffix


def _edit_kind(ours: str, theirs: str, distance: int) -> tuple[Technique, str]:
    """Name the single edit between two keys, or call it two edits."""
    if distance != 1:
        return Technique.TWO_EDITS, "two letters changed"
    at = next((i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b), min(len(ours), len(theirs)))
    if len(ours) == len(theirs):
        if at + 1 < len(ours) and ours[at] == theirs[at + 1] and ours[at + 1] == theirs[at]:
            return Technique.SWAPPED, f"{theirs[at : at + 2]!r} swapped to {ours[at : at + 2]!r}"
        return Technique.ONE_EDIT, f"{theirs[at]!r} replaced by {ours[at]!r}"
    if len(ours) > len(theirs):
        added = ours[at]
        if added in theirs[max(at - 1, 0) : at + 1]:
            return Technique.DOUBLED, f"{added!r} doubled"
        return Technique.ONE_EDIT, f"{added!r} added"
    return Technique.DROPPED, f"{theirs[at]!r} dropped"


@lru_cache(maxsize=4)
def _index_for(popular: PopularNames) -> _Index:
    return _Index(popular)
