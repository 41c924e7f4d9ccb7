"""Merge benchmark: our merge vs ERPNext's `frappe.rename_doc("Customer", loser, survivor, merge=True)` on two
identical copies of the same data, side by side.

Each side gets a survivor and a loser; the loser has `docs` linked documents, the survivor a tenth of that.
The documents are clones, written with INSERT ... SELECT, of one real submitted Sales Invoice and one real
Payment Entry made through ERPNext (header, child rows, GL Entries and Payment Ledger Entries, re-pointed
to the clone and the customer), plus Customer Notes, emails (Communication + timeline link), ToDos, Comments
and Files in ERPNext's own tables. Both merges then run in this process, timed, and the rows linked to each
survivor afterwards are counted the same way, so the two results can be compared.

`benchmark_merge(docs)` enqueues the run and returns at once (the job reports progress); `run_benchmark`
runs it in the caller (the bench command prints the figures).
"""

from __future__ import annotations

import time

import frappe
from frappe.utils import getdate, nowdate, random_string

from customer_360.devtools.perf.common import ensure_customer
from customer_360.devtools.seed.ledger_clone import insert_rows
from customer_360.devtools.seed.scale import default_company, voucher_templates
from customer_360.merge import job, links, lock

JOB_ID = "customer_360:merge_benchmark"
RESULT_KEY = "customer_360:merge_benchmark_result"
TEMPLATE_CUSTOMER = "C360 Merge Bench Template"
TITLE = "Customer 360 merge benchmark"
# Share of the loser's documents per kind (vouchers bring their GL and Payment Ledger rows along).
MIX = {
	"Sales Invoice": 0.5,
	"Payment Entry": 0.1,
	"Customer Note": 0.1,
	"Communication": 0.1,
	"ToDo": 0.1,
	"Comment": 0.05,
	"File": 0.05,
}


def benchmark_merge(docs: int = 10_000) -> dict:
	"""Enqueue the benchmark (queue long) and return at once; progress is published as TITLE."""
	frappe.enqueue(
		"customer_360.devtools.perf.merge.run_benchmark",
		queue="long",
		timeout=4 * 3600,
		job_id=JOB_ID,
		deduplicate=True,
		docs=int(docs),
	)
	return {"job_id": JOB_ID, "docs": int(docs), "result_key": RESULT_KEY}


def _progress(percent: float, description: str) -> None:
	try:
		frappe.publish_progress(percent, title=TITLE, description=description)
	except Exception:
		pass


# ---------------------------------------------------------------- data


def _templates() -> dict[str, str]:
	"""One real submitted invoice and its payment (seed-scale's templates), made once and reused by every run."""
	customer = ensure_customer(TEMPLATE_CUSTOMER)
	found = {
		dt: frappe.db.get_value(dt, {field: customer, "docstatus": 1})
		for dt, field in (("Sales Invoice", "customer"), ("Payment Entry", "party"))
	}
	if all(found.values()):
		return found
	si, pe = voucher_templates(customer, default_company(), getdate(nowdate()))
	frappe.db.commit()
	return {"Sales Invoice": si.name, "Payment Entry": pe.name}


def _clone_sql(doctype: str, where: str, replace: dict[str, str], n: int) -> str:
	"""INSERT ... SELECT of the rows matching `where`, n times (MariaDB's seq_1_to_n), columns replaced by SQL
	expressions (`s.seq` is the copy number)."""
	cols = frappe.db.get_table_columns(doctype)
	exprs = [replace.get(c, f"t.`{c}`") for c in cols]
	return (
		f"insert into `tab{doctype}` ({', '.join(f'`{c}`' for c in cols)}) "
		f"select {', '.join(exprs)} from `tab{doctype}` t join seq_1_to_{int(n)} s where {where}"
	)


