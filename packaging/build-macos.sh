#!/usr/bin/env bash
# Builds SITIV Desktop for macOS: dist/SITIV Desktop.app (its Info.plist made from
# packaging/macos/Info.plist with the package's version) and a disk image
# dist/sitiv-desktop-VERSION-macos-ARCH.dmg. Run on a Mac, after:
#   python3.11 -m venv .venv && .venv/bin/pip install -e '.[packaging]'
# SITIV_CODESIGN_IDENTITY names a "Developer ID Application" certificate to sign with; without
# it the bundle is signed ad hoc and Gatekeeper asks before the first start.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
version=$("$python" packaging/versioning.py version)
"$python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/sitiv-desktop.spec
bundle="dist/SITIV Desktop.app"
test "$("$bundle/Contents/MacOS/sitiv-desktop" --version)" = "SITIV Desktop $version"
hdiutil create -volname "SITIV Desktop $version" -srcfolder "$bundle" -ov -format UDZO \
  "dist/sitiv-desktop-$version-macos-$(uname -m).dmg"
