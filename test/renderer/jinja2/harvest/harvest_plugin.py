"""pytest plugin: records every template Jinja2's own test suite renders.

Loaded with ``-p harvest_plugin`` while running the tests of a Jinja2 checkout (see harvest.sh).
It wraps ``Environment.from_string`` and ``Template.render``/``generate``/``render_async`` and, for
each render in an environment a standalone template can express (default options, no loader,
extension, custom filter/test/global, finalize or policy change), writes one JSON line: the test's
node id, the template source and the render context made JSON (tuples become lists: marked),
reduced to the names the template references.
Templates that fail to compile are recorded with an empty context.
"""
import json
import math
import os

import jinja2
from jinja2 import meta
from jinja2 import Environment, StrictUndefined, Template, Undefined
from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_NAMESPACE, DEFAULT_POLICIES, DEFAULT_TESTS
from markupsafe import Markup

OUT = os.environ["JINJA2_HARVEST_OUT"]
_current = {"nodeid": None}
_out = open(OUT, "a", encoding="utf-8")

_DEFAULT_SYNTAX = Environment()
_SYNTAX_ATTRS = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline",
)


def pytest_runtest_protocol(item, nextitem):
    _current["nodeid"] = item.nodeid


class NotJson(Exception):
    pass


def _json(value, flags):
    """The value as JSON data, or NotJson. Tuples become lists (flagged)."""
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        if math.isnan(value) or math.isinf(value):
            raise NotJson("nan")
        return value
    if type(value) is tuple:
        flags.add("tuple")
        return [_json(v, flags) for v in value]
    if type(value) is list:
        return [_json(v, flags) for v in value]
    if type(value) is dict:
        if not all(type(k) is str for k in value):
            raise NotJson("key")
        return {k: _json(v, flags) for k, v in value.items()}
    raise NotJson(type(value).__name__)


def _env_reason(env, template=None):
    """Why this environment cannot be expressed as a standalone template, or None."""
    if type(env) is not Environment:
        return f"environment class {type(env).__name__}"
    if template is not None and type(template) is not Template:
        return "template class"
    for name in _SYNTAX_ATTRS:
        if getattr(env, name) != getattr(_DEFAULT_SYNTAX, name):
            return f"option {name}"
    if env.loader is not None:
        return "loader"
    if env.extensions:
        return "extensions"
    if env.undefined not in (Undefined, StrictUndefined):
        return f"undefined {env.undefined.__name__}"
    if env.finalize is not None:
        return "finalize"
    if env.autoescape is not False:
        return "autoescape"
    if env.filters != DEFAULT_FILTERS or env.tests != DEFAULT_TESTS:
        return "custom filters/tests"
    if env.globals != DEFAULT_NAMESPACE:
        return "custom globals"
    if template is not None and dict(template.globals) != DEFAULT_NAMESPACE:
        return "template globals"
    if env.policies != DEFAULT_POLICIES:
        return "policies"
    return None


def _write(record):
    record["test"] = _current["nodeid"]
    try:
        line = json.dumps(record, ensure_ascii=False)
        line.encode("utf-8")
    except (ValueError, TypeError, UnicodeEncodeError):
        return
    _out.write(line + "\n")
    _out.flush()


def _record_render(template, args, kwargs):
    source = getattr(template, "_harvest_source", None)
    if source is None:
        return
    reason = _env_reason(template.environment, template)
    if reason is not None:
        _write({"skipped": reason})
        return
    flags = set()
    try:
        referenced = meta.find_undeclared_variables(template.environment.parse(source))
        context = _json({k: v for k, v in dict(*args, **kwargs).items() if k in referenced}, flags)
    except (NotJson, TypeError, ValueError) as error:
        _write({"skipped": f"context {error}"})
        return
    _write({"template": source, "params": context, "flags": sorted(flags)})


_from_string = Environment.from_string


def from_string(self, source, globals=None, template_class=None):
    try:
        template = _from_string(self, source, globals, template_class)
    except jinja2.TemplateSyntaxError:
        if isinstance(source, str) and _env_reason(self) is None and not globals and template_class in (None, Template):
            _write({"template": source, "params": {}, "flags": ["compile-error"]})
        raise
    if isinstance(source, str):
        try:
            template._harvest_source = source
        except AttributeError:
            pass
    return template


Environment.from_string = from_string

for _name in ("render", "generate", "render_async", "generate_async"):
    _original = getattr(Template, _name)

    def _wrapped(self, *args, _original=_original, **kwargs):
        _record_render(self, args, kwargs)
        return _original(self, *args, **kwargs)

    setattr(Template, _name, _wrapped)


def pytest_unconfigure(config):
    _out.close()
