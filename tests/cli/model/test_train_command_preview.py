"""``kws train --preview-augmentation N`` as a user runs it: a real child process that trains nothing, imports no
TensorFlow, writes the samples and says where."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli.main import main

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "training"))
from preview_files import read_index  # noqa: E402
from training_data import QUICK_SPEC, copy_slice  # noqa: E402

PREVIEW = "augmentation-preview"
# kws ARGS, then (on stdout, after what the command printed) the TensorFlow and Keras modules it loaded
LOADED_AFTER_KWS = ("import sys; from workbench.cli.main import main; code = main(sys.argv[1:]); "
                    "print('loaded:', sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras'))); "
                    "sys.exit(code)")


@pytest.fixture()
def dataset_and_spec(shared_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    dataset = copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path / "data")
    spec = tmp_path / "quick.toml"
    spec.write_text(QUICK_SPEC.format(epochs=2))
    return dataset, spec


@pytest.mark.parametrize("progress", ["bar", "none"])
def test_the_preview_writes_its_files_says_where_and_imports_no_tensorflow(dataset_and_spec: tuple[Path, Path],
                                                                           tmp_path: Path, progress: str) -> None:
    dataset, spec = dataset_and_spec
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-c", LOADED_AFTER_KWS, "train", "--spec", str(spec), "--dataset",
                          str(dataset), "--set", "augmentation.mask_share=0.5", "--preview-augmentation", "6",
                          "--out", str(out), "--progress", progress],
                         capture_output=True, text=True, cwd=REPO, timeout=300)
    assert run.returncode == 0, run.stderr
    folder = out / PREVIEW
    rows = read_index(folder)
    assert len(rows) == 6 and all((folder / row["audio"]).is_file() and (folder / row["spectrogram"]).is_file()
                                  for row in rows)
    *printed, loaded = run.stdout.splitlines()
    assert loaded == "loaded: []"
    if progress == "none":  # the folder alone on stdout, as a training prints its model
        assert printed == [str(folder)] and run.stderr == ""
    else:
        assert printed == [] and f"wrote 6 augmented samples (WAV and spectrogram PNG each) and index.csv to " \
                                 f"{folder}" in run.stderr
        assert "[plan] preview: " in run.stderr


@pytest.mark.parametrize("args, message", [
    (["--preview-augmentation", "0"], "--preview-augmentation must be at least 1, not 0."),
    (["--preview-augmentation", "3", "--resume"], "--preview-augmentation previews a new run, not a stopped one"),
    (["--preview-augmentation", "3", "--set", "augmentation.mask_share=2"], "with --set: [augmentation]"),
])
def test_preview_mistakes_are_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                                  message: str) -> None:
    (tmp_path / "data" / "yes").mkdir(parents=True)
    dataset = [] if "--resume" in args else ["--dataset", str(tmp_path / "data")]
    assert main(["train", *dataset, "--out", str(tmp_path / "out"), *args, "--progress", "none"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kws: error: ") and message in err[0]
    assert not (tmp_path / "out").exists()
