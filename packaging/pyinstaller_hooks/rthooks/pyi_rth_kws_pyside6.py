# Replaces PyInstaller's pyi_rth_pyside6 (same environment, minus one import).
#
# Why: the stock hook imports PySide6.QtCore at every start of the bundle, only to register an embedded qt.conf
# that PySide6's PyPI wheels never need (Qt finds its plugins through QT_PLUGIN_PATH, set here). That import
# loads Qt into every `kws` command and every spawned training worker, which never use it, and costs them
# a noticeable part of their start-up. The window imports QtCore itself when it starts.


def _pyi_rthook():
    import os
    import sys

    qt_dir = os.path.join(sys._MEIPASS, "PySide6") if sys.platform.startswith("win") else \
        os.path.join(sys._MEIPASS, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_dir, "plugins")
    os.environ["QML2_IMPORT_PATH"] = os.path.join(qt_dir, "qml")
    if sys.platform.startswith("win"):  # DLLs collected beside the bundle (OpenSSL for QtNetwork)
        os.environ["PATH"] = sys._MEIPASS + os.pathsep + os.environ.get("PATH", "")


_pyi_rthook()
del _pyi_rthook
