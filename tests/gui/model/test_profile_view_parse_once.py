"""The Profile workspace profiles the window's model from what loading it parsed (pytest-qt, offscreen, the seed model).

The audit: showing a loaded model parsed its flatbuffer twice more -- its graph for the estimate, its parameters for
the latency_ms and the stored runtime memory -- and again at each change of the accelerator or clock, although the
LoadedModel the window holds has both parsed. Every parse of a model goes through the schema's ``InitFromPackedBuf``,
so the test counts its calls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ai_edge_litert import schema_py_generated as schema

from workbench.core.model.model_file import load_model
from workbench.gui.model.profile_view import HZ_PER_MHZ, ProfileView
from workbench.profiler.inference_pace import LATENCY_KEY
from workbench.profiler.report import RUNTIME_MEMORY_KEY

OTHER_CLOCK_MHZ = 39.0


def test_a_loaded_model_is_profiled_and_re_profiled_without_parsing_its_file_again(qtbot, monkeypatch,
                                                                                     reference_model_path: Path):
    model = load_model(reference_model_path)
    view = ProfileView()
    qtbot.addWidget(view)
    parses: list[int] = []
    parse = schema.ModelT.InitFromPackedBuf

    def counted_parse(buf: Any, pos: int = 0) -> Any:
        parses.append(len(buf))
        return parse(buf, pos)

    monkeypatch.setattr(schema.ModelT, "InitFromPackedBuf", counted_parse)
    view.show_loaded_model(model)
    view.accelerator_box.setCurrentIndex(view.accelerator_box.findData("none"))
    view.clock_box.setValue(OTHER_CLOCK_MHZ)
    assert parses == []
    summary = view.report.summary
    assert (summary.accelerator, summary.clock_hz) == ("none", round(OTHER_CLOCK_MHZ * HZ_PER_MHZ))
    assert summary.latency_ms == model.params[LATENCY_KEY]  # the parameters parsed at load, noted all the same
    assert summary.stored_runtime_memory_bytes == model.params[RUNTIME_MEMORY_KEY]
    assert summary.layer_count == len(model.graph.operators)
