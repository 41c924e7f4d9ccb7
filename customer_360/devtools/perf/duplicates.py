"""Benchmark of the pure duplicate finder (core.duplicates) on synthetic customers; no Frappe needed.

python -m customer_360.devtools.perf.duplicates
"""

from __future__ import annotations

import time

from customer_360.core.duplicates import CustomerRecord, find_matches, group_matches


def synthetic_records(n: int, seed: int = 42, duplicate_share: float = 0.03) -> list[CustomerRecord]:
	"""Customers for the benchmark: companies and people with unique contacts, a generic email shared by
	about 1% of them, and `duplicate_share` re-typed copies (name typos, legal forms, reformatted phones)."""
	import random

	rnd = random.Random(seed)
	syllables = (
		"ka ro ve lin tor mex sa pi qu an del fo rux ta bri cor ne zol um hal vi sto gra pe lo".split()
	)
	kinds = "Trading Services Foods Logistics Systems Textiles Motors Pharma Builders Consulting".split()
	forms = ["Ltd", "Limited", "LLC", "GmbH", "Inc.", "", "", ""]
	first = "John Mary Ahmed Priya Wei Olga Carlos Fatima Lars Aiko Musa Elena".split()
	last = "Smith Patel Nguyen Garcia Müller Kowalski Okafor Rossi Tanaka Silva Cohen Novak".split()
	streets = [f"{rnd.choice(syllables).title()}{rnd.choice(syllables)} Street" for _ in range(400)]
	cities = "London Pune Berlin Lagos Austin Lyon Osaka Lima".split()
	records = []
	for i in range(n):
		if rnd.random() < 0.2:
			customer_name = f"{rnd.choice(first)} {rnd.choice(last)}"
		else:
			word = "".join(rnd.choice(syllables) for _ in range(rnd.randint(2, 4))).title()
			customer_name = f"{word} {rnd.choice(kinds)} {rnd.choice(forms)}".strip()
		generic = rnd.random() < 0.01
		email = "info@gmail.com" if generic else f"buyer{i}@example{i % 97}.com"
		phone = f"+44 {rnd.randint(1000, 9999)} {rnd.randint(100000, 999999)}"
		address = (
			f"{rnd.randint(1, 300)} {rnd.choice(streets)}, {rnd.choice(cities)}, {rnd.randint(10000, 99999)}"
		)
		tax_id = f"GB{rnd.randint(10**8, 10**9 - 1)}" if rnd.random() < 0.3 else None
		records.append(CustomerRecord(f"CUST-{i:06d}", customer_name, (email,), (phone,), tax_id, (address,)))
	for j in range(int(n * duplicate_share)):
		src = rnd.choice(records)
		name = src.customer_name
		if rnd.random() < 0.5:
			k = rnd.randrange(len(name))
			name = name[:k] + rnd.choice("aeiou") + name[k + 1 :]
		phone = src.phones[0].replace("+44 ", "0") if rnd.random() < 0.6 else src.phones[0]
		records.append(
			CustomerRecord(
				f"DUP-{j:06d}",
				name.upper() if rnd.random() < 0.3 else name,
				src.emails if rnd.random() < 0.7 else (f"other{j}@mail.com",),
				(phone,),
				src.tax_id if rnd.random() < 0.5 else None,
				src.addresses if rnd.random() < 0.5 else (),
			)
		)
	return records


def benchmark(n: int = 50_000) -> float:
	"""Seconds for find_matches + group_matches on `n` synthetic customers (building them is not timed)."""
	records = synthetic_records(n)
	skipped: dict[str, int] = {}
	start = time.perf_counter()
	matches = find_matches(records, skipped=skipped)
	groups = group_matches(matches)
	seconds = time.perf_counter() - start
	print(
		f"{len(records)} customers: {len(matches)} matches in {len(groups)} groups, skipped blocks {skipped}"
	)
	print(f"find_matches + group_matches: {seconds:.2f}s")
	return seconds


if __name__ == "__main__":  # python -m customer_360.devtools.perf.duplicates
	benchmark()
