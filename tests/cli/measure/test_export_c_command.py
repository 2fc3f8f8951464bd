"""``kws export-c`` through the real CLI entry point, and the header built by gcc and g++ as firmware builds it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.core.model.c_array import implementation_macro

# a main that prints the model, and a second file that reads it too (the flatbuffer's "TFL3" tag at byte 4)
DUMP_C = """#include <stdio.h>
#include <stdint.h>
#include "model.h"
#define KWS_G_MODEL_IMPLEMENTATION
#include "model.h"
unsigned int length_seen_elsewhere(void);
int main(void) {
  if (((uintptr_t)g_model) % 16 != 0) return 3;
  if (length_seen_elsewhere() != g_model_len) return 4;
  fwrite(g_model, 1, g_model_len, stdout);
  return 0;
}
"""
OTHER_C = """#include "model.h"
#include "model.h"
unsigned int length_seen_elsewhere(void) { return g_model[4] == 'T' ? g_model_len : 0u; }
"""
OTHER_CPP = """#include "model.h"
extern "C" unsigned int length_seen_elsewhere() { return g_model[4] == 'T' ? g_model_len : 0u; }
"""
WARNINGS = ["-Wall", "-Wextra", "-Werror", "-pedantic"]


def _c_array_bytes(header: str, name: str) -> bytes:
    body = header.split(f"{name}[] = {{", 1)[1].split("};", 1)[0]
    return bytes(int(x, 16) for x in re.findall(r"0x([0-9a-f]{2})", body))


def _compiler(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def _export(model: Path, folder: Path) -> Path:
    header = folder / "model.h"
    assert main(["export-c", str(model), "-o", str(header), "--name", "g_model"]) == 0
    return header


def _build(folder: Path, compiler: str, sources: dict[str, str], *flags: str) -> Path:
    """Compile each source to its own object (as a firmware build does) and link them."""
    objects = []
    for file_name, text in sources.items():
        (folder / file_name).write_text(text)
        objects.append(folder / f"{file_name}.o")
        subprocess.run([compiler, "-c", *WARNINGS, *flags, file_name, "-o", str(objects[-1])], check=True,
                       cwd=folder)
    program = folder / "dump"
    subprocess.run([compiler, *map(str, objects), "-o", str(program)], check=True)
    return program


def _compile_and_run(folder: Path, source: str, program: str, builds: list[tuple[str, str, str]]) -> None:
    """Compile ``source`` as one program with each (compiler, file suffix, standard), warnings as errors, and run
    it: it exits 0 when the arrays it checks are right."""
    for compiler, suffix, standard in builds:
        (folder / f"{program}{suffix}").write_text(source)
        built = subprocess.run([compiler, *WARNINGS, standard, f"{program}{suffix}", "-o", program],
                               capture_output=True, text=True, cwd=folder)
        assert built.returncode == 0, built.stderr
        subprocess.run([str(folder / program)], check=True)


def test_export_c_compiles_and_matches(reference_model_path, tmp_path):
    text = _export(reference_model_path, tmp_path).read_text()
    data = reference_model_path.read_bytes()
    assert _c_array_bytes(text, "g_model") == data
    assert f"g_model_len = {len(data)}u" in text
    assert "aligned(16)" in text and "alignas(16)" in text
    program = _build(tmp_path, _compiler("gcc"), {"dump.c": DUMP_C, "other.c": OTHER_C}, "-std=c99")
    run = subprocess.run([str(program)], capture_output=True, check=True)
    assert run.stdout == data


def test_two_files_including_the_header_link_with_the_model_in_flash_once(reference_model_path, tmp_path):
    data = reference_model_path.read_bytes()
    _export(reference_model_path, tmp_path)
    program = _build(tmp_path, _compiler("gcc"), {"dump.c": DUMP_C, "other.c": OTHER_C}, "-std=c99")
    assert program.read_bytes().count(data) == 1


def test_a_cpp_file_shares_the_array_a_c_file_defines(reference_model_path, tmp_path):
    gcc, gxx = _compiler("gcc"), _compiler("g++")
    _export(reference_model_path, tmp_path)
    (tmp_path / "dump.c").write_text(DUMP_C)
    subprocess.run([gcc, "-c", *WARNINGS, "-std=c99", "dump.c", "-o", "dump.o"], check=True, cwd=tmp_path)
    (tmp_path / "other.cpp").write_text(OTHER_CPP)
    subprocess.run([gxx, "-c", *WARNINGS, "-std=c++11", "other.cpp", "-o", "other.o"], check=True, cwd=tmp_path)
    subprocess.run([gxx, "dump.o", "other.o", "-o", "dump"], check=True, cwd=tmp_path)
    run = subprocess.run([str(tmp_path / "dump")], capture_output=True, check=True)
    assert run.stdout == reference_model_path.read_bytes()


def test_without_the_implementation_macro_nothing_defines_the_array(reference_model_path, tmp_path):
    _export(reference_model_path, tmp_path)
    (tmp_path / "other.c").write_text(OTHER_C)
    subprocess.run([_compiler("gcc"), "-c", "-std=c99", "other.c", "-o", "other.o"], check=True, cwd=tmp_path)
    symbols = subprocess.run(["nm", "other.o"], capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert re.search(r"\bU g_model$", symbols, re.MULTILINE)  # a reference, no definition: no copy here


def test_the_header_says_how_to_use_it_and_lists_parameters_as_plain_text(tmp_path, capsys):
    assert main(["export-c", "kws_yes_no", "-o", str(tmp_path / "yes_no.h")]) == 0
    assert "KWS_KWS_YES_NO_IMPLEMENTATION" in capsys.readouterr().err
    text = (tmp_path / "yes_no.h").read_text()
    assert '#define KWS_KWS_YES_NO_IMPLEMENTATION\n *     #include "yes_no.h"' in text
    assert " *   classes: yes, no, _unknown_, _silence_\n" in text
    assert " *   fe.pcan_enable: true\n" in text and " *   fe.pcan_strength: 0.95\n" in text
    assert "['" not in text and "True" not in text and "False" not in text


def test_export_c_never_writes_over_its_model(reference_model_path, tmp_path, capsys):
    model = tmp_path / "self.tflite"
    shutil.copy(reference_model_path, model)
    assert main(["export-c", str(model), "-o", str(model)]) == 2
    assert "is the input" in capsys.readouterr().err
    assert model.read_bytes() == reference_model_path.read_bytes()


def test_export_c_rejects_bad_name_and_non_model(reference_model_path, tmp_path):
    assert main(["export-c", str(reference_model_path), "-o", str(tmp_path / "m.h"), "--name", "1 bad"]) == 2
    assert not (tmp_path / "m.h").exists()
    junk = tmp_path / "x.tflite"
    junk.write_bytes(b"\x00" * 64)
    assert main(["export-c", str(junk), "-o", str(tmp_path / "x.h")]) == 2


def test_export_c_never_names_the_array_after_a_c_keyword(reference_model_path, tmp_path, capsys):
    keyword_named = tmp_path / "int.tflite"
    shutil.copy(reference_model_path, keyword_named)
    assert main(["export-c", str(keyword_named), "-o", str(tmp_path / "int.h")]) == 0
    assert "unsigned char model_int[]" in (tmp_path / "int.h").read_text()
    assert main(["export-c", str(reference_model_path), "-o", str(tmp_path / "m.h"), "--name", "int"]) == 2
    assert "try 'model_int'" in capsys.readouterr().err


# file names whose stem is a C++ keyword, main, reserved (leading _ or __) or no identifier at all
TRICKY_STEMS = ["static_cast", "char8_t", "co_await", "compl", "requires", "constinit", "thread_local", "main",
                "__x", "_Z", "日本語", "time", "signal", "errno", "stdin", "NULL", "EOF"]
# the firmware includes the C library too: its names must not clash with the array's
LIBRARY_HEADERS = "".join(f"#include <{header}>\n" for header in ("errno.h", "signal.h", "stdio.h", "stdlib.h",
                                                                   "string.h", "time.h"))


def _array_name(header: Path) -> str:
    found = re.search(r"^extern const unsigned char (\w+)\[\];$", header.read_text(), re.MULTILINE)
    assert found is not None
    return found.group(1)


def test_any_model_file_name_gives_a_header_gcc_and_gxx_take(reference_model_path, tmp_path):
    """static_cast.tflite gave `unsigned char static_cast[]`, which g++ refuses; main.tflite "cannot declare
    '::main' to be a global variable"; __x.tflite a name reserved to the compiler."""
    gcc, gxx = _compiler("gcc"), _compiler("g++")
    names = []
    for index, stem in enumerate(TRICKY_STEMS):
        model = tmp_path / f"{stem}.tflite"
        shutil.copy(reference_model_path, model)
        assert main(["export-c", str(model), "-o", str(tmp_path / f"model{index}.h")]) == 0
        names.append(_array_name(tmp_path / f"model{index}.h"))
    assert len(set(names)) == len(names)
    assert names[TRICKY_STEMS.index("__x")] == "model_x" and names[TRICKY_STEMS.index("日本語")] == "model"
    source = LIBRARY_HEADERS + "".join(f"#define {implementation_macro(name)}\n" for name in names)
    source += "".join(f'#include "model{index}.h"\n' for index in range(len(names)))
    checks = " && ".join(f"{name}[4] == 'T' && {name}_len == {reference_model_path.stat().st_size}u"
                         for name in names)
    source += f"int main(void) {{ return ({checks}) ? 0 : 1; }}\n"
    _compile_and_run(tmp_path, source, "all", [(gcc, ".c", "-std=c11"), (gxx, ".cpp", "-std=c++20")])


