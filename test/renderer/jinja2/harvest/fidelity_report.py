"""Writes ../FIDELITY.md: the suite test's misses grouped by cause, each with an example.

usage: JINJA2_SUITE_REPORT=/tmp/suite.json npx jest test/renderer/jinja2/jinja2-suite --coverage=false
       /usr/bin/python3 test/renderer/jinja2/harvest/fidelity_report.py /tmp/suite.json [COMMIT]
A miss no cause below matches lands in "Other", to be given a cause here.
"""
import json
import os
import re
import sys

# (cause, what to do, predicate on a result); the first that matches wins.
CAUSES = [
    ("Numeric literals: `1_000`, `1e3`, `2.5e+100`, `0x1f`, `0o17`, `0b101`",
     "the lexer reads Python's numeric literal forms; exponent floats print as Python prints them",
     lambda r: "test_numeric_literal" in r["name"]),
    ("Floats print without `.0` (`42.0`, `round`, `float`)",
     "keep a float type through literals, `float`, `round` and `/` so whole floats print `.0`",
     lambda r: re.search(r"::test_(float|round_|float_default)", r["name"])),
    ("Integers beyond 2^53", "parse and print big integers exactly (BigInt)",
     lambda r: "test_int[" in r["name"]),
    ("Tuples: `()`, `(1,)`, `(1, 2,)` and their printing",
     "parse empty/one-element tuples and trailing commas; print tuples as `(1, 2)`",
     lambda r: re.search(r"::test_(tuple|collection_literal|trailing_comma)", r["name"])),
    ("`dictsort` ignores `by=` and `reverse=` and prints lists, not tuples",
     "honour `by`/`reverse`; its pairs print as `('a', 0)`",
     lambda r: "test_dictsort" in r["name"]),
    ("Dict methods shadowed by keys (`foo.items()` when `foo` has a key `items`)",
     "Jinja2 prefers the attribute (the method) for `.name` and `attr()`; the key for `['name']`",
     lambda r: "test_item_and_attribute" in r["name"]),
    ("`{% with %}` (and `{% block scoped %}` inside it)", "add the `with` tag with Jinja2's scoping",
     lambda r: "unknown block tag: with" in r["actual"]),
    ("`{% autoescape %}` blocks", "add the tag: `{% autoescape true %}` escapes output inside it",
     lambda r: "unknown block tag: autoescape" in r["actual"]),
    ("`{% filter a|b(args) %}` chains", "parse a filter chain with arguments in `{% filter %}`",
     lambda r: "expected block end in filter statement" in r["actual"]),
    ("Whitespace modifiers: `{%- raw -%}`, `{% endraw +%}`, `{%+`, `+%}`",
     "accept `+` and `-` on raw/endraw and `+` on any tag (a no-op with trim/lstrip off)",
     lambda r: re.search(r"::test_(raw2|trim_blocks_false_with_no_trim|lstrip_blocks_false_with_no_lstrip)", r["name"])),
    ("Recursive loops (`for ... recursive`, `loop(children)`)", "parse `recursive` and provide `loop()`",
     lambda r: "recursive" in r["template"] and "expected block end in for statement" in r["actual"]),
    ("`loop.changed()` and `loop.cycle(*args)`", "add `loop.changed`; star-args in calls",
     lambda r: re.search(r"::test_(changed|cycling)", r["name"])),
    ("`{% set %}` inside a loop leaks out of it", "a loop body is a scope: `set` there is local to the iteration",
     lambda r: re.search(r"::test_(intended_scoping_with_set|localset|stacked_locals_scoping_bug)", r["name"])),
    ("Macros defined in a loop do not see the loop variable, or themselves",
     "macros close over the enclosing scope (loop variables, recursive self-reference)",
     lambda r: re.search(r"::test_(closure_scoping|macro_scoping)", r["name"])),
    ("`{% for %}…{% else %}` hides an outer variable of the loop variable's name",
     "the else branch sees the outer scope", lambda r: "test_else_scoping_item" in r["name"]),
    ("`{% block name scoped %}`", "accept `scoped` (blocks in a standalone template render in place)",
     lambda r: "test_scoped_block" in r["name"]),
    ("Missing filters: `filesizeformat`, `xmlattr`, `wordwrap`", "add them as Jinja2 defines them",
     lambda r: "filter not found" in r["actual"]),
    ("`urlize`: `rel=\"noopener\"`, `https://` for bare domains, `mailto:`, `target`, `extra_schemes`, escaping",
     "port Jinja2's urlize", lambda r: "urlize" in r["template"]),
    ("`escape` writes `&#34;` and `&#39;` (markupsafe), not `&quot;`", "use markupsafe's entities",
     lambda r: "test_escape" in r["name"]),
    ("`pprint` wraps at 80 columns as Python's pprint", "wrap long containers one item per line",
     lambda r: "test_pprint" in r["name"]),
    ("Integer attribute on sequences: `[1, 2].0`, `x.1`", "the lexer accepts `.0` after an expression as a subscript",
     lambda r: "expected name as lookup value" in r["actual"]),
    ("Adjacent string literals concatenate: `\"a\" \"b\"`", "the parser joins adjacent string tokens",
     lambda r: "test_string_concatenation" in r["name"]),
    ("String escapes `'\\x00'`, `\\u`, `\\N{}` as Python reads them", "decode Python string escapes",
     lambda r: "test_string_escapes" in r["name"]),
    ("`}}}` closes a dict literal and the tag", "the lexer balances braces before ending `{{ }}` (known difference)",
     lambda r: re.search(r"\}\}\}", r["template"]) is not None),
    ("`true is number` (a bool is a number in Python)", "`number` accepts booleans",
     lambda r: re.search(r"(true|false) is number", r["template"]) is not None),
    ("`items` on an undefined value gives `[]`", "Jinja2's `items` filter returns an empty iterator for Undefined",
     lambda r: "test_items_undefined" in r["name"]),
    ("`caller` as a macro parameter without a default is refused", "raise at compile time like Jinja2 (TemplateAssertionError)",
     lambda r: "test_double_caller_no_default" in r["name"]),
]


