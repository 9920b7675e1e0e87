; NSIS hooks of the desktop installer (bundle.windows.nsis.installerHooks in tauri.windows.conf.json).
;
; A hall PC can host the hall node for the hall's devices (YYT_HALL_LISTEN=0.0.0.0:7400).
; Clerks are not administrators, so Windows cannot ask them to open the port on first use:
; the installer (per machine, elevated) allows the app, and only the app, in on TCP 7400
; in the domain and private profiles, and removes the rule on uninstall.

!macro NSIS_HOOK_POSTINSTALL
  nsExec::Exec 'netsh advfirewall firewall delete rule name="yyt-desktop hall node"'
  Pop $0
  nsExec::Exec 'netsh advfirewall firewall add rule name="yyt-desktop hall node" dir=in action=allow protocol=TCP localport=7400 profile=domain,private program="$INSTDIR\yyt-desktop.exe"'
  Pop $0
!macroend

!macro NSIS_HOOK_POSTUNINSTALL
  nsExec::Exec 'netsh advfirewall firewall delete rule name="yyt-desktop hall node"'
  Pop $0
!macroend