@pytest.mark.parametrize("name, message", [
    ("static_cast", "is a C or C++ keyword: it cannot name a C or C++ array (try 'model_static_cast')"),
    ("main", "is the program's entry point"),
    ("time", "is a name of the C standard library, which the firmware links or includes: it cannot name a C or C++ "
             "array (try 'model_time')"),
    ("_Z", "starts with _, which C and C++ reserve for the compiler and its library: it cannot name a C or C++ "
           "array (try 'model_Z')"),
    ("__x", "(try 'model_x')"),
    ("a__b", "holds __, which C++ reserves"),
    ("", "--name is empty: give the array's C name, or leave --name out"),
])
def test_a_name_the_header_cannot_use_is_refused_with_one_that_works(reference_model_path, tmp_path, capsys,
                                                                    name, message):
    """--name '' fell back to the file's name without a word; --name _Z or __x gave a reserved name."""
    assert main(["export-c", str(reference_model_path), "-o", str(tmp_path / "m.h"), "--name", name]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kws: error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "m.h").exists()


def _macro_of(header: Path) -> str:
    """The implementation macro the header's own usage note tells the firmware to define."""
    found = re.search(r"^ \*     #define (\w+)$", header.read_text(), re.MULTILINE)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("first, second, how", [
    ("Yes", "yes", "file"), ("YES", "yes", "file"),
    ("Yes", "yes", "name"), ("YES", "yes", "name"), ("Yes", "YES", "name"), ("g_Model", "g_model", "name"),
])
def test_names_that_differ_only_in_case_keep_both_arrays_in_one_file(reference_model_path, tmp_path, first, second,
                                                                     how):
    """Yes.tflite and yes.tflite (or --name Yes and --name yes) gave two arrays but one include guard and one
    KWS_YES_IMPLEMENTATION: a file including both headers lost the second array without a word."""
    gcc, gxx = _compiler("gcc"), _compiler("g++")
    headers = []
    for index, name in enumerate([first, second]):
        # two folders: on a case-blind disk Yes.tflite and yes.tflite are one file; --name alone names the array
        model = tmp_path / str(index) / (f"{name}.tflite" if how == "file" else "model.tflite")
        model.parent.mkdir()
        shutil.copy(reference_model_path, model)
        headers.append(tmp_path / f"model{index}.h")
        assert main(["export-c", str(model), "-o", str(headers[-1]), *(["--name", name] if how == "name" else [])]) == 0
        assert _array_name(headers[-1]) == name
    macros = [_macro_of(header) for header in headers]
    assert macros[0] != macros[1]
    size = reference_model_path.stat().st_size
    source = "".join(f"#define {macro}\n" for macro in macros)
    source += '#include "model0.h"\n#include "model1.h"\n#include "model0.h"\n'
    source += (f"int main(void) {{ return ({first}[4] == 'T' && {second}[4] == 'T' && {first}_len == {size}u "
               f"&& {second}_len == {size}u && (const void *){first} != (const void *){second}) ? 0 : 1; }}\n")
    _compile_and_run(tmp_path, source, "both", [(gcc, ".c", "-std=c11"), (gxx, ".cpp", "-std=c++17")])


