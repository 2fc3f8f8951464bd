"""The application icon in every format the platforms want, rendered from ``resources/icons/kws-workbench.svg``.

Why generated files are committed: the wheel, the bundle and the installers all need the PNGs (hicolor
sizes 16-512 for Linux menus and the window icon), a Windows ``.ico`` and a macOS ``.icns``, and CI must not
need an SVG toolchain. ``python packaging/build.py icons`` re-renders them after the SVG changes (Qt's own SVG
renderer, so no extra tool); a test checks the committed files still match the SVG.

The ``.ico`` and ``.icns`` containers are written here directly: both may hold PNG images as they are
(Windows Vista+ / macOS 10.7+), so no image conversion tool is needed.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

ICON_NAME = "kws-workbench"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns element types holding PNG data, by pixel size (the @2x types share a pixel size with larger 1x ones)
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512),
              (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512))
ICO_HEADER = struct.Struct("<HHH")
ICO_ENTRY = struct.Struct("<BBBBHHII")
ICNS_HEADER = struct.Struct(">4sI")
ICO_MAX_BYTE_SIZE = 256  # a size of 256 is stored as 0 in the one-byte fields


def png_name(size: int) -> str:
    return f"{ICON_NAME}-{size}.png"


def render_png(svg: Path, size: int) -> bytes:
    """The SVG rendered at ``size`` x ``size`` pixels, transparent around the tile, as PNG bytes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon holding the PNGs of ``ICO_SIZES``."""
    sizes = [s for s in ICO_SIZES if s in pngs]
    offset = ICO_HEADER.size + ICO_ENTRY.size * len(sizes)
    header, body = [ICO_HEADER.pack(0, 1, len(sizes))], []
    for size in sizes:
        edge = 0 if size >= ICO_MAX_BYTE_SIZE else size
        header.append(ICO_ENTRY.pack(edge, edge, 0, 0, 1, 32, len(pngs[size]), offset))
        body.append(pngs[size])
        offset += len(pngs[size])
    return b"".join(header + body)


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS icon holding the PNGs of ``ICNS_TYPES``."""
    elements = [ICNS_HEADER.pack(kind, ICNS_HEADER.size + len(pngs[size])) + pngs[size]
                for kind, size in ICNS_TYPES if size in pngs]
    body = b"".join(elements)
    return ICNS_HEADER.pack(b"icns", ICNS_HEADER.size + len(body)) + body


def render_all(svg: Path, out_dir: Path) -> list[Path]:
    """Write every PNG size, the .ico and the .icns next to each other; returns the files written."""
    pngs = {size: render_png(svg, size) for size in PNG_SIZES}
    written = []
    for size, data in pngs.items():
        written.append(out_dir / png_name(size))
        written[-1].write_bytes(data)
    for suffix, data in ((".ico", ico_bytes(pngs)), (".icns", icns_bytes(pngs))):
        written.append(out_dir / f"{ICON_NAME}{suffix}")
        written[-1].write_bytes(data)
    return written