def _clone_vouchers(doctype: str, template: str, customer: str, prefix: str, n: int) -> None:
	if n <= 0:
		return
	new = f"concat({frappe.db.escape(prefix)}, lpad(s.seq, 7, '0'))"
	cust = frappe.db.escape(customer)
	tpl = frappe.db.escape(template)
	party = {"customer": cust} if doctype == "Sales Invoice" else {"party": cust}
	frappe.db.sql(_clone_sql(doctype, f"t.name = {tpl}", {"name": new, **party, "customer_name": cust}, n))
	for df in frappe.get_meta(doctype).get_table_fields():
		frappe.db.sql(
			_clone_sql(
				df.options,
				f"t.parent = {tpl} and t.parenttype = {frappe.db.escape(doctype)}",
				{"name": f"concat({new}, '-', t.idx, '-', t.parentfield)", "parent": new},
				n,
			)
		)
	frappe.db.sql(
		_clone_sql(
			"GL Entry",
			f"t.voucher_no = {tpl}",
			{
				"name": f"concat({new}, '-', t.name)",
				"voucher_no": new,
				"against_voucher": f"if(t.against_voucher = {tpl}, {new}, t.against_voucher)",
				"party": f"if(t.party_type = 'Customer', {cust}, t.party)",
			},
			n,
		)
	)
	frappe.db.sql(
		_clone_sql(
			"Payment Ledger Entry",
			f"t.voucher_no = {tpl}",
			{
				"name": f"concat({new}, '-', t.name)",
				"voucher_no": new,
				"against_voucher_no": f"if(t.against_voucher_no = {tpl}, {new}, t.against_voucher_no)",
				"party": f"if(t.party_type = 'Customer', {cust}, t.party)",
			},
			n,
		)
	)


def _activity(customer: str, prefix: str, counts: dict[str, int]) -> None:
	now, user = frappe.utils.now_datetime(), frappe.session.user
	std = lambda name: {"name": name, "creation": now, "modified": now, "owner": user, "modified_by": user}  # noqa: E731
	seq = lambda kind, n: [f"{prefix}{kind}{i:07d}" for i in range(n)]  # noqa: E731
	insert_rows(
		"Customer Note",
		[
			{
				**std(n),
				"customer": customer,
				"scope": "internal",
				"content": f"<p>note {n}</p>",
				"author": user,
			}
			for n in seq("N", counts["Customer Note"])
		],
	)
	comms = seq("E", counts["Communication"])
	insert_rows(
		"Communication",
		[
			{
				**std(n),
				"subject": f"Order {n}",
				"communication_type": "Communication",
				"communication_medium": "Email",
				"sent_or_received": "Received",
				"sender": "buyer@example.com",
				"content": "<p>hello</p>",
				"communication_date": now,
				"reference_doctype": "Customer",
				"reference_name": customer,
			}
			for n in comms
		],
	)
	insert_rows(
		"Communication Link",
		[
			{**std(f"{n}-L"), "parent": n, "parenttype": "Communication", "parentfield": "timeline_links",
			 "idx": 1, "link_doctype": "Customer", "link_name": customer}
			for n in comms
		],
	)  # fmt: skip
	insert_rows(
		"ToDo",
		[
			{**std(n), "status": "Open", "description": f"call {n}", "reference_type": "Customer",
			 "reference_name": customer, "allocated_to": user}
			for n in seq("T", counts["ToDo"])
		],
	)  # fmt: skip
	insert_rows(
		"Comment",
		[
			{**std(n), "comment_type": "Comment", "reference_doctype": "Customer", "reference_name": customer,
			 "content": f"comment {n}", "comment_email": user}
			for n in seq("C", counts["Comment"])
		],
	)  # fmt: skip
	insert_rows(
		"File",
		[
			{**std(n), "file_name": f"{n}.txt", "file_url": f"/private/files/{n}.txt", "is_private": 1,
			 "attached_to_doctype": "Customer", "attached_to_name": customer, "folder": "Home/Attachments"}
			for n in seq("F", counts["File"])
		],
	)  # fmt: skip


def seed(customer: str, docs: int, prefix: str, templates: dict[str, str]) -> dict[str, int]:
	counts = {kind: int(docs * share) for kind, share in MIX.items()}
	counts["Sales Invoice"] += docs - sum(counts.values())
	for doctype in ("Sales Invoice", "Payment Entry"):
		_clone_vouchers(doctype, templates[doctype], customer, f"{prefix}{doctype[0]}", counts[doctype])
	_activity(customer, prefix, counts)
	return counts


def _linked_rows(customer: str) -> int:
	return sum(links.count_rows([customer]).values())


def _cleanup(prefix: str, customers: list[str]) -> None:
	like = {"p": f"{prefix}%"}
	for doctype in ("Sales Invoice", "Payment Entry"):
		for df in frappe.get_meta(doctype).get_table_fields():
			frappe.db.sql(f"delete from `tab{df.options}` where parent like %(p)s", like)
	for doctype in MIX:  # every kind seeded
		frappe.db.sql(f"delete from `tab{doctype}` where name like %(p)s", like)
	frappe.db.sql("delete from `tabCommunication Link` where parent like %(p)s", like)
	frappe.db.sql("delete from `tabGL Entry` where voucher_no like %(p)s", like)
	frappe.db.sql("delete from `tabPayment Ledger Entry` where voucher_no like %(p)s", like)
	for c in customers:
		frappe.db.sql(
			"delete from `tabComment` where reference_doctype = 'Customer' and reference_name = %s", c
		)
		frappe.db.sql("delete from `tabVersion` where ref_doctype = 'Customer' and docname = %s", c)
		if frappe.db.exists("Customer", c):
			frappe.delete_doc("Customer", c, ignore_permissions=True, force=True)
	frappe.db.commit()


