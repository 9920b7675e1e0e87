//! `cargo xtask <command>`: the developer commands of the suite.

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use xtask::{dist, release, tasks, Fail};

/// 营业厅套件的开发命令 / the suite's developer commands
#[derive(Debug, Parser)]
#[command(
    name = "xtask",
    bin_name = "cargo xtask",
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 以内置默认配置和演示数据构建并打开套件 / build and open the suite on its embedded default
    /// with demo data
    Demo,
    /// 安装缺少的工具，然后运行全部检查与测试（CI 运行此命令）/ install what is missing, then run
    /// every check and test (CI runs this)
    Test,
    /// 运行一项基准测试（默认 startup）/ run a benchmark (default: startup)
    Bench {
        /// 哪一项 / which one
        #[arg(value_enum, value_name = "NAME", default_value_t = tasks::Bench::Startup)]
        name: tasks::Bench,
    },
    /// 只检查分层规则与文件头 / check layering and file headers only
    Tidy,
    /// 只安装构建与测试工具 / install the build and test tools only
    Setup,
    /// 把安装包生成到 target/dist / installers into target/dist
    ///
    /// 桌面端 .deb 与 .rpm，营业厅节点与省级服务器 .deb；YYT_UPDATE_PUBKEY 指定更新公钥 / the
    /// desktop's .deb and .rpm, the hall node's and province server's .deb; YYT_UPDATE_PUBKEY
    /// names the update key (without it the app cannot update)
    Dist(dist::Dist),
    /// 更新签名密钥与发布版本 / the update signing key, and signing and uploading a release
    #[command(subcommand)]
    Release(release::Release),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Demo => tasks::demo(),
        Command::Test => tasks::test(),
        Command::Bench { name } => tasks::bench(name),
        Command::Tidy => tasks::tidy(),
        Command::Setup => tasks::setup(),
        Command::Dist(args) => dist::dist(args),
        Command::Release(command) => release::main(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(msg)) => {
            eprintln!("\nxtask: {msg}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Command, ErrorKind> {
        Cli::try_parse_from(std::iter::once("xtask").chain(args.iter().copied()))
            .map(|cli| cli.command)
            .map_err(|e| e.kind())
    }

    const PUBLISH: &[&str] = &[
        "release",
        "publish",
        "--province",
        "https://province.example",
        "--version",
        "1.4.2",
        "--notes",
        "@notes.txt",
        "--channel",
        "pilot",
        "--percent",
        "20",
        "--key",
        "keys/yyt-update.key",
    ];

    fn publish_with(extra: &[&str]) -> Result<Command, ErrorKind> {
        parse(&[PUBLISH, extra].concat())
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_parses() {
        assert!(matches!(parse(&["demo"]), Ok(Command::Demo)));
        assert!(matches!(parse(&["test"]), Ok(Command::Test)));
        assert!(matches!(parse(&["tidy"]), Ok(Command::Tidy)));
        assert!(matches!(parse(&["setup"]), Ok(Command::Setup)));
        assert!(matches!(
            parse(&["dist"]),
            Ok(Command::Dist(dist::Dist { version: None }))
        ));
        assert!(matches!(
            parse(&["dist", "--version", "1.4.2"]),
            Ok(Command::Dist(dist::Dist { version: Some(v) })) if v == "1.4.2"
        ));
        assert_eq!(
            parse(&[]).unwrap_err(),
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        );
        assert_eq!(parse(&["frob"]).unwrap_err(), ErrorKind::InvalidSubcommand);
        assert_eq!(parse(&["--help"]).unwrap_err(), ErrorKind::DisplayHelp);
    }

    #[test]
    fn bench_defaults_to_startup_and_knows_its_names() {
        assert!(matches!(
            parse(&["bench"]),
            Ok(Command::Bench {
                name: tasks::Bench::Startup
            })
        ));
        for (name, bench) in [
            ("startup", tasks::Bench::Startup),
            ("queue", tasks::Bench::Queue),
            ("hall", tasks::Bench::Hall),
            ("ingest", tasks::Bench::Ingest),
            ("propagation", tasks::Bench::Propagation),
            ("devices", tasks::Bench::Devices),
            ("alarms", tasks::Bench::Alarms),
            ("emergency", tasks::Bench::Emergency),
            ("video", tasks::Bench::Video),
        ] {
            assert!(
                matches!(parse(&["bench", name]), Ok(Command::Bench { name }) if name == bench)
            );
        }
        let e = Cli::try_parse_from(["xtask", "bench", "nope"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidValue);
        assert!(e
            .to_string()
            .contains("startup, queue, hall, ingest, propagation, devices"));
    }

    #[test]
    fn keygen_takes_a_folder_and_an_optional_switch() {
        let Ok(Command::Release(release::Release::Keygen(k))) =
            parse(&["release", "keygen", "--out", "/keys", "--no-password"])
        else {
            panic!("keygen does not parse");
        };
        assert_eq!(k.out, std::path::Path::new("/keys"));
        assert!(k.no_password);
        assert_eq!(
            parse(&["release", "keygen"]).unwrap_err(),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(
            parse(&["release", "keygen", "--out", "a", "--out", "b"]).unwrap_err(),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            parse(&["release"]).unwrap_err(),
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        );
    }

    #[test]
    fn publish_checks_its_flags() {
        let Ok(Command::Release(release::Release::Publish(p))) = publish_with(&["--activate"])
        else {
            panic!("publish does not parse");
        };
        assert_eq!(p.province, "https://province.example");
        assert_eq!(p.token, None);
        assert_eq!(p.version, "1.4.2");
        assert_eq!(p.notes, "@notes.txt");
        assert_eq!(p.channel, release::Channel::Pilot);
        assert_eq!(p.percent, 20);
        assert!(p.activate);
        assert_eq!(p.dist, None);

        let wrong = |flag: &str, value: &str| {
            let mut args = PUBLISH.to_vec();
            let at = args.iter().position(|a| *a == flag).unwrap() + 1;
            args[at] = value;
            parse(&args).unwrap_err()
        };
        assert_eq!(
            wrong("--province", "province.example"),
            ErrorKind::ValueValidation
        );
        assert_eq!(wrong("--version", "1.4"), ErrorKind::ValueValidation);
        assert_eq!(wrong("--version", "v1.4.2"), ErrorKind::ValueValidation);
        assert_eq!(wrong("--channel", "beta"), ErrorKind::InvalidValue);
        assert_eq!(wrong("--percent", "101"), ErrorKind::ValueValidation);
        assert_eq!(wrong("--percent", "half"), ErrorKind::ValueValidation);
        assert_eq!(
            publish_with(&["--channel", "all"]).unwrap_err(),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            publish_with(&["--bogus"]).unwrap_err(),
            ErrorKind::UnknownArgument
        );
        assert_eq!(
            parse(&PUBLISH[..PUBLISH.len() - 2]).unwrap_err(),
            ErrorKind::MissingRequiredArgument
        );
    }
}
