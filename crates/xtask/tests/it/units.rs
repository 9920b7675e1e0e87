//! The systemd units and settings files of the headless services: secrets reach the services as credentials, never on a command line or in a settings file, and `systemd-analyze verify` accepts the units where it is installed.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Each service, the credential its unit loads, and the file it loads it from.
const SERVICES: &[(&str, &str)] = &[
    ("yyt-hall-node", "province-token"),
    ("yyt-province-server", "db-url"),
];

fn systemd_dir() -> PathBuf {
    xtask::workspace_root().join("installers").join("systemd")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The lines of a unit or settings file that are not comments.
fn settings(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

#[test]
fn secrets_come_as_credentials_never_on_the_command_line_or_in_the_settings() {
    for (service, credential) in SERVICES {
        let unit = read(&systemd_dir().join(format!("{service}.service")));
        let lines = settings(&unit);
        let load = format!("LoadCredential={credential}:/etc/yyt/{service}.{credential}");
        assert!(lines.contains(&load.as_str()), "{service}: no {load}");
        // The default when the file is missing: without it the unit would not start.
        let default = format!("SetCredential={credential}:\\n");
        assert!(lines.contains(&default.as_str()), "{service}: no {default}");
        let exec = lines
            .iter()
            .find(|l| l.starts_with("ExecStart="))
            .expect("an ExecStart");
        for secret in ["token", "YYT_DB", "password"] {
            assert!(
                !exec.contains(secret),
                "{service}: {secret:?} on the command line: {exec}"
            );
        }
        // The province's database URL may carry a password: it is never an argument.
        assert!(
            *service != "yyt-province-server" || !exec.contains("--db"),
            "{exec}"
        );
        let env = read(&systemd_dir().join(format!("{service}.env")));
        for line in settings(&env) {
            let lower = line.to_lowercase();
            assert!(
                !lower.contains("token") && !lower.contains("password"),
                "{service}.env holds a secret: {line}"
            );
            assert!(
                !(line.starts_with("YYT_DB_URL=") && line.contains('@')),
                "{service}.env: a database URL with a user belongs in the credential: {line}"
            );
        }
    }
}

#[test]
fn systemd_analyze_verifies_the_units() {
    if xtask::toolchain::which("systemd-analyze").is_none() {
        eprintln!("systemd-analyze is not installed: the units are not verified here");
        return;
    }
    let dir = std::env::temp_dir().join(format!("yyt-units-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (service, _) in SERVICES {
        // verify wants the binary to exist: a stand-in, named on a copy of the unit.
        let exe = dir.join(service);
        std::fs::write(&exe, "#!/bin/sh\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let unit = read(&systemd_dir().join(format!("{service}.service"))).replace(
            &format!("ExecStart=/usr/bin/{service} "),
            &format!("ExecStart={} ", exe.display()),
        );
        let copy = dir.join(format!("{service}.service"));
        std::fs::write(&copy, unit).unwrap();
        let out = Command::new("systemd-analyze")
            .args(["verify", "--man=no"])
            .arg(&copy)
            .output()
            .expect("systemd-analyze runs");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success() && said.trim().is_empty(),
            "systemd-analyze verify {service}.service:\n{said}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
