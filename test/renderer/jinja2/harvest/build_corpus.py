"""Turns the harvest plugin's records into the corpus: deduplicated, named after the first test
that rendered each case, tagged with every test that did, without cases whose Jinja2 output is
not deterministic (random, lipsum, set order under another hash seed)."""
import json
import os
import re
import subprocess
import sys
import tempfile

raw_path, corpus_path, version = sys.argv[1:4]
here = os.path.dirname(os.path.abspath(__file__))
NONDETERMINISTIC = re.compile(r"\brandom\b|\blipsum\b")

cases, by_key, skipped = [], {}, {}
with open(raw_path, encoding="utf-8") as f:
    for line in f:
        record = json.loads(line)
        if "skipped" in record:
            skipped[record["skipped"]] = skipped.get(record["skipped"], 0) + 1
            continue
        if NONDETERMINISTIC.search(record["template"]):
            continue
        test = re.sub(r"^tests/", "", record["test"] or "unknown")
        key = (record["template"], json.dumps(record["params"], sort_keys=True))
        tags = [f"jinja2-test:{test}"] + (["context-tuples-as-lists"] if "tuple" in record["flags"] else [])
        if key in by_key:
            case = by_key[key]
            case["tags"] += [tag for tag in tags if tag not in case["tags"]]
            continue
        case = {"name": test, "template": record["template"], "params": record["params"], "tags": tags}
        by_key[key] = case
        cases.append(case)

names = {}
for case in cases:
    names[case["name"]] = names.get(case["name"], 0) + 1
    if names[case["name"]] > 1:
        case["name"] += f" #{names[case['name']]}"


def expected(seed, corpus):
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "c.json"), os.path.join(tmp, "f.json")
        with open(src, "w", encoding="utf-8") as f:
            json.dump(corpus, f)
        subprocess.run(["/usr/bin/python3", os.path.join(here, "..", "generate.py"), src, out], check=True,
                       env={**os.environ, "PYTHONHASHSEED": str(seed)}, stdout=subprocess.DEVNULL)
        with open(out, encoding="utf-8") as f:
            return json.load(f)["fixtures"]


first, second = expected(1, cases), expected(2, cases)
stable = [case for case, a, b in zip(cases, first, second) if a.get("output") == b.get("output") and a.get("error") == b.get("error")]
with open(corpus_path, "w", encoding="utf-8") as f:
    json.dump(stable, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(f"{len(stable)} cases from Jinja2 {version}'s tests ({len(cases) - len(stable)} nondeterministic dropped); "
      f"renders not expressible standalone: {sum(skipped.values())} ({', '.join(f'{k}: {v}' for k, v in sorted(skipped.items(), key=lambda kv: -kv[1])[:8])}, ...)")
