#!/usr/bin/env bash
# Renders the PNG, ICO (Windows) and ICNS (macOS) icons from the two SVG sources, and copies the
# window icon into the package. Run it after editing an SVG; the results are kept in the
# repository so that building needs neither tool. Needs rsvg-convert (Debian: librsvg2-bin) and
# Pillow (installed with reportlab).
set -euo pipefail
cd "$(dirname "$0")"
python=${PYTHON:-../../.venv/bin/python}
[ -x "$python" ] || python=python3
app_id=fr.sitiv.Desktop

mkdir -p png
for size in 16 24 32; do
  rsvg-convert -w "$size" -h "$size" "$app_id-small.svg" -o "png/$app_id-$size.png"
done
for size in 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" "$app_id.svg" -o "png/$app_id-$size.png"
done

"$python" - "$app_id" <<'PYTHON'
import sys
from PIL import Image

app_id = sys.argv[1]
sizes = (16, 24, 32, 48, 64, 128, 256, 512)
images = {size: Image.open(f"png/{app_id}-{size}.png").convert("RGBA") for size in sizes}
# Each size of the .ico and .icns comes from its own PNG, so 16 px keeps its simpler drawing.
ico_sizes = [size for size in sizes if size <= 256]
images[256].save(
    f"{app_id}.ico",
    sizes=[(size, size) for size in ico_sizes],
    append_images=[images[size] for size in ico_sizes if size != 256],
)
images[512].save(f"{app_id}.icns", append_images=[images[size] for size in (16, 32, 64, 128, 256)])
PYTHON

window_icons=../../sitiv_desktop/resources/icons
mkdir -p "$window_icons"
cp "$app_id.svg" "$window_icons/$app_id.svg"
for size in 16 32 48 256; do
  cp "png/$app_id-$size.png" "$window_icons/$app_id-$size.png"
done
