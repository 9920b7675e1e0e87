//! Secrets given to the node (the province upload token): from a file named on the command line, a systemd credential or the environment, never from the command line itself.
//!
//! The order, first found wins: the file of the `--…-file PATH` flag, then
//! `$CREDENTIALS_DIRECTORY/<name>` (systemd's `LoadCredential=`), then the
//! environment variable. The command line is visible to every local user in
//! the process list; files, credentials and the environment are not. A value
//! is trimmed; an empty credential or variable counts as absent (the units give
//! every credential an empty default with `SetCredential=`), an empty or
//! unreadable file named on the command line is an error.

use std::path::{Path, PathBuf};

/// Where a secret was found (named in messages; the secret never is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Credential(PathBuf),
    Env(&'static str),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::File(p) => write!(f, "the file {}", p.display()),
            Source::Credential(p) => write!(f, "the systemd credential {}", p.display()),
            Source::Env(name) => write!(f, "the environment variable {name}"),
        }
    }
}

/// Where to look for one secret.
#[derive(Debug, Clone)]
pub struct Lookup<'a> {
    /// The file named on the command line (`--province-token-file PATH`).
    pub file: Option<&'a Path>,
    /// `$CREDENTIALS_DIRECTORY`, set by systemd for a unit with credentials.
    pub credentials_dir: Option<PathBuf>,
    /// The credential's name in that directory (`province-token`).
    pub credential: &'a str,
    /// The environment variable's name (`YYT_PROVINCE_TOKEN`) and its value.
    pub env: (&'static str, Option<String>),
}

/// The secret and where it came from, or `None` when none of the places has one.
pub fn resolve(lookup: &Lookup) -> Result<Option<(String, Source)>, String> {
    if let Some(file) = lookup.file {
        let value = std::fs::read_to_string(file)
            .map_err(|e| format!("{}: {e}", file.display()))?
            .trim()
            .to_owned();
        if value.is_empty() {
            return Err(format!("{} is empty", file.display()));
        }
        return Ok(Some((value, Source::File(file.to_owned()))));
    }
    if let Some(dir) = &lookup.credentials_dir {
        let path = dir.join(lookup.credential);
        match std::fs::read_to_string(&path) {
            Ok(v) if !v.trim().is_empty() => {
                return Ok(Some((v.trim().to_owned(), Source::Credential(path))))
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    let (name, value) = &lookup.env;
    Ok(value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| (v.to_owned(), Source::Env(name))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(file: Option<&'a Path>, creds: Option<&Path>, env: Option<&str>) -> Lookup<'a> {
        Lookup {
            file,
            credentials_dir: creds.map(Path::to_owned),
            credential: "province-token",
            env: ("YYT_PROVINCE_TOKEN", env.map(str::to_owned)),
        }
    }

    #[test]
    fn a_file_beats_a_credential_which_beats_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "from-file\n").unwrap();
        let creds = dir.path().join("creds");
        std::fs::create_dir(&creds).unwrap();
        std::fs::write(creds.join("province-token"), " from-credential\n").unwrap();

        let all = resolve(&lookup(Some(&file), Some(&creds), Some("from-env"))).unwrap();
        assert_eq!(all, Some(("from-file".into(), Source::File(file.clone()))));
        let no_file = resolve(&lookup(None, Some(&creds), Some("from-env"))).unwrap();
        assert_eq!(
            no_file,
            Some((
                "from-credential".into(),
                Source::Credential(creds.join("province-token"))
            ))
        );
        let env_only = resolve(&lookup(None, None, Some(" from-env "))).unwrap();
        assert_eq!(
            env_only,
            Some(("from-env".into(), Source::Env("YYT_PROVINCE_TOKEN")))
        );
        assert_eq!(resolve(&lookup(None, None, None)).unwrap(), None);
    }

    #[test]
    fn an_empty_or_missing_credential_falls_through_but_a_bad_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        // systemd's SetCredential= default: an empty credential.
        std::fs::write(dir.path().join("province-token"), "").unwrap();
        let r = resolve(&lookup(None, Some(dir.path()), Some("from-env"))).unwrap();
        assert_eq!(r.unwrap().0, "from-env");
        let elsewhere = dir.path().join("no-such-dir");
        let r = resolve(&lookup(None, Some(&elsewhere), Some(""))).unwrap();
        assert_eq!(r, None, "an empty variable is no secret");

        let missing = dir.path().join("missing");
        let e = resolve(&lookup(Some(&missing), None, Some("from-env"))).unwrap_err();
        assert!(e.contains("missing"), "{e}");
        let empty = dir.path().join("province-token");
        let e = resolve(&lookup(Some(&empty), None, Some("from-env"))).unwrap_err();
        assert!(e.ends_with("is empty"), "{e}");
    }
}
