//! A private PostgreSQL cluster on a free loopback port for the test run, stopped when dropped.

use crate::{fail, output, run, Result};
use std::path::PathBuf;
use std::process::Command;

pub struct Postgres {
    bin: PathBuf,
    data: PathBuf,
    as_postgres_user: bool,
    /// `postgres://yyt@127.0.0.1:PORT/postgres`: a superuser the tests create their databases with.
    pub url: String,
}

/// The newest installed server's bin dir (Debian: /usr/lib/postgresql/<major>/bin).
fn server_bin() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("pg_ctl").is_file())
        .collect();
    dirs.sort_by_key(|d| {
        d.parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop()
}

impl Postgres {
    pub fn start() -> Result<Self> {
        let Some(bin) = server_bin() else {
            return fail("PostgreSQL's server is missing: install the Debian package postgresql");
        };
        let as_postgres_user =
            output(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0");
        // Under the temp dir, not the cache: the postgres user must be able to reach it.
        let data = std::env::temp_dir().join(format!("yyt-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data)
            .map_err(|e| crate::Fail(format!("{}: {e}", data.display())))?;
        if as_postgres_user {
            // PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
            run(
                "chown the test cluster",
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(&data),
            )?;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| crate::Fail(format!("finding a free port: {e}")))?;
        let pg = Self {
            bin,
            data,
            as_postgres_user,
            url: format!("postgres://yyt@127.0.0.1:{port}/postgres"),
        };
        run(
            "initdb",
            pg.cmd(
                "initdb",
                &["-U", "yyt", "--auth=trust", "-E", "UTF8", "--no-sync", "-D"],
            )
            .arg(pg.data.join("db")),
        )?;
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1",
            pg.data.display()
        );
        run(
            "starting PostgreSQL",
            pg.cmd("pg_ctl", &["-w", "-l"])
                .arg(pg.data.join("log"))
                .arg("-D")
                .arg(pg.data.join("db"))
                .args(["-o", &opts, "start"]),
        )?;
        eprintln!("xtask: PostgreSQL for the tests at {}", pg.url);
        Ok(pg)
    }

    fn cmd(&self, tool: &str, args: &[&str]) -> Command {
        let exe = self.bin.join(tool);
        let mut c = if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        c.args(args).current_dir("/");
        c
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .cmd("pg_ctl", &["-m", "fast", "-D"])
            .arg(self.data.join("db"))
            .arg("stop")
            .status();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}
