"""`lagportal.lib` is shared by every app and imports none of them (README, "How the code is laid out")."""

import ast
from pathlib import Path

import lagportal.lib

LIB = Path(lagportal.lib.__file__).parent
APPS = {"accounts", "groups", "species", "volunteering", "toolkit"}


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_lib_imports_no_app():
    offending = []
    for path in sorted(LIB.rglob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top in APPS or (top == "lagportal" and not module.startswith("lagportal.lib")):
                offending.append(f"{path.relative_to(LIB.parent.parent)} imports {module}")
    assert not offending, "\n".join(offending)


def test_no_app_keeps_its_own_copy_of_what_lib_shares():
    root = LIB.parent.parent
    for app in APPS:
        for shared in ("markdown.py", "csv.py", "http.py", "gisfiles.py", "mail.py"):
            assert not (root / app / shared).exists(), f"{app}/{shared}: use lagportal.lib instead"
