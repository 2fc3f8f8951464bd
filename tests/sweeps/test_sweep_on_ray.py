"""``kws sweep`` end to end on a local Ray instance with 2 CPUs: real trials, real training, real cancel.

Each test runs the command as a user does (a child process printing JSON events) on a small slice
of the shared Speech Commands clips, with two-epoch trials so the module stays within a few minutes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from workbench.calibration.streams.labels import load_labels
from workbench.child_command import kws_command
from workbench.core.audio.audio_file import load_audio
from workbench.core.engine import Engine
from workbench.core.model.model_file import load_model
from workbench.sweeps.reporting.final_status import ABANDONED_MESSAGE

from sweep_data import sweep_text, write_sweep

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from small_disk import mounted_tmpfs  # noqa: E402

pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")
pytestmark = pytest.mark.ray

CPUS = "2"
SWEEP_TIMEOUT_S = 300
FLASH_TOLERANCE = 0.06
CLEAN_EXIT_WAIT_S = 10.0
FULL_DISK_SIZE = "600k"  # the sweep starts, its trials' first files fill it
FRR_OBJECTIVE = '\n[objective]\nmetric = "frr"\nstream_minutes = 1\n'
DETECTION_KEYS = ("detection_threshold", "average_window_duration_ms", "suppression_ms", "minimum_count",
                  "detection_threshold_list", "latency_ms")


def _gone(pid: int) -> bool:
    try:
        return "State:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _resume(pid: int) -> None:
    """SIGCONT to a process paused with SIGSTOP (gone already: nothing to do)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGCONT)


