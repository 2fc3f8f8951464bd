"""Build steps of KWS Workbench's installers (driven by ``packaging/build.py``): the PyInstaller bundle, the
training runtime, the .deb packages, the .tar.gz archives, licence notices and icons.

Why a package of its own beside the application: none of this ships; it runs on the build machine
with the project's virtual environment (PyInstaller installed), and each module holds one step.
"""
