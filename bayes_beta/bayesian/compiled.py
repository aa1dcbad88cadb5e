"""Compile once per machine: nutpie's two sampler callbacks, cached on disk by model structure.

nutpie's numba backend wraps a PyMC model's log-density-with-gradient and its expansion (the
deterministics) in two ``numba.cfunc`` callbacks. Their source embeds fresh random keys for the
model data and captures the data arrays, so numba can never find them again: every process
compiled both (about 20 s on two cores for the default model) although the PyTensor functions
inside them load from PyTensor's cache.

Here the two callbacks are generated from deterministic source: the data reach them through
nutpie's user-data pointer as one ``int64`` word per array address and one per dimension, so
nothing of the data is compiled in. They are cached with numba's own cache, located by a key
of the model's structure (its log-density and deterministic graphs, constants by value,
variables, coordinate sizes, the prior variant and options, the versions of the libraries
and of bayes_beta's source). The model's layout (free variables, their slices and shapes, the
data the callbacks read) is kept beside them in a small JSON file, so a process that meets a
model compiled before on this machine loads both callbacks without building or rewriting any
PyTensor graph. Only the initial-point function is built again (PyMC's own, 0.2 s), so the
same seed gives the same draws as nutpie's ``compile_pymc_model``.

The cache lives in ``$BAYES_BETA_CACHE_DIR`` or, by default, in ``bayes_beta/`` under
PyTensor's compile directory (``pytensor.config.base_compiledir``); deleting it is safe.
``BAYES_BETA_COMPILE=nutpie`` compiles with nutpie's own ``compile_pymc_model`` instead.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import threading
import warnings
from pathlib import Path
from weakref import WeakKeyDictionary

import numpy as np

__all__ = ["CACHE_ENV", "ROUTE_ENV", "STATS", "cache_dir", "compile_cached", "disk_key"]

#: Environment variable naming the folder of the callback cache.
CACHE_ENV = "BAYES_BETA_CACHE_DIR"
#: Set to ``"nutpie"`` to compile with ``nutpie.compile_pymc_model`` in every process instead
#: (the route before the cache; the cold-start benchmark compares the two).
ROUTE_ENV = "BAYES_BETA_COMPILE"
#: Callbacks built from source (``"compiled"``) and found on disk (``"loaded"``) in this process.
STATS = {"compiled": 0, "loaded": 0}
_TEMPLATE_VERSION = "1"
_LOCK = threading.Lock()
_KEYS: WeakKeyDictionary = WeakKeyDictionary()  # generated function -> (key, folder)
_SOURCE_HASH: list[str] = []


def cache_dir() -> Path:
    """The folder of the callback cache (made if missing)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        path = Path(env)
    else:
        import pytensor

        path = Path(pytensor.config.base_compiledir) / "bayes_beta"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _install_locator() -> None:
    """Point numba's cache at :func:`cache_dir` for the functions generated here (numba's
    default locator cannot cache functions made from a string)."""
    from numba.core.caching import CacheImpl, _CacheLocator

    if any(getattr(c, "_bayes_beta", False) for c in CacheImpl._locator_classes):
        return

    class _Locator(_CacheLocator):
        _bayes_beta = True

        def __init__(self, key: str, folder: Path):
            self._key, self._folder = key, folder

        def ensure_cache_path(self):
            self._folder.mkdir(parents=True, exist_ok=True)

        def get_cache_path(self):
            return str(self._folder)

        def get_source_stamp(self):
            return _TEMPLATE_VERSION  # the key already names the source

        def get_disambiguator(self):
            return self._key

        @classmethod
        def from_function(cls, py_func, py_file):
            entry = _KEYS.get(py_func)
            return None if entry is None else cls(*entry)

    CacheImpl._locator_classes.insert(0, _Locator)


def _source_hash() -> str:
    """Hash of bayes_beta's Python source (the kernels inside the callbacks come from it)."""
    if not _SOURCE_HASH:
        h = hashlib.sha256()
        root = Path(__file__).resolve().parents[1]
        for path in sorted(root.rglob("*.py")):
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
        _SOURCE_HASH.append(h.hexdigest())
    return _SOURCE_HASH[0]


def _versions() -> tuple:
    import numba
    import nutpie
    import pymc
    import pytensor

    return (np.__version__, numba.__version__, pytensor.__version__, pymc.__version__,
            nutpie.__version__, _TEMPLATE_VERSION)


