//! `cargo xtask release keygen|publish`: the update signing key, and publishing a signed release to the province.
//!
//! Encodings are the updater's (tauri-plugin-updater): the public key is
//! base64 of a minisign public key file's text, a signature base64 of a
//! minisign signature file's text whose trusted comment carries
//! `version:X.Y.Z` (the app requires it: `requireSignedVersion`).

use crate::{fail, output, workspace_root, Fail, Result};
use base64::Engine;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The secret key's file name in the key folder.
pub const SECRET_FILE: &str = "yyt-update.key";
/// The public key's file name: what `YYT_UPDATE_PUBKEY` and `province-server --update-pubkey` take.
pub const PUBLIC_FILE: &str = "yyt-update.pub.b64";
/// Where the secret key's password comes from when not typed in.
pub const PASSWORD_ENV: &str = "YYT_SIGNING_PASSWORD";
/// The maintainer token, when not given with `--token` (keeps it out of shell history).
pub const TOKEN_ENV: &str = "YYT_ADMIN_TOKEN";

/// 发布签名密钥与发布版本 / the update signing key, and publishing a release
#[derive(Debug, clap::Subcommand)]
pub enum Release {
    /// 生成新的更新签名密钥 / a new update signing key
    ///
    /// 写入 DIR/yyt-update.key（私钥，用 $YYT_SIGNING_PASSWORD 或终端输入的密码加密）与
    /// DIR/yyt-update.pub.b64（公钥）/ writes DIR/yyt-update.key (secret, encrypted with the
    /// password in $YYT_SIGNING_PASSWORD, or typed in) and DIR/yyt-update.pub.b64 (public: build
    /// with YYT_UPDATE_PUBKEY=$(cat DIR/yyt-update.pub.b64); give the file to province-server
    /// --update-pubkey). DIR must be outside any git work tree.
    Keygen(Keygen),
    /// 签名并上传一个版本 / sign and upload a release
    ///
    /// 为 target/dist 中该版本的安装包签名并上传到省级服务器；--activate 开始推送 / signs
    /// target/dist's installers of that version and uploads them to the province (token: --token
    /// or $YYT_ADMIN_TOKEN); --activate starts the rollout.
    Publish(Publish),
}

/// `release keygen`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Keygen {
    /// 密钥目录（须在任何 git 工作区之外）/ the key folder (outside any git work tree)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// 不加密私钥，仅供测试 / leave the secret key unencrypted: for tests only
    #[arg(long)]
    pub no_password: bool,
}

/// `release publish`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Publish {
    /// 省级服务器地址 / the province server's address (http:// or https://)
    #[arg(long, value_name = "URL", value_parser = province_url)]
    pub province: String,
    /// 运维凭证（默认 $YYT_ADMIN_TOKEN，可避免留在命令历史中）/ the maintainer token (default:
    /// $YYT_ADMIN_TOKEN, which keeps it out of shell history)
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// 版本号 / the version
    #[arg(long, value_name = "X.Y.Z", value_parser = version)]
    pub version: String,
    /// 版本说明，或 @FILE 从文件读取 / the release notes, or @FILE to read them from FILE
    #[arg(long, value_name = "TEXT|@FILE")]
    pub notes: String,
    /// 推送范围 / who gets it
    #[arg(long, value_enum)]
    pub channel: Channel,
    /// 推送到的营业厅比例（0 到 100）/ the share of halls that get it (0 to 100)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub percent: u8,
    /// 私钥文件 / the secret key file
    #[arg(long, value_name = "DIR/yyt-update.key")]
    pub key: PathBuf,
    /// 上传后立即开始推送 / start the rollout once uploaded
    #[arg(long)]
    pub activate: bool,
    /// 安装包目录（默认 target/dist）/ where the installers are (default: target/dist)
    #[arg(long, value_name = "DIR")]
    pub dist: Option<PathBuf>,
}

/// Who a release goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Channel {
    /// 试点营业厅 / the pilot halls
    Pilot,
    /// 全部营业厅 / every hall
    All,
}

impl Channel {
    /// The province's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Pilot => "pilot",
            Channel::All => "all",
        }
    }
}

/// `--version`'s value parser: major.minor.patch (see [`valid_version`]).
pub fn version(raw: &str) -> std::result::Result<String, String> {
    if valid_version(raw) {
        Ok(raw.to_owned())
    } else {
        Err("不是 主.次.修订 格式 / not major.minor.patch (e.g. 1.4.2)".into())
    }
}

fn province_url(raw: &str) -> std::result::Result<String, String> {
    if raw.starts_with("http://") || raw.starts_with("https://") {
        Ok(raw.to_owned())
    } else {
        Err("不是 http:// 或 https:// 地址 / not an http:// or https:// address".into())
    }
}

