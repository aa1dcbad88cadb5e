"""Every public function, class and method has a numpydoc docstring: a summary, every
parameter of its signature described, what it returns, and an example (the examples run as
doctests: ``--doctest-modules`` over ``bayes_beta/``)."""

import importlib
import inspect
import types

import pytest
from numpydoc.docscrape import ClassDoc, FunctionDoc

from tests.test_docs import public_names


def documented() -> list[str]:
    """Public paths with a docstring to check: routines and classes of every ``__all__``, the
    routines of public modules in them, and the public methods and properties of the
    classes."""
    paths = []
    for path in public_names():
        obj = resolve(path)
        if isinstance(obj, types.ModuleType):
            paths += [f"{path}.{n}" for n in getattr(obj, "__all__", ())
                      if callable(getattr(obj, n))]
        elif isinstance(obj, type):
            paths.append(path)
            for name, member in vars(obj).items():
                if name.startswith("_") or name in getattr(obj, "_fields", ()):
                    continue
                if inspect.isfunction(member) or isinstance(member, (property, classmethod,
                                                                        staticmethod)):
                    paths.append(f"{path}.{name}")
        elif callable(obj):
            paths.append(path)
    return paths


def resolve(path: str):
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise LookupError(path)


def parameters(obj) -> list[str]:
    func = obj.fget if isinstance(obj, property) else obj
    if isinstance(func, type):
        func = func.__init__
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return []
    return [p.name for p in sig.parameters.values()
            if p.name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


@pytest.mark.parametrize("path", documented())
def test_public_docstring_is_numpydoc_with_an_example(path):
    obj = resolve(path)
    if isinstance(obj, property):
        doc = FunctionDoc(obj.fget)
    elif isinstance(obj, type):
        doc = ClassDoc(obj, config={"show_class_members": False})
    else:
        doc = FunctionDoc(obj)
    assert doc["Summary"], f"{path}: no summary line"
    examples = "\n".join(doc["Examples"])
    assert ">>>" in examples, f"{path}: no example"
    if isinstance(obj, property):
        return
    described = {name.strip().lstrip("*") for p in doc["Parameters"] + doc["Other Parameters"]
                 for name in p.name.split(",")}
    if isinstance(obj, type) and "Attributes" in doc:
        described |= {a.name.strip() for a in doc["Attributes"]}
    missing = [p for p in parameters(obj) if p not in described]
    assert not missing, f"{path}: parameters not described: {missing}"
    if not isinstance(obj, type) and not path.endswith(".save"):  # save returns nothing
        assert doc["Returns"] or doc["Yields"], f"{path}: no Returns section"