def disk_key(model, extra=()) -> str:
    """Key of ``model``'s compiled callbacks: its log-density and deterministic graphs (data by
    name, constants by value), variables, coordinate sizes, ``extra``, library versions and
    bayes_beta's source."""
    import pytensor
    from pytensor.graph.basic import Constant
    from pytensor.graph.traversal import ancestors

    outputs = [model.logp(), *model.deterministics]
    h = hashlib.sha256(pytensor.dprint(outputs, file="str", print_type=True).encode())
    for var in ancestors(outputs):
        if isinstance(var, Constant):
            data = np.asarray(var.data)
            h.update(repr((data.dtype.str, data.shape)).encode())
            if data.dtype.kind in "biufc":
                h.update(np.ascontiguousarray(data).tobytes())
            else:  # object constants (slices, None): by value, never by address
                h.update(repr(var.data).encode())
    sizes = {name: len(values) for name, values in model.coords.items() if values is not None}
    h.update(repr((list(model.named_vars), sorted(sizes.items()), extra, _versions(),
                   _source_hash())).encode())
    return h.hexdigest()


# --- the generated callbacks ---------------------------------------------------------------

_LOGP = """
def logp_callback(dim, x_, out_, logp_, user_data_):
    if dim != {n_dim}:
        return -1
    try:
        words = numba.carray(user_data_, ({n_words},), np.int64)
{arrays}
        x = numba.carray(x_, ({n_dim},))
        logp_val, grad = inner(x{args})
        finite = True
        for i in range({n_dim}):
            out_[i] = grad[i]
            finite = finite and np.isfinite(grad[i])
        logp_[0] = logp_val
        if not finite:
            return 3
        if not np.isfinite(logp_val):
            return 4
    except Exception:
        return 1
    return 0
"""

_EXPAND = """
def expand_callback(dim, expanded, x_, out_, user_data_):
    if dim != {n_dim}:
        return -1
    if expanded != {n_expanded}:
        return -1
    try:
        words = numba.carray(user_data_, ({n_words},), np.int64)
{arrays}
        x = numba.carray(x_, ({n_dim},))
        (values,) = inner(x{args})
        for i in range({n_expanded}):
            out_[i] = values[i]
    except Exception:
        return -2
    return 0
"""


def _layout(data: list) -> tuple[dict, int]:
    """Offset of each data array's words (address, then one word per dimension)."""
    offsets, words = {}, 0
    for name, ndim, _ in data:
        offsets[name] = words
        words += 1 + ndim
    return offsets, words


def _source(template: str, data: list, args: list[str], **sizes) -> str:
    offsets, n_words = _layout(data)
    info = {name: (ndim, dtype) for name, ndim, dtype in data}
    lines = []
    for i, name in enumerate(args):
        ndim, dtype = info[name]
        w = offsets[name]
        shape = "".join(f"words[{w + 1 + d}], " for d in range(ndim))
        lines.append(f"        a{i} = numba.carray(as_pointer(words[{w}]), ({shape}), "
                     f"np.{np.dtype(dtype).name})")
    call = "".join(f", a{i}" for i in range(len(args)))
    return template.format(arrays="\n".join(lines) or "        pass", args=call,
                           n_words=max(n_words, 1), **sizes)


def _as_pointer():
    from numba.core import cgutils, types
    from numba.extending import intrinsic

    @intrinsic
    def as_pointer(typingctx, address):
        """A ``void*`` from an integer address."""
        def codegen(context, builder, signature, args):
            return builder.inttoptr(args[0], cgutils.voidptr_t)
        return types.voidptr(address), codegen

    return as_pointer


def _signatures():
    from numba import types

    ptr = types.CPointer(types.double)
    return {
        "logp_callback": types.int64(types.uint64, ptr, ptr, ptr, types.voidptr),
        "expand_callback": types.int64(types.uint64, types.uint64, ptr, ptr, types.voidptr),
    }


