"""The apps depend on each other downhill only, and never in a circle.

The walker reads every domain app's source with ``ast`` (nothing is imported, no
database is touched) and collects each import: module-level and inside functions,
methods and classes, ``import x.y``, ``from x.y import z``, relative imports
resolved to their absolute package, and ``importlib.import_module("literal")``.
From those it builds the app-level dependency graph the checks below judge.

Two kinds of file are left out:

* ``migrations/``: a migration names other apps' migrations in its
  ``dependencies`` and may load their historical models; that is Django's
  schema graph, not the code's, and is legitimately cross-app.
* each app's ``tests/`` package: tests build fixtures and factories from the
  apps they exercise (an intervention needs a subject), which is how tests are
  written, not a dependency of the shipped code.

``config/`` is not walked either: it composes the apps and may import every one.
"""

import ast
import itertools
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The layer order of STYLE.md habit 14 ("apps talk through hooks, downhill only"),
# lowest first. An app may import only apps in strictly lower layers; a lower app
# that must let a higher one react declares a hook instead. ``editing``, the shared
# editing core, is a package rather than an app but is layered like one: it may
# use the access log and nothing above it, so that accounts can use it too.
LAYERS: list[set[str]] = [
    {"audit"},
    {"editing"},
    {"accounts"},
    {"subjects"},
    {"followups"},
    {"interventions"},
    {"partners"},
    {"outreach"},
    {"reporting"},
]
APPS: list[str] = [app for layer in LAYERS for app in sorted(layer)]

# Directories inside an app whose files are not walked (see the module docstring).
EXCLUDED_DIRS = frozenset({"migrations", "tests"})


class Import(NamedTuple):
    module: str  # absolute dotted name, e.g. "interventions.models"
    path: Path  # relative to the walked root
    line: int

    @property
    def app(self) -> str:
        return self.module.split(".", 1)[0]

    @property
    def where(self) -> str:
        return f"{self.path.as_posix()}:{self.line}"


class Edge(NamedTuple):
    source: str  # the importing app
    target: str  # the imported app
    imp: Import


# source app -> target app -> every import that makes the edge (never source == target)
Graph = dict[str, dict[str, list[Import]]]


def _package_of(path: Path, root: Path) -> list[str]:
    """The dotted package ``path`` belongs to, as parts (``subjects/views/cases.py`` -> subjects.views)."""
    # Both a module and a package's ``__init__.py`` belong to the directory they sit in.
    return list(path.relative_to(root).parent.parts)


def _resolve(module: str | None, level: int, package: list[str], where: str) -> str:
    if level == 0:
        return module or ""
    if level > len(package):
        raise ValueError(f"{where}: relative import goes above the top-level package")
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _is_import_module(func: ast.expr) -> bool:
    return (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id == "import_module"
    )


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def imports_of(path: Path, root: Path) -> list[Import]:
    """Every import in the file at ``path`` (a file under ``root``), wherever in the file it sits."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    rel = path.relative_to(root)
    package = _package_of(path, root)
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, rel, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(node.module, node.level, package, f"{rel}:{node.lineno}")
            found.append(Import(module, rel, node.lineno))
        elif isinstance(node, ast.Call) and _is_import_module(node.func):
            keywords = {kw.arg: kw.value for kw in node.keywords}
            name = _literal(node.args[0] if node.args else keywords.get("name"))
            if name is None:
                continue  # a computed name cannot be judged statically
            if name.startswith("."):
                anchor = _literal(node.args[1] if len(node.args) > 1 else keywords.get("package"))
                if anchor is None:
                    continue
                level = len(name) - len(name.lstrip("."))
                name = _resolve(name[level:] or None, level, anchor.split("."), f"{rel}:{node.lineno}")
            found.append(Import(name, rel, node.lineno))
    return sorted(found, key=lambda imp: imp.line)


def source_files(root: Path, app: str) -> Iterable[Path]:
    """The app's Python source, without migrations and tests; nothing if the app does not exist (yet)."""
    app_dir = root / app
    if not app_dir.is_dir():
        return []
    return sorted(
        path for path in app_dir.rglob("*.py") if not EXCLUDED_DIRS.intersection(path.relative_to(app_dir).parts)
    )


