"""Commander timeouts and the hints the board messages give: each names a command line that exists."""

from __future__ import annotations

import pytest

from workbench.board.commander import Commander, find_commander
from workbench.board.commander.output import failure_of
from workbench.board.errors import CommanderNotFound, CommanderTimeout
from workbench.board.firmware.catalog import CLASSIFIER_APP, find_entry
from workbench.board.platforms import DeviceInfo
from workbench.board.ports import SerialPortInfo, choose_port
from workbench.core.errors import DeviceError, WorkbenchError

SEGGER = 0x1366


def test_a_hung_commander_is_not_asked_twice(commander) -> None:
    commander.configure(line_delay_s=30)  # a debugger that stops answering
    with pytest.raises(CommanderTimeout) as caught:
        Commander(find_commander(), timeout_s=0.5).device_info()
    assert str(caught.value) == ("Commander did not read the device info within 0.5 s (is the debugger still "
                                 "connected?).")
    assert commander.calls() == [["device", "info", "-d", "efr32"]]  # no second try with -d efm32


def _message(error: pytest.ExceptionInfo) -> str:
    text = str(error.value)
    assert "kws board --" not in text  # not a command line that exists
    return text


def test_port_hints_name_real_commands() -> None:
    with pytest.raises(DeviceError) as caught:
        choose_port([SerialPortInfo("/dev/ttyS0")])
    assert "(--port of kws board profile/classify/console)" in _message(caught)  # the window says its boxes
    two = [SerialPortInfo("/dev/ttyACM0", vid=SEGGER, serial_number="000440000001"),
           SerialPortInfo("/dev/ttyACM1", vid=SEGGER, serial_number="000440000002")]
    with pytest.raises(DeviceError) as caught:
        choose_port(two)
    assert "(--serialno or --port of kws board profile/classify/console)" in _message(caught)


def test_firmware_hints_name_real_commands(monkeypatch) -> None:
    monkeypatch.delenv("KWS_FIRMWARE_CATALOG", raising=False)
    module = DeviceInfo("BGM220PC22HNA", "A1", 2, 512 * 1024, 32 * 1024, "1")
    with pytest.raises(DeviceError) as caught:
        module.require_platform()
    assert "(kws board profile/classify --firmware FILE)" in _message(caught)
    with pytest.raises(WorkbenchError) as caught:
        find_entry(CLASSIFIER_APP, "brd4186", "mvp")
    assert "(kws board profile/classify --firmware FILE)" in _message(caught)


def test_debugger_and_commander_hints_name_real_commands(no_commander) -> None:
    error = failure_of(254, "ERROR: Found more than one debugger, please specify which one\nDONE", what="x")
    assert "(--serialno of kws board info/flash/profile/classify; `kws board list` shows" in str(error)
    assert "kws board --" not in str(error)
    with pytest.raises(CommanderNotFound) as caught:
        find_commander()
    assert "(--commander of kws board info/flash/profile/classify, or the KWS_COMMANDER variable)" in _message(caught)
