#!/usr/bin/env bash
# Installs SITIV Desktop from this unpacked folder, for one user or for the whole machine.
#
#   ./install.sh                     for you: ~/.local/lib/sitiv-desktop, ~/.local/bin, ~/.local/share
#   sudo ./install.sh --system       for everyone: /opt/sitiv-desktop, /usr/local/bin, /usr/local/share
#   ./install.sh --prefix DIR        DIR/lib/sitiv-desktop, DIR/bin, DIR/share
#   ./install.sh --uninstall [...]   removes what the same options installed (your data stays);
#                                    the installed folder keeps a copy of this script for that
set -euo pipefail
source_dir=$(cd "$(dirname "$0")" && pwd)
app_id=fr.sitiv.Desktop
name=sitiv-desktop

prefix=$HOME/.local
app_dir=
options=()
uninstall=false
while [ $# -gt 0 ]; do
  case $1 in
    --system) prefix=/usr/local; app_dir=/opt/$name; options+=(--system) ;;
    --prefix) prefix=${2:?--prefix needs a folder}; options+=(--prefix "$2"); shift ;;
    --prefix=*) prefix=${1#--prefix=}; options+=("$1") ;;
    --uninstall) uninstall=true ;;
    -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
app_dir=${app_dir:-$prefix/lib/$name}
bin_dir=$prefix/bin
share_dir=$prefix/share

installed_files() {
  (cd "$source_dir/share" && find . -type f | sed 's|^\./||')
}

refresh_caches() {
  if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$share_dir/applications" || true
  fi
  if command -v gtk-update-icon-cache >/dev/null && [ -f "$share_dir/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t "$share_dir/icons/hicolor" || true
  fi
}

if $uninstall; then
  installed_files | while read -r file; do rm -f "$share_dir/$file"; done
  if [ -L "$bin_dir/$name" ]; then rm -f "$bin_dir/$name"; fi
  rm -rf "$app_dir"
  refresh_caches
  echo "SITIV Desktop removed from $app_dir (the local copies of your data are kept)."
  exit 0
fi

# The application folder: copied whole, replacing an earlier version.
mkdir -p "$(dirname "$app_dir")" "$bin_dir"
staging=$app_dir.new
rm -rf "$staging"
mkdir -p "$staging"
cp -a "$source_dir/$name" "$source_dir/_internal" "$source_dir/share" "$source_dir/install.sh" \
  "$staging/"
rm -rf "$app_dir"
mv "$staging" "$app_dir"
ln -sfn "$app_dir/$name" "$bin_dir/$name"

# Desktop integration; the menu entry names the program by its full path, since a desktop
# session's PATH does not always hold ~/.local/bin.
installed_files | while read -r file; do
  install -D -m 644 "$source_dir/share/$file" "$share_dir/$file"
done
sed -i "s|^Exec=.*|Exec=\"$app_dir/$name\"|" "$share_dir/applications/$app_id.desktop"
refresh_caches

echo "SITIV Desktop installed in $app_dir; the command is $bin_dir/$name."
echo "To remove it: $app_dir/install.sh ${options[*]:+${options[*]} }--uninstall"
case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) echo "Add $bin_dir to your PATH to run sitiv-desktop from a terminal." ;;
esac
