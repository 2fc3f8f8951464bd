"""What ``kws profile`` writes where: the format an -o file's extension names, CSV rows that say what their
times were estimated for, the MVP column's yes* and the parameter count Keras gives."""

from __future__ import annotations

import csv
import io
import json

import pytest

from workbench.cli.main import main
from workbench.profiler.export import to_csv, to_markdown, to_text_table
from workbench.profiler.report import profile_model

KERAS_PARAMS_OF_SEED = 16_652  # conv 8x10x8x1 + 8 biases, dense 4000x4 + 4 biases (MLTK's summary says the same)


@pytest.mark.parametrize(("suffix", "check"), [
    (".json", lambda text: json.loads(text)["summary"]["flash_bytes"] == 21_616),
    (".csv", lambda text: text.startswith("model,accelerator,clock_mhz,index,op,")),
    (".md", lambda text: text.startswith("# Model profile (estimated)")),
    (".txt", lambda text: text.startswith("Profiling Summary (estimated for EFR32xG24")),
])
def test_the_output_extension_names_the_format(reference_model_path, tmp_path, capsys, suffix, check):
    out = tmp_path / f"profile{suffix}"
    assert main(["profile", str(reference_model_path), "-o", str(out)]) == 0
    assert check(out.read_text())
    assert capsys.readouterr().out.startswith(f"wrote {out}")


def test_a_format_that_contradicts_the_extension_is_refused(reference_model_path, tmp_path, capsys):
    out = tmp_path / "profile.json"
    assert main(["profile", str(reference_model_path), "--format", "csv", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--format csv does not match the .json extension" in err and not out.exists()
    other = tmp_path / "profile.dat"  # an extension that names no format: --format decides
    assert main(["profile", str(reference_model_path), "--format", "csv", "-o", str(other)]) == 0
    assert other.read_text().startswith("model,accelerator,clock_mhz,")


@pytest.mark.parametrize("name", ["report.xlsx", "report.HTML", "profile.v2"])
def test_an_extension_that_names_no_format_is_refused_unless_format_is_given(reference_model_path, tmp_path, capsys,
                                                                            name):
    out = tmp_path / name
    assert main(["profile", str(reference_model_path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == (f"kws: error: cannot tell the format from the {out.suffix} extension of {out}: use .json, .csv, "
                   ".md, .markdown or .txt, or give --format.\n")
    assert not out.exists()
    assert main(["profile", str(reference_model_path), "--format", "markdown", "-o", str(out)]) == 0
    assert out.read_text().startswith("# Model profile (estimated)")


def test_a_name_without_an_extension_gets_the_table(reference_model_path, tmp_path, capsys):
    out = tmp_path / "profile"
    assert main(["profile", str(reference_model_path), "-o", str(out)]) == 0
    assert out.read_text().startswith("Profiling Summary (estimated for EFR32xG24")
    assert capsys.readouterr().out == f"wrote {out} (table)\n"


def test_csv_rows_say_the_model_accelerator_and_clock(reference_model_path, capsys):
    assert main(["profile", str(reference_model_path), "--format", "csv", "--clock-mhz", "39",
                 "--accelerator", "none"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 4
    assert {(r["model"], r["accelerator"], r["clock_mhz"]) for r in rows} == {(reference_model_path.stem, "none", "39")}


def test_help_says_json_holds_the_whole_summary(capsys):
    with pytest.raises(SystemExit):
        main(["profile", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "JSON holds the whole profile (flash, RAM, totals, host latency)" in help_text


def test_the_support_column_says_where_the_cycles_are(reference_model_path):
    """MLTK lists the dense layer as unsupported, yet its cycles are the MVP's: yes*, explained, as the window."""
    report = profile_model(reference_model_path.read_bytes(), name="seed")
    for text in (to_text_table(report), to_markdown(report)):
        dense = next(line for line in text.splitlines() if "fully_connected" in line)
        assert "yes*" in dense and "False" not in dense and "24.1k" in dense
        assert "yes*: listed as unsupported by MLTK" in text
        assert "Unsupported Layer Count: 1 (1 of them run on the MVP anyway: yes*)" in text.replace("**", "")


def test_params_count_weights_and_biases_only(reference_model_path):
    report = profile_model(reference_model_path.read_bytes())
    assert [layer.params for layer in report.layers] == [648, 0, 16_004, 0]  # RESHAPE's shape is no parameter
    assert sum(layer.params for layer in report.layers) == KERAS_PARAMS_OF_SEED
    assert report.layers[1].param_bytes == 8 and report.summary.flash_bytes == 21_616  # flash as before


def test_csv_leaves_the_mvps_cells_empty_for_the_accelerator_none(reference_model_path):
    """CPU only: no layer is asked of the MVP, so its verdict, reason and placement are empty (the columns stay,
    one layout for every CSV); with the MVP they say what the Supported? column says."""
    data = reference_model_path.read_bytes()
    mvp_cells = ("supported", "reason", "runs_on_accelerator")
    cpu_only = list(csv.DictReader(io.StringIO(to_csv(profile_model(data, name="seed", accelerator="none")))))
    assert len(cpu_only) == 4 and {r["accelerator"] for r in cpu_only} == {"none"}
    assert [[r[c] for c in mvp_cells] for r in cpu_only] == [["", "", ""]] * 4
    with_mvp = list(csv.DictReader(io.StringIO(to_csv(profile_model(data, name="seed")))))
    assert [with_mvp[2][c] for c in mvp_cells] == ["False", "weights_shape[1] (4000) > 2048", "True"]
