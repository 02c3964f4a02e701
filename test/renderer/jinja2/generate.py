"""Renders every corpus case with Jinja2 and writes the expected outputs (or error class names).

usage: generate.py [--mark-repr] CORPUS FIXTURES
--mark-repr adds ``pythonRepr`` to each fixture (see python_repr.py). A case's ``tags`` are kept.
"""
import json
import sys

import jinja2

args = sys.argv[1:]
mark_repr = "--mark-repr" in args
corpus_path, fixtures_path = [arg for arg in args if arg != "--mark-repr"]
with open(corpus_path, encoding="utf-8") as f:
    corpus = json.load(f)
if mark_repr:
    sys.dont_write_bytecode = True  # no __pycache__ next to the fixtures
    from python_repr import involves_python_repr

env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
fixtures = []
for case in corpus:
    fixture = {"name": case["name"], "template": case["template"], "params": case.get("params", {})}
    if "tags" in case:
        fixture["tags"] = case["tags"]
    try:
        fixture["output"] = env.from_string(case["template"]).render(**fixture["params"])
    except Exception as error:  # what matters is that Jinja2 refuses; the class is informative
        fixture["error"] = type(error).__name__
    if mark_repr:
        fixture["pythonRepr"] = "output" in fixture and involves_python_repr(case["template"], fixture["params"])
    fixtures.append(fixture)

with open(fixtures_path, "w", encoding="utf-8") as f:
    json.dump({"generatedBy": f"Jinja2 {jinja2.__version__}", "fixtures": fixtures}, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(f"{len(fixtures)} fixtures written to {fixtures_path.rsplit('/', 1)[-1]} with Jinja2 {jinja2.__version__}")
