"""The type stub of the native frontend (workbench/_frontend.pyi) says what the C type really allows."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import workbench
from workbench import _frontend
from workbench.core.frontend import MicroFrontend

STUB = Path(workbench.__file__).parent / "_frontend.pyi"


def stub_class() -> ast.ClassDef:
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    return next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Frontend")


def stub_methods() -> dict[str, ast.arguments]:
    return {node.name: node.args for node in stub_class().body if isinstance(node, ast.FunctionDef)}


def test_the_stub_marks_the_class_final_as_the_c_type_is() -> None:
    assert any(ast.unparse(d) in ("final", "typing.final") for d in stub_class().decorator_list)
    with pytest.raises(TypeError, match="not an acceptable base type"):
        type("Subclass", (_frontend.Frontend,), {})


def test_every_method_parameter_the_c_code_takes_only_by_position_is_positional_only_in_the_stub() -> None:
    methods = stub_methods()
    native = MicroFrontend()._stream
    for name, args in methods.items():
        if name == "__init__":
            assert not args.args[1:] and not args.posonlyargs  # keywords only, as PyArg_ParseTupleAndKeywords "$"
            continue
        assert not args.args[1:] and not args.kwonlyargs, f"{name}: the C method takes no keywords"
        keywords = {a.arg: None for a in args.posonlyargs[1:]}
        if keywords:
            with pytest.raises(TypeError, match="no keyword arguments"):
                getattr(native, name)(**keywords)
    assert [a.arg for a in methods["feed"].posonlyargs] == ["self", "samples", "out"]
    assert native.feed(np.zeros(0, np.int16), np.empty((0, 40), np.uint16)) == (0, 0)
