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


# Methods that run merely because an instance is made or used in a `with` block.
_CONSTRUCTORS = ("__init__", "__new__", "__call__", "__enter__", "__exit__", "__aenter__", "__aexit__", "__post_init__")


def _names_own_object(node: ast.expr, classes: dict[str, ast.ClassDef], instances: set[str]) -> bool:
    """`self.x`, `cls.x`, `Harvester.x`, `Harvester().x`, `h = Harvester(); h.x`: a method of this
    module's own classes."""
    if isinstance(node, ast.Name):
        return node.id in ("self", "cls") or node.id in classes or node.id in instances
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes


def _registers(decorator: ast.expr) -> bool:
    """`@atexit.register`, `@app.register`, `@signal...`: decorators that keep the function to call it."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr == "register"


# Calls that run the function handed to them: `Thread(target=f)`, `atexit.register(f)`, `Timer(1, f)`.
_RUNNERS = ("register", "Thread", "Process", "Timer", "submit", "run_in_executor", "call_soon", "create_task", "run")


def _hands_to_a_runner(call: ast.Call) -> list[ast.expr]:
    """The arguments of `call` that it will call, if it is one of the _RUNNERS."""
    callee = (
        call.func.attr
        if isinstance(call.func, ast.Attribute)
        else call.func.id
        if isinstance(call.func, ast.Name)
        else ""
    )
    if callee not in _RUNNERS:
        return []
    return [
        *call.args,
        *(keyword.value for keyword in call.keywords if keyword.arg in ("target", "function", "func", None)),
    ]


# What the import system calls on the finders and loaders put on sys.meta_path / sys.path_hooks.
_IMPORT_HOOK_METHODS = ("find_spec", "find_module", "create_module", "exec_module", "load_module", "invalidate_caches")


def _installs_an_import_hook(call: ast.Call) -> bool:
    """`sys.meta_path.insert(0, finder)`, `sys.path_hooks.append(hook)` and the like."""
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in ("insert", "append", "extend", "__setitem__")
        and isinstance(func.value, ast.Attribute)
        and func.value.attr in ("meta_path", "path_hooks")
    )


def _decorator_names(definition: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> set[str]:
    """`@memoize` calls `memoize` as the definition runs (`@memoize(...)` is a call, seen as one)."""
    return {decorator.id for decorator in definition.decorator_list if isinstance(decorator, ast.Name)}


_Refs = tuple[set[str], set[str], set[str], set[str]]
"""(names, attributes) any mention of which may run them, then (names, attributes) certainly run."""


def reachability(tree: ast.Module, roots: frozenset[str] = frozenset()) -> tuple[set[int], set[int]]:
    """Functions (as `id()` of their nodes) that run at import, read two ways, in one pass.

    Loosely: called or merely named (handed to a caller) from module level, transitively. Names
    are matched loosely (any function of that name; any method of that name reached through
    `self`, `cls` or one of the module's classes) — an over-approximation that errs towards
    treating code as running earlier, never later. Certainly: only functions called, or handed to
    something that runs them (a thread, `atexit`); what such code calls in other modules of the
    release is then followed (see import_graph.py), where the loose reading would compound.
    """
    functions: dict[str, list[ast.AST]] = {}
    methods: dict[str, list[ast.AST]] = {}
    classes: dict[str, ast.ClassDef] = {}
    made: list[tuple[str, str]] = []  # (variable, callee) for `variable = Callee(...)`

    # Iterative walks throughout: a nested function that calls itself is a reference cycle that would
    # keep the whole syntax tree alive while the engine pauses the cycle collector.
    pending_statements: list[tuple[ast.stmt, bool]] = [(statement, False) for statement in tree.body]
    while pending_statements:
        statement, in_class = pending_statements.pop()
        if (
            isinstance(statement, ast.Assign)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Name)
        ):
            made.extend((t.id, statement.value.func.id) for t in statement.targets if isinstance(t, ast.Name))
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            (methods if in_class else functions).setdefault(statement.name, []).append(statement)
            pending_statements.extend((child, False) for child in statement.body)
        elif isinstance(statement, ast.ClassDef):
            classes[statement.name] = statement
            pending_statements.extend((child, True) for child in statement.body)
        else:
            pending_statements.extend(
                (child, in_class) for child in ast.iter_child_nodes(statement) if isinstance(child, ast.stmt)
            )
    instances = {variable for variable, callee in made if callee in classes}

    def references(nodes: list[ast.AST]) -> _Refs:
        names: set[str] = set()
        attributes: set[str] = set()
        called: set[str] = set()
        called_attributes: set[str] = set()
        stack = list(nodes)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                # A definition's body runs only if referenced; its decorators and defaults run now.
                called.update(_decorator_names(node))
                stack.extend(node.decorator_list)
                stack.extend(node.args.defaults)
                stack.extend(default for default in node.args.kw_defaults if default is not None)
                continue
            if isinstance(node, ast.ClassDef):
                # The class body runs now; naming a base class instantiates nothing. But making the
                # class runs its metaclass (`__new__`, `__init__`) and its bases' `__init_subclass__`.
                called.update(_decorator_names(node))
                stack.extend(node.decorator_list)
                stack.extend(node.body)
                stack.extend(keyword.value for keyword in node.keywords if keyword.arg != "metaclass")
                for keyword in node.keywords:
                    if keyword.arg == "metaclass" and isinstance(keyword.value, ast.Name):
                        names.add(keyword.value.id)
                        called.add(keyword.value.id)
                if node.bases:
                    attributes.add("__init_subclass__")
                    called_attributes.add("__init_subclass__")
                continue
            if isinstance(node, ast.If) and is_main_guard(node.test):
                stack.extend(node.orelse)  # the guarded body runs as a script, not on import
                continue
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Name):
                continue  # a decorator returning its wrapper: the wrapper runs when the decorated function is called
            if isinstance(node, ast.Call):
                if _installs_an_import_hook(node):
                    # The import system calls the finder and loader from now on, for every import.
                    attributes.update(_IMPORT_HOOK_METHODS)
                    called_attributes.update(_IMPORT_HOOK_METHODS)
                for callee in (node.func, *_hands_to_a_runner(node)):
                    if isinstance(callee, ast.Name):
                        called.add(callee.id)
                    elif isinstance(callee, ast.Attribute) and _names_own_object(callee.value, classes, instances):
                        called_attributes.add(callee.attr)
            elif isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and _names_own_object(node.value, classes, instances):
                attributes.add(node.attr)
            stack.extend(ast.iter_child_nodes(node))
        # Whatever is called is also named (a Call's callee is visited as a Name or Attribute too).
        return names, attributes, called, called_attributes

    top_level: list[ast.AST] = []
    registered: list[ast.AST] = []
    decorators: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # A definition runs its decorators and default values now; `@atexit.register` and the
            # like also hand the function itself to something that will call it.
            decorators.update(_decorator_names(statement))
            top_level.extend(statement.decorator_list)
            top_level.extend(statement.args.defaults)
            if any(_registers(decorator) for decorator in statement.decorator_list):
                registered.append(statement)
        else:
            top_level.append(statement)

    memo: dict[int, _Refs] = {}

    def refs_of(function: ast.AST) -> _Refs:
        key = id(function)
        if key not in memo:
            memo[key] = references(function.body)  # type: ignore[attr-defined]
        return memo[key]

    names, attributes, called, called_attributes = references(top_level)
    module_refs = (names, attributes, called | decorators, called_attributes)

    def closure(certain: bool) -> set[int]:
        pick = (lambda refs: (refs[2], refs[3])) if certain else (lambda refs: (refs[0], refs[1]))
        reachable: set[int] = set()
        reached_classes: set[str] = set()
        pending: list[ast.AST] = []

        def reach(function: ast.AST) -> None:
            if id(function) not in reachable:
                reachable.add(id(function))
                pending.append(function)

        def reach_names(names: set[str], attributes: set[str]) -> None:
            for name in names:
                for function in functions.get(name, ()):
                    reach(function)
                # Naming (or calling) a class here may instantiate it: its constructors run, inherited ones included.
                lineage = [name]
                while lineage:
                    current = lineage.pop()
                    if current not in classes or current in reached_classes:
                        continue
                    reached_classes.add(current)
                    for statement in classes[current].body:
                        if (
                            isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
                            and statement.name in _CONSTRUCTORS
                        ):
                            reach(statement)
                    lineage.extend(base.id for base in classes[current].bases if isinstance(base, ast.Name))
            for attribute in attributes:
                for method in methods.get(attribute, ()):
                    reach(method)

        names, attributes = pick(module_refs)
        reach_names(names | roots, attributes)  # roots: functions other code is known to call
        for function in registered:
            reach(function)
        while pending:
            reach_names(*pick(refs_of(pending.pop())))
        return reachable

    return closure(False), closure(True)
