"""The v15/v16 rules of customer_360/compat.py, held over the whole app's source (no Frappe needed)."""

import ast
import pathlib
import re

import pytest

APP = pathlib.Path(__file__).resolve().parent.parent / "customer_360"
PY_FILES = sorted(p for p in APP.rglob("*.py") if "/tests/" not in str(p))
JS_FILES = sorted(p for p in APP.rglob("*.js") if "node_modules" not in str(p))
# compat 4: "field [asc|desc]" terms, comma-separated; nothing else.
PLAIN_ORDER_BY = re.compile(r"^\s*\w+(\s+(asc|desc))?(\s*,\s*\w+(\s+(asc|desc))?)*\s*$", re.I)
SELLING = {"Quotation", "Sales Order", "Sales Invoice", "Delivery Note"}


def order_by_literals(path):
	tree = ast.parse(path.read_text(), str(path))
	for node in ast.walk(tree):
		if isinstance(node, ast.keyword) and node.arg == "order_by":
			yield node.lineno, node.value


def test_rule_recognises_what_v16_refuses():
	assert PLAIN_ORDER_BY.match("creation desc, name asc")
	assert not PLAIN_ORDER_BY.match("date is null, date asc")
	assert not PLAIN_ORDER_BY.match("`tabSales Invoice`.`posting_date` desc")


@pytest.mark.parametrize("path", PY_FILES, ids=lambda p: str(p.relative_to(APP)))
def test_order_by_is_plain(path):
	bad = []
	for line, value in order_by_literals(path):
		if isinstance(value, ast.Constant) and isinstance(value.value, str):
			if value.value and not PLAIN_ORDER_BY.match(value.value):
				bad.append((line, value.value))
		elif isinstance(value, ast.JoinedStr):
			# An f-string: its fixed parts must keep the shape whatever field name fills a placeholder.
			shape = "".join(v.value if isinstance(v, ast.Constant) else "field" for v in value.values)
			if not PLAIN_ORDER_BY.match(shape):
				bad.append((line, ast.unparse(value)))
	assert not bad, f"order_by that ERPNext v16 refuses (see compat.py, 4): {bad}"


@pytest.mark.parametrize("path", PY_FILES, ids=lambda p: str(p.relative_to(APP)))
def test_no_title_of_selling_documents(path):
	"""compat 3: `title` is gone from selling documents in v16 (qb tables named after the doctype)."""
	text = path.read_text()
	tables = {m.group(1): m.group(2) for m in re.finditer(r"(\w+)\s*=\s*DocType\(\"([^\"]+)\"\)", text)}
	bad = [
		var for var, doctype in tables.items() if doctype in SELLING and re.search(rf"\b{var}\.title\b", text)
	]
	assert not bad, f"selects title of {bad} (compat.py, 3)"


@pytest.mark.parametrize("path", PY_FILES + JS_FILES, ids=lambda p: str(p.relative_to(APP)))
def test_no_hand_built_desk_url(path):
	"""compat 5: /app (v15) is /desk in v16; Frappe's router builds desk URLs."""
	code = "\n".join(
		line for line in path.read_text().splitlines() if not line.strip().startswith(("#", "//", "*"))
	)
	assert not re.search(r"[\"'`]/app/", code), "a hand-built /app/ URL (compat.py, 5)"