pub fn main(command: Release) -> Result {
    match command {
        Release::Keygen(args) => keygen(args),
        Release::Publish(args) => publish(args),
    }
}

fn io_fail(path: &Path) -> impl FnOnce(std::io::Error) -> Fail + '_ {
    move |e| Fail(format!("{}: {e}", path.display()))
}

fn key_fail(what: &str) -> impl FnOnce(minisign::PError) -> Fail + '_ {
    move |e| Fail(format!("{what}: {e}"))
}

/// Whether `dir` (existing or not) lies inside this clone or any git work tree.
pub fn inside_work_tree(dir: &Path) -> bool {
    let abs = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(dir)
    };
    // The nearest folder that exists decides.
    let Some(existing) = abs.ancestors().find(|a| a.is_dir()) else {
        return false;
    };
    let existing = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    let root = workspace_root();
    if existing.starts_with(root.canonicalize().unwrap_or(root)) {
        return true;
    }
    output(
        Command::new("git")
            .arg("-C")
            .arg(&existing)
            .args(["rev-parse", "--is-inside-work-tree"]),
    )
    .is_some_and(|s| s.trim() == "true")
}

/// The updater's form of a public key: base64 of the minisign public key file's text.
pub fn public_key_b64(pk: &minisign::PublicKey) -> Result<String> {
    let text = pk.to_box().map_err(key_fail("the public key"))?.to_string();
    Ok(base64::engine::general_purpose::STANDARD.encode(text))
}

/// Writes `text` to a new file (never over an existing one) with `mode`.
fn write_new(path: &Path, text: &str, mode: u32) -> Result {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = opts.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Fail(format!(
                "{} exists; refusing to overwrite a key (move it away first)",
                path.display()
            ))
        } else {
            Fail(format!("{}: {e}", path.display()))
        }
    })?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(io_fail(path))
}

/// Writes a new key pair into `args.out` and prints the public key.
pub fn keygen(args: Keygen) -> Result {
    let out = args.out;
    if inside_work_tree(&out) {
        return fail(format!(
            "{} is inside a git work tree: the secret key must never enter a repository. \
             Choose a folder outside it (an encrypted USB stick, an offline machine).",
            out.display()
        ));
    }
    let secret = out.join(SECRET_FILE);
    let public = out.join(PUBLIC_FILE);
    for p in [&secret, &public] {
        if p.exists() {
            return fail(format!(
                "{} exists; refusing to overwrite a key (move it away first)",
                p.display()
            ));
        }
    }
    let kp = if args.no_password {
        eprintln!(
            "xtask: WARNING: the secret key is not encrypted (--no-password): for tests only"
        );
        minisign::KeyPair::generate_unencrypted_keypair()
    } else {
        let password = match std::env::var(PASSWORD_ENV) {
            Ok(p) if !p.is_empty() => Some(p),
            _ if std::io::stdin().is_terminal() => None, // minisign asks twice
            _ => {
                return fail(format!(
                    "no password for the secret key: set {PASSWORD_ENV}, type it in on a terminal, \
                     or pass --no-password for a throwaway test key"
                ))
            }
        };
        minisign::KeyPair::generate_encrypted_keypair(password)
    }
    .map_err(key_fail("generating the key"))?;
    let pub_b64 = public_key_b64(&kp.pk)?;
    let sk_text = kp
        .sk
        .to_box(Some(
            "yyt-update secret key: keep offline, never in a repository",
        ))
        .map_err(key_fail("the secret key"))?
        .to_string();
    let mut dir = std::fs::DirBuilder::new();
    dir.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        dir.mode(0o700);
    }
    dir.create(&out).map_err(io_fail(&out))?;
    write_new(&secret, &sk_text, 0o600)?;
    write_new(&public, &format!("{pub_b64}\n"), 0o644)?;
    eprintln!(
        "xtask: wrote {} (secret) and {} (public)",
        secret.display(),
        public.display()
    );
    eprintln!(
        "       build installers that trust it:  YYT_UPDATE_PUBKEY=$(cat {}) cargo xtask dist --version X.Y.Z",
        public.display()
    );
    eprintln!(
        "       the province checks uploads:     province-server --update-pubkey {} …",
        public.display()
    );
    println!("{pub_b64}");
    Ok(())
}

