# Builds SITIV Desktop for Windows: the one-folder application (dist\sitiv-desktop\, with
# sitiv-desktop.exe for the window and sitiv-desktop-cli.exe for the command line) and, when
# Inno Setup 6 is installed, the installer dist\sitiv-desktop-VERSION-windows-x64-setup.exe.
# The version is read from the package. Run from any folder, after:
#   py -3.11 -m venv .venv; .venv\Scripts\pip install -e ".[packaging]"
$ErrorActionPreference = "Stop"
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root
$Python = if ($env:PYTHON) { $env:PYTHON } else { Join-Path $Root ".venv\Scripts\python.exe" }

& $Python -m PyInstaller --version | Out-Null
if ($LASTEXITCODE -ne 0) { throw "PyInstaller is missing: .venv\Scripts\pip install -e "".[packaging]""" }
$Version = (& $Python packaging\versioning.py version).Trim()
Write-Host "Building SITIV Desktop $Version for Windows"
$Started = Get-Date

& $Python -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build\pyinstaller packaging\sitiv-desktop.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

# Smoke test of the console twin: it prints the version the installer will carry.
$Printed = (& dist\sitiv-desktop\sitiv-desktop-cli.exe --version).Trim()
if ($Printed -ne "SITIV Desktop $Version") { throw "The built program says '$Printed', not $Version" }

$Iscc = @(
  (Get-Command ISCC.exe -ErrorAction SilentlyContinue | Select-Object -ExpandProperty Source),
  "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
  "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
  "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe"
) | Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
if ($Iscc) {
  & $Iscc "/DAppVersion=$Version" packaging\windows\sitiv-desktop.iss
  if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
} else {
  Write-Warning "Inno Setup 6 not found (winget install JRSoftware.InnoSetup): no installer built."
}

$Size = (Get-ChildItem dist\sitiv-desktop -Recurse -File | Measure-Object Length -Sum).Sum / 1MB
Write-Host ("Built in {0:N0} s: dist\sitiv-desktop\ {1:N0} MB" -f ((Get-Date) - $Started).TotalSeconds, $Size)
