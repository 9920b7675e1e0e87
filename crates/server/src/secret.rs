//! Secrets given to the province server (a database URL with a password): from a file named on the command line, a systemd credential or the environment, never from the command line itself.
//!
//! The order, first found wins: `--db URL` when it carries no password (a
//! SQLite file or a PostgreSQL URL without one is no secret), else the file
//! of `--db-file PATH`, then `$CREDENTIALS_DIRECTORY/db-url` (systemd's
//! `LoadCredential=`), then `$YYT_DB_URL`, else `sqlite://province.db?mode=rwc`.
//! The command line is visible to every local user in the process list;
//! files, credentials and the environment are not. A value is trimmed; an
//! empty credential or variable counts as absent (the unit gives the
//! credential an empty default with `SetCredential=`), an empty or unreadable
//! file named on the command line is an error. (The hall node reads its
//! province token the same way; the two crates share no code by design.)

use std::path::{Path, PathBuf};

/// Where to look for one secret.
#[derive(Debug, Clone)]
struct Lookup<'a> {
    /// The file named on the command line (`--db-file PATH`).
    file: Option<&'a Path>,
    /// `$CREDENTIALS_DIRECTORY`, set by systemd for a unit with credentials.
    credentials_dir: Option<PathBuf>,
    /// The credential's name in that directory (`db-url`).
    credential: &'a str,
    /// The environment variable's value (`$YYT_DB_URL`).
    env: Option<String>,
}

/// The secret, or `None` when none of the places has one.
fn resolve(lookup: &Lookup) -> Result<Option<String>, String> {
    if let Some(file) = lookup.file {
        let value = std::fs::read_to_string(file)
            .map_err(|e| format!("{}: {e}", file.display()))?
            .trim()
            .to_owned();
        if value.is_empty() {
            return Err(format!("{} is empty", file.display()));
        }
        return Ok(Some(value));
    }
    if let Some(dir) = &lookup.credentials_dir {
        let path = dir.join(lookup.credential);
        match std::fs::read_to_string(&path) {
            Ok(v) if !v.trim().is_empty() => return Ok(Some(v.trim().to_owned())),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    Ok(lookup
        .env
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned))
}

/// The database when nothing names one: a SQLite file in the working directory.
pub const DEFAULT_DB_URL: &str = "sqlite://province.db?mode=rwc";
/// The database URL in the environment (the settings file of the service sets it).
pub const DB_URL_ENV: &str = "YYT_DB_URL";
/// The database URL's name among systemd's credentials (`LoadCredential=db-url:…`).
pub const DB_URL_CREDENTIAL: &str = "db-url";
/// What settings files before `YYT_DB_URL` set (the unit passed it as `--db`).
const OLD_DB_ENV: &str = "YYT_DB";

/// The database URL from `--db URL`, `--db-file PATH` and the environment
/// (`env` reads it: the process's, or a test's), in the order of the module's header.
pub fn db_url(
    flag: Option<&str>,
    file: Option<&Path>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<String, String> {
    if flag.is_some() && file.is_some() {
        return Err("--db and --db-file exclude each other".into());
    }
    if let Some(url) = flag {
        if has_password(url) {
            return Err(format!(
                "--db: a password on the command line can be read by every local user; put \
                 the URL in a file for --db-file PATH, in the systemd credential \
                 {DB_URL_CREDENTIAL} or in ${DB_URL_ENV}"
            ));
        }
        return Ok(url.to_owned());
    }
    let found = resolve(&Lookup {
        file,
        credentials_dir: env("CREDENTIALS_DIRECTORY").map(PathBuf::from),
        credential: DB_URL_CREDENTIAL,
        env: env(DB_URL_ENV),
    })
    .map_err(|e| format!("the database URL: {e}"))?;
    match found {
        Some(url) => Ok(url),
        None if env(OLD_DB_ENV).is_some_and(|v| !v.trim().is_empty()) => Err(format!(
            "${OLD_DB_ENV} is no longer read (a settings file of an earlier version): rename it \
             {DB_URL_ENV}, or put a URL with a password in /etc/yyt/yyt-province-server.db-url"
        )),
        None => Ok(DEFAULT_DB_URL.to_owned()),
    }
}

/// Whether a database URL carries a password (`scheme://user:pass@host/…` or `?password=…`).
pub fn has_password(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let authority = before_query.split('/').next().unwrap_or("");
    let in_userinfo = authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'));
    let in_query = query.split('&').any(|kv| {
        kv.split('=')
            .next()
            .is_some_and(|k| k.eq_ignore_ascii_case("password"))
    });
    in_userinfo || in_query
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An environment holding exactly `vars`.
    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn a_password_in_a_url_is_found() {
        assert!(has_password("postgres://yyt:s3cret@db.example/province"));
        assert!(has_password(
            "postgres://db.example/province?user=yyt&password=s3cret"
        ));
        assert!(!has_password("postgres://yyt@127.0.0.1:5432/postgres"));
        assert!(!has_password(
            "sqlite:///var/lib/yyt-province-server/province.db?mode=rwc"
        ));
        assert!(!has_password("sqlite://province.db?mode=rwc"));
    }

    #[test]
    fn the_db_url_comes_from_the_flag_a_file_a_credential_or_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("db-url");
        std::fs::write(&file, "postgres://yyt:from-file@db/p\n").unwrap();
        let creds = dir.path().join("credentials");
        std::fs::create_dir(&creds).unwrap();
        std::fs::write(creds.join("db-url"), "postgres://yyt:from-credential@db/p").unwrap();
        let creds = creds.display().to_string();
        let everything = [
            ("CREDENTIALS_DIRECTORY", creds.as_str()),
            ("YYT_DB_URL", "postgres://yyt:from-env@db/p"),
        ];

        let plain = "sqlite:///srv/p.db?mode=rwc";
        assert_eq!(db_url(Some(plain), None, env(&everything)).unwrap(), plain);
        assert_eq!(
            db_url(None, Some(&file), env(&everything)).unwrap(),
            "postgres://yyt:from-file@db/p"
        );
        assert_eq!(
            db_url(None, None, env(&everything)).unwrap(),
            "postgres://yyt:from-credential@db/p"
        );
        assert_eq!(
            db_url(None, None, env(&everything[1..])).unwrap(),
            "postgres://yyt:from-env@db/p"
        );
        assert_eq!(db_url(None, None, env(&[])).unwrap(), DEFAULT_DB_URL);

        let e = db_url(Some("postgres://yyt:pw@db/p"), None, env(&[])).unwrap_err();
        assert!(e.contains("--db-file"), "{e}");
        assert!(
            !e.contains("pw@"),
            "the message never repeats the secret: {e}"
        );
        assert!(db_url(Some(plain), Some(&file), env(&[])).is_err());
        let e = db_url(None, Some(&dir.path().join("missing")), env(&everything)).unwrap_err();
        assert!(e.contains("missing"), "{e}");
        let e = db_url(None, None, env(&[("YYT_DB", "postgres://old")])).unwrap_err();
        assert!(
            e.contains("YYT_DB_URL"),
            "an old settings file is named, not ignored: {e}"
        );
    }

    #[test]
    fn an_empty_credential_falls_through_to_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("db-url"), "\n").unwrap();
        let creds = dir.path().display().to_string();
        let vars = [
            ("CREDENTIALS_DIRECTORY", creds.as_str()),
            ("YYT_DB_URL", "sqlite://env.db?mode=rwc"),
        ];
        assert_eq!(
            db_url(None, None, env(&vars)).unwrap(),
            "sqlite://env.db?mode=rwc"
        );
    }
}
