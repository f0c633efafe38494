"""Services never own the transaction and never reach for Flask: no flask import, no commit, no rollback.
The request, the command or the job that calls them commits (app.unit_of_work)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "app" / "services"
MODULES = sorted(SERVICES.glob("*.py"))


def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_services_package_has_modules_to_check():
    assert {"context", "registration", "otp", "auth", "complaints", "questionnaire"} <= {p.stem for p in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_service_module_imports_no_flask(path):
    names = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.append(node.module or "")
    flask = [n for n in names if n.split(".")[0] == "flask" or n.startswith(("flask_", "werkzeug"))]
    assert flask == [], f"{path.name} imports {flask}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_service_module_neither_commits_nor_rolls_back(path):
    calls = [f"line {node.lineno}: .{node.func.attr}()" for node in ast.walk(_tree(path))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr in ("commit", "rollback")]
    assert calls == [], f"{path.name}: {calls}"


def test_the_checks_catch_a_commit_and_a_flask_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import current_app\n\ndef f(session):\n    session.commit()\n")
    with pytest.raises(AssertionError):
        test_service_module_imports_no_flask(bad)
    with pytest.raises(AssertionError):
        test_service_module_neither_commits_nor_rolls_back(bad)
