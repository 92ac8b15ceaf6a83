"""The type stubs cover the API, and every public class and method has a docstring."""

import ast
import inspect
import pathlib

import dataverse_rs
from dataverse_rs import _native, api, models

PACKAGE = pathlib.Path(dataverse_rs.__file__).parent


def stub_classes(name):
    tree = ast.parse((PACKAGE / name).read_text())
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def public_methods(cls):
    return {n for n, v in inspect.getmembers(cls) if not n.startswith("_") and callable(v)}


def test_api_stub_has_every_method_sync_and_async():
    classes = stub_classes("api.pyi")
    for name, kind in (("NativeApi", ast.FunctionDef), ("AsyncNativeApi", ast.AsyncFunctionDef)):
        cls = getattr(api, name)
        stubbed = {f.name for f in classes[name].body if isinstance(f, kind)}
        # The streams return their iterator at once: a plain `def` in both classes.
        plain = {f.name for f in classes[name].body if isinstance(f, ast.FunctionDef)}
        streams = {n for n in public_methods(cls) if n.endswith("_stream")}
        assert streams <= plain
        assert not any(inspect.iscoroutinefunction(getattr(cls, n)) for n in streams)
        assert public_methods(cls) - streams <= stubbed | {"__init__"}


def test_models_stub_has_every_model_class():
    classes = set(stub_classes("models.pyi"))
    runtime = {n for n, v in vars(models).items() if inspect.isclass(v) and issubclass(v, models.Model)}
    assert runtime <= classes


def test_native_stub_matches_the_compiled_module():
    classes = stub_classes("_native.pyi")
    for name in ("Client", "LocalServer", "CancelToken", "ItemStream"):
        cls = getattr(_native, name)
        stubbed = {f.name for f in classes[name].body if isinstance(f, ast.FunctionDef)}
        assert public_methods(cls) <= stubbed


def test_every_public_name_is_documented():
    undocumented = []
    for name in dataverse_rs.__all__:
        obj = getattr(dataverse_rs, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            if not inspect.getdoc(obj):
                undocumented.append(name)
        if inspect.isclass(obj):
            for mname, member in vars(obj).items():
                if not mname.startswith("_") and callable(member) and not inspect.getdoc(member):
                    undocumented.append(f"{name}.{mname}")
    for mname in public_methods(api.NativeApi):
        if not inspect.getdoc(getattr(api.NativeApi, mname)):
            undocumented.append(f"NativeApi.{mname}")
    assert undocumented == []
