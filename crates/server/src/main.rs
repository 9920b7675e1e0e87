//! The province server binary: `province-server [--db URL | --db-file PATH] [--listen ADDR] [--add-hall CODE NAME | --add-maintainer NAME | --generate-customers N --area AREA]`; see `--help`.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// 启动省级服务器 / start the province server
///
/// 数据库 / the database: --db URL（不含密码 / without a password），或 --db-file PATH
/// 文件中的 URL、systemd 凭据 db-url（$CREDENTIALS_DIRECTORY）、$YYT_DB_URL；
/// 默认 / default sqlite://province.db?mode=rwc
#[derive(Debug, Parser)]
#[command(name = "province-server", version)]
struct Args {
    /// 数据库 URL，不得含密码 / the database URL, without a password
    /// (sqlite://FILE?mode=rwc or postgres://…)
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// 从文件读取数据库 URL（可含密码）/ read the database URL (a password allowed) from PATH
    #[arg(long, value_name = "PATH")]
    db_file: Option<PathBuf>,
    /// 监听地址 / address to serve on
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7500")]
    listen: SocketAddr,
    /// 安装包存放目录 / where release artifacts are kept
    #[arg(long, value_name = "DIR", default_value = "releases")]
    releases: PathBuf,
    /// 发布签名公钥文件；给出时拒收签名无效的安装包 / the release signing public key file:
    /// when given, an artifact whose signature does not verify is refused
    #[arg(long, value_name = "FILE")]
    update_pubkey: Option<PathBuf>,
    /// 登记营业厅并输出其上传凭证（只显示一次）/ register a hall and print its upload token (shown once)
    #[arg(long, num_args = 2, value_names = ["CODE", "NAME"], value_parser = not_blank)]
    add_hall: Option<Vec<String>>,
    /// 登记运维人员并输出其凭证（只显示一次）/ register a maintainer and print their token (shown once)
    #[arg(long, value_name = "NAME", value_parser = not_blank)]
    add_maintainer: Option<String>,
    /// 为演示与压测生成客户档案（写入 --area 片区）/ generate this many customer
    /// accounts for the demo and the benchmarks (into the --area given)
    #[arg(long, value_name = "N", requires = "area")]
    generate_customers: Option<usize>,
    /// 生成客户档案的供电片区 / the service area generated accounts belong to
    #[arg(long, value_name = "AREA")]
    area: Option<String>,
    /// 生成器种子（同一种子生成同样的数据）/ the generator's seed (same seed, same data)
    #[arg(long, value_name = "SEED", default_value_t = 1)]
    seed: u64,
}

fn not_blank(raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() {
        Err("不能为空 / must not be empty".into())
    } else {
        Ok(raw.to_owned())
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    logging::init("province-server");
    let db_url = match server::secret::db_url(args.db.as_deref(), args.db_file.as_deref(), |name| {
        std::env::var(name).ok()
    }) {
        Ok(url) => url,
        Err(e) => {
            tracing::error!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Some(name) = args.add_maintainer {
        return register(&db_url, |pool| async move {
            let token = server::add_maintainer(&pool, &name).await?;
            println!("maintainer {name} token (shown once): {token}");
            Ok(())
        })
        .await;
    }
    if let (Some(count), Some(area)) = (args.generate_customers, args.area.clone()) {
        let seed = args.seed;
        return register(&db_url, |pool| async move {
            let started = std::time::Instant::now();
            let today = customer::Day::from_millis_cst(server::now_ms());
            let stored = server::customers::generate(&pool, &area, count, seed, today)
                .await
                .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
            let total = server::customers::count(&pool, &area).await?;
            println!(
                "generated {stored} accounts for area {area} in {:.1} s ({total} in the area now)",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        })
        .await;
    }
    if let Some([code, name]) = args.add_hall.as_deref() {
        return register(&db_url, |pool| async move {
            let token = server::add_hall(&pool, code, name).await?;
            println!("hall {code} upload token (shown once): {token}");
            Ok(())
        })
        .await;
    }
    let update_pubkey = match args.update_pubkey.map(std::fs::read_to_string).transpose() {
        Ok(key) => key.map(|k| k.trim().to_owned()),
        Err(e) => {
            tracing::error!("--update-pubkey: {e}");
            return ExitCode::from(2);
        }
    };
    let running = match server::start(server::Options {
        db_url,
        listen: args.listen,
        release_dir: args.releases,
        update_pubkey,
    })
    .await
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Tests and scripts read this line to find the port.
    println!("province-server listening on http://{}", running.addr);
    let _ = tokio::signal::ctrl_c().await;
    running.stop().await;
    ExitCode::SUCCESS
}

/// Opens the database and runs one registration on it.
async fn register<F, Fut>(db_url: &str, what: F) -> ExitCode
where
    F: FnOnce(sqlx::AnyPool) -> Fut,
    Fut: std::future::Future<Output = Result<(), sqlx::Error>>,
{
    let pool = match server::connect(db_url).await {
        Ok(pool) => pool,
        Err(e) => {
            tracing::error!("database: {e}");
            return ExitCode::FAILURE;
        }
    };
    match what(pool).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("cannot register: {e}");
            ExitCode::FAILURE
        }
    }
}
