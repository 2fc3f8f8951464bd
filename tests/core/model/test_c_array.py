"""The array name of ``kws export-c``: every name it makes is a C and C++ identifier no standard reserves, and a
name that already is one is kept as it is."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import pytest

from workbench.core.model.c_array import (C_KEYWORDS, c_header, c_identifier, content_tag, definition_guard,
                                          identifier_problem, implementation_macro, include_guard)

# C++20 keywords and alternative tokens the list once lacked (a header named so failed to compile as C++)
CPP_ONLY = ("static_cast dynamic_cast reinterpret_cast const_cast decltype char8_t char16_t char32_t thread_local "
            "requires concept consteval constinit co_await co_return co_yield static_assert bitand bitor compl "
            "and_eq or_eq xor_eq not_eq alignas alignof noexcept nullptr").split()


@pytest.mark.parametrize("keyword", CPP_ONLY)
def test_cpp_keywords_are_never_the_name(keyword: str) -> None:
    assert keyword in C_KEYWORDS
    assert c_identifier(keyword) == f"model_{keyword}"
    assert identifier_problem(keyword) == "is a C or C++ keyword"


@pytest.mark.parametrize("text, name", [
    ("__x", "model_x"),  # reserved: a leading _ at file scope (C), __ anywhere (C++)
    ("_Z", "model_Z"),
    ("--", "model"),  # replaced characters give no run of _
    ("日本語", "model"),
    ("my--model", "my_model"),
    ("a__b", "a_b"),
    ("model-", "model"),  # model_ would make model__len
    ("1 bad", "model_1_bad"),
    ("main", "model_main"),
    ("KWS_MODEL_ALIGN", "model_KWS_MODEL_ALIGN"),
    ("kws_yes_no", "kws_yes_no"),
    ("g_model", "g_model"),
    ("été", "ete"),  # accents dropped, not the letters: "model_t" named nothing
    ("modèle 2026", "modele_2026"),
    ("Straße", "Stra_e"),  # a letter with no plain form is replaced
])
def test_names_are_made_safe(text: str, name: str) -> None:
    assert c_identifier(text) == name
    assert identifier_problem(name) is None


@pytest.mark.parametrize("text", ["__x", "_Z", "a__b", "x_", "main", "int", "1x", "x y", ""])
def test_a_name_with_a_problem_is_never_kept(text: str) -> None:
    assert identifier_problem(text) is not None
    assert c_identifier(text) != text and identifier_problem(c_identifier(text)) is None


@pytest.mark.parametrize("name, macro", [
    ("g_model", "KWS_G_MODEL_IMPLEMENTATION"),  # the usual lower-case name: the macro headers always had
    ("kws_yes_no", "KWS_KWS_YES_NO_IMPLEMENTATION"),
    ("myModel", "KWS_myModel_IMPLEMENTATION"),
    ("YES", "KWS_yes_IMPLEMENTATION"),
    ("model_NULL", "KWS_model_NULL_IMPLEMENTATION"),
])
def test_the_macro_spells_the_array_name(name: str, macro: str) -> None:
    assert implementation_macro(name) == macro
    tag = content_tag(b"TFL3")
    assert include_guard(name, b"TFL3") == macro.replace("_IMPLEMENTATION", f"_{tag}_H_")


def _case_variants(name: str) -> set[str]:
    choices = [(char.lower(), char.upper()) if char.isalpha() else (char,) for char in name]
    return {"".join(letters) for letters in itertools.product(*choices)}


def test_names_that_differ_only_in_case_never_share_a_guard_or_a_macro() -> None:
    """Upper-casing gave Yes, YES and yes one guard and one macro: a firmware including two headers lost one."""
    names = _case_variants("yes") | _case_variants("g_model1") | {"yes_1", "yes_h", "yes_defined", "yes_yes"}
    made = [(include_guard(name, b"TFL3"), implementation_macro(name), definition_guard(name, b"TFL3"))
            for name in sorted(names)]
    every = [macro for macros in made for macro in macros]
    assert len(set(every)) == len(every) == 3 * len(names)


def test_text_in_the_header_comment_never_breaks_a_werror_build(tmp_path: Path) -> None:
    """A description holding "/*" made gcc's -Wcomment (so -Werror) refuse the header; "*/" ended the comment."""
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc is not installed")
    params = {"description": "keyword /* model */ for the /*kitchen*/ lamp\r\nsecond line", "classes": ["a", "b"]}
    header = c_header(b"TFL3" * 4, "g_model", params, "a /* b */.tflite", header_name="model.h")
    (tmp_path / "model.h").write_text(header)
    (tmp_path / "main.c").write_text('#define KWS_G_MODEL_IMPLEMENTATION\n#include "model.h"\n'
                                     "int main(void) { return (int)g_model_len - 16; }\n")
    subprocess.run([gcc, "-std=c11", "-Wall", "-Wextra", "-Wcomment", "-Werror", "-pedantic", "main.c", "-o", "m"],
                   check=True, cwd=tmp_path)
    assert subprocess.run([str(tmp_path / "m")]).returncode == 0


def test_two_models_whose_arrays_share_a_name_fail_to_compile_together(tmp_path: Path) -> None:
    """été.tflite and ete.tflite both give the array ete: one guard made a file including both keep the first
    model silently; with each model's tag in its guards the compiler says "redefinition" instead."""
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc is not installed")
    first, second = b"TFL3" + b"\x01" * 12, b"TFL3" + b"\x02" * 12
    assert c_identifier("été") == c_identifier("ete") == "ete"
    (tmp_path / "ete1.h").write_text(c_header(first, "ete", {}, "été.tflite", header_name="ete1.h"))
    (tmp_path / "ete2.h").write_text(c_header(second, "ete", {}, "ete.tflite", header_name="ete2.h"))
    (tmp_path / "main.c").write_text('#define KWS_ETE_IMPLEMENTATION\n#include "ete1.h"\n#include "ete2.h"\n'
                                     '#include "ete1.h"\nint main(void) { return (int)ete_len; }\n')
    built = subprocess.run([gcc, "-std=c11", "-c", "main.c"], cwd=tmp_path, capture_output=True, text=True)
    assert built.returncode != 0 and "redefinition of" in built.stderr and "ete" in built.stderr
    (tmp_path / "once.c").write_text('#define KWS_ETE_IMPLEMENTATION\n#include "ete1.h"\n#include "ete1.h"\n'
                                     "int main(void) { return (int)ete_len - 16; }\n")
    subprocess.run([gcc, "-std=c11", "-Wall", "-Werror", "once.c", "-o", "once"], cwd=tmp_path, check=True)
    assert subprocess.run([str(tmp_path / "once")]).returncode == 0  # one header twice: still one array
