"""``kws profile`` and ``kws export-c`` through the real CLI entry point."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import pytest

from workbench.cli.main import main


def test_profile_json(reference_model_path, capsys):
    assert main(["profile", str(reference_model_path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [layer["macs"] for layer in data["layers"]] == [320_000, 0, 16_000, 0]
    assert data["layers"][2]["supported"] is False
    assert data["layers"][2]["reason"] == "weights_shape[1] (4000) > 2048"
    assert data["summary"]["flash_bytes"] == 21_616 and data["summary"]["clock_hz"] == 78_000_000
    assert data["summary"]["estimated"] is True


def test_profile_csv_to_file_and_clock(reference_model_path, tmp_path):
    out = tmp_path / "p.csv"
    assert main(["profile", str(reference_model_path), "--format", "csv", "--clock-mhz", "39",
                 "--accelerator", "mvp", "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["op"] for r in rows] == ["CONV_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"]
    assert [int(r["ops"]) for r in rows] == [652_000, 0, 32_004, 20]
    fast = main(["profile", str(reference_model_path), "--format", "json", "-o", str(tmp_path / "f.json")])
    assert fast == 0
    t78 = json.loads((tmp_path / "f.json").read_text())["layers"][0]["time_ms"]
    assert float(rows[0]["time_ms"]) == pytest.approx(2 * t78, rel=1e-3)  # half the clock, twice the time


def test_profile_table_with_host_latency(reference_model_path, capsys):
    assert main(["profile", str(reference_model_path), "--host-latency"]) == 0
    out = capsys.readouterr().out
    assert "652.0k" in out and "weights_shape[1] (4000) > 2048" in out and "21.6k" in out
    match = re.search(r"Host invoke time \(ms\), measured on this PC: median ([0-9.]+), p90 ([0-9.]+)", out)
    assert match and 0 < float(match.group(1)) <= float(match.group(2))


def test_profile_bad_inputs_exit_2(tmp_path, capsys):
    junk = tmp_path / "junk.tflite"
    junk.write_bytes(b"definitely not a flatbuffer")
    assert main(["profile", str(junk)]) == 2
    assert "kws: error:" in capsys.readouterr().err
    assert main(["profile", str(tmp_path / "missing.tflite")]) == 2


def _c_array_bytes(header: str, name: str) -> bytes:
    body = header.split(f"{name}[] = {{", 1)[1].split("};", 1)[0]
    return bytes(int(x, 16) for x in re.findall(r"0x([0-9a-f]{2})", body))


def test_export_c_compiles_and_matches(reference_model_path, tmp_path):
    header = tmp_path / "model.h"
    assert main(["export-c", str(reference_model_path), "-o", str(header), "--name", "g_model"]) == 0
    text = header.read_text()
    data = reference_model_path.read_bytes()
    assert _c_array_bytes(text, "g_model") == data
    assert f"g_model_len = {len(data)}u" in text
    assert "aligned(16)" in text and "alignas(16)" in text
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc is not installed")
    source = tmp_path / "dump.c"
    source.write_text('#include <stdio.h>\n#include <stdint.h>\n#include "model.h"\n'
                      "int main(void) {\n"
                      "  if (((uintptr_t)g_model) % 16 != 0) return 3;\n"
                      "  fwrite(g_model, 1, g_model_len, stdout);\n  return 0;\n}\n")
    subprocess.run([gcc, "-c", "-Wall", "-Werror", "-std=c99", str(source), "-o", str(tmp_path / "dump.o")],
                   check=True, cwd=tmp_path)
    subprocess.run([gcc, str(tmp_path / "dump.o"), "-o", str(tmp_path / "dump")], check=True)
    run = subprocess.run([str(tmp_path / "dump")], capture_output=True, check=True)
    assert run.stdout == data


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


@pytest.mark.parametrize("clock", ["inf", "nan", "0"])
def test_an_impossible_clock_is_one_line(reference_model_path, capsys, clock):
    assert main(["profile", str(reference_model_path), "--clock-mhz", clock]) == 2
    err = capsys.readouterr().err
    assert "--clock-mhz must be a positive number of MHz" in err and err.count("\n") == 1
