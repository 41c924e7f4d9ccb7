"""Every label the desk shows for a server vocabulary is a literal `_()` / `_lt()` call, so Frappe's translation
extractor (it collects only literal calls of those names) finds it; and every value has one.

Checked on the source (boot.py imports frappe): the label functions in boot.py and FLAG_LABELS in core/wording.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

from customer_360.core.capabilities import NOTE_SCOPES
from customer_360.core.notes import INTERACTION_TYPES
from customer_360.core.risk import FLAG_TYPES
from customer_360.core.timeline import EVENT_TYPES

PACKAGE = Path(__file__).resolve().parent.parent / "customer_360"


def _literal_labels(node: ast.AST) -> dict[str, str]:
	"""Keys of a dict literal whose value is `_("literal")` or `_lt("literal")`; other values are left out."""
	out = {}
	for key, value in zip(node.keys, node.values, strict=True):
		if (
			isinstance(key, ast.Constant)
			and isinstance(value, ast.Call)
			and isinstance(value.func, ast.Name)
			and value.func.id in ("_", "_lt")
			and len(value.args) == 1
			and isinstance(value.args[0], ast.Constant)
			and isinstance(value.args[0].value, str)
		):
			out[key.value] = value.args[0].value
	return out


def _function_dict(path: Path, name: str) -> dict[str, str]:
	tree = ast.parse(path.read_text(encoding="utf-8"))
	for node in ast.walk(tree):
		if isinstance(node, ast.FunctionDef) and node.name == name:
			returned = [n.value for n in ast.walk(node) if isinstance(n, ast.Return)]
			assert len(returned) == 1 and isinstance(returned[0], ast.Dict), name
			return _literal_labels(returned[0])
	raise AssertionError(f"{name} not found in {path}")


def _assigned_dict(path: Path, name: str) -> dict[str, str]:
	tree = ast.parse(path.read_text(encoding="utf-8"))
	for node in tree.body:
		if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
			assert isinstance(node.value, ast.Dict), name
			return _literal_labels(node.value)
	raise AssertionError(f"{name} not found in {path}")


def test_every_vocabulary_value_has_a_literal_label():
	boot = PACKAGE / "boot.py"
	for function, values in (
		("event_type_labels", EVENT_TYPES),
		("note_scope_labels", NOTE_SCOPES),
		("interaction_type_labels", INTERACTION_TYPES),
	):
		labels = _function_dict(boot, function)
		assert set(labels) == set(values), (function, set(values) ^ set(labels))
		assert all(labels.values()), function
	flags = _assigned_dict(PACKAGE / "core" / "wording.py", "FLAG_LABELS")
	assert set(flags) == set(FLAG_TYPES), set(FLAG_TYPES) ^ set(flags)


def test_the_check_sees_a_label_that_is_not_a_literal():
	# Positive control: a computed label (what the extractor cannot find) is not counted.
	tree = ast.parse('{"a": _("A"), "b": _(name), "c": "C", "d": _lt("D"), "e": title("e")}')
	assert _literal_labels(tree.body[0].value) == {"a": "A", "d": "D"}
