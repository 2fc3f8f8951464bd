"""The board's serial port (J-Link VCOM, 115200 8N1): a line reader that survives real-port faults."""

from workbench.board.uart.line_reader import BAUDRATE, LineAssembler, SerialLineReader

__all__ = ["BAUDRATE", "LineAssembler", "SerialLineReader"]
