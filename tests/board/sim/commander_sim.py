"""Stand-in for Silicon Labs' Simplicity Commander (``commander``), for tests on a machine with no board.

It prints what the real tool prints for ``device info``, ``flash`` and ``device reset`` (Silicon Labs'
Commander manual and published examples, as collected in ../shared/board/FORMATS.md section 5: errors on
stderr, ``DONE`` at the end of every run, exit status 254 for run-time errors) and keeps the flash of
each simulated chip in a file, so tests can check where the model landed and its length trailer.

State lives in the folder named by ``SIM_COMMANDER_STATE``:
- ``config.json`` (optional): ``{"debuggers": [{"serialno", "part_number", "flash_kb", "sram_kb",
  "unique_id", "size_unit"}], "fail": null | "no-debugger" | "no-target" | "flash-error" | "verify-error",
  "fail_on": "<file-name substring the flash failure applies to>", "line_delay_s": 0.0}``
- ``flash-<serialno>.bin``: the chip's flash (erased = 0xFF), written by ``flash``.
- ``calls.jsonl``: one JSON argv per invocation.
- ``resets-<serialno>``: how many times ``device reset`` ran (the board simulator watches it).

Independent of the workbench's code on purpose: it parses S-records itself.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

EXIT_RUNTIME_ERROR = 254
EXIT_INPUT_ERROR = 255
PAGE = 8 * 1024
DEFAULT_DEBUGGER = {"serialno": "440139581", "part_number": "EFR32MG24B310F1536IM48", "flash_kb": 1536,
                    "sram_kb": 256, "unique_id": "881a14fffe2f49c6",
                    "size_unit": "kB"}  # after the sizes in device info ("KB": a unit kws cannot read)


def state_dir() -> Path:
    path = Path(os.environ["SIM_COMMANDER_STATE"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def config() -> dict:
    path = state_dir() / "config.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data.setdefault("debuggers", [DEFAULT_DEBUGGER])
    return data


def out(text: str) -> None:
    delay = float(CONFIG.get("line_delay_s") or 0)
    if delay:
        time.sleep(delay)
    print(text, flush=True)


def err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def finish(status: int) -> None:
    out("DONE")
    sys.exit(status)


def option(args: list[str], *names: str) -> str | None:
    for name in names:
        if name in args:
            i = args.index(name)
            value = args[i + 1]
            del args[i:i + 2]
            return value
    return None


def flag(args: list[str], name: str) -> bool:
    if name in args:
        args.remove(name)
        return True
    return False


def select_debugger(serialno: str | None) -> dict:
    fail = CONFIG.get("fail")
    debuggers = CONFIG["debuggers"]
    if fail == "no-debugger" or not debuggers:
        err("ERROR: Cannot connect to J-Link via USB.")
        err("ERROR: Could not open J-Link connection.")
        finish(EXIT_RUNTIME_ERROR)
    if serialno is not None:
        chosen = [d for d in debuggers if str(d["serialno"]) == serialno]
        if not chosen:
            err("ERROR: Unable to connect with device with given serial number")
            err("ERROR: Could not open J-Link connection.")
            finish(EXIT_RUNTIME_ERROR)
        debugger = chosen[0]
    elif len(debuggers) > 1:
        err("ERROR: Found more than one debugger, please specify which one to use with --serialno or --ip.")
        finish(EXIT_RUNTIME_ERROR)
    else:
        debugger = debuggers[0]
    if fail == "no-target":
        err("WARNING: Could not connect to target device")
        err("ERROR: Could not connect debugger.")
        finish(EXIT_RUNTIME_ERROR)
    return {**DEFAULT_DEBUGGER, **debugger}


def flash_base(part: str) -> int:
    series = int(part[7:9])
    return 0x08000000 if series >= 23 else 0


def flash_path(debugger: dict) -> Path:
    path = state_dir() / f"flash-{debugger['serialno']}.bin"
    if not path.exists():
        path.write_bytes(b"\xff" * (debugger["flash_kb"] * 1024))
    return path


def parse_srec(path: Path) -> list[tuple[int, bytes]]:
    chunks = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line[:2] in ("S1", "S2", "S3"):
            record = bytes.fromhex(line[2:])
            width = {"S1": 2, "S2": 3, "S3": 4}[line[:2]]
            chunks.append((int.from_bytes(record[1:1 + width], "big"), record[1 + width:-1]))
    return chunks


def cmd_device_info(args: list[str]) -> None:
    serialno = option(args, "--serialno", "-s")
    debugger = select_debugger(serialno)
    out(f"Reconfiguring debug connection with detected device part number: {debugger['part_number']}")
    out(f"Part Number    : {debugger['part_number']}")
    out("Die Revision   : A1")
    out("Production Ver : 2")
    out(f"Flash Size     : {debugger['flash_kb']} {debugger['size_unit']}")
    out(f"SRAM Size      : {debugger['sram_kb']} {debugger['size_unit']}")
    out(f"Unique ID      : {debugger['unique_id']}")
    finish(0)


def cmd_device_reset(args: list[str]) -> None:
    serialno = option(args, "--serialno", "-s")
    option(args, "--device", "-d")
    debugger = select_debugger(serialno)
    out("Resetting chip...")
    counter = state_dir() / f"resets-{debugger['serialno']}"
    count = int(counter.read_text()) + 1 if counter.exists() else 1
    tmp = counter.with_suffix(".tmp")
    tmp.write_text(str(count))
    os.replace(tmp, counter)
    finish(0)


def cmd_flash(args: list[str]) -> None:
    serialno = option(args, "--serialno", "-s")
    address_text = option(args, "--address")
    device = option(args, "--device", "-d")
    binary = flag(args, "--binary")
    flag(args, "--force")
    flag(args, "--halt")
    flag(args, "--noverify")
    if device is None or len(args) != 1:
        err("ERROR: flash: a --device and exactly one file are required")
        finish(EXIT_INPUT_ERROR)
    file = Path(args[0])
    debugger = select_debugger(serialno)
    if not file.exists():
        err(f"ERROR: Could not open file {file}")
        finish(EXIT_INPUT_ERROR)
    if binary:
        if address_text is None or address_text.lower().startswith("0x"):
            err("ERROR: --binary needs --address in hexadecimal")
            finish(EXIT_INPUT_ERROR)
        chunks = [(int(address_text, 16), file.read_bytes())]
    else:
        out(f"Parsing file {file.name}...")
        chunks = parse_srec(file)
    base = flash_base(debugger["part_number"])
    size = debugger["flash_kb"] * 1024
    start = min(a for a, _ in chunks)
    end = max(a + len(d) for a, d in chunks)
    if start < base or end > base + size:
        err(f"ERROR: Address range 0x{start:08X} - 0x{end:08X} is outside the flash of {debugger['part_number']}")
        finish(EXIT_RUNTIME_ERROR)
    total = sum(len(d) for _, d in chunks)
    out(f"Writing {total} bytes starting at address 0x{start:08x}")
    first_page = (start - base) // PAGE
    last_page = (end - 1 - base) // PAGE
    pages = last_page - first_page + 1
    erase_start = base + first_page * PAGE
    erase_end = base + (last_page + 1) * PAGE - 1
    out(f"Erasing range 0x{erase_start:08X} - 0x{erase_end:08X} ({pages} sectors, {pages * PAGE // 1024} KiB)")
    fail = CONFIG.get("fail")
    failing = fail in ("flash-error", "verify-error") and CONFIG.get("fail_on", "") in file.name
    if failing and fail == "flash-error":
        err("ERROR: Unspecified error during flashing.")
        finish(EXIT_RUNTIME_ERROR)
    memory = bytearray(flash_path(debugger).read_bytes())
    memory[erase_start - base:erase_end + 1 - base] = b"\xff" * (pages * PAGE)
    for address, data in chunks:
        memory[address - base:address - base + len(data)] = data
    for page in range(first_page, last_page + 1):
        out(f"Programming range 0x{base + page * PAGE:08X} - 0x{base + (page + 1) * PAGE - 1:08X} ({PAGE // 1024} KiB)")
    if failing and fail == "verify-error":
        out("ERROR: Verification failed!")
        finish(EXIT_RUNTIME_ERROR)
    tmp = flash_path(debugger).with_suffix(".tmp")
    tmp.write_bytes(bytes(memory))
    os.replace(tmp, flash_path(debugger))
    out("Flashing completed successfully!")
    finish(0)


def main(argv: list[str]) -> None:
    with open(state_dir() / "calls.jsonl", "a") as log:
        log.write(json.dumps(argv) + "\n")
    args = list(argv)
    if args[:1] == ["--version"]:
        out("Simplicity Commander 1v15p3b1357")
        out("JLink DLL version: 7.88e")
        finish(0)
    if args[:2] == ["device", "info"]:
        option(args, "-d", "--device")
        cmd_device_info(args[2:])
    if args[:2] == ["device", "reset"]:
        cmd_device_reset(args[2:])
    if args[:1] == ["flash"]:
        cmd_flash(args[1:])
    err(f"ERROR: Unknown command: {' '.join(argv)}")
    finish(EXIT_INPUT_ERROR)


CONFIG = config()

if __name__ == "__main__":
    main(sys.argv[1:])