/// Reads a secret key file: unencrypted, or decrypted with the password from
/// `$YYT_SIGNING_PASSWORD` (or typed in on a terminal).
pub fn load_secret_key(path: &Path) -> Result<minisign::SecretKey> {
    let text = std::fs::read_to_string(path).map_err(io_fail(path))?;
    let sk_box = || minisign::SecretKeyBox::from_string(&text);
    if let Ok(sk) = minisign::SecretKey::from_unencrypted_box(sk_box().map_err(key_fail("key"))?) {
        return Ok(sk);
    }
    let password = match std::env::var(PASSWORD_ENV) {
        Ok(p) if !p.is_empty() => Some(p),
        _ if std::io::stdin().is_terminal() => None, // minisign asks
        _ => {
            return fail(format!(
                "{} is encrypted: set {PASSWORD_ENV} or run on a terminal to type the password",
                path.display()
            ))
        }
    };
    minisign::SecretKey::from_box(sk_box().map_err(key_fail("key"))?, password)
        .map_err(|e| Fail(format!("{}: {e}", path.display())))
}

/// The trusted comment of a release signature; the updater reads `version:` from it.
pub fn trusted_comment(timestamp: u64, file_name: &str, version: &str) -> String {
    format!("timestamp:{timestamp}\tfile:{file_name}\tversion:{version}")
}