# ---------------------------------------------------------------- run


def _fresh_request() -> None:
	"""Forget what this process has kept for the current request, as a new job or request starts: whichever
	side runs second must not find the link maps the first one built (Redis stays warm for both: _linked_rows
	reads every link field's meta just before each side)."""
	frappe.local.c360_merge_link_fields = None
	frappe.local.dynamic_link_map = None
	frappe.flags.link_fields = {}
	if isinstance(getattr(frappe.local, "cache", None), dict):
		frappe.local.cache.clear()  # v15's per-request copy of Redis reads


def _ours(sides: dict) -> dict:
	ours = sides["ours"]
	before = _linked_rows(ours["loser"]) + _linked_rows(ours["survivor"])
	log = job.create_log(ours["survivor"], [ours["loser"]])
	frappe.db.commit()
	_fresh_request()
	t = time.perf_counter()
	job.run_merge(log)
	seconds = time.perf_counter() - t
	status = frappe.db.get_value(job.LOG, log, ["status", "message", "rows_moved"], as_dict=True)
	out = {"log": log, "seconds": seconds, "status": status, "before": before, "undo": None, "undone": None}
	out["after"] = _linked_rows(ours["survivor"])
	out["manifest_rows"] = frappe.db.count(job.ROW, {"parent": log, "parenttype": job.LOG})
	if status.status == "Done":
		frappe.db.set_value(job.LOG, log, "status", "Undoing")
		lock.acquire([ours["survivor"], ours["loser"]], log)
		frappe.db.commit()
		_fresh_request()
		t = time.perf_counter()
		job.run_undo(log)
		out["undo"] = time.perf_counter() - t
		out["undone"] = _linked_rows(ours["survivor"]) + _linked_rows(ours["loser"])
	return out


def _erpnext(sides: dict) -> dict:
	from frappe.model.dynamic_links import get_dynamic_link_map

	theirs = sides["erpnext"]
	before = _linked_rows(theirs["loser"]) + _linked_rows(theirs["survivor"])
	# Its Redis caches warm too: each rename ends with frappe.clear_cache(), which would leave the next one the
	# scans for which doctypes each dynamic link holds (GL Entry's against_voucher_type...).
	_fresh_request()
	get_dynamic_link_map()
	_fresh_request()
	t = time.perf_counter()
	frappe.rename_doc("Customer", theirs["loser"], theirs["survivor"], merge=True, show_alert=False)
	frappe.db.commit()
	seconds = time.perf_counter() - t
	return {"seconds": seconds, "before": before, "after": _linked_rows(theirs["survivor"])}


