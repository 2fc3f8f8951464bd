"""``kws train --preview-augmentation N`` as a user runs it: a real child process that trains nothing, imports no
TensorFlow, writes the samples and says where."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.child_command import EXIT_CANCELLED
from workbench.cli.main import main

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "training"))
from preview_files import read_index  # noqa: E402
from training_data import QUICK_SPEC, copy_slice  # noqa: E402

from workbench.run_folder_layout import RUN_FILE, SPEC_FILE  # noqa: E402
from workbench.training.run.run_request import DatasetArg, TrainRequest, dumps, repeat_header  # noqa: E402

PREVIEW = "augmentation-preview"
# kws ARGS, then (on stdout, after what the command printed) the TensorFlow and Keras modules it loaded
LOADED_AFTER_KWS = ("import sys; from workbench.cli.main import main; code = main(sys.argv[1:]); "
                    "print('loaded:', sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras'))); "
                    "sys.exit(code)")
KWS = "import sys; from workbench.cli.main import main; sys.exit(main(sys.argv[1:]))"
LONG_WEIGHT = 40  # the dataset's training clips counted 40 times: thousands of samples, seconds of writing
STOP_AFTER = 3  # samples written before the child gets its SIGINT
INTERRUPTED = re.compile(r"kws: interrupted: (\d+) of (\d+) samples written to (.+) \(index\.csv lists them\)")


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


def test_ctrl_c_leaves_the_samples_written_so_far_listed_and_no_temporary_file(dataset_and_spec: tuple[Path, Path],
                                                                               tmp_path: Path) -> None:
    dataset, spec = dataset_and_spec
    out = tmp_path / "out"
    child = subprocess.Popen([sys.executable, "-c", KWS, "train", "--spec", str(spec), "--dataset",
                              f"{dataset}:{LONG_WEIGHT}", "--preview-augmentation", "100000", "--out", str(out),
                              "--progress", "jsonl"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=REPO)
    try:
        assert child.stdout is not None
        for line in child.stdout:  # Ctrl+C once the first samples are there
            event = json.loads(line)
            if event.get("event") == "progress" and event.get("done", 0) >= STOP_AFTER:
                child.send_signal(signal.SIGINT)
                break
        rest, errors = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == EXIT_CANCELLED, errors
    said = INTERRUPTED.fullmatch(errors.strip().splitlines()[-1])
    assert said is not None, errors
    written, chosen, folder = int(said.group(1)), int(said.group(2)), Path(said.group(3))
    assert folder == out / PREVIEW and STOP_AFTER <= written < chosen
    assert json.loads(rest.splitlines()[-1])["message"] == said.group(0)[len("kws: "):]
    rows = read_index(folder)
    named = {"index.csv", "preview.json"} | {row["audio"] for row in rows} | {row["spectrogram"] for row in rows}
    assert len(rows) == written and {path.name for path in folder.iterdir()} == named  # nothing hidden either
    record = json.loads((folder / "preview.json").read_text(encoding="utf-8"))
    assert (record["written"], record["chosen"], record["interrupted"]) == (written, chosen, True)
    assert sorted(path.name for path in out.iterdir()) == [PREVIEW]  # the lock file went too


def test_a_preview_beside_a_run_of_another_spec_says_so(dataset_and_spec: tuple[Path, Path], tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    dataset, spec = dataset_and_spec
    out = tmp_path / "finished"
    out.mkdir()
    run = TrainRequest(datasets=(DatasetArg(tmp_path / "other data"),), out=out, spec="default")  # as a run writes it
    (out / SPEC_FILE).write_text(repeat_header(run, out / SPEC_FILE) + _resolved_toml(run), encoding="utf-8")
    (out / RUN_FILE).write_text(dumps(run), encoding="utf-8")
    assert main(["train", "--spec", str(spec), "--dataset", str(dataset), "--out", str(out),
                 "--preview-augmentation", "2", "--progress", "none"]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"kws: {out} holds a run of spec kws_yes_no on other datasets: this preview "
                                         f"is of quick_kws on {dataset}, written beside it"]
    assert captured.out.splitlines() == [str(out / PREVIEW)]
    assert json.loads((out / PREVIEW / "preview.json").read_text(encoding="utf-8"))["spec"] == "quick_kws"


def _resolved_toml(request: TrainRequest) -> str:
    from workbench.training.run.pipeline import resolve_spec

    return resolve_spec(request).to_toml()
