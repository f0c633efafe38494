"""app/domain stays plain Python: no Flask, no Flask extension, no SQLAlchemy, no reach into the rest of app."""
from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "app" / "domain"
MODULES = sorted(DOMAIN.glob("*.py"))
FORBIDDEN = ("flask", "sqlalchemy", "werkzeug", "wtforms", "jinja2")


def _is_forbidden(name: str) -> bool:
    top = name.split(".")[0]
    return top in FORBIDDEN or top.startswith("flask_")


def _imports(path: Path) -> list[tuple[int, str]]:
    """(level, module) for every import in the file, including ones inside functions."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def test_the_domain_package_has_modules_to_check():
    names = {p.stem for p in MODULES}
    assert {"__init__", "numerals", "cnic", "mobile", "passwords", "household_status", "roles"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_domain_module_imports_no_web_or_database_library(path):
    bad = [name for level, name in _imports(path) if level == 0 and _is_forbidden(name)]
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_domain_module_reaches_only_into_its_own_package(path):
    # `from ..models import X` would drag the app (and Flask) in through the back door.
    outside = [(level, name) for level, name in _imports(path) if level > 1 or name.split(".")[0] == "app"]
    assert outside == [], f"{path.name} imports {outside}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_domain_module_is_importable(path):
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    name = "app.domain" if path.stem == "__init__" else f"app.domain.{path.stem}"
    assert importlib.import_module(name).__file__ == str(path)


def test_loading_every_domain_module_pulls_in_no_web_or_database_library():
    # app/__init__.py imports Flask, so the domain is loaded on its own as a stand-alone package.
    script = f"""
import importlib, importlib.util, json, pkgutil, sys
spec = importlib.util.spec_from_file_location("plain_domain", {str(DOMAIN / "__init__.py")!r},
                                              submodule_search_locations=[{str(DOMAIN)!r}])
pkg = importlib.util.module_from_spec(spec)
sys.modules["plain_domain"] = pkg
spec.loader.exec_module(pkg)
loaded = [m.name for m in pkgutil.iter_modules([{str(DOMAIN)!r}])]
for name in loaded:
    importlib.import_module("plain_domain." + name)
print(json.dumps({{"loaded": loaded, "modules": sorted(sys.modules)}}))
"""
    result = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report["loaded"]) == {p.stem for p in MODULES if p.stem != "__init__"}
    assert [m for m in report["modules"] if _is_forbidden(m)] == []
    assert "app" not in report["modules"]
