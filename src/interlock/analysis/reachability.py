"""Which functions of a module run when the module itself runs."""

from __future__ import annotations

import ast


def is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )



def reachable_functions(tree: ast.Module) -> set[str]:
    """Functions that run at import: called (or handed to a caller) from module level, transitively.

    Names are matched loosely (any function or method of that name) — an over-approximation
    that errs towards treating code as running earlier, never later.
    """
    functions: dict[str, list[ast.AST]] = {}
    methods: dict[str, list[ast.AST]] = {}
    classes: dict[str, ast.ClassDef] = {}

    def collect(body: list[ast.stmt], in_class: bool) -> None:
        for statement in body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                (methods if in_class else functions).setdefault(statement.name, []).append(statement)
                collect(statement.body, False)
            elif isinstance(statement, ast.ClassDef):
                classes[statement.name] = statement
                collect(statement.body, True)
            else:
                for child in ast.iter_child_nodes(statement):
                    if isinstance(child, ast.stmt):
                        collect([child], in_class)

    collect(tree.body, False)

    def references(nodes: list[ast.AST]) -> tuple[set[str], set[str]]:
        roots = {id(node) for node in nodes}
        names: set[str] = set()
        attributes: set[str] = set()
        stack = list(nodes)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and id(node) not in roots:
                # A nested definition runs only if referenced; its decorators run now.
                stack.extend(node.decorator_list)
                continue
            if isinstance(node, ast.If) and is_main_guard(node.test) and id(node) not in roots:
                stack.extend(node.orelse)
                continue
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                attributes.add(node.attr)
            stack.extend(ast.iter_child_nodes(node))
        return names, attributes

    top_level = [s for s in tree.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    reachable: set[str] = set()
    names, attributes = references(top_level)
    pending_names, pending_attributes = set(names), set(attributes)
    while pending_names or pending_attributes:
        bodies: list[ast.AST] = []
        for name in pending_names:
            if name in functions and name not in reachable:
                reachable.add(name)
                for function in functions[name]:
                    bodies.extend(function.body)  # type: ignore[attr-defined]
            if name in classes:
                for constructor in ("__init__", "__new__", "__call__", "__enter__", "__post_init__"):
                    if constructor in methods and constructor not in reachable:
                        reachable.add(constructor)
                        for method in methods[constructor]:
                            bodies.extend(method.body)  # type: ignore[attr-defined]
        for attribute in pending_attributes:
            if attribute in methods and attribute not in reachable:
                reachable.add(attribute)
                for method in methods[attribute]:
                    bodies.extend(method.body)  # type: ignore[attr-defined]
        pending_names, pending_attributes = references(bodies) if bodies else (set(), set())
    return reachable