def app_graph(root: Path, apps: Iterable[str] = APPS) -> Graph:
    """Which app imports which, with every import behind each edge. Only imports between ``apps`` count."""
    apps = list(apps)
    graph: Graph = {app: defaultdict(list) for app in apps}
    for app in apps:
        for path in source_files(root, app):
            for imp in imports_of(path, root):
                if imp.app in graph and imp.app != app:
                    graph[app][imp.app].append(imp)
    return {app: dict(targets) for app, targets in graph.items()}


def _layer_of(app: str, layers: list[set[str]]) -> int:
    for index, layer in enumerate(layers):
        if app in layer:
            return index
    raise KeyError(f"{app!r} has no layer: add it to LAYERS")


def uphill_imports(graph: Graph, layers: list[set[str]] = LAYERS) -> list[Edge]:
    """Every import of an app in the same or a higher layer than the importer."""
    return [
        Edge(source, target, imp)
        for source, targets in sorted(graph.items())
        for target, imps in sorted(targets.items())
        if _layer_of(target, layers) >= _layer_of(source, layers)
        for imp in imps
    ]


def cycles(graph: Graph) -> list[list[str]]:
    """Every elementary cycle between apps, as ``[a, b, ..., a]``, each reported once (from its smallest app)."""
    found: list[list[str]] = []

    def walk(start: str, path: list[str]) -> None:
        for target in sorted(graph.get(path[-1], {})):
            if target == start:
                found.append([*path, start])
            elif target > start and target not in path:
                walk(start, [*path, target])

    for start in sorted(graph):
        walk(start, [start])
    return found


def describe_cycle(graph: Graph, cycle: list[str]) -> str:
    lines = [" -> ".join(cycle)]
    for source, target in itertools.pairwise(cycle):
        imps = graph[source][target]
        more = f" (+{len(imps) - 1} more)" if len(imps) > 1 else ""
        lines.append(f"    {source} -> {target}: {imps[0].where} imports {imps[0].module}{more}")
    return "\n".join(lines)


def describe_edges(edges: Iterable[Edge]) -> str:
    return "\n".join(f"    {e.imp.where}: {e.source} imports {e.imp.module} ({e.target})" for e in edges)


# --- the project's own tree ----------------------------------------------------------------------


def test_every_app_in_the_project_has_a_layer():
    apps_on_disk = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps_on_disk <= set(APPS), f"apps missing from LAYERS: {sorted(apps_on_disk - set(APPS))}"


def test_no_two_apps_depend_on_each_other_even_through_others():
    graph = app_graph(ROOT)
    if found := cycles(graph):
        report = "\n".join(describe_cycle(graph, cycle) for cycle in found)
        pytest.fail(f"{len(found)} import cycle(s) between apps:\n{report}", pytrace=False)


def test_no_app_imports_an_app_in_its_own_or_a_higher_layer():
    if uphill := uphill_imports(app_graph(ROOT)):
        pytest.fail(
            f"{len(uphill)} uphill import(s); STYLE.md habit 14: declare a hook in the lower app instead:\n"
            + describe_edges(uphill),
            pytrace=False,
        )


def test_subjects_imports_no_app_above_it():
    above = {"followups", "interventions", "partners", "outreach", "reporting"}
    graph = app_graph(ROOT)
    offending = [
        Edge("subjects", target, imp)
        for target, imps in sorted(graph["subjects"].items())
        if target in above
        for imp in imps
    ]
    if offending:
        pytest.fail(
            f"subjects imports from an app above it {len(offending)} time(s):\n" + describe_edges(offending),
            pytrace=False,
        )


# --- the walker itself, on synthetic trees --------------------------------------------------------


def write(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> source) under ``root``, adding the packages' ``__init__.py``."""
    for name, source in files.items():
        path = root / name
        for parent in path.relative_to(root).parents:
            if parent != Path("."):
                (root / parent).mkdir(parents=True, exist_ok=True)
                (root / parent / "__init__.py").touch()
        path.write_text(source)
    return root


def test_it_reports_a_function_level_uphill_import_with_its_file_and_line(tmp_path):
    write(
        tmp_path,
        {
            "subjects/services.py": "import os\n\n\ndef close(case):\n    from interventions.models import X\n",
            "interventions/models.py": "from subjects.models import Subject\n",
        },
    )

    uphill = uphill_imports(app_graph(tmp_path, ["subjects", "interventions"]))

    assert uphill == [
        Edge("subjects", "interventions", Import("interventions.models", Path("subjects/services.py"), 5))
    ]
    assert "subjects/services.py:5: subjects imports interventions.models" in describe_edges(uphill)


