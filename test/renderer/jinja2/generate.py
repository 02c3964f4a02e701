"""Renders every corpus case with Jinja2 and writes the expected outputs (or error class names)."""
import json
import sys

import jinja2

corpus_path, fixtures_path = sys.argv[1], sys.argv[2]
with open(corpus_path, encoding="utf-8") as f:
    corpus = json.load(f)

env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
fixtures = []
for case in corpus:
    fixture = {"name": case["name"], "template": case["template"], "params": case.get("params", {})}
    try:
        fixture["output"] = env.from_string(case["template"]).render(**fixture["params"])
    except Exception as error:  # what matters is that Jinja2 refuses; the class is informative
        fixture["error"] = type(error).__name__
    fixtures.append(fixture)

with open(fixtures_path, "w", encoding="utf-8") as f:
    json.dump({"generatedBy": f"Jinja2 {jinja2.__version__}", "fixtures": fixtures}, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(f"{len(fixtures)} fixtures written with Jinja2 {jinja2.__version__}")
