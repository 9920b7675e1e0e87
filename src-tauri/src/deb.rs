//! Installing a verified `.deb` update so that a dependency the new version adds comes from the PC's own package sources, or the install is refused before anything changes.
//!
//! `dpkg -i` (what the updater plugin runs) does not resolve dependencies:
//! a release that adds one would leave the PC with a half-configured
//! package. Here apt first simulates the install (no privileges needed). If
//! every dependency is already satisfied the package goes in with `dpkg -i`,
//! as before; if apt can bring what is missing from the configured sources it
//! installs the package with them; if it cannot, nothing is installed and the
//! caller hears which packages are missing, so this version keeps running.

use std::path::Path;
use std::process::{Command, Output};

/// The app's own package name, left out of what the simulation says is new.
const APP: &str = "yyt-desktop";

/// Why an update package was not installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DebError {
    /// Dependencies that no configured source provides; nothing was changed.
    Unavailable(Vec<String>),
    /// apt or dpkg ran and failed, or could not be run with privileges.
    Failed(String),
}

impl std::fmt::Display for DebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unavailable(names) => write!(
                f,
                "missing dependencies no package source provides: {}",
                names.join(", ")
            ),
            Self::Failed(why) => f.write_str(why),
        }
    }
}

/// What `apt-get install --simulate` said about a package file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Simulation {
    /// Packages apt would install or upgrade besides the app itself.
    pub brings: Vec<String>,
    /// Dependencies apt cannot satisfy.
    pub unmet: Vec<String>,
}

/// Reads the output of `apt-get install --simulate ./package.deb`.
pub fn parse_simulation(output: &str) -> Simulation {
    let mut sim = Simulation::default();
    for line in output.lines() {
        if let Some(rest) = line.strip_prefix("Inst ") {
            let name = rest.split([' ', ':']).next().unwrap_or_default();
            if !name.is_empty() && name != APP && !sim.brings.iter().any(|n| n == name) {
                sim.brings.push(name.to_owned());
            }
        }
        // " yyt-desktop : Depends: foo (>= 2) but it is not installable" and its continuation lines.
        for key in ["Depends: ", "PreDepends: "] {
            if let Some((_, rest)) = line.split_once(key) {
                let name = rest
                    .split([' ', '(', ':'])
                    .next()
                    .unwrap_or_default()
                    .trim();
                if !name.is_empty() && !sim.unmet.iter().any(|n| n == name) {
                    sim.unmet.push(name.to_owned());
                }
            }
        }
    }
    sim
}

fn apt_get() -> Command {
    let mut c = Command::new("apt-get");
    c.env("DEBIAN_FRONTEND", "noninteractive")
        .env("LC_ALL", "C.UTF-8");
    c
}

fn simulate(package: &Path) -> Result<(bool, Simulation), DebError> {
    let out = apt_get()
        .args(["install", "--simulate", "--no-install-recommends", "-y"])
        .arg(package)
        .output()
        .map_err(|e| DebError::Failed(format!("apt-get: {e}")))?;
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let sim = parse_simulation(&text);
    Ok((out.status.success() && sim.unmet.is_empty(), sim))
}

#[cfg(unix)]
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(not(unix))]
fn is_root() -> bool {
    false
}

fn found(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

/// Runs `args` as root: directly when root, else through pkexec (the desktop's
/// polkit prompt or rule) or password-less sudo.
fn privileged(args: &[&std::ffi::OsStr]) -> Result<Output, DebError> {
    let mut c = if is_root() {
        let mut c = Command::new(args[0]);
        c.args(&args[1..]);
        c
    } else if found("pkexec") {
        let mut c = Command::new("pkexec");
        c.args(args);
        c
    } else if found("sudo") {
        let mut c = Command::new("sudo");
        c.arg("-n").args(args);
        c
    } else {
        return Err(DebError::Failed(
            "neither pkexec nor sudo is available to install as root".into(),
        ));
    };
    c.env("DEBIAN_FRONTEND", "noninteractive")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .map_err(|e| DebError::Failed(format!("{:?}: {e}", args[0])))
}

fn ran(what: &str, out: Output) -> Result<(), DebError> {
    if out.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    Err(DebError::Failed(format!(
        "{what} failed ({}): {last}",
        out.status
    )))
}

/// Installs the (already verified) package at `package`. Returns the
/// packages apt brought along with it.
pub fn install(package: &Path) -> Result<Vec<String>, DebError> {
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    if !found("apt-get") {
        // Not an apt system: what the updater plugin would have done.
        ran(
            "dpkg -i",
            privileged(&[os("dpkg"), os("-i"), package.as_os_str()])?,
        )?;
        return Ok(Vec::new());
    }
    let (mut ok, mut sim) = simulate(package)?;
    if !ok {
        // The package lists may be old: refresh them once and ask again.
        let _ = privileged(&[os("apt-get"), os("update"), os("-qq")]);
        (ok, sim) = simulate(package)?;
    }
    if !ok {
        return Err(if sim.unmet.is_empty() {
            DebError::Failed("apt-get cannot install the package".into())
        } else {
            DebError::Unavailable(sim.unmet)
        });
    }
    if sim.brings.is_empty() {
        ran(
            "dpkg -i",
            privileged(&[os("dpkg"), os("-i"), package.as_os_str()])?,
        )?;
    } else {
        ran(
            "apt-get install",
            privileged(&[
                os("apt-get"),
                os("install"),
                os("-y"),
                os("-qq"),
                os("--no-install-recommends"),
                package.as_os_str(),
            ])?,
        )?;
    }
    Ok(sim.brings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_simulation_that_brings_a_new_dependency() {
        let out = "NOTE: This is only a simulation!\n\
            The following NEW packages will be installed:\n  hello\n\
            The following packages will be upgraded:\n  yyt-desktop\n\
            Inst hello (2.10-3 Debian:12.8/stable [amd64])\n\
            Inst yyt-desktop [0.1.0] (0.1.1 local-deb [amd64])\n\
            Conf hello (2.10-3 Debian:12.8/stable [amd64])\n\
            Conf yyt-desktop (0.1.1 local-deb [amd64])\n";
        assert_eq!(
            parse_simulation(out),
            Simulation {
                brings: vec!["hello".into()],
                unmet: vec![],
            }
        );
    }

    #[test]
    fn a_simulation_with_dependencies_no_source_has() {
        let out = "Some packages could not be installed. This may mean that you have\n\
            The following packages have unmet dependencies:\n \
            yyt-desktop : Depends: yyt-no-such-runtime but it is not installable\n              \
            Depends: libfoo2 (>= 2.1) but it is not going to be installed\n\
            E: Unable to correct problems, you have held broken packages.\n";
        let sim = parse_simulation(out);
        assert_eq!(sim.unmet, vec!["yyt-no-such-runtime", "libfoo2"]);
        assert!(sim.brings.is_empty());
    }

    #[test]
    fn an_upgrade_that_needs_nothing_new() {
        let out = "Inst yyt-desktop [0.1.0] (0.1.1 local-deb [amd64])\nConf yyt-desktop (0.1.1 local-deb [amd64])\n";
        assert_eq!(parse_simulation(out), Simulation::default());
    }
}