def _all_gone(pids: list[int]) -> bool:
    deadline = time.monotonic() + CLEAN_EXIT_WAIT_S
    while time.monotonic() < deadline:
        if all(_gone(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


class SweepProcess:
    """``kws sweep --format jsonl`` as a child process, its events as they arrive."""

    def __init__(self, sweep_file: Path, out: Path, own_group: bool = False) -> None:
        self.out = out
        self.process = subprocess.Popen(kws_command("sweep", str(sweep_file), "--out", str(out), "--num-cpus", CPUS,
                                                    "--format", "jsonl"),
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        start_new_session=own_group)  # own_group: as from a terminal
        self.events: list[dict[str, Any]] = []

    def read_until(self, kind: str | None = None) -> None:
        """Read events until one of ``kind`` arrives (None: until the end of the output)."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            event = json.loads(line)  # nothing but events may reach stdout
            self.events.append(event)
            if event["event"] == kind:
                return

    def finish(self) -> tuple[int, str]:
        self.read_until(None)
        _, err = self.process.communicate(timeout=SWEEP_TIMEOUT_S)
        return self.process.returncode, err

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == kind]


@pytest.fixture(scope="module")
def finished_sweep(speech_slice: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[SweepProcess, int, str]:
    folder = tmp_path_factory.mktemp("sweep")
    run = SweepProcess(write_sweep(folder, sweep_text(speech_slice)), folder / "out")
    code, err = run.finish()
    return run, code, err


def test_two_trials_run_in_ray_workers_and_write_results(finished_sweep) -> None:
    run, code, err = finished_sweep
    assert code == 0, err
    kinds = [e["event"] for e in run.events]
    assert kinds.count("trial_start") == 2 and kinds.count("trial_end") == 2 and kinds[-1] == "done"
    assert kinds.index("start") < kinds.index("trial_start") and "epoch" in kinds
    records = [e["trial"] for e in run.of("trial_end")]
    assert [r["status"] for r in records] == ["finished", "finished"], records
    for r in records:  # trained in Ray worker processes, each running its own kws train
        assert r["worker_pid"] not in (run.process.pid, None) and r["child_pid"] not in (r["worker_pid"], None)
        assert r["node_id"] and r["epochs"] == 2 and 0.0 <= r["objective"] <= 1.0
        assert r["objective"] == r["validation_balanced_accuracy"]
        assert (Path(r["folder"]) / "summary.json").is_file() and Path(r["model"]).is_file()
    assert len({r["worker_pid"] for r in records}) == 2 and len({r["seed"] for r in records}) == 2
    assert _all_gone([r["worker_pid"] for r in records] + [r["child_pid"] for r in records])
    done = run.of("done")[0]
    assert done["status"] == "finished" and done["best"]["trial_id"] in {r["trial_id"] for r in records}
    results = json.loads((run.out / "results.json").read_text())
    assert results["best_trial"] == done["best"]["trial_id"] and len(results["trials"]) == 2
    csv_lines = (run.out / "results.csv").read_text().splitlines()
    assert len(csv_lines) == 3 and "layers.1.filters" in csv_lines[0] and "training.learning_rate" in csv_lines[0]
    assert (run.out / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (run.out / "best-spec.toml").is_file() and (run.out / "sweep.toml").is_file()


def test_the_best_spec_repeats_the_best_trial(finished_sweep) -> None:
    run, _, _ = finished_sweep
    best = run.of("done")[0]["best"]
    text = (run.out / "best-spec.toml").read_text()
    trained = json.loads((Path(best["folder"]) / "run.json").read_text())  # what the trial's kws train was given
    spec = tomllib.loads(text)
    assert (spec["training"]["max_epochs"], spec["training"]["seed"]) == (trained["epochs"], trained["seed"])
    assert trained["seed"] == best["seed"] and trained["epochs"] == 2
    assert f"kws train --spec {run.out.resolve() / 'best-spec.toml'} --dataset " in text.splitlines()[1]


def test_the_estimate_before_training_matches_the_trained_models(finished_sweep) -> None:
    run, _, _ = finished_sweep
    for r in (e["trial"] for e in run.of("trial_end")):
        assert r["estimated_arena_bytes"] == r["arena_bytes"]
        assert abs(r["estimated_flash_bytes"] - r["flash_bytes"]) <= FLASH_TOLERANCE * r["flash_bytes"]
        assert r["macs"] == 336_000 * r["params"]["layers.1.filters"] // 8


def test_the_best_model_is_copied_with_its_parameters_and_runs_in_the_live_engine(finished_sweep,
                                                                                  speech_slice: Path) -> None:
    run, _, _ = finished_sweep
    done = run.of("done")[0]
    model = load_model(done["model"])
    assert Path(done["model"]).parent == run.out.resolve()
    assert Path(done["model"]).read_bytes() == Path(done["best"]["model"]).read_bytes()
    assert tuple(model.classes) == ("yes", "no", "_unknown_", "_silence_") and model.params["runtime_memory_size"] > 0
    clip = load_audio(sorted((speech_slice / "yes").glob("*.wav"))[0])
    results = Engine(model).run_clip(clip.samples)
    assert results and results[-1].scores.shape == (4,)


def test_cancel_stops_every_trial_cleanly_and_leaves_no_process(speech_slice: Path, tmp_path: Path) -> None:
    run = SweepProcess(write_sweep(tmp_path, sweep_text(speech_slice, epochs=30)), tmp_path / "out")
    run.read_until("epoch")
    run.process.send_signal(signal.SIGINT)
    code, err = run.finish()
    assert code == 130, err
    assert run.of("cancelling") and run.of("done")[0]["status"] == "cancelled"
    records = [e["trial"] for e in run.of("trial_end")]
    assert records and all(r["status"] == "cancelled" for r in records), records
    assert _all_gone([r["child_pid"] for r in records if r["child_pid"]] + [r["worker_pid"] for r in records])
    for r in records:  # each kws train stopped after a batch and kept its checkpoint for --resume
        log = (Path(r["folder"]) / "train" / "log.txt").read_text()
        assert "stopped after" in log and "signal SIGINT" in log
        # the trial says why in the sweep's words, not as the signal the trial sent its kws train
        assert "stopped after" in r["message"] and "(the sweep was cancelled)" in r["message"], r["message"]
    assert json.loads((tmp_path / "out" / "results.json").read_text())["status"] == "cancelled"
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(tmp_path / "out") not in ps, "a process of the cancelled sweep is still running"


def test_ctrl_c_to_the_whole_process_group_still_lists_every_trial_of_the_budget(speech_slice: Path,
                                                                                tmp_path: Path) -> None:
    # a terminal's Ctrl+C reaches Ray's own processes too: trials still pending never start
    run = SweepProcess(write_sweep(tmp_path, sweep_text(speech_slice, trials=4, epochs=30)), tmp_path / "out",
                       own_group=True)
    run.read_until("epoch")
    os.killpg(run.process.pid, signal.SIGINT)
    code, err = run.finish()
    assert code == 130, err
    records = [e["trial"] for e in run.of("trial_end")]
    assert len(records) == 4 and all(r["status"] == "cancelled" for r in records), records
    rows = (tmp_path / "out" / "results.csv").read_text().splitlines()[1:]
    assert sorted(row.split(",")[0] for row in rows) == sorted(r["trial_id"] for r in records)
    assert len(json.loads((tmp_path / "out" / "results.json").read_text())["trials"]) == 4


def test_a_second_ctrl_c_stops_at_once_and_still_leaves_the_results(speech_slice: Path, tmp_path: Path) -> None:
    # a terminal's Ctrl+C twice: the first says what a second one does; the second, while the trials stop, ended the
    # sweep with "kws: interrupted", no results and every trial record "running" (the folder then refused)
    run = SweepProcess(write_sweep(tmp_path, sweep_text(speech_slice, epochs=30)), tmp_path / "out",
                       own_group=True)
    run.read_until("epoch")
    os.killpg(run.process.pid, signal.SIGINT)
    run.read_until("cancelling")
    os.killpg(run.process.pid, signal.SIGINT)
    code, err = run.finish()
    assert code == 130, err
    assert "kws: interrupted" not in err and "Traceback" not in err, err
    assert "press Ctrl+C again to stop at once" in run.of("cancelling")[0]["message"]
    done = run.of("done")
    assert done and done[0]["status"] == "cancelled", err
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["status"] == "cancelled" and len(results["trials"]) == 2
    assert [t["status"] for t in results["trials"]] == ["cancelled", "cancelled"], results["trials"]
    assert (tmp_path / "out" / "results.csv").is_file() and (tmp_path / "out" / "results.png").is_file()
    folders = [p for p in (tmp_path / "out" / "trials").iterdir() if p.is_dir()]
    assert folders and all(json.loads((p / "sweep-trial.json").read_text())["status"] == "cancelled" for p in folders)
    records = results["trials"]
    assert _all_gone([r["child_pid"] for r in records if r["child_pid"]] + [r["worker_pid"] for r in records])


def test_a_second_sigterm_stops_at_once_as_a_second_ctrl_c_does(speech_slice: Path, tmp_path: Path) -> None:
    # TERM twice to kws sweep alone (timeout, a service manager, a script) while a trial's kws train is slow to stop
    # (held here with SIGSTOP): the second SIGTERM was ignored, and the sweep waited for that trial however long
    out = tmp_path / "out"
    run = SweepProcess(write_sweep(tmp_path, sweep_text(speech_slice, epochs=30)), out)
    run.read_until("epoch")
    trial = run.events[-1]["trial"]
    record = out / "trials" / trial / "sweep-trial.json"
    slow = json.loads(record.read_text())["child_pid"]
    os.kill(slow, signal.SIGSTOP)
    release = threading.Timer(SWEEP_TIMEOUT_S, _resume, (slow,))  # a safety net for the old code, not a timing
    release.start()
    try:
        run.process.send_signal(signal.SIGTERM)
        run.read_until("cancelling")
        run.process.send_signal(signal.SIGTERM)
        code, err = run.finish()
    finally:
        release.cancel()
        _resume(slow)  # its kws train then takes the stop it was sent, and ends
    assert code == 130 and "Traceback" not in err, err
    ended = {e["trial"]["trial_id"]: e["trial"] for e in run.of("trial_end")}
    assert ended[trial]["status"] == "cancelled" and ended[trial]["message"] == ABANDONED_MESSAGE, ended[trial]
    assert json.loads(record.read_text())["status"] == "cancelled"  # its file does not claim "running"
    results = json.loads((out / "results.json").read_text())
    assert results["status"] == "cancelled" and len(results["trials"]) == 2
    assert (out / "results.csv").is_file() and (out / "results.png").is_file()
    assert _all_gone([slow])


def test_the_frr_sweeps_best_model_carries_its_calibrations_recommendation(speech_slice: Path,
                                                                          tmp_path: Path) -> None:
    # the audit's frr sweep: the copied best model kept the spec's detection settings (threshold 185, window 1000,
    # count 3), at which the trial's own calibration measured 3,240 FA/h, not the FRR and FA/h it was chosen for
    text = sweep_text(speech_slice).replace("[fixed]\n", '[fixed]\n"data.validation_resplit_percent" = "off"\n')
    run = SweepProcess(write_sweep(tmp_path, text + FRR_OBJECTIVE), tmp_path / "out")
    code, err = run.finish()
    assert code == 0, err
    done = run.of("done")[0]
    best = done["best"]
    assert best is not None, done["summary"]
    recommended = json.loads((Path(best["folder"]) / "calibration" / "calibration.json").read_text())["recommended"]
    assert not recommended["model_own"]  # (else the model's own parameters would be right by chance)
    assert best["detection"] == {key: recommended.get(key) for key in DETECTION_KEYS}
    assert (best["frr"], best["fa_per_hour"]) == (recommended["frr"], recommended["fa_per_hour"])
    params = load_model(done["model"]).params
    assert {key: params[key] for key in DETECTION_KEYS[:4]} == {key: recommended[key] for key in DETECTION_KEYS[:4]}
    results = json.loads((run.out / "results.json").read_text())
    assert results["model_detection"] == best["detection"] and results["summary"] == done["summary"]
    assert done["summary"].startswith("the model carries its calibration's recommended detection parameters "
                                      f"(detection_threshold {recommended['detection_threshold']}, ")
    # the warnings the stream and the figures call for, as messages (stderr in text) and in the summary
    counts = load_labels(run.out / "objective" / "validation-stream.json").keyword_counts()
    missing = [word for word in ("yes", "no") if not counts.get(word)]
    expected = ([f"holds no {missing[0]}"] if missing else []) + (["detect none"] if best["frr"] >= 1.0 else [])
    assert [next(part for part in expected if part in w) for w in done["warnings"]] == expected, done["warnings"]
    assert [e["message"] for e in run.of("message") if e["message"].startswith("warning: ")] == \
        [f"warning: {w}" for w in done["warnings"]]


def test_a_full_disk_is_one_error_line_naming_the_file(speech_slice: Path, tmp_path: Path) -> None:
    full = tmp_path / "full"
    with mounted_tmpfs(full, FULL_DISK_SIZE, lazy_unmount=True):
        run = SweepProcess(write_sweep(tmp_path, sweep_text(speech_slice)), full / "out")
        code, err = run.finish()
        left = [p.name for p in (full / "out" / "trials").rglob("*") if ".tmp" in p.name]
    assert code == 2, err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"kws: error: Cannot write {full / 'out'}") and \
        last.endswith(": No space left on device."), err
    assert "Traceback" not in err and "EOFError" not in err, err
    assert run.of("cancelling") and "a trial cannot write its files" in run.of("cancelling")[0]["message"]
    assert run.of("error")[0]["message"] == last.removeprefix("kws: error: ")
    failed = [e["trial"] for e in run.of("trial_end") if e["trial"]["status"] == "failed"]
    assert failed and all(re.fullmatch(rf"Cannot write {re.escape(str(full / 'out' / 'trials'))}/\S+: "
                                       r"No space left on device\.", t["message"]) for t in failed), failed
    assert left == []  # a trial's half-written files are removed with its failure


def test_a_board_budget_no_model_of_the_search_space_meets_is_refused_before_ray(speech_slice: Path,
                                                                                 tmp_path: Path) -> None:
    """Every model of ``layers.1.filters`` 4..8 needs more than 4 kB of arena: one sentence, and no Ray.

    (A trial over the budget while others fit is rejected in its own setup: tests/sweeps/on_ray/
    test_trial_ram_figure.py.)"""
    run = SweepProcess(write_sweep(tmp_path, sweep_text(speech_slice, board="ram_kb = 4")), tmp_path / "out")
    code, err = run.finish()
    assert code == 2, err
    last = err.strip().splitlines()[-1]
    assert re.fullmatch(r"kws: error: sweep\.toml: even the smallest model of the search space \(spec "
                        r"tflite_micro_speech, layers\.1\.filters = 4, estimated\) does not fit the board budget: "
                        r"RAM \(tensor arena\) [\d,]+ bytes > 4 KiB \(4,096 bytes\)\.", last), err
    assert run.of("start") == [] and run.of("trial_end") == []  # Ray never started, no trial ran
    assert not any((tmp_path / "out" / "trials").iterdir())


def test_trials_with_ray_features_compute_their_spectrograms_as_ray_tasks(speech_slice: Path, tmp_path: Path) -> None:
    # two trials on 2 CPUs: one runs at a time, one CPU stays free for its feature tasks (trials holding both
    # CPUs would wait forever for tasks that cannot start)
    text = sweep_text(speech_slice, epochs=1) + "\n[resources]\nray_features = true\n"
    run = SweepProcess(write_sweep(tmp_path, text), tmp_path / "out")
    code, err = run.finish()
    assert code == 0, err
    records = [e["trial"] for e in run.of("trial_end")]
    assert [r["status"] for r in records] == ["finished", "finished"], records
    for r in records:
        log = (Path(r["folder"]) / "train" / "log.txt").read_text()
        assert "Ray tasks on the cluster's 2 CPUs" in log, log
        assert Path(r["model"]).is_file()
    kinds = [e["event"] for e in run.events if e["event"] in ("trial_start", "trial_end")]
    assert kinds == ["trial_start", "trial_end", "trial_start", "trial_end"]


def test_ray_features_without_a_free_cpu_is_a_clear_error(speech_slice: Path, tmp_path: Path) -> None:
    text = sweep_text(speech_slice, epochs=1) + "\n[resources]\nray_features = true\ncpus_per_trial = 2\n"
    run = SweepProcess(write_sweep(tmp_path, text), tmp_path / "out")
    code, err = run.finish()
    assert code == 2 and "ray_features needs a CPU for the feature tasks" in err, err
    # refused before Ray starts, naming the sweep file and the key
    assert run.of("start") == [] and "starting Ray" not in str(run.events), run.events
    assert run.of("error")[0]["message"].startswith("sweep.toml: [resources] ray_features needs a CPU")
    assert "the 2 CPUs each trial reserves (cpus_per_trial)" in err and "has 2 CPUs (--num-cpus 2)" in err, err
