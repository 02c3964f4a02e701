"""Checks that a Python app uses only names that the generated templated_api_caller module has.

usage: check_names.py APP_PY GENERATED_INIT_PY

Both files are parsed with `ast` (nothing is imported or run, so neither aws-cdk-lib nor the
package must be installed). Checked: every name imported from templated_api_caller; for a call
of one of its classes or of a static/class method, every keyword argument; for a variable bound
to an instance of one of its classes, every attribute read on it (methods and properties).
Prints one line per problem and exits 1 if there is any.
"""
import ast
import sys

MODULE = "templated_api_caller"


def generated_classes(init_py):
    """class name -> {member name -> set of keyword parameter names (None for a property)}."""
    tree = ast.parse(open(init_py, encoding="utf-8").read())
    classes = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
            continue
        members = {}
        for item in node.body:
            if isinstance(item, ast.FunctionDef):
                is_property = any(isinstance(d, ast.Attribute) and d.attr == "property" or
                                  isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list)
                params = {a.arg for a in item.args.args + item.args.kwonlyargs} - {"self", "cls"}
                members[item.name] = None if is_property else params
            elif isinstance(item, ast.Assign):  # enum members and constants
                for target in item.targets:
                    if isinstance(target, ast.Name):
                        members[target.id] = None
        classes[node.name] = members
    return classes


def check(app_py, init_py):
    classes = generated_classes(init_py)
    tree = ast.parse(open(app_py, encoding="utf-8").read())
    problems = []
    imported = {}  # local name -> class name in the module
    module_aliases = set()

    def where(node):
        return f"{app_py}:{node.lineno}"

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == MODULE:
            for alias in node.names:
                if alias.name not in classes:
                    problems.append(f"{where(node)}: {MODULE} has no {alias.name}")
                imported[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == MODULE:
                    module_aliases.add(alias.asname or alias.name)

    def class_of(expr):
        """The module class an expression names (RetryPolicy, templated_api_caller.RetryPolicy)."""
        if isinstance(expr, ast.Name) and expr.id in imported:
            return imported[expr.id]
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id in module_aliases:
            if expr.attr not in classes:
                problems.append(f"{where(expr)}: {MODULE} has no {expr.attr}")
                return None
            return expr.attr
        return None

    def check_keywords(call, params, what):
        for keyword in call.keywords:
            if keyword.arg is not None and keyword.arg not in params:
                problems.append(f"{where(keyword.value)}: {what} has no keyword argument {keyword.arg}")

    instances = {}  # variable name -> class name
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            cls = class_of(node.value.func)
            if cls:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        instances[target.id] = cls
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            cls = class_of(node.func)
            if cls and cls in classes:
                check_keywords(node, classes[cls].get("__init__", set()), cls)
            elif isinstance(node.func, ast.Attribute):
                owner = class_of(node.func.value)
                if owner and owner in classes:
                    params = classes[owner].get(node.func.attr)
                    if node.func.attr not in classes[owner]:
                        problems.append(f"{where(node)}: {owner} has no {node.func.attr}")
                    elif params is not None:
                        check_keywords(node, params, f"{owner}.{node.func.attr}")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in instances:
            cls = instances[node.value.id]
            if node.attr not in classes.get(cls, {}):
                problems.append(f"{where(node)}: {cls} has no {node.attr}")
        if isinstance(node, ast.Attribute) and class_of(node.value) in classes and not isinstance(node.value, ast.Call):
            owner = class_of(node.value)
            if node.attr not in classes[owner]:
                problems.append(f"{where(node)}: {owner} has no {node.attr}")
    return sorted(set(problems))


if __name__ == "__main__":
    found = check(sys.argv[1], sys.argv[2])
    for problem in found:
        print(problem)
    sys.exit(1 if found else 0)
