"""Check ``--cfg-options`` value types before they reach the Runner.

mmengine's ``DictAction`` turns ``key=8.0`` into a float and ``key=abc`` into
a string and merges them whatever the config held there, so
``model.backbone.num_frames=8.0`` or ``optim_wrapper.optimizer.lr=abc`` fail
much later, deep inside a layer or the optimizer (or not at all).

The expected type is taken, where it can be known, from

1. the annotation of the argument in the class the enclosing dict builds
   (its ``type``, looked up in the registry the key's place implies: model
   → MODELS, pipelines → TRANSFORMS, hooks → HOOKS, ...), e.g.
   ``X3DDAM(num_frames: int)``, ``AdamW(lr: float | Tensor)``; else
2. the value already in the config: a bool wants a bool, a number wants a
   number (int or float: ``max_norm=40`` does not tell whether 35.5 is
   allowed).

``None`` is always accepted (it switches an option off). Keys whose type
cannot be known (strings, containers, new keys, unannotated arguments) are
not checked.
"""
import inspect
import types
import typing
from typing import Any, Mapping, Optional, Sequence, Set, Tuple

from .config_checks import ConfigError

_MISSING = object()
_PRIMITIVE = (bool, int, float)


def _lookup(cfg: Any, parts: Sequence[str]) -> Any:
    """The value at ``parts`` (list indices allowed), or _MISSING."""
    node = cfg
    for part in parts:
        if isinstance(node, (list, tuple)):
            if not part.isdigit() or int(part) >= len(node):
                return _MISSING
            node = node[int(part)]
        elif hasattr(node, 'keys'):
            if part not in node:
                return _MISSING
            node = node[part]
        else:
            return _MISSING
    return node


def _registry_for(parts: Sequence[str]) -> Any:
    """The registry that builds the dict at ``parts`` (a parent path)."""
    from mmaction import registry as r
    if not parts:
        return None
    top, rest = parts[0], list(parts[1:])
    if 'pipeline' in rest:
        return r.TRANSFORMS
    if top == 'model':
        return r.MODELS
    if top in ('default_hooks', 'custom_hooks'):
        return r.HOOKS
    if top.endswith('_evaluator'):
        return r.METRICS
    if top == 'optim_wrapper':
        return r.OPTIMIZERS if rest[:1] == ['optimizer'] else \
            r.OPTIM_WRAPPERS if not rest else None
    if top == 'param_scheduler':
        return r.PARAM_SCHEDULERS
    if top.endswith('_dataloader'):
        if rest[:1] == ['sampler']:
            return r.DATA_SAMPLERS
        if rest[:1] == ['dataset']:
            return r.DATASETS
        return None
    if top in ('train_cfg', 'val_cfg', 'test_cfg'):
        return r.LOOPS
    return None


def _annotation(cls: type, name: str) -> Any:
    """The annotation of ``name`` in ``cls.__init__`` (following the MRO
    through ``**kwargs``), or ``inspect.Parameter.empty``."""
    for klass in cls.__mro__:
        init = vars(klass).get('__init__')
        if init is None or klass is object:
            continue
        try:
            params = inspect.signature(init).parameters
        except (TypeError, ValueError):
            return inspect.Parameter.empty
        if name in params:
            try:
                hints = typing.get_type_hints(init)
            except Exception:  # unresolvable forward references
                hints = {}
            return hints.get(name, params[name].annotation)
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            return inspect.Parameter.empty
    return inspect.Parameter.empty


def _is_closed(arg: Any) -> bool:
    """Whether an annotation member can never be a command-line value
    (e.g. ``torch.Tensor``, a module class)."""
    if not isinstance(arg, type) or typing.get_origin(arg) is not None:
        return False
    if arg.__module__ in ('builtins', 'collections.abc', 'typing'):
        return False
    return not issubclass(arg, (str, list, tuple, dict, set))


def _primitive_types(annotation: Any) -> Optional[Set[type]]:
    """The int / float / bool an annotation allows, or None when it also
    allows something else a command line can produce (str, sequences...)."""
    if annotation in _PRIMITIVE:
        return {annotation}
    origin = typing.get_origin(annotation)
    if not (origin is typing.Union or (hasattr(types, 'UnionType')
                                       and origin is types.UnionType)):
        return None
    found: Set[type] = set()
    for arg in typing.get_args(annotation):
        if arg is type(None) or _is_closed(arg):
            continue
        if arg not in _PRIMITIVE:
            return None
        found.add(arg)
    return found or None


def expected_types(cfg: Any, key: str) -> Optional[Tuple[Set[type], str]]:
    """The primitive types ``key`` may be overridden with, if known.

    Args:
        cfg: The loaded config.
        key (str): A dotted ``--cfg-options`` key.

    Returns:
        tuple or None: ``(types, where the expectation comes from)``.
    """
    parts = key.split('.')
    parent = _lookup(cfg, parts[:-1])
    current = _lookup(cfg, parts)
    if parent is not _MISSING and hasattr(parent, 'get') and isinstance(
            parent.get('type'), str):
        registry = _registry_for(parts[:-1])
        cls = None
        if registry is not None:
            try:
                cls = registry.get(parent['type'])
            except Exception:
                cls = None
        if isinstance(cls, type):
            allowed = _primitive_types(_annotation(cls, parts[-1]))
            if allowed:
                names = ' or '.join(sorted(t.__name__ for t in allowed))
                return allowed, f'{cls.__name__}({parts[-1]}: {names})'
    if current is _MISSING:
        return None
    if isinstance(current, bool):
        return {bool}, f'the config has {current!r}'
    if isinstance(current, (int, float)):
        return {int, float}, f'the config has {current!r}'
    return None


def _accepts(allowed: Set[type], value: Any) -> bool:
    if isinstance(value, bool):
        return bool in allowed
    if isinstance(value, int):
        return int in allowed or float in allowed
    if isinstance(value, float):
        return float in allowed
    return False


def check_cfg_options(cfg: Any, options: Optional[Mapping[str, Any]],
                      filename: str = '<config>') -> None:
    """Raise on an override whose type is known to be wrong.

    Call it before ``cfg.merge_from_dict(options)``.

    Args:
        cfg: The loaded config.
        options (Mapping, optional): Parsed ``--cfg-options``.
        filename (str): The config file, for messages.

    Raises:
        ConfigError: Naming the key, the expected and the given type.
    """
    for key, value in (options or {}).items():
        if value is None:
            continue
        expected = expected_types(cfg, key)
        if expected is None:
            continue
        allowed, source = expected
        if _accepts(allowed, value):
            continue
        wanted = ' or '.join(sorted(t.__name__ for t in allowed))
        hint = ''
        if allowed == {int} and isinstance(value, float) and \
                value.is_integer():
            hint = f' Write {int(value)} (no decimal point).'
        raise ConfigError(
            f'{filename}: --cfg-options {key}={value!r}: expected {wanted} '
            f'({source}), got {type(value).__name__}.{hint}')