def _callback(source: str, name: str, key: str, inner, load_only: bool):
    """The ``cfunc`` of ``source``, from numba's cache when it is there; ``None`` when
    ``load_only`` and it is not."""
    import numba
    from numba.core.ccallback import CFunc
    from numba.core.compiler_lock import global_compiler_lock

    # __name__: numba rebuilds a cached function's environment from an importable module
    env = {"__name__": __name__, "numba": numba, "np": np, "inner": inner,
           "as_pointer": _AS_POINTER[0]}
    code = compile(source, f"<bayes_beta {name}>", "exec")
    scope: dict = {}
    exec(code, env, scope)
    py_func = scope[name]
    _KEYS[py_func] = (f"{key[:32]}_{name}", cache_dir() / "callbacks")
    from numba.core.sigutils import normalize_signature

    cfunc = CFunc(py_func, normalize_signature(_signatures()[name]), locals={}, options={})
    cfunc.enable_caching()
    with global_compiler_lock:
        return _load_or_compile(cfunc, load_only)


def _load_or_compile(cfunc, load_only: bool):
    """As ``CFunc.compile``, but able to stop at a cache miss."""
    import numba

    cres = cfunc._cache.load_overload(cfunc._sig, cfunc._targetdescr.target_context)
    if cres is None:
        if load_only:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", numba.NumbaWarning)
            cres = cfunc._compile_uncached()
        cfunc._cache.save_overload(cfunc._sig, cres)
        STATS["compiled"] += 1
    else:
        STATS["loaded"] += 1
    cfunc._library = cres.library
    cfunc._wrapper_name = cres.fndesc.llvm_cfunc_wrapper_name
    cfunc._wrapper_address = cres.library.get_pointer_to_function(cfunc._wrapper_name)
    return cfunc


_AS_POINTER: list = []


# --- the compiled model ---------------------------------------------------------------------

def _words(layout: list, arrays: dict) -> np.ndarray:
    offsets, n_words = _layout(layout)
    words = np.zeros(max(n_words, 1), dtype=np.int64)
    for name, _, _ in layout:
        value = arrays[name]
        w = offsets[name]
        words[w] = value.ctypes.data
        words[w + 1:w + 1 + value.ndim] = value.shape
    return words


def _model_class():
    from nutpie.compile_pymc import CompiledPyMCModel

    @dataclasses.dataclass(frozen=True)
    class CachedPyMCModel(CompiledPyMCModel):
        """nutpie's compiled PyMC model whose callbacks read the data through ``user_data``
        (one word per address and dimension); ``with_data`` swaps arrays of the same rank."""

        layout: tuple = ()

        def with_data(self, **updates):
            shared = dict(self.shared_data)
            for name, value in updates.items():
                if name not in shared:
                    raise KeyError(f"Unknown shared variable: {name}")
                old = shared[name]
                new = np.array(value, dtype=old.dtype, order="C", copy=True)
                if new.ndim != old.ndim:
                    raise ValueError(f"Shared variable {name} must have rank {old.ndim}")
                new.flags.writeable = False
                shared[name] = new
            return dataclasses.replace(self, shared_data=shared,
                                       user_data=_words(list(self.layout), shared))

    return CachedPyMCModel


_MODEL_CLASS: list = []


def _meta_path(key: str) -> Path:
    return cache_dir() / "models" / f"{key}.json"


def _read_meta(key: str) -> dict | None:
    try:
        return json.loads(_meta_path(key).read_text())
    except (OSError, ValueError):
        return None


def _write_meta(key: str, meta: dict) -> None:
    path = _meta_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(meta))
    os.replace(tmp, path)


def _build(model, meta: dict, logp_cf, expand_cf, initial):
    """The nutpie model from the callbacks, the layout and the model's current data."""
    from nutpie.compile_pymc import (
        _prepare_dims_and_coords,
        _rv_dict_to_flat_array_wrapper,
        _wrap_with_lock,
    )
    from pymc.initial_point import make_initial_point_fn

    values = {v.name: v for v in model.data_vars}
    shared = {}
    for name, _, dtype in meta["data"]:
        array = np.array(values[name].get_value(), dtype=dtype, order="C", copy=True)
        array.flags.writeable = False
        shared[name] = array
    names = meta["names"]
    slices = [slice(a, b) for a, b in meta["slices"]]
    shapes = [tuple(s) for s in meta["shapes"]]
    n_free = len(meta["free"])
    point_fn = _wrap_with_lock(make_initial_point_fn(
        model=model, overrides=initial, default_strategy="support_point",
        jitter_rvs=set(model.free_RVs), return_transformed=True))
    initial_point_fn = _rv_dict_to_flat_array_wrapper(point_fn, names=names[:n_free],
                                                      shapes=shapes[:n_free])
    shape_info = (names, slices, shapes)
    dims, coords = _prepare_dims_and_coords(model, shape_info, meta["reparameterized"])
    layout = tuple(tuple(d) for d in meta["data"])
    return _MODEL_CLASS[0](
        _n_dim=meta["n_dim"], dims=dims, _coords=coords,
        _shapes={name: shape for name, shape in zip(names, shapes, strict=True)},
        compiled_logp_func=logp_cf, compiled_expand_func=expand_cf,
        initial_point_func=initial_point_fn, shared_data=shared,
        shared_var_keys={name: name for name in shared}, user_data=_words(list(layout), shared),
        n_expanded=meta["n_expanded"], shape_info=shape_info, logp_func=None, expand_func=None,
        reparameterized_names=meta["reparameterized"], layout=layout)