/// The updater's signature of an artifact: base64 of the minisign signature file's text.
pub fn sign_artifact(
    sk: &minisign::SecretKey,
    data: &[u8],
    file_name: &str,
    version: &str,
    timestamp: u64,
) -> Result<String> {
    let comment = trusted_comment(timestamp, file_name, version);
    let sig = minisign::sign(None, sk, std::io::Cursor::new(data), Some(&comment), None)
        .map_err(key_fail("signing"))?;
    // Check it with the public half before anything leaves this machine.
    let pk = minisign::PublicKey::from_secret_key(sk).map_err(key_fail("the public key"))?;
    minisign::verify(&pk, &sig, std::io::Cursor::new(data), true, false, false)
        .map_err(key_fail("the fresh signature does not verify"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(sig.to_string()))
}

/// A version as the province takes it: major.minor.patch, digits only.
pub fn valid_version(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The updater's architecture name for a Debian one.
fn updater_arch(deb_arch: &str) -> &str {
    match deb_arch {
        "amd64" => "x86_64",
        "arm64" => "aarch64",
        "i386" => "i686",
        "armhf" => "armv7",
        other => other,
    }
}

/// The desktop installers of `version` in `dist`, each with the updater target
/// it serves (`linux-x86_64-deb`, `linux-x86_64-rpm`), sorted by target.
pub fn find_artifacts(dist: &Path, version: &str) -> Result<Vec<(String, PathBuf)>> {
    let entries = std::fs::read_dir(dist).map_err(io_fail(dist))?;
    let deb_prefix = format!("yyt-desktop_{version}_");
    let rpm_prefix = format!("yyt-desktop-{version}-");
    let mut found = Vec::new();
    for e in entries {
        let path = e.map_err(io_fail(dist))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if let Some(arch) = name
            .strip_prefix(&deb_prefix)
            .and_then(|r| r.strip_suffix(".deb"))
        {
            found.push((format!("linux-{}-deb", updater_arch(arch)), path.clone()));
        } else if let Some(arch) = name
            .strip_prefix(&rpm_prefix)
            .and_then(|r| r.strip_suffix(".rpm"))
            .and_then(|r| r.split_once('.'))
            .map(|(_release, arch)| arch)
        {
            found.push((format!("linux-{arch}-rpm"), path.clone()));
        }
    }
    found.sort();
    if let Some(w) = found.windows(2).find(|w| w[0].0 == w[1].0) {
        return fail(format!(
            "two installers for {}: {} and {}; remove one",
            w[0].0,
            w[0].1.display(),
            w[1].1.display()
        ));
    }
    Ok(found)
}

/// A province answer that is not a success: its `message` verbatim (and the English one).
fn refusal(what: &str, status: u16, body: &str) -> Fail {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let mut msg = format!("the province refused {what} (HTTP {status}");
    if let Some(code) = v["code"].as_str() {
        msg.push_str(&format!(", {code}"));
    }
    msg.push(')');
    match v["message"].as_str() {
        Some(m) => {
            msg.push_str(&format!(": {m}"));
            if let Some(en) = v["message_en"].as_str() {
                msg.push_str(&format!("\n       {en}"));
            }
        }
        None if !body.trim().is_empty() => msg.push_str(&format!(": {}", body.trim())),
        None => {}
    }
    Fail(msg)
}

/// One call to the province's admin API; a non-2xx answer is a refusal.
pub(crate) fn call(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    what: &str,
) -> Result<serde_json::Value> {
    let mut req = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("authorization", format!("Bearer {token}"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req
        .body(body.to_vec())
        .map_err(|e| Fail(format!("{what}: {url}: {e}")))?;
    let resp = agent
        .run(req)
        .map_err(|e| Fail(format!("{what}: cannot reach {url}: {e}")))?;
    let status = resp.status().as_u16();
    let text = resp
        .into_body()
        .read_to_string()
        .map_err(|e| Fail(format!("{what}: reading the answer of {url}: {e}")))?;
    if !(200..300).contains(&status) {
        return Err(refusal(what, status, &text));
    }
    Ok(serde_json::from_str(&text).unwrap_or_default())
}

/// What `publish` sends: one release with its signed artifacts.
pub struct Publication {
    pub province: String,
    pub token: String,
    pub version: String,
    pub notes: String,
    pub channel: String,
    pub percent: u8,
    pub activate: bool,
    /// (updater target, file name, bytes, base64 signature)
    pub artifacts: Vec<(String, String, Vec<u8>, String)>,
}

/// Announces the release, uploads each artifact, and activates it when asked.
pub fn send(p: &Publication) -> Result {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let base = p.province.trim_end_matches('/');
    let release = format!("{base}/admin/v1/releases/{}", p.version);
    let body = serde_json::json!({"notes": p.notes, "channel": p.channel, "percent": p.percent});
    call(
        &agent,
        "PUT",
        &release,
        &p.token,
        &[("content-type", "application/json")],
        body.to_string().as_bytes(),
        &format!("release {}", p.version),
    )?;
    eprintln!(
        "xtask: release {} announced (paused until activated)",
        p.version
    );
    for (target, name, bytes, sig) in &p.artifacts {
        let answer = call(
            &agent,
            "PUT",
            &format!("{release}/artifacts/{target}"),
            &p.token,
            &[
                ("content-type", "application/octet-stream"),
                ("x-file-name", name),
                ("x-signature", sig),
            ],
            bytes,
            &format!("{name} for {target}"),
        )?;
        eprintln!(
            "xtask: uploaded {name} for {target} ({} bytes, sha256 {})",
            bytes.len(),
            answer["sha256"].as_str().unwrap_or("?")
        );
    }
    if p.activate {
        call(
            &agent,
            "PATCH",
            &release,
            &p.token,
            &[("content-type", "application/json")],
            br#"{"state":"active"}"#,
            &format!("activating {}", p.version),
        )?;
        eprintln!(
            "xtask: release {} is active: channel {}, {}% of halls",
            p.version, p.channel, p.percent
        );
    } else {
        eprintln!(
            "xtask: release {} stays paused; start it with PATCH {{\"state\":\"active\"}} or publish with --activate",
            p.version
        );
    }
    Ok(())
}

fn publish(args: Publish) -> Result {
    let token = match args.token {
        Some(t) => t,
        None => std::env::var(TOKEN_ENV)
            .ok()
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| Fail(format!("--token (or {TOKEN_ENV}) is required")))?,
    };
    let version = args.version;
    let notes = match args.notes.strip_prefix('@') {
        Some(file) => {
            let path = Path::new(file);
            std::fs::read_to_string(path).map_err(io_fail(path))?
        }
        None => args.notes,
    };
    // What the province takes (crates/server admin `text`): checked before signing anything.
    let notes = notes.trim().to_owned();
    if notes.is_empty() || notes.chars().count() > 4000 {
        return fail("--notes: the release notes are 1 to 4000 characters");
    }
    if notes.chars().any(char::is_control) {
        return fail(
            "--notes: the province takes release notes as one line: no line breaks, tabs or \
             other control characters (join the lines of the file)",
        );
    }
    let key = args.key;
    let dist = args.dist.unwrap_or_else(crate::dist::dist_dir);

    let found = find_artifacts(&dist, &version)?;
    if found.is_empty() {
        return fail(format!(
            "no desktop installers of {version} in {}: run `cargo xtask dist --version {version}` first",
            dist.display()
        ));
    }
    // Sign everything before sending anything: a wrong password leaves nothing half published.
    let sk = load_secret_key(&key)?;
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut artifacts = Vec::new();
    for (target, path) in found {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let bytes = std::fs::read(&path).map_err(io_fail(&path))?;
        let sig = sign_artifact(&sk, &bytes, &name, &version, timestamp)?;
        eprintln!("xtask: signed {name} for {target}");
        artifacts.push((target, name, bytes, sig));
    }
    send(&Publication {
        province: args.province,
        token,
        version,
        notes,
        channel: args.channel.as_str().to_owned(),
        percent: args.percent,
        activate: args.activate,
        artifacts,
    })
}
