"""Apps depend one way: portal ← indicators ← reports ← movements ← documents.

An app imports only apps to its left, never a private name (leading
underscore) of another app, and the graph of apps has no cycle. The walk reads
every module of the apps with `ast`, imports inside functions included, and
`import_module("…")` with a literal name; it skips migrations (history, not
code that runs with the app) and the project level (portal/urls.py,
portal/settings.py, portal/wsgi.py), which stands above every app and may name
them all. No database: this is about the source.
"""

import ast
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["portal", "indicators", "reports", "movements", "documents"]
PROJECT_LEVEL = {"portal/urls.py", "portal/settings.py", "portal/wsgi.py"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "movements.standing"
    line: int
    target: str  # the module imported from, e.g. "reports.figures"
    names: tuple[str, ...] = ()  # the names imported from it; () for `import target`

    @property
    def app(self):
        return self.module.split(".")[0]

    @property
    def target_app(self):
        return self.target.split(".")[0]

    def __str__(self):
        what = f"from {self.target} import {', '.join(self.names)}" if self.names else self.target
        return f"{self.module} (line {self.line}): {what}"


def app_modules():
    """(dotted name, path) of every module of the apps, but migrations and the project level."""
    for app in ORDER:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in PROJECT_LEVEL:
                continue
            parts = relative[: -len(".py")].split("/")
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _absolute(module, node, is_package):
    """The module an ImportFrom reads, relative imports resolved against `module`."""
    if not node.level:
        return node.module
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module, path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):  # every node: imports inside functions too
        if isinstance(node, ast.Import):
            found += [Import(module, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, node, is_package)
            names = tuple(alias.name for alias in node.names)
            found.append(Import(module, node.lineno, target, names))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(Import(module, node.lineno, node.args[0].value))
    return found


def cross_app_imports():
    return [
        found
        for module, path in app_modules()
        for found in imports_of(module, path)
        if found.target_app in ORDER and found.target_app != found.app
    ]


def _private(found):
    """The private parts of an import: `_name` imported, or a `_module` on its path."""
    parts = found.target.split(".")[1:] + list(found.names)
    return [p for p in parts if p.startswith("_") and not p.startswith("__")]


def test_the_walk_sees_every_app_and_the_imports_inside_functions():
    # A test that finds nothing because it looked nowhere would pass forever.
    modules = dict(app_modules())
    assert {m.split(".")[0] for m in modules} == set(ORDER)
    assert "portal.urls" not in modules and not any(".migrations" in m for m in modules)
    nested = [
        i
        for i in imports_of("documents.apps", modules["documents.apps"])
        if i.target == "reports.signals"
    ]
    assert nested, "documents/apps.py imports reports.signals inside ready()"
    assert any(i.target_app == "reports" for i in cross_app_imports() if i.app == "movements")


def test_no_app_imports_a_private_name_of_another():
    offending = [
        f"{found} — private: {', '.join(_private(found))}"
        for found in cross_app_imports()
        if _private(found)
    ]
    assert not offending, "private names of another app imported:\n" + "\n".join(offending)


def test_apps_import_only_apps_to_their_left():
    rank = {app: n for n, app in enumerate(ORDER)}
    upward = [
        f"{found} — {found.app} may not import {found.target_app} (order: {' ← '.join(ORDER)})"
        for found in cross_app_imports()
        if rank[found.target_app] > rank[found.app]
    ]
    assert not upward, "imports against the layering:\n" + "\n".join(upward)


def test_the_graph_of_apps_has_no_cycle():
    graph: dict[str, set[str]] = {app: set() for app in ORDER}
    evidence: dict[tuple[str, str], Import] = {}
    for found in cross_app_imports():
        graph[found.app].add(found.target_app)
        evidence.setdefault((found.app, found.target_app), found)
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        # Each app of the cycle is a predecessor of the next: the next one imports it.
        cycle = error.args[1][::-1]
        steps = [evidence[pair] for pair in pairwise(cycle)]
        raise AssertionError(
            f"apps import each other in a circle: {' → '.join(cycle)}\n"
            + "\n".join(str(step) for step in steps)
        ) from None
