"""Duplicate customers: normalisation, blocking, scoring and grouping. Pure Python.

The Frappe adapter reads each Customer with its contacts' emails and phones, its tax id and its addresses as
one `CustomerRecord`, then calls `find_matches` + `group_matches` for the duplicates report and
`duplicates_of` for the warning on the Customer form.

Why blocking: comparing every pair of 50,000 customers is 1.25 billion comparisons. Instead each record gets a
few blocking keys (normalised email, phone, tax id, address and some name keys) and only records sharing a
key are compared. A key shared by a crowd (info@ on 5,000 customers, a call centre's number) says nothing
about any one pair and would cost millions of comparisons, so a block larger than `max_block` is skipped and
reported to the caller (`skipped`), and in `find_matches` its value stops counting as evidence.

Scoring, in points, clamped to 0..100 (DEFAULT_THRESHOLD = 60):
- same tax id +60: one legal entity, enough on its own;
- same email +45, same phone +35, same address +25: each is shared by colleagues, relatives or a building, so
  none is enough alone, but any two are (address + phone = 60);
- names alike +20..+40: 20 at token_sort_ratio 85 rising to 40 for the same name. Never enough alone (two
  customers called "John Smith" are two people) but it tips a shared email, phone or address over the line;
- different tax ids -20: two legal entities, whatever else they share (a bookkeeper's email on every client).
Every positive signal except the name is an exact blocking key and the name gives at most 40, so any pair
scoring above 40 shares a key: blocking loses no pair that could reach the default threshold.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from rapidfuzz import fuzz

DEFAULT_THRESHOLD = 60
DEFAULT_MAX_BLOCK = 200

TAX_ID_POINTS = 60
EMAIL_POINTS = 45
PHONE_POINTS = 35
ADDRESS_POINTS = 25
NAME_MIN_RATIO = 85
NAME_MIN_POINTS = 20
NAME_MAX_POINTS = 40
DIFFERENT_TAX_ID_POINTS = -20

# Words that say what kind of company it is, not which one: "Acme Ltd" and "ACME Limited" are the same name.
# "and" goes with "&" so "Smith & Sons" and "Smith and Sons" agree.
LEGAL_FORMS = frozenset(
	"ltd limited llc inc incorporated gmbh ag sa sarl srl bv nv plc pvt private co corp corporation company"
	" the and".split()
)
# Address words written several ways; the short form wins.
ADDRESS_ABBREVIATIONS = {
	"street": "st",
	"road": "rd",
	"avenue": "ave",
	"av": "ave",
	"drive": "dr",
	"lane": "ln",
	"boulevard": "blvd",
	"place": "pl",
	"square": "sq",
	"court": "ct",
	"highway": "hwy",
	"floor": "fl",
	"suite": "ste",
	"apartment": "apt",
	"building": "bldg",
}
# What people type into a mandatory tax id field when there is none; equal placeholders prove nothing.
_TAX_ID_PLACEHOLDERS = frozenset({"NONE", "NULL", "NOTAPPLICABLE", "UNKNOWN", "PENDING", "TEST"})
_NAME_PREFIX = 6
# Keys whose value is evidence in scoring; the name keys only bring candidates together.
_EVIDENCE_KINDS = ("e", "p", "t", "a")

_DOTTED = re.compile(r"\b\w(?:\.\w)+\b\.?")  # s.a. / a.b.c -> sa / abc, before dots become spaces
_NON_WORD = re.compile(r"[\W_]+")
_SPACE = re.compile(r"\s")
_NON_DIGIT = re.compile(r"\D")
_NON_ALNUM = re.compile(r"[^0-9A-Z]")


def _fold(s: str) -> str:
	"""Casefold and drop accents: "Müller" -> "muller", "Straße" -> "strasse"."""
	s = s.casefold()
	if s.isascii():
		return s  # most names and addresses: skip the costly decomposition
	decomposed = unicodedata.normalize("NFKD", s)
	return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_email(s: str | None) -> str | None:
	"""Lowercased, trimmed address; None when it is not one. Dots and +tags are kept: for business
	addresses "a.b@acme.com" and "ab@acme.com" are usually two people."""
	if not s:
		return None
	email = s.strip().lower()
	local, at, domain = email.partition("@")
	if not at or not local or not domain or "@" in domain or _SPACE.search(email):
		return None
	return email


def normalize_phone(s: str | None) -> str | None:
	"""The significant digits of a phone number, so that one number written several ways agrees.

	Keeps the last 9 digits, which drops country codes and the "+" / "00" international marker, then the
	leading zeros (a national trunk "0" or what is left of "00"): "+44 20 7946 0958", "020 7946 0958" and
	"0044-20-79460958" all give "79460958". Dropping the zeros also makes the result a fixed point, so a
	stored normalised number normalises to itself. None below 6 significant digits (extensions, junk).
	"""
	if not s:
		return None
	digits = _NON_DIGIT.sub("", s)[-9:].lstrip("0")
	return digits if len(digits) >= 6 else None


def normalize_tax_id(s: str | None) -> str | None:
	"""Uppercase letters and digits only: "gb 123-456 789" -> "GB123456789". None for short values and
	placeholders ("N/A", "0000000", "NONE") that many customers share without being one."""
	if not s:
		return None
	tax_id = _NON_ALNUM.sub("", s.upper())
	if len(tax_id) < 4 or len(set(tax_id)) == 1 or tax_id in _TAX_ID_PLACEHOLDERS:
		return None
	return tax_id


def normalize_name(s: str | None) -> str:
	"""Lowercase, accent-free, punctuation-free name without legal-form words: "The Acme Co., Ltd." -> "acme"."""
	if not s:
		return ""
	text = _DOTTED.sub(lambda m: m.group().replace(".", ""), _fold(s))
	tokens = _NON_WORD.sub(" ", text).split()
	significant = [t for t in tokens if t not in LEGAL_FORMS]
	# A name made only of legal words ("The Company") is still a name; keep it rather than return "".
	return " ".join(significant or tokens)


def normalize_address(s: str | None) -> str | None:
	"""Lowercase, punctuation-free address with common abbreviations unified. None for empty or one-word
	addresses: a bare city or country is shared by thousands of customers and identifies nobody."""
	if not s:
		return None
	tokens = [ADDRESS_ABBREVIATIONS.get(t, t) for t in _NON_WORD.sub(" ", _fold(s)).split()]
	return " ".join(tokens) if len(tokens) >= 2 else None


@dataclass(frozen=True)
class CustomerRecord:
	name: str
	customer_name: str
	emails: tuple[str, ...] = ()
	phones: tuple[str, ...] = ()
	tax_id: str | None = None
	addresses: tuple[str, ...] = ()  # free text "line1, city, pincode"
	disabled: bool = False


@dataclass(frozen=True)
class _Profile:
	"""A record's normalised values, computed once per record rather than once per pair."""

	name: str
	emails: frozenset[str]
	phones: frozenset[str]
	tax_id: str | None
	addresses: frozenset[str]
	customer_name: str  # normalised


