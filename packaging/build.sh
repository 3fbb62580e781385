#!/usr/bin/env bash
# Builds SITIV Desktop for Linux with PyInstaller:
#   dist/sitiv-desktop/                          the one-folder application, with share/ (the
#                                                .desktop file, AppStream metainfo, icons) and
#                                                install.sh
#   dist/sitiv-desktop-VERSION-linux-ARCH.tar.gz the same folder, ready to unpack and install
# The version is read from the package. Needs the packaging extra:
#   .venv/bin/pip install -e '.[packaging]'
# PYTHON names another interpreter; SITIV_DIST_DIR and SITIV_BUILD_DIR move dist/ and
# build/pyinstaller/; SOURCE_DATE_EPOCH fixes the release date and the archive's timestamps.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}

if ! "$python" -m PyInstaller --version >/dev/null 2>&1; then
  echo "PyInstaller is missing: run .venv/bin/pip install -e '.[packaging]'" >&2
  exit 1
fi
version=$("$python" packaging/versioning.py version)
app_id=$("$python" -c 'import sitiv_desktop; print(sitiv_desktop.APP_ID)')
arch=$(uname -m)
dist=${SITIV_DIST_DIR:-dist}
work=${SITIV_BUILD_DIR:-build/pyinstaller}
app=$dist/sitiv-desktop
archive=$dist/sitiv-desktop-$version-linux-$arch.tar.gz
started=$(date +%s)

echo "Building SITIV Desktop $version ($app_id) for Linux $arch"
"$python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$dist" --workpath "$work" packaging/sitiv-desktop.spec

# Desktop integration, in the layout of a prefix's share/ folder.
share=$app/share
mkdir -p "$share/applications" "$share/metainfo" "$share/icons/hicolor/scalable/apps"
cp packaging/linux/"$app_id".desktop "$share/applications/"
"$python" packaging/versioning.py render packaging/linux/"$app_id".metainfo.xml \
  "$share/metainfo/$app_id.metainfo.xml"
cp packaging/icons/"$app_id".svg "$share/icons/hicolor/scalable/apps/"
for png in packaging/icons/png/"$app_id"-*.png; do
  size=${png##*-}
  size=${size%.png}
  mkdir -p "$share/icons/hicolor/${size}x${size}/apps"
  cp "$png" "$share/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
install -m 755 packaging/linux/install.sh "$app/install.sh"

# Validators, where installed (Debian: desktop-file-utils, appstream).
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$share/applications/$app_id.desktop"
  echo "desktop-file-validate: valid"
fi
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net "$share/metainfo/$app_id.metainfo.xml"
fi

# The archive unpacks into sitiv-desktop-VERSION/.
tar_options=(--sort=name --owner=0 --group=0 --numeric-owner)
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then tar_options+=(--mtime="@$SOURCE_DATE_EPOCH"); fi
tar "${tar_options[@]}" -C "$dist" --transform "s|^sitiv-desktop|sitiv-desktop-$version|S" \
  -cf - sitiv-desktop | gzip -n -6 >"$archive"

echo "Built in $(($(date +%s) - started)) s:"
echo "  $app/  $(du -sh "$app" | cut -f1)"
echo "  $archive  $(du -sh "$archive" | cut -f1)"