def test_it_reports_a_cycle_between_two_apps_with_each_edges_file_and_line(tmp_path):
    write(
        tmp_path,
        {
            "partners/models.py": "from outreach.models import Product\n",
            "outreach/views/report.py": "class View:\n    def get(self):\n        import partners.pdf\n",
        },
    )
    graph = app_graph(tmp_path, ["partners", "outreach"])

    assert cycles(graph) == [["outreach", "partners", "outreach"]]
    message = describe_cycle(graph, cycles(graph)[0])
    assert "outreach -> partners: outreach/views/report.py:3 imports partners.pdf" in message
    assert "partners -> outreach: partners/models.py:1 imports outreach.models" in message


def test_it_finds_a_cycle_through_a_third_app_once(tmp_path):
    write(
        tmp_path,
        {
            "accounts/a.py": "import subjects\n",
            "subjects/s.py": "import reporting.x\n",
            "reporting/r.py": "from accounts import models\n",
        },
    )

    assert cycles(app_graph(tmp_path, ["accounts", "subjects", "reporting"])) == [
        ["accounts", "subjects", "reporting", "accounts"]
    ]


def test_it_sees_imports_in_classes_methods_and_importlib_calls(tmp_path):
    write(
        tmp_path,
        {
            "reporting/measures/counts.py": (
                "import importlib\n"
                "from importlib import import_module\n"
                "class Measure:\n"
                "    from subjects import models\n"
                "    def run(self):\n"
                "        import accounts.models as am\n"
                "        importlib.import_module('audit.chain')\n"
                "        import_module('.selectors', package='outreach')\n"
                "        import_module(name)\n"
            ),
        },
    )

    found = imports_of(tmp_path / "reporting/measures/counts.py", tmp_path)

    assert [(imp.module, imp.line) for imp in found] == [
        ("importlib", 1),
        ("importlib", 2),
        ("subjects", 4),
        ("accounts.models", 6),
        ("audit.chain", 7),
        ("outreach.selectors", 8),
    ]


def test_it_resolves_relative_imports_to_their_own_app(tmp_path):
    write(
        tmp_path,
        {
            "subjects/views/__init__.py": "from . import cases\nfrom .cases import v\n",
            "subjects/views/cases.py": "from .. import models\nfrom ..forms.referral import F\nfrom . import x\n",
        },
    )

    assert [imp.module for imp in imports_of(tmp_path / "subjects/views/__init__.py", tmp_path)] == [
        "subjects.views",
        "subjects.views.cases",
    ]
    assert [imp.module for imp in imports_of(tmp_path / "subjects/views/cases.py", tmp_path)] == [
        "subjects",
        "subjects.forms.referral",
        "subjects.views",
    ]
    assert app_graph(tmp_path, ["subjects"]) == {"subjects": {}}


def test_it_ignores_migrations_and_tests_but_not_management_commands(tmp_path):
    write(
        tmp_path,
        {
            "subjects/migrations/0002_x.py": "from interventions.models import X\n",
            "subjects/tests/factories.py": "from interventions.tests.factories import F\n",
            "subjects/management/commands/sweep.py": "from reporting import figures\n",
        },
    )

    uphill = uphill_imports(app_graph(tmp_path, ["subjects", "interventions", "reporting"]))

    assert [(e.target, e.imp.where) for e in uphill] == [("reporting", "subjects/management/commands/sweep.py:1")]


def test_it_allows_downhill_imports_and_skips_apps_that_do_not_exist(tmp_path):
    write(
        tmp_path,
        {
            "accounts/models.py": "from audit.models import Event\n",
            "reporting/figures.py": "from subjects.selectors import s\nfrom followups.models import F\n",
        },
    )

    graph = app_graph(tmp_path, APPS)

    assert graph["reporting"].keys() == {"subjects", "followups"}
    assert graph["followups"] == {}
    assert uphill_imports(graph) == []
    assert cycles(graph) == []


def test_it_forbids_an_import_within_the_same_layer(tmp_path):
    write(tmp_path, {"a/x.py": "import b\n", "b/y.py": "import os\n"})

    uphill = uphill_imports(app_graph(tmp_path, ["a", "b"]), layers=[{"a", "b"}])

    assert [(e.source, e.target) for e in uphill] == [("a", "b")]
