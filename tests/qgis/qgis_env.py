"""PyQGIS set-up shared by the QGIS checks: headless Qt, a private runtime directory,
and a clear message with exit status 2 when PyQGIS is missing."""
import os
import sys
import tempfile


def prepare():
    """Headless Qt and a private XDG runtime directory (mode 0700), before PyQGIS loads."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if "XDG_RUNTIME_DIR" not in os.environ:
        os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="qgis-runtime-")


def missing(tool, error):
    """Says what to install and exits 2."""
    print(f"{tool}: PyQGIS is not available ({error}); apt-get install python3-qgis qgis-providers",
          file=sys.stderr)
    sys.exit(2)
