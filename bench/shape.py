"""The shape of the code, against issue 12's targets: functions over 80 lines, modules
over 500 lines, and the pairs `duplicates` finds, over the tree without tests and
migrations (a script, not a test: the targets are for people to read, not a gate).

    .venv/bin/python bench/shape.py            # the tree this file is in
    .venv/bin/python bench/shape.py --most 40  # list more duplicate pairs
    .venv/bin/python bench/shape.py --python   # duplicates in Python modules only

`duplicates` (see its README) takes a folder, not a list of files: the files it should
read are copied into a temporary folder first, under their own paths."""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTION_LINES = 80
MODULE_LINES = 500
SKIPPED_DIRS = {"tests", "migrations", ".venv", "node_modules", "staticfiles", ".git"}
SKIPPED_FILES = {"conftest.py"}
# What `duplicates` reads besides Python (it leaves data and prose out itself).
OTHER_SOURCES = {".html", ".js", ".css", ".sh"}


def tracked_files(root: Path) -> list[Path]:
    """The files git tracks or would track (untracked, not ignored), as in the work tree."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    files = []
    for name in sorted(set(out.splitlines())):
        path = Path(name)
        if SKIPPED_DIRS.intersection(path.parts) or path.name in SKIPPED_FILES:
            continue
        if (root / path).is_file():
            files.append(path)
    return files


def long_functions(root: Path, files: list[Path]) -> list[tuple[int, str]]:
    """(lines, "path:line name") of every function or method longer than the target,
    decorators included, longest first."""
    found = []
    for path in files:
        if path.suffix != ".py":
            continue
        tree = ast.parse((root / path).read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                lines = (node.end_lineno or node.lineno) - start + 1
                if lines > FUNCTION_LINES:
                    found.append((lines, f"{path}:{node.lineno} {node.name}"))
    return sorted(found, key=lambda item: (-item[0], item[1]))


def long_modules(root: Path, files: list[Path]) -> list[tuple[int, str]]:
    found = []
    for path in files:
        if path.suffix == ".py":
            lines = len((root / path).read_text(encoding="utf-8").splitlines())
            if lines > MODULE_LINES:
                found.append((lines, str(path)))
    return sorted(found, key=lambda item: (-item[0], item[1]))


def duplicates(root: Path, files: list[Path], most: int, python_only: bool = False) -> str:
    """The output of `duplicates` over a copy of the files it should read (with
    `python_only`, the Python modules alone, not the templates, scripts and styles)."""
    command = shutil.which("duplicates")
    if command is None:
        return "duplicates: not on PATH (see /work/.library/duplicates/README.md)"
    with tempfile.TemporaryDirectory(prefix="caunoi-shape-") as tmp:
        for path in files:
            other = path.suffix in OTHER_SOURCES or path.name == "Makefile"
            if path.suffix == ".py" or (other and not python_only):
                target = Path(tmp) / path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(root / path, target)
        result = subprocess.run(
            [command, "--repo", tmp, "--most", str(most), "--seconds", "120"],
            capture_output=True,
            text=True,
        )
    return (result.stdout + result.stderr).replace(tmp + "/", "").strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--most", type=int, default=8, help="duplicate pairs to list")
    parser.add_argument(
        "--python", action="store_true", help="duplicates in Python modules only, no templates"
    )
    opts = parser.parse_args()
    files = tracked_files(ROOT)
    functions = long_functions(ROOT, files)
    modules = long_modules(ROOT, files)
    print(f"Functions over {FUNCTION_LINES} lines: {len(functions)}")
    for lines, where in functions:
        print(f"  {lines:4d}  {where}")
    print(f"Modules over {MODULE_LINES} lines: {len(modules)}")
    for lines, where in modules:
        print(f"  {lines:4d}  {where}")
    what = "Python modules" if opts.python else "Python, templates, scripts and styles"
    print(f"Duplicates ({what}; without tests and migrations):")
    for line in duplicates(ROOT, files, opts.most, opts.python).splitlines():
        print(f"  {line}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
