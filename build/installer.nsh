; Tapi Messenger: what the per-machine installer adds to electron-builder's NSIS script
; (electron-builder.yml, nsis.include). electron-builder inserts customInstall after the app's
; files are in $INSTDIR and customUnInstall before they are removed; both run elevated
; (perMachine), with the 64-bit registry view (its template sets SetRegView 64 on x64).
; docs/install-windows.md describes what this does and how to undo it by hand.

; The STOMP port: server.port in assets/config/tapi-messenger.json. A changed port needs its
; own rule (see the docs).
!define TM_STOMP_PORT "8081"
!define TM_FIREWALL_RULE "Tapi Messenger (STOMP TCP ${TM_STOMP_PORT})"
!define TM_RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define TM_RUN_VALUE "Tapi Messenger"
; The folder src/main/shell/first-run.ts uses: %ProgramData%\Tapi Messenger.
!define TM_CONFIG_FOLDER "Tapi Messenger"

!macro customInstall
  ; Inbound TCP on the STOMP port, for the agent's own executable only. An existing rule (an
  ; upgrade) is kept as it is, with any scope an administrator narrowed it to.
  nsExec::Exec 'netsh advfirewall firewall show rule name="${TM_FIREWALL_RULE}"'
  Pop $0
  ${if} $0 != 0
    nsExec::ExecToLog 'netsh advfirewall firewall add rule name="${TM_FIREWALL_RULE}" dir=in action=allow protocol=TCP localport=${TM_STOMP_PORT} program="$INSTDIR\${APP_EXECUTABLE_FILENAME}" enable=yes profile=any'
    Pop $0
    ${if} $0 != 0
      DetailPrint "Could not add the Windows Firewall rule (netsh exit code $0): add it by hand."
    ${endIf}
  ${endIf}

  ; Start at login for every user of the host, in the tray without a window.
  WriteRegStr HKLM "${TM_RUN_KEY}" "${TM_RUN_VALUE}" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" --hidden'

  ; The machine-wide config folder. Made here, elevated, so that it belongs to the
  ; administrators: its files decide which pages may connect and which extension a session
  ; gets, so users may read them and only administrators change them. An existing folder
  ; (an upgrade, or an administrator's own) keeps its permissions.
  ReadEnvStr $1 ProgramData
  StrCpy $1 "$1\${TM_CONFIG_FOLDER}"
  ${ifNot} ${FileExists} "$1\*.*"
    CreateDirectory "$1"
    nsExec::ExecToLog 'icacls "$1" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX'
    Pop $0
  ${endIf}
  ; The shipped defaults, only where absent: an administrator's edits survive every upgrade.
  ${ifNot} ${FileExists} "$1\tapi-messenger.json"
    CopyFiles /SILENT "$INSTDIR\resources\config\tapi-messenger.json" "$1"
  ${endIf}
  ${ifNot} ${FileExists} "$1\directory.example.json"
    CopyFiles /SILENT "$INSTDIR\resources\config\directory.example.json" "$1"
  ${endIf}
!macroend

!macro customUnInstall
  ; An upgrade runs the old uninstaller too (with --updated): keep the rule and the Run value
  ; then. The config folder is never removed (docs: delete it by hand for a clean slate).
  ${ifNot} ${isUpdated}
    nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="${TM_FIREWALL_RULE}"'
    Pop $0
    DeleteRegValue HKLM "${TM_RUN_KEY}" "${TM_RUN_VALUE}"
  ${endIf}
!macroend
