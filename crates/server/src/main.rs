//! The province server binary: `province-server [--db URL | --db-file PATH] [--listen ADDR] [--add-hall CODE NAME | --add-maintainer NAME]`.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let mut db_flag: Option<String> = None;
    let mut db_file: Option<std::path::PathBuf> = None;
    let mut listen = "127.0.0.1:7500".to_owned();
    let mut add: Option<(String, String)> = None;
    let mut maintainer: Option<String> = None;
    let mut release_dir = std::path::PathBuf::from("releases");
    let mut pubkey_file: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--db", Some(v)) => db_flag = Some(v),
            ("--db-file", Some(v)) => db_file = Some(v.into()),
            ("--listen", Some(v)) => listen = v,
            ("--add-hall", Some(code)) => match args.next() {
                Some(name) if !name.trim().is_empty() => add = Some((code, name)),
                _ => {
                    eprintln!("province-server: --add-hall needs a code and a name");
                    return ExitCode::from(2);
                }
            },
            ("--add-maintainer", Some(name)) if !name.trim().is_empty() => maintainer = Some(name),
            ("--releases", Some(dir)) => release_dir = dir.into(),
            ("--update-pubkey", Some(file)) => pubkey_file = Some(file),
            _ => {
                eprintln!("usage: province-server [--db sqlite://FILE?mode=rwc | postgres://… | --db-file PATH] [--listen ADDR] [--releases DIR] [--update-pubkey FILE] [--add-hall CODE NAME | --add-maintainer NAME]");
                eprintln!("  the database: --db URL without a password, or the URL read from --db-file PATH, the systemd credential db-url ($CREDENTIALS_DIRECTORY) or $YYT_DB_URL; default sqlite://province.db?mode=rwc");
                return ExitCode::from(2);
            }
        }
    }
    let db_url = match server::secret::db_url(db_flag.as_deref(), db_file.as_deref(), |name| {
        std::env::var(name).ok()
    }) {
        Ok(url) => url,
        Err(e) => {
            eprintln!("province-server: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(name) = maintainer {
        return match server::connect(&db_url).await {
            Ok(pool) => match server::add_maintainer(&pool, &name).await {
                Ok(token) => {
                    println!("maintainer {name} token (shown once): {token}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("province-server: cannot add maintainer {name}: {e}");
                    ExitCode::FAILURE
                }
            },
            Err(e) => {
                eprintln!("province-server: database: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if let Some((code, name)) = add {
        return match server::connect(&db_url).await {
            Ok(pool) => match server::add_hall(&pool, &code, &name).await {
                Ok(token) => {
                    println!("hall {code} upload token (shown once): {token}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("province-server: cannot add hall {code}: {e}");
                    ExitCode::FAILURE
                }
            },
            Err(e) => {
                eprintln!("province-server: database: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let Ok(listen) = listen.parse() else {
        eprintln!("province-server: --listen {listen:?} is not an address");
        return ExitCode::from(2);
    };
    let update_pubkey = match pubkey_file.map(std::fs::read_to_string).transpose() {
        Ok(key) => key.map(|k| k.trim().to_owned()),
        Err(e) => {
            eprintln!("province-server: --update-pubkey: {e}");
            return ExitCode::from(2);
        }
    };
    let running = match server::start(server::Options {
        db_url,
        listen,
        release_dir,
        update_pubkey,
    })
    .await
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("province-server: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("province-server listening on http://{}", running.addr);
    let _ = tokio::signal::ctrl_c().await;
    running.stop().await;
    ExitCode::SUCCESS
}