def _compile_functions(model, key: str) -> tuple[dict, object, object] | None:
    """PyMC's two PyTensor functions (nutpie's ``_make_functions``), their callbacks compiled
    and cached, and the layout saved; ``None`` when the model reads shared variables that are
    not its data (then nutpie's own compilation is used)."""
    from nutpie.compile_pymc import _make_functions

    n_dim, n_expanded, logp_fn, expand_fn, _, shape_info, reparameterized = _make_functions(
        model, mode="NUMBA", compute_grad=True, join_expanded=True,
        pymc_initial_point_fn=lambda seed: {}, var_names=None)
    data_names = {v.name for v in model.data_vars}
    logp_args = [v.name for v in logp_fn.get_shared()]
    expand_args = [v.name for v in expand_fn.get_shared()]
    if not set(logp_args + expand_args) <= data_names or len(data_names) != len(model.data_vars):
        return None
    values = {v.name: np.asarray(v.get_value()) for v in model.data_vars}
    data = [[name, values[name].ndim, values[name].dtype.str]
            for name in dict.fromkeys(logp_args + expand_args)]
    names, slices, shapes = shape_info
    meta = {
        "n_dim": int(n_dim), "n_expanded": int(n_expanded), "names": list(names),
        "slices": [[int(s.start), int(s.stop)] for s in slices],
        "shapes": [[int(d) for d in s] for s in shapes],
        "free": [model.rvs_to_values[rv].name for rv in model.free_RVs],
        "reparameterized": list(reparameterized), "data": data,
        "logp_args": logp_args, "expand_args": expand_args,
    }
    logp_cf = _callback(_source(_LOGP, data, logp_args, n_dim=n_dim), "logp_callback", key,
                        logp_fn.vm.jit_fn, load_only=False)
    expand_cf = _callback(_source(_EXPAND, data, expand_args, n_dim=n_dim,
                                  n_expanded=n_expanded),
                          "expand_callback", key, expand_fn.vm.jit_fn, load_only=False)
    _write_meta(key, meta)
    return meta, logp_cf, expand_cf


def compile_cached(model, initial: dict | None = None, extra=()):
    """nutpie's compiled form of ``model`` (numba backend), its callbacks loaded from this
    machine's cache when the same structure was compiled before, else compiled and cached.

    Samples exactly as ``nutpie.compile_pymc_model(model, backend="numba")`` does (same
    log-density, gradient, expansion and initial points), so the same seed gives the same draws.
    """
    if os.environ.get(ROUTE_ENV, "cached") == "nutpie":
        import nutpie

        return nutpie.compile_pymc_model(model, backend="numba", initial_points=initial or None)
    with _LOCK:
        if not _AS_POINTER:
            _install_locator()
            _AS_POINTER.append(_as_pointer())
            _MODEL_CLASS.append(_model_class())
    key = disk_key(model, extra)
    meta = _read_meta(key)
    if meta is not None and {n for n, _, _ in meta["data"]} <= {v.name for v in model.data_vars}:
        logp_cf = _callback(_source(_LOGP, meta["data"], meta["logp_args"],
                                    n_dim=meta["n_dim"]), "logp_callback", key, None, True)
        expand_cf = None if logp_cf is None else _callback(
            _source(_EXPAND, meta["data"], meta["expand_args"], n_dim=meta["n_dim"],
                    n_expanded=meta["n_expanded"]), "expand_callback", key, None, True)
        if expand_cf is not None:
            return _build(model, meta, logp_cf, expand_cf, initial)
    built = _compile_functions(model, key)
    if built is None:
        import nutpie

        return nutpie.compile_pymc_model(model, backend="numba", initial_points=initial or None)
    return _build(model, *built, initial)
