"""The import graph of the repository, read with ``ast`` (nothing imported).

* ``mmhdf/`` imports nothing from ``tests``, ``tools``, ``benchmarks``,
  ``demo`` or ``syndfer`` (the package must work on its own).
* ``mmhdf/evaluation/`` is pure: no Runner code (``mmengine.runner``'s
  ``Runner``, ``mmhdf.apis``).
* The modules of ``mmhdf`` import each other without import-time cycles.
* Test files import no other test files (shared code lives in
  ``tests/helpers`` or :mod:`mmhdf.testing`).

Every import statement counts, including those inside functions (except
for the cycle check, which follows what runs at import time).
"""
import ast
import os
import os.path as osp
from typing import Dict, Iterator, List, Optional, Set, Tuple

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
FORBIDDEN_IN_MMHDF = ('tests', 'tools', 'benchmarks', 'demo', 'syndfer')


def _py_files(folder: str) -> Iterator[str]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d != '__pycache__']
        for name in sorted(filenames):
            if name.endswith('.py'):
                yield osp.join(dirpath, name)


def _module_of(path: str) -> str:
    rel = osp.relpath(path, ROOT)[:-3].replace(os.sep, '.')
    return rel[:-len('.__init__')] if rel.endswith('.__init__') else rel


def _nodes(tree: ast.AST, at_import_time: bool) -> Iterator[ast.AST]:
    """All nodes, or only those run at import time (no function bodies)."""
    if not at_import_time:
        yield from ast.walk(tree)
        return
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        todo += [c for c in ast.iter_child_nodes(node) if not isinstance(
            c, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]


def imports_of(source: str, module: str, is_package: bool = False,
               at_import_time: bool = False
               ) -> List[Tuple[int, str, Optional[str]]]:
    """Every import of a module's source, relative ones made absolute.

    Args:
        source (str): The module's source.
        module (str): Its dotted name (to resolve relative imports).
        is_package (bool): Whether it is a package's ``__init__``.
        at_import_time (bool): Only the imports run when the module is
            imported (leave out those deferred into functions).

    Returns:
        list[tuple]: ``(line, imported module, imported name or None)``;
        ``from a import b`` gives ``(n, 'a', 'b')``, ``import a.b`` gives
        ``(n, 'a.b', None)``.
    """
    package = module if is_package else module.rpartition('.')[0]
    out = []
    for node in _nodes(ast.parse(source), at_import_time):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                parts = package.split('.')
                parts = parts[:len(parts) - (node.level - 1)]
                base = '.'.join(parts + ([base] if base else []))
            out += [(node.lineno, base, a.name) for a in node.names]
    return out


def _graph(folder: str, at_import_time: bool = False
           ) -> Dict[str, List[Tuple[int, str, Optional[str]]]]:
    graph = {}
    for path in _py_files(osp.join(ROOT, folder)):
        with open(path, encoding='utf-8') as f:
            graph[osp.relpath(path, ROOT)] = imports_of(
                f.read(), _module_of(path), path.endswith('__init__.py'),
                at_import_time)
    return graph


def _top(module: str) -> str:
    return module.split('.')[0]


def _runner_imports(imports) -> List[str]:
    """The imports in ``imports`` that bring in Runner code."""
    bad = []
    for line, mod, name in imports:
        full = f'{mod}.{name}' if name else mod
        if full == 'mmhdf.apis' or full.startswith('mmhdf.apis.'):
            bad.append(f'{line}: {full}')
        elif mod.startswith('mmengine.runner') and (
                name is None or name == 'Runner' or name == '*'
                or mod.endswith('runner.runner')):
            bad.append(f'{line}: {full}')
    return bad


def _cycle(edges: Dict[str, Set[str]]) -> Optional[List[str]]:
    """One cycle of a directed graph, or ``None``."""
    state: Dict[str, int] = {}
    stack: List[str] = []

    def visit(node: str) -> Optional[List[str]]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def module_edges(graph) -> Dict[str, Set[str]]:
    """Which mmhdf module imports which (``from p import m`` -> ``p.m``
    when ``p.m`` is a module of the graph, else ``p``)."""
    modules = {_module_of(osp.join(ROOT, path)) for path in graph}
    edges: Dict[str, Set[str]] = {}
    for path, imports in graph.items():
        src = _module_of(osp.join(ROOT, path))
        for _, mod, name in imports:
            dst = f'{mod}.{name}' if f'{mod}.{name}' in modules else mod
            if dst in modules and dst != src:
                edges.setdefault(src, set()).add(dst)
    return edges


# ------------------------------------------------------------------ tests
def test_mmhdf_imports_nothing_outside_the_package():
    bad = [f'{path}:{line}: {mod}'
           for path, imports in _graph('mmhdf').items()
           for line, mod, _ in imports if _top(mod) in FORBIDDEN_IN_MMHDF]
    assert not bad, ('mmhdf/ must not import tests, tools, benchmarks, '
                     'demo or syndfer:\n' + '\n'.join(bad))


def test_evaluation_imports_no_runner_code():
    graph = _graph(osp.join('mmhdf', 'evaluation'))
    assert graph, 'no files found under mmhdf/evaluation'
    bad = [f'{path}:{hit}' for path, imports in graph.items()
           for hit in _runner_imports(imports)]
    assert not bad, ('mmhdf/evaluation/ must stay pure (metrics and '
                     'summaries); Runner code goes to mmhdf/apis:\n' +
                     '\n'.join(bad))


def test_mmhdf_modules_have_no_import_time_cycles():
    # an import deferred into a function is the usual way to break a cycle
    # (e.g. compat.checkpoint -> compat.checkpoint_schemes): not counted
    cycle = _cycle(module_edges(_graph('mmhdf', at_import_time=True)))
    assert cycle is None, 'import cycle: ' + ' -> '.join(cycle)


def test_test_files_import_no_test_files():
    bad = []
    for path, imports in _graph('tests').items():
        for line, mod, name in imports:
            parts = mod.split('.') + ([name] if name else [])
            if parts[0] == 'tests' and any(
                    p.startswith('test_') for p in parts[1:]):
                bad.append(f'{path}:{line}: {".".join(parts)}')
    assert not bad, ('shared test code goes to tests/helpers or '
                     'mmhdf.testing:\n' + '\n'.join(bad))


# ------------------------------------------------- the checks can fail
@pytest.mark.parametrize('source,module,expected', [
    ('from tests.helpers import scripts', 'mmhdf.x', ['tests']),
    ('import syndfer', 'mmhdf.x', ['syndfer']),
    ('def f():\n    from tools import a', 'mmhdf.x', ['tools']),
    ('from ..apis import prepare_config', 'mmhdf.evaluation.m', ['mmhdf']),
])
def test_forbidden_imports_are_seen(source, module, expected):
    tops = [_top(m) for _, m, _ in imports_of(source, module)]
    assert tops == expected


@pytest.mark.parametrize('source,hits', [
    ('from mmengine.runner import Runner', 1),
    ('import mmengine.runner', 1),
    ('from mmhdf.apis.robustness import evaluate_robustness', 1),
    ('from mmhdf import apis', 1),
    ('from ...apis import run_test_pass', 1),
    ('from mmengine.runner.checkpoint import load_checkpoint', 0),
    ('from mmengine.evaluator import BaseMetric', 0),
])
def test_runner_imports_are_seen(source, hits):
    imports = imports_of(source, 'mmhdf.evaluation.robustness.summary')
    assert len(_runner_imports(imports)) == hits


def test_deferred_imports_are_left_out_at_import_time():
    src = 'import a\nclass C:\n    import b\ndef f():\n    import c\n'
    assert [m for _, m, _ in imports_of(src, 'x')] == ['a', 'b', 'c']
    assert sorted(m for _, m, _ in imports_of(src, 'x',
                                              at_import_time=True)) == [
        'a', 'b']


def test_a_cycle_is_seen():
    graph = {
        'mmhdf/datasets/a.py': [(1, 'mmhdf.utils.b', 'x')],
        'mmhdf/utils/__init__.py': [(1, 'mmhdf.utils', 'b')],
        'mmhdf/utils/b.py': [(1, 'mmhdf.datasets', 'a')],
    }
    edges = module_edges(graph)
    assert edges == {'mmhdf.datasets.a': {'mmhdf.utils.b'},
                     'mmhdf.utils': {'mmhdf.utils.b'},
                     'mmhdf.utils.b': {'mmhdf.datasets.a'}}
    assert _cycle(edges) is not None
    assert _cycle({'a': {'b'}, 'b': {'c'}, 'c': set()}) is None
