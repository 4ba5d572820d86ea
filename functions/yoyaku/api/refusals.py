"""Which problem codes each route can answer, read from the code that answers them.

A route refuses a request by raising `DomainError(ErrorCode.X)` in itself or in anything
it calls. Listing those codes by hand beside every route would go stale the first time
a service learns a new refusal, so the OpenAPI document reads them from the source: from
the route function, every function it can reach inside the `yoyaku` package (module
functions, imported functions, `Class.method` and `self.method` calls) and every
`ErrorCode.X` they name. That over-approximates (a name in a condition counts as a
refusal) rather than forgets one, which is the safe side for a client's error handling.
Calls through objects the code cannot name (a store instance, a callback) are not
followed; the schemathesis run checks every status the service answers against the
document, so one missed that way shows up there.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from yoyaku.domain.errors import ErrorCode

PACKAGE = Path(__file__).resolve().parent.parent  # functions/yoyaku
ROUTE_METHODS = ("get", "post", "put", "patch", "delete")

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class _Module:
    name: str
    functions: dict[str, FunctionNode] = field(default_factory=dict)
    # local name -> (module, function or class name or None for a module)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    classes: dict[str, dict[str, FunctionNode]] = field(default_factory=dict)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _read(path: Path) -> _Module:
    module = _Module(_module_name(path))
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, FunctionNode):
            module.functions[node.name] = node
        elif isinstance(node, ast.ClassDef):
            module.classes[node.name] = {
                item.name: item for item in node.body if isinstance(item, FunctionNode)
            }
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                module.imports[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                module.imports[alias.asname or alias.name] = (alias.name, None)
    return module


@cache
def _modules() -> dict[str, _Module]:
    found = [_read(path) for path in sorted(PACKAGE.rglob("*.py"))]
    return {module.name: module for module in found}


def _target(
    modules: dict[str, _Module], module: _Module, name: str
) -> tuple[_Module, str | None] | None:
    """What `name` means in `module`: a module, or a module's function or class."""
    if name in module.functions or name in module.classes:
        return module, name
    imported = module.imports.get(name)
    if imported is None:
        return None
    source, member = imported
    if member is not None and f"{source}.{member}" in modules:
        return modules[f"{source}.{member}"], None  # `from yoyaku.services import holds`
    if source in modules:
        return modules[source], member
    return None


def _callees(
    modules: dict[str, _Module], module: _Module, owner: str | None, node: FunctionNode
) -> list[tuple[_Module, str | None, FunctionNode]]:
    found: list[tuple[_Module, str | None, FunctionNode]] = []

    def function(where: _Module, cls: str | None, name: str) -> None:
        if cls is not None:
            method = where.classes.get(cls, {}).get(name)
            if method is not None:
                found.append((where, cls, method))
        elif name in where.functions:
            found.append((where, None, where.functions[name]))

    def named(where: _Module, name: str) -> None:
        """A call of `name` in `where`: a class builds an instance, a function runs."""
        if name in where.classes:
            function(where, name, "__init__")
        else:
            function(where, None, name)

    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        callee = call.func
        if isinstance(callee, ast.Name):
            target = _target(modules, module, callee.id)
            if target is not None and target[1] is not None:
                named(target[0], target[1])
        elif isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name):
            base = callee.value.id
            if base in ("self", "cls") and owner is not None:
                function(module, owner, callee.attr)
                continue
            target = _target(modules, module, base)
            if target is None:
                continue
            where, name = target
            if name is None:
                target = _target(modules, where, callee.attr)
                if target is not None and target[1] is not None:
                    named(target[0], target[1])
            elif name in where.classes:
                function(where, name, callee.attr)
    return found


def _named_codes(node: FunctionNode) -> set[ErrorCode]:
    return {
        ErrorCode(item.attr)
        for item in ast.walk(node)
        if isinstance(item, ast.Attribute)
        and isinstance(item.value, ast.Name)
        and item.value.id == "ErrorCode"
        and item.attr in ErrorCode.__members__
    }


@dataclass(frozen=True)
class Reach:
    """What a function can do: the codes it can refuse with and the functions it calls
    (as `module.function` or `module.Class.method`), itself included."""

    codes: frozenset[ErrorCode]
    functions: frozenset[str]


def reach(module_name: str, function_name: str) -> Reach:
    """Every code `module_name.function_name` and what it calls can raise."""
    modules = _modules()
    start = modules[module_name]
    pending: list[tuple[_Module, str | None, FunctionNode]] = [
        (start, None, start.functions[function_name])
    ]
    seen: set[tuple[str, str | None, str]] = set()
    codes: set[ErrorCode] = set()
    while pending:
        module, owner, node = pending.pop()
        key = (module.name, owner, node.name)
        if key in seen:
            continue
        seen.add(key)
        codes |= _named_codes(node)
        pending.extend(_callees(modules, module, owner, node))
    names = {".".join(part for part in key if part) for key in seen}
    return Reach(frozenset(codes), frozenset(names))


@dataclass(frozen=True)
class RouteSource:
    method: str  # upper case
    path: str  # OpenAPI form, /v1/x/{id}
    module: str
    function: str
    # (module, function) of each route middleware (`middlewares=[accepting.BOOKING]`):
    # what they refuse, the route answers too.
    middlewares: tuple[tuple[str, str], ...] = ()

    def reach(self) -> Reach:
        """What the route and its middlewares can refuse and call."""
        reaches = [reach(self.module, self.function)]
        reaches += [reach(module, function) for module, function in self.middlewares]
        return Reach(
            frozenset().union(*(r.codes for r in reaches)),
            frozenset().union(*(r.functions for r in reaches)),
        )


def _middlewares(module: _Module, decorator: ast.Call) -> tuple[tuple[str, str], ...]:
    """The `middlewares=[name.FUNCTION, …]` of a route decorator that name a module of
    the package imported by the route's module."""
    found: list[tuple[str, str]] = []
    for keyword in decorator.keywords:
        if keyword.arg != "middlewares" or not isinstance(keyword.value, ast.List):
            continue
        for item in keyword.value.elts:
            if not (isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name)):
                continue
            imported = module.imports.get(item.value.id)
            if imported is None:
                continue
            package, name = imported
            found.append((f"{package}.{name}" if name else package, item.attr))
    return tuple(found)


def route_sources() -> dict[tuple[str, str], RouteSource]:
    """(METHOD, /path/{param}) -> the function that serves it, from the api modules'
    `@router.<method>("/path", ...)` decorators."""
    routes: dict[tuple[str, str], RouteSource] = {}
    for module in _modules().values():
        if not module.name.startswith("yoyaku.api."):
            continue
        for node in module.functions.values():
            for decorator in node.decorator_list:
                if not (
                    isinstance(decorator, ast.Call)
                    and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr in ROUTE_METHODS
                    and decorator.args
                    and isinstance(decorator.args[0], ast.Constant)
                ):
                    continue
                path = str(decorator.args[0].value).replace("<", "{").replace(">", "}")
                method = decorator.func.attr.upper()
                routes[(method, path)] = RouteSource(
                    method, path, module.name, node.name, _middlewares(module, decorator)
                )
    return routes