@pytest.mark.parametrize("file_name", ["q.c", "model.inc", "model.cpp"])
def test_a_header_named_as_something_else_is_said_to_be_a_header(tmp_path, capsys, file_name):
    """q.c compiled alone defines the labels but no model array (only the one file defining
    KWS_<NAME>_IMPLEMENTATION does), so the build fails at the link, far from the export: the export says so."""
    output = tmp_path / file_name
    assert main(["export-c", "kws_yes_no", "-o", str(output)]) == 0
    assert output.is_file()  # written all the same: a build may want .inc
    warning = (f"kws: warning: {output} is a header, not a source file: compiled alone it defines no model array; "
               "include it, and define KWS_KWS_YES_NO_IMPLEMENTATION in one file before the include")
    assert warning in capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("file_name", ["model.h", "model.hpp", "model.hh", "MODEL.H"])
def test_a_header_named_as_one_gets_no_warning(tmp_path, capsys, file_name):
    assert main(["export-c", "kws_yes_no", "-o", str(tmp_path / file_name)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_an_archive_names_the_array_after_the_model_not_its_mltk_suffix(shared_dir, tmp_path, capsys):
    """tflite_micro_speech.mltk.zip gave tflite_micro_speech_mltk: the file's stem keeps the .mltk of .mltk.zip."""
    archive = shared_dir / "reference-models" / "tflite_micro_speech.mltk.zip"
    assert main(["export-c", str(archive), "-o", str(tmp_path / "speech.h")]) == 0
    assert _array_name(tmp_path / "speech.h") == "tflite_micro_speech"
    assert "KWS_TFLITE_MICRO_SPEECH_IMPLEMENTATION" in capsys.readouterr().err
    renamed = tmp_path / "Other.MLTK.ZIP"  # as a case-blind disk may hold it
    shutil.copy(archive, renamed)
    assert main(["export-c", str(renamed), "-o", str(tmp_path / "other.h")]) == 0
    assert _array_name(tmp_path / "other.h") == "Other"
