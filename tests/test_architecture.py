"""The package's shape, checked on its source (no Frappe needed): no import cycles among customer_360 modules,
nothing outside the API layer imports customer_360.api, and no module over MAX_LINES lines.

Imports inside functions count as well as module-level ones: a deferred import hides a cycle, it does not
remove it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "customer_360"
MAX_LINES = 400
# Developer tools (seed data, benchmarks, load and browser measurements): outside the runtime path, driven by
# `bench customer-360 ...`; they call the whitelisted API as a client would and may be long scripts.
DEV_TOOLS = (
	"customer_360/devtools/",
	"customer_360/commands.py",
)
# Integration tests are scenario lists per feature, not part of the app's layering.
TESTS = ("customer_360/tests/",)


def _modules() -> dict[str, Path]:
	out = {}
	for path in PACKAGE.rglob("*.py"):
		rel = path.relative_to(PACKAGE.parent).with_suffix("")
		parts = list(rel.parts)
		if parts[-1] == "__init__":
			parts.pop()
		out[".".join(parts)] = path
	return out


MODULES = _modules()


def _rel(path: Path) -> str:
	return path.relative_to(PACKAGE.parent).as_posix()


def _exempt(path: Path, prefixes) -> bool:
	return _rel(path).startswith(prefixes)


def _imports(name: str, path: Path) -> set[str]:
	"""customer_360 modules that `name` imports (a `from package import module` names the module)."""
	tree = ast.parse(path.read_text(encoding="utf-8"))
	package = name if path.name == "__init__.py" else name.rpartition(".")[0]
	found = set()
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			targets = [a.name for a in node.names]
		elif isinstance(node, ast.ImportFrom):
			base = node.module or ""
			if node.level:
				anchor = package.split(".")
				anchor = anchor[: len(anchor) - node.level + 1]
				base = ".".join([*anchor, base] if base else anchor)
			targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
		else:
			continue
		for target in targets:
			while target and target not in MODULES:
				target = target.rpartition(".")[0]
			if target.startswith("customer_360") and target != name:
				found.add(target)
	return found


def _graph(skip=()) -> dict[str, set[str]]:
	return {n: _imports(n, p) for n, p in MODULES.items() if not _exempt(p, skip)}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
	"""Strongly connected components with more than one module (Tarjan)."""
	index, low, stack, on, out = {}, {}, [], set(), []

	def visit(v):
		index[v] = low[v] = len(index)
		stack.append(v)
		on.add(v)
		for w in graph.get(v, ()):
			if w not in graph:
				continue
			if w not in index:
				visit(w)
				low[v] = min(low[v], low[w])
			elif w in on:
				low[v] = min(low[v], index[w])
		if low[v] == index[v]:
			comp = []
			while True:
				w = stack.pop()
				on.discard(w)
				comp.append(w)
				if w == v:
					break
			if len(comp) > 1:
				out.append(sorted(comp))

	for v in sorted(graph):
		if v not in index:
			visit(v)
	return out


def _is_package_init(name: str) -> bool:
	return MODULES[name].name == "__init__.py"


def test_the_checks_see_the_package():
	assert "customer_360.core.definitions" in MODULES
	assert "customer_360.facts.receivables" in _imports("customer_360.money", MODULES["customer_360.money"])
	# positive control: a two-module loop is found
	assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_no_import_cycles():
	graph = _graph()
	# A package's __init__ importing its own submodules is not a dependency of theirs on it.
	graph = {
		n: {t for t in ts if not (_is_package_init(t) and n.startswith(t + "."))} for n, ts in graph.items()
	}
	assert _cycles(graph) == []


def test_only_the_api_layer_imports_the_api():
	# The web pages (www) are HTTP entry points like the whitelisted methods: they may compose the API's reads.
	offenders = {
		n: sorted(t for t in targets if t == "customer_360.api" or t.startswith("customer_360.api."))
		for n, targets in _graph(skip=DEV_TOOLS + TESTS).items()
		if not n.startswith(("customer_360.api", "customer_360.www"))
	}
	assert {n: t for n, t in offenders.items() if t} == {}


def test_no_module_over_the_size_limit():
	long = {
		_rel(p): n
		for p in MODULES.values()
		if not _exempt(p, DEV_TOOLS + TESTS)
		and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
	}
	assert long == {}


def test_permissions_do_not_depend_on_the_merge_tool():
	imports = _imports("customer_360.permissions", MODULES["customer_360.permissions"])
	assert not {t for t in imports if t.startswith("customer_360.merge")}
