#!/usr/bin/env python3
"""Validates scenario files against scenarios/scenario.schema.json.

Usage: scenario_schema_check.py SCHEMA [--expect-invalid] PATH...
A PATH may be a directory: its *.json files except the schema are checked.
Exits 0 when every file meets the expectation, 1 otherwise, 77 (a skip for
meson) when python3-jsonschema is not installed.
"""
import json
import pathlib
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed: skipping the schema test")
    sys.exit(77)


def files_of(paths):
    for path in map(pathlib.Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.glob("*.json") if ".schema." not in p.name)
        else:
            yield path


def main(arguments):
    schema = json.loads(pathlib.Path(arguments[0]).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    expect_invalid = "--expect-invalid" in arguments
    paths = [a for a in arguments[1:] if a != "--expect-invalid"]
    failures = 0
    checked = 0
    for path in files_of(paths):
        checked += 1
        try:
            errors = list(validator.iter_errors(json.loads(path.read_text())))
        except json.JSONDecodeError as error:
            errors = [error]
        if expect_invalid and not errors:
            print(f"{path}: expected the schema to reject it, but it is valid")
            failures += 1
        elif not expect_invalid and errors:
            for error in errors:
                where = "/" + "/".join(str(p) for p in getattr(error, "absolute_path", []))
                print(f"{path}: {where}: {getattr(error, 'message', error)}")
            failures += 1
    print(f"{checked - failures} passed, {failures} failed")
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