def _values(normalize, raw: Iterable[str]) -> frozenset[str]:
	return frozenset(v for v in map(normalize, raw) if v)


def _profile(record: CustomerRecord) -> _Profile:
	return _Profile(
		name=record.name,
		emails=_values(normalize_email, record.emails),
		phones=_values(normalize_phone, record.phones),
		tax_id=normalize_tax_id(record.tax_id),
		addresses=_values(normalize_address, record.addresses),
		customer_name=normalize_name(record.customer_name),
	)


def _keys(p: _Profile) -> set[str]:
	# Exact evidence: two records sharing one of these are worth scoring whatever their names say.
	keys = {"e:" + e for e in p.emails}
	keys.update("p:" + ph for ph in p.phones)
	keys.update("a:" + a for a in p.addresses)
	if p.tax_id:
		keys.add("t:" + p.tax_id)
	tokens = p.customer_name.split()
	if tokens:
		# The first two words in either order: "Widgets Acme" ~ "Acme Widgets Europe".
		keys.add("n:" + " ".join(sorted(tokens[:2])))
		# All words sorted, for longer names reordered beyond the first two words.
		if len(tokens) > 2:
			keys.add("ns:" + " ".join(sorted(tokens)))
		# The first letters without spaces: a typo late in the name ("Acme Widgetz") or different spacing
		# ("AcmeWidgets"). A typo in the first letters of a reordered name is not found; that is the price
		# of not comparing everything with everything.
		joined = "".join(tokens)
		if len(joined) >= _NAME_PREFIX:
			keys.add("np:" + joined[:_NAME_PREFIX])
	return keys


