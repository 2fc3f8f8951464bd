"""Writing the small TOML subset spec files use (Python reads TOML but cannot write it).

Why: every output folder gets ``spec.toml``, the fully resolved spec that made the model, so a run
can be repeated with ``kws train --spec <folder>/spec.toml`` and its datasets. Only what specs hold is supported:
strings, numbers, booleans, lists of those, tables, and arrays of tables (``[[layers]]``).
"""

from __future__ import annotations

from typing import Any, Mapping

from workbench.core.toml_file import toml_key as _key
from workbench.core.toml_file import toml_value


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def dumps(table: Mapping[str, Any]) -> str:
    """TOML text for ``table`` (scalars first, then tables, then arrays of tables)."""
    lines: list[str] = []
    plain = {k: v for k, v in table.items() if not isinstance(v, Mapping) and not _is_table_array(v)}
    for key, value in plain.items():
        if value is not None:
            lines.append(f"{_key(key)} = {toml_value(value)}")
    for key, value in table.items():
        if isinstance(value, Mapping):
            lines += ["", f"[{_key(key)}]"]
            for sub_key, sub_value in value.items():
                if sub_value is not None:
                    lines.append(f"{_key(sub_key)} = {toml_value(sub_value)}")
    for key, value in table.items():
        if _is_table_array(value):
            for item in value:
                lines += ["", f"[[{_key(key)}]]"]
                lines += [f"{_key(k)} = {toml_value(v)}" for k, v in item.items() if v is not None]
    return "\n".join(lines).lstrip("\n") + "\n"
