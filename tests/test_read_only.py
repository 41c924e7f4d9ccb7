"""Every whitelisted method a GET may call is marked `@frappe.read_only()` (right under `@frappe.whitelist()`,
so Frappe's whitelist registers the wrapper), so a site with a read replica (`read_from_replica`) serves it
from the replica; except the few listed below that write, each with the reason. Methods limited to POST write
by design and are not marked (a replica would refuse their writes).
"""

from __future__ import annotations

import ast
from pathlib import Path

API = Path(__file__).resolve().parent.parent / "customer_360" / "api"

# GET methods that write, so they must run on the primary.
WRITES = {
	"merge.get_log": "reading the log of a dead job marks it Failed (merge.state.reap)",
	"merge.recent_logs": "same as get_log, for every busy log listed",
	"merge.preview": "the busy check reaps a dead job's log (merge.state.busy_customers)",
	"merge.undo_check": "opening the log reaps a dead job (merge.request.open_log)",
	"next_steps.get_draft": "the assistant model call is logged (Customer 360 Assistant Log, Error Log)",
	"next_steps.get_briefing": "same as get_draft",
}


def _name(node: ast.expr) -> str:
	node = node.func if isinstance(node, ast.Call) else node
	return ast.unparse(node)


def _post_only(decorator: ast.expr) -> bool:
	if not isinstance(decorator, ast.Call):
		return False
	for kw in decorator.keywords:
		if kw.arg == "methods" and isinstance(kw.value, ast.List | ast.Tuple):
			methods = {e.value for e in kw.value.elts if isinstance(e, ast.Constant)}
			return "GET" not in methods
	return False


def endpoints(source: str, module: str) -> dict[str, list[str]]:
	"""module.function -> its decorators' names, for every whitelisted function a GET may call."""
	out = {}
	for node in ast.parse(source).body:
		if not isinstance(node, ast.FunctionDef):
			continue
		names = [_name(d) for d in node.decorator_list]
		if "frappe.whitelist" not in names:
			continue
		if _post_only(node.decorator_list[names.index("frappe.whitelist")]):
			continue
		out[f"{module}.{node.name}"] = names
	return out


def _all_endpoints() -> dict[str, list[str]]:
	found = {}
	for path in sorted(API.glob("*.py")):
		found |= endpoints(path.read_text(encoding="utf-8"), path.stem)
	return found


def test_get_endpoints_are_read_only_right_under_whitelist():
	found = _all_endpoints()
	assert len(found) >= 15, sorted(found)  # the scan sees the API
	wrong = {
		name: decorators
		for name, decorators in found.items()
		if name not in WRITES and decorators[:2] != ["frappe.whitelist", "frappe.read_only"]
	}
	assert not wrong, wrong


def test_the_exceptions_exist_and_are_not_marked():
	found = _all_endpoints()
	for name in WRITES:
		assert name in found, name
		assert "frappe.read_only" not in found[name], name


def test_the_check_sees_a_missing_or_misplaced_marker():
	source = """
@frappe.whitelist()
def plain(): ...

@frappe.read_only()
@frappe.whitelist()
def upside_down(): ...

@frappe.whitelist(methods=["POST"])
def write(): ...

@frappe.whitelist()
@frappe.read_only()
def good(): ...
"""
	found = endpoints(source, "m")
	assert set(found) == {"m.plain", "m.upside_down", "m.good"}
	assert found["m.upside_down"][:2] != ["frappe.whitelist", "frappe.read_only"]
	assert found["m.good"][:2] == ["frappe.whitelist", "frappe.read_only"]


def _batch_reads() -> set[str]:
	tree = ast.parse((API / "batch.py").read_text(encoding="utf-8"))
	for node in tree.body:
		if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "READS":
			return {c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)}
	raise AssertionError("batch.READS not found")


def test_the_first_screen_batch_only_runs_read_only_endpoints():
	# batch.get_many is itself read-only (a replica may serve it): each read it runs must be one as well.
	found = _all_endpoints()
	reads = _batch_reads()
	assert "overview.get_profile" in reads
	for name in reads:
		assert name in found, name
		assert name not in WRITES, name
		assert found[name][:2] == ["frappe.whitelist", "frappe.read_only"], name
