; Inno Setup 6 script: the Windows installer of KWS Workbench (x64).
;
; Built by CI (.github/workflows/package.yml) after `python packaging\build.py bundle training`:
;   iscc /DAppVersion=0.1.0 /DBundleDir=..\..\dist\kws-workbench /DTrainingDir=..\..\dist\kws-workbench-training ^
;        /DOutputDir=..\..\dist packaging\windows\kws-workbench.iss
; Leave out /DTrainingDir to build an installer without the training component.
;
; What it does: installs the one-folder bundle into Program Files (or, when the user chooses "only for me", into
; %LOCALAPPDATA%\Programs without administrator rights), a Start-menu entry, optionally a desktop icon and the
; `kws` command on PATH, and optionally the training runtime (TensorFlow) into {app}\training where the
; application looks for it. Uninstalling removes exactly what was installed: models, recordings and settings
; live in the user's profile (%LOCALAPPDATA%\kws-workbench, %APPDATA%\KWS Workbench) and are never touched.

#ifndef AppVersion
  #error Pass /DAppVersion=<version> (the version of workbench/__init__.py)
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\kws-workbench"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

[Setup]
; The AppId identifies the application across upgrades: never change it.
AppId={{6C1E4B8A-3F0D-4B7E-9B52-1D8A7C2E9F41}
AppName=KWS Workbench
AppVersion={#AppVersion}
AppVerName=KWS Workbench {#AppVersion}
AppPublisher=KWS Workbench developers
DefaultDirName={autopf}\KWS Workbench
DefaultGroupName=KWS Workbench
DisableProgramGroupPage=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=kws-workbench-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\kws-workbench.ico
UninstallDisplayIcon={app}\kws-workbench.exe
UninstallDisplayName=KWS Workbench {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes
; An upgrade replaces the previous version's files in place; close a running workbench first.
CloseApplications=yes
CloseApplicationsFilter=kws-workbench.exe,kws.exe

[Types]
Name: "full"; Description: "Workbench and training runtime"
Name: "compact"; Description: "Workbench only (no training)"
Name: "custom"; Description: "Custom"; Flags: iscustom

[Components]
Name: "main"; Description: "KWS Workbench (live view, tuning, profiler, board tools, kws command)"; Types: full compact custom; Flags: fixed
#ifdef TrainingDir
Name: "training"; Description: "Training runtime (TensorFlow; needed for Train and kws train, about 1.5 GB)"; Types: full
#endif

[Tasks]
Name: "desktopicon"; Description: "Create a desktop icon"; Flags: unchecked
Name: "addtopath"; Description: "Add the kws command to PATH"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Components: main; Flags: ignoreversion recursesubdirs createallsubdirs
#ifdef TrainingDir
Source: "{#TrainingDir}\*"; DestDir: "{app}\training"; Components: training; Flags: ignoreversion recursesubdirs createallsubdirs
#endif

[InstallDelete]
; An upgrade must not leave modules of the previous version behind (they would shadow nothing, but waste space).
Type: filesandordirs; Name: "{app}\_internal"
Type: filesandordirs; Name: "{app}\training"

[Icons]
Name: "{autoprograms}\KWS Workbench"; Filename: "{app}\kws-workbench.exe"; Comment: "Listen, tune, train and profile tiny keyword-spotting models"
Name: "{autodesktop}\KWS Workbench"; Filename: "{app}\kws-workbench.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\kws-workbench.exe"; Description: "Start KWS Workbench"; Flags: nowait postinstall skipifsilent

[Code]
{ PATH handling for the "addtopath" task: the user's PATH for a per-user install, the system PATH otherwise. }
function PathRootKey(): Integer;
begin
  if IsAdminInstallMode() then Result := HKEY_LOCAL_MACHINE else Result := HKEY_CURRENT_USER;
end;

function PathSubKey(): String;
begin
  if IsAdminInstallMode() then
    Result := 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
  else
    Result := 'Environment';
end;

function PathHas(const Paths, Dir: String): Boolean;
begin
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') > 0;
end;

procedure AddAppToPath();
var Paths: String;
begin
  if not RegQueryStringValue(PathRootKey(), PathSubKey(), 'Path', Paths) then Paths := '';
  if not PathHas(Paths, ExpandConstant('{app}')) then
  begin
    if (Paths <> '') and (Copy(Paths, Length(Paths), 1) <> ';') then Paths := Paths + ';';
    RegWriteExpandStringValue(PathRootKey(), PathSubKey(), 'Path', Paths + ExpandConstant('{app}'));
  end;
end;

procedure RemoveAppFromPath();
var Paths, Dir: String; P: Integer;
begin
  if not RegQueryStringValue(PathRootKey(), PathSubKey(), 'Path', Paths) then Exit;
  Dir := ExpandConstant('{app}');
  P := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';');
  if P = 0 then Exit;
  Delete(Paths, P, Length(Dir) + 1);
  if (Length(Paths) > 0) and (Copy(Paths, Length(Paths), 1) = ';') then Delete(Paths, Length(Paths), 1);
  RegWriteExpandStringValue(PathRootKey(), PathSubKey(), 'Path', Paths);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if (CurStep = ssPostInstall) and WizardIsTaskSelected('addtopath') then AddAppToPath();
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then RemoveAppFromPath();
end;