def blocking_keys(record: CustomerRecord) -> set[str]:
	"""Keys such that likely duplicates share at least one: "e:<email>", "p:<phone>", "t:<tax id>",
	"a:<address>", and the name keys "n:<first two words sorted>", "ns:<all words sorted>", "np:<prefix>"."""
	return _keys(_profile(record))


def _pairs(
	profiles: Iterable[_Profile], max_block: int, skipped: dict[str, int] | None, names: bool = True
) -> set[tuple[str, str]]:
	blocks: dict[str, set[str]] = defaultdict(set)
	for p in profiles:
		for key in _keys(p):
			if names or key.split(":", 1)[0] in _EVIDENCE_KINDS:
				blocks[key].add(p.name)
	pairs: set[tuple[str, str]] = set()
	for key, names in blocks.items():
		if len(names) < 2:
			continue
		if len(names) > max_block:
			if skipped is not None:
				skipped[key] = len(names)
			continue
		pairs.update(combinations(sorted(names), 2))
	return pairs


def candidate_pairs(
	records: Iterable[CustomerRecord],
	max_block: int = DEFAULT_MAX_BLOCK,
	skipped: dict[str, int] | None = None,
) -> set[tuple[str, str]]:
	"""Pairs of customer names (a < b) that share a blocking key.

	Blocks with more than `max_block` customers are left out; pass a dict as `skipped` to receive them as
	{key: number of customers}, e.g. {"e:info@acme.com": 5000}, so the report can say which values were
	too common to use.
	"""
	return _pairs(map(_profile, records), max_block, skipped)


@dataclass
class Match:
	a: str  # the two customer names, a < b, so a pair reads the same whichever way it was scored
	b: str
	score: int
	reasons: list[str] = field(default_factory=list)

	def other(self, name: str) -> str:
		return self.b if name == self.a else self.a


def _score(x: _Profile, y: _Profile, ignore: frozenset[str] = frozenset()) -> Match:
	points = 0
	reasons = []
	penalty = None
	if x.tax_id and y.tax_id:
		if x.tax_id != y.tax_id:
			penalty = "different tax ids"
		elif "t:" + x.tax_id not in ignore:
			points += TAX_ID_POINTS
			reasons.append("same tax id")
	emails = sorted(e for e in x.emails & y.emails if "e:" + e not in ignore)
	if emails:
		points += EMAIL_POINTS
		reasons.append(f"same email {emails[0]}")
	phones = sorted(p for p in x.phones & y.phones if "p:" + p not in ignore)
	if phones:
		points += PHONE_POINTS
		reasons.append(f"same phone …{phones[0][-4:]}")
	if any("a:" + a not in ignore for a in x.addresses & y.addresses):
		points += ADDRESS_POINTS
		reasons.append("same address")
	if x.customer_name and y.customer_name:
		ratio = fuzz.token_sort_ratio(x.customer_name, y.customer_name, score_cutoff=NAME_MIN_RATIO)
		if ratio:
			span = NAME_MAX_POINTS - NAME_MIN_POINTS
			points += round(NAME_MIN_POINTS + (ratio - NAME_MIN_RATIO) * span / (100 - NAME_MIN_RATIO))
			reasons.append("same name" if ratio >= 100 else f"names {int(ratio)}% alike")
	if penalty:
		points += DIFFERENT_TAX_ID_POINTS
		reasons.append(penalty)
	a, b = sorted((x.name, y.name))
	return Match(a, b, max(0, min(100, points)), reasons)