def _median(values: list[float]) -> float:
	values = sorted(values)
	return values[len(values) // 2]


def _round(docs: int, templates: dict[str, str], ours_first: bool, cleanup: bool) -> dict:
	"""Seed both sides, merge each (ours then undone), the given side first; cleaned up even if one fails."""
	tag = random_string(5).upper()
	sides, ours = {}, {}
	try:
		started = time.perf_counter()
		for side in ("ours", "erpnext"):
			survivor = ensure_customer(f"C360 Bench {tag} {side} survivor")
			loser = ensure_customer(f"C360 Bench {tag} {side} loser")
			sides[side] = {"survivor": survivor, "loser": loser}
			seed(loser, docs, f"B{tag}{side[0].upper()}L", templates)
			seed(survivor, max(docs // 10, 1), f"B{tag}{side[0].upper()}S", templates)
			frappe.db.commit()
		seeded = time.perf_counter() - started
		if ours_first:
			ours = _ours(sides)
			theirs = _erpnext(sides)
		else:
			theirs = _erpnext(sides)
			ours = _ours(sides)
		return {"seed": seeded, "ours": ours, "erpnext": theirs}
	finally:
		if cleanup:
			frappe.db.rollback()
			for side, s in sides.items():
				_cleanup(f"B{tag}{side[0].upper()}", [s["survivor"], s["loser"]])
			if ours.get("log"):
				for doctype in (job.ROW, job.LOSER):
					frappe.db.delete(doctype, {"parent": ours["log"]})
				frappe.db.delete(job.LOG, {"name": ours["log"]})
			frappe.db.commit()


def run_benchmark(docs: int = 10_000, cleanup: bool = True, rounds: int = 5) -> dict:
	"""`rounds` rounds, each on freshly seeded copies, the side that goes first alternating (the second finds
	the database's pages the first one warmed); medians are reported, and each round's figures. A small round
	first, not counted, so neither side pays this process's first imports and caches for the other."""
	frappe.set_user("Administrator")
	templates = _templates()
	_progress(1, "warming up")
	_round(20, templates, ours_first=True, cleanup=True)
	runs = []
	rounds = max(int(rounds), 1)
	for n in range(rounds):
		_progress(2 + 90 * n / rounds, f"round {n + 1} of {rounds}")
		runs.append(_round(docs, templates, ours_first=not n % 2, cleanup=cleanup))

	last = runs[-1]
	statuses = [r["ours"]["status"] for r in runs]
	failed = next((st for st in statuses if st.status != "Done"), None)
	undos = [r["ours"]["undo"] for r in runs if r["ours"]["undo"] is not None]
	ratios = [round(r["ours"]["seconds"] / r["erpnext"]["seconds"], 2) for r in runs]
	result = {
		"docs": docs,
		"rounds": len(runs),
		"seed_seconds": round(_median([r["seed"] for r in runs]), 1),
		"ours_seconds": round(_median([r["ours"]["seconds"] for r in runs]), 2),
		"ours_status": (failed or statuses[-1]).status,
		"ours_message": (failed or statuses[-1]).message,
		"ours_rows_moved": statuses[-1].rows_moved,
		"ours_manifest_rows": last["ours"].get("manifest_rows"),
		"ours_undo_seconds": round(_median(undos), 2) if undos else None,
		"erpnext_seconds": round(_median([r["erpnext"]["seconds"] for r in runs]), 2),
		# Each round's ours / ERPNext (and undo / merge), timed within the same minute on the same data: steadier
		# than the ratio of the medians when the machine's load changes from one round to the next.
		"ratio_runs": ratios,
		"ratio_median": _median(ratios),
		"undo_ratio_runs": [round((o["undo"] or 0) / o["seconds"], 2) for o in (r["ours"] for r in runs)],
		"ours_runs": [round(r["ours"]["seconds"], 2) for r in runs],
		"ours_undo_runs": [round(u, 2) for u in undos],
		"erpnext_runs": [round(r["erpnext"]["seconds"], 2) for r in runs],
		"linked_rows_before": {"ours": last["ours"]["before"], "erpnext": last["erpnext"]["before"]},
		"linked_rows_after": {"ours": last["ours"]["after"], "erpnext": last["erpnext"]["after"]},
		"linked_rows_after_undo": last["ours"]["undone"],
		"log": last["ours"]["log"],
	}
	frappe.cache.set_value(RESULT_KEY, result)
	_progress(100, "done")
	print_result(result)
	return result


def print_result(r: dict) -> None:
	print(
		f"Merge benchmark: a loser with {r['docs']} linked documents (+ {r['docs'] // 10} on the survivor),"
		f" medians of {r.get('rounds', 1)} rounds (first side alternating)"
	)
	print(f"  seeding both copies          {r['seed_seconds']:>8} s")
	print(
		f"  customer_360 merge           {r['ours_seconds']:>8} s  ({r['ours_status']}, {r['ours_rows_moved']}"
		f" rows re-pointed, recorded in {r.get('ours_manifest_rows')} manifest rows, loser snapshotted)"
		f"  runs {r.get('ours_runs')}"
	)
	if r.get("ours_undo_seconds") is not None:
		print(f"  customer_360 undo            {r['ours_undo_seconds']:>8} s  runs {r.get('ours_undo_runs')}")
	print(
		f"  ERPNext rename(merge=True)   {r['erpnext_seconds']:>8} s  (no preview, no manifest, no undo)"
		f"  runs {r.get('erpnext_runs')}"
	)
	for label, key in (("ours / ERPNext", "ratio_runs"), ("undo / merge  ", "undo_ratio_runs")):
		if r.get(key):
			print(f"  {label}, per round     {_median(r[key]):>8}   runs {r[key]}")
	print(f"  rows linked before (both):   {r['linked_rows_before']}")
	print(f"  rows linked to survivor after: {r['linked_rows_after']}")
	print(f"  rows linked to both after our undo: {r.get('linked_rows_after_undo')}")
