; Inno Setup script for SITIV Desktop (Inno Setup 6). packaging\build.ps1 builds the one-folder
; application with PyInstaller first, then compiles this script, passing the version read from
; the package:
;   ISCC.exe /DAppVersion=0.1.0 packaging\windows\sitiv-desktop.iss
; The installer lands in dist\, named sitiv-desktop-VERSION-windows-x64-setup.exe.

#ifndef AppVersion
  #error Pass the version read from the package: ISCC /DAppVersion=X.Y.Z (packaging\build.ps1 does)
#endif
#define AppId "fr.sitiv.Desktop"
#define AppName "SITIV Desktop"
#define AppExe "sitiv-desktop.exe"
#define AppCli "sitiv-desktop-cli.exe"
#define Root ".."
#define Dist "..\..\dist"

[Setup]
; A fixed GUID-like id keeps upgrades in place; never change it between versions.
AppId={{6B0C5E8A-3F2D-4C1B-9A7E-51F0D2C4B8A1}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=SITIV
AppCopyright=SITIV
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user installs are allowed, so a liaison without administrator rights can install it.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#Dist}
OutputBaseFilename=sitiv-desktop-{#AppVersion}-windows-x64-setup
SetupIconFile={#Root}\icons\{#AppId}.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder application built by PyInstaller (dist\sitiv-desktop\).
Source: "{#Dist}\sitiv-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundled libraries wholesale: no file of an older version stays behind.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "Projets, engagements et réunions des communes"; AppUserModelID: "{#AppId}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon; AppUserModelID: "{#AppId}"

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The user's data (%LOCALAPPDATA%\fr.sitiv.Desktop) is left in place on uninstall: it holds
; edits that may not have been synced yet.