def score_pair(a: CustomerRecord, b: CustomerRecord) -> Match:
	"""How likely `a` and `b` are one customer, with the reasons. Symmetric."""
	return _score(_profile(a), _profile(b))


def _by_score(m: Match):
	return (-m.score, m.a, m.b)


def find_matches(
	records: Iterable[CustomerRecord],
	threshold: int = DEFAULT_THRESHOLD,
	*,
	max_block: int = DEFAULT_MAX_BLOCK,
	skipped: dict[str, int] | None = None,
) -> list[Match]:
	"""Pairs scoring at least `threshold`, best first. Values of skipped (oversized) blocks, such as a
	shared info@ address, do not count as evidence either: see `candidate_pairs` for `skipped`."""
	profiles = {r.name: _profile(r) for r in records}
	too_common: dict[str, int] = {}
	# A similar name alone scores at most NAME_MAX_POINTS, so above that a pair must share an exact key and
	# the name blocks (the bulk of the candidates) can only bring pairs that fail the threshold.
	pairs = _pairs(profiles.values(), max_block, too_common, names=threshold <= NAME_MAX_POINTS)
	ignore = frozenset(k for k in too_common if k.split(":", 1)[0] in _EVIDENCE_KINDS)
	if skipped is not None:
		skipped.update(too_common)
	matches = []
	for a, b in pairs:
		m = _score(profiles[a], profiles[b], ignore)
		if m.score >= threshold:
			matches.append(m)
	return sorted(matches, key=_by_score)


@dataclass
class Group:
	names: list[str]  # sorted
	score: int  # the best pair score inside the group
	matches: list[Match]


def group_matches(matches: Iterable[Match]) -> list[Group]:
	"""Customers linked by matches, transitively (a~b and b~c put a, b and c in one group)."""
	parent: dict[str, str] = {}

	def root(n: str) -> str:
		parent.setdefault(n, n)
		while parent[n] != n:
			parent[n] = parent[parent[n]]  # path halving keeps chains short
			n = parent[n]
		return n

	matches = list(matches)
	for m in matches:
		ra, rb = root(m.a), root(m.b)
		if ra != rb:
			parent[max(ra, rb)] = min(ra, rb)
	members: dict[str, list[Match]] = defaultdict(list)
	for m in matches:
		members[root(m.a)].append(m)
	groups = []
	for group_matches_ in members.values():
		names = sorted({n for m in group_matches_ for n in (m.a, m.b)})
		ordered = sorted(group_matches_, key=_by_score)
		groups.append(Group(names, ordered[0].score, ordered))
	return sorted(groups, key=lambda g: (-g.score, g.names[0]))


def duplicates_of(
	record: CustomerRecord, others: Iterable[CustomerRecord], threshold: int = DEFAULT_THRESHOLD
) -> list[Match]:
	"""Likely duplicates of one customer (the form warning), best first. `others` may include the record
	itself; the adapter can pass just the customers sharing an email, phone, tax id, address or name."""
	me = _profile(record)
	my_keys = _keys(me)
	found = []
	for other in others:
		if other.name == record.name:
			continue
		them = _profile(other)
		if my_keys.isdisjoint(_keys(them)):
			continue
		m = _score(me, them)
		if m.score >= threshold:
			found.append(m)
	return sorted(found, key=lambda m: (-m.score, m.other(record.name)))
