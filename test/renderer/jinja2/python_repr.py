"""Tells whether a Jinja2 render prints a Python repr: a tuple, a string, None or a bool inside a
container (``['a']``, ``(1, 2)``, ``[None]``, ``{'k': 1}``), or any other Python object turned into
text (dict views, generators, macros). Lists and dicts of numbers, and top-level None/True/False,
do not count: they print the same in any language that prints like Python.

It renders the template once more in an instrumented environment: every value written by
``{{ }}`` (through ``finalize``) and every value the runtime and the filters turn into a string
(``~``, ``join``, ``string``, ``pprint``, ``format``...) is inspected.
"""
import jinja2
import jinja2.filters
import jinja2.runtime

_seen = []


def _is_repr(value, top=True):
    if value is None or isinstance(value, (bool, int, float, str)):
        return not top and (value is None or isinstance(value, (bool, str)))
    if isinstance(value, tuple):
        return True
    if isinstance(value, list):
        return any(_is_repr(v, False) for v in value)
    if isinstance(value, dict):
        return any(_is_repr(k, False) or _is_repr(v, False) for k, v in value.items())
    if isinstance(value, jinja2.Undefined):
        return False
    return True


def _note(value):
    if _seen and not isinstance(value, str) and _is_repr(value):
        _seen[-1] = True
    return value


class _RecordingStrType(type):
    def __call__(cls, *args, **kwargs):
        if args:
            _note(args[0])
        return str(*args, **kwargs)

    def __instancecheck__(cls, instance):
        return isinstance(instance, str)

    def __subclasscheck__(cls, subclass):
        return issubclass(subclass, str)


class _RecordingStr(str, metaclass=_RecordingStrType):
    pass


def _wrap(function):
    def wrapped(value, *args, **kwargs):
        _note(value)
        return function(value, *args, **kwargs)
    return wrapped


for _module in (jinja2.filters, jinja2.runtime):
    _module.str = _RecordingStr
    _module.soft_str = _wrap(_module.soft_str)
jinja2.filters.pformat = _wrap(jinja2.filters.pformat)


def _format(value, *args, **kwargs):
    for arg in list(args) + list(kwargs.values()):
        _note(arg)
    return jinja2.filters.do_format(value, *args, **kwargs)


_env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, finalize=_note)
_env.filters["format"] = _format
for _name in ("string", "escape", "e", "forceescape"):  # registered as markupsafe's own functions
    _env.filters[_name] = _wrap(_env.filters[_name])


def involves_python_repr(template, params):
    """True when rendering ``template`` with ``params`` prints a Python repr (see above)."""
    _seen.append(False)
    try:
        _env.from_string(template).render(**params)
    except Exception:  # the normal render reports the error; nothing printed counts
        pass
    return _seen.pop()