def main():
    report_path = sys.argv[1]
    commit = sys.argv[2] if len(sys.argv) > 2 else "the working tree"
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    results = report["results"]
    no_repr = [r for r in results if not r["pythonRepr"]]

    def rate(rs):
        return f"{sum(r['pass'] for r in rs)}/{len(rs)} = {100 * sum(r['pass'] for r in rs) / len(rs):.1f} %"

    groups = {}
    for result in results:
        if result["pass"]:
            continue
        cause = next((c for c in CAUSES if c[2](result)), ("Other", "not yet given a cause in harvest/fidelity_report.py", None))
        groups.setdefault(cause[0], (cause, []))[1].append(result)

    out = [
        "# Jinja2 fidelity on Jinja2's own tests",
        "",
        f"Generated by `harvest/fidelity_report.py` from `jinja2-suite.test.ts` run on {commit}; expected outputs from "
        f"{report['generatedBy']} (`jinja2-suite-fixtures.json`, StrictUndefined, autoescape off).",
        "Regenerate (see harvest/README.md):",
        "",
        "```sh",
        "JINJA2_SUITE_REPORT=/tmp/suite.json npx jest test/renderer/jinja2/jinja2-suite --coverage=false",
        "/usr/bin/python3 test/renderer/jinja2/harvest/fidelity_report.py /tmp/suite.json $(git rev-parse --short HEAD)",
        "```",
        "",
        f"- Cases whose output involves no Python repr: **{rate(no_repr)}** (goal ≥ 95 %)",
        f"- Overall: **{rate(results)}** (goal ≥ 85 %)",
        f"- A case passes when the output is identical, or when Jinja2 raises and the renderer throws `TemplateRenderError`.",
        "",
        "Scope: the corpus holds what Jinja2's tests render in a default environment with a JSON context. Renders "
        "that use a loader (`include`/`extends`/`import`), `trim_blocks`/`lstrip_blocks`, other delimiters, "
        "autoescape, the sandbox, extensions, custom filters/tests/globals or Python objects in the context are "
        "left out (`harvest.sh` prints how many, by reason); the README's known differences cover most of them.",
        "",
        "## Misses by cause",
        "",
        "| misses | of which no-repr | cause | to do |",
        "|---:|---:|---|---|",
    ]
    ordered = sorted(groups.values(), key=lambda g: (-len(g[1]), g[0][0]))
    for (title, todo, _), rs in ordered:
        out.append(f"| {len(rs)} | {sum(not r['pythonRepr'] for r in rs)} | {title} | {todo} |")
    out.append("")
    for (title, todo, _), rs in ordered:
        example = rs[0]
        out += [f"### {title} ({len(rs)})", ""]
        out += ["Example (`" + example["name"] + "`):", "", "```jinja", example["template"].strip("\n"), "```", ""]
        if example["params"]:
            out += [f"params: `{json.dumps(example['params'], ensure_ascii=False)[:200]}`", ""]
        out += [f"- Jinja2: `{json.dumps(example['expected'], ensure_ascii=False)[:300]}`",
                f"- ours: `{json.dumps(example['actual'], ensure_ascii=False)[:300]}`"]
        if len(rs) > 1:
            out.append(f"- also: {', '.join('`' + r['name'] + '`' for r in rs[1:])}")
        out.append("")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "FIDELITY.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print(f"{sum(len(rs) for _, rs in groups.values())} misses in {len(groups)} causes written to FIDELITY.md")


main()
