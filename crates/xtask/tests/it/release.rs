//! Release signing and publishing: signatures the updater accepts, the installers found, the province's API spoken.

use base64::Engine;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use xtask::release;

fn b64_text(raw: &str) -> String {
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(raw.trim())
            .unwrap(),
    )
    .unwrap()
}

/// Checks `signature` the way crates/server/src/signing.rs and the updater do.
fn verify(pubkey_b64: &str, signature_b64: &str, data: &[u8]) -> Result<String, String> {
    let key =
        minisign_verify::PublicKey::decode(&b64_text(pubkey_b64)).map_err(|e| e.to_string())?;
    let sig =
        minisign_verify::Signature::decode(&b64_text(signature_b64)).map_err(|e| e.to_string())?;
    key.verify(data, &sig, true).map_err(|e| e.to_string())?;
    Ok(sig.trusted_comment().to_owned())
}

#[test]
fn a_signature_verifies_as_the_updater_checks_it_and_carries_the_version() {
    let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let pubkey = release::public_key_b64(&kp.pk).unwrap();
    let data = b"the bytes of yyt-desktop_1.4.2_amd64.deb".repeat(1000);
    let sig = release::sign_artifact(
        &kp.sk,
        &data,
        "yyt-desktop_1.4.2_amd64.deb",
        "1.4.2",
        1_700_000_000,
    )
    .unwrap();
    let comment = verify(&pubkey, &sig, &data).expect("the signature verifies");
    assert_eq!(
        comment,
        "timestamp:1700000000\tfile:yyt-desktop_1.4.2_amd64.deb\tversion:1.4.2"
    );
    // The updater (requireSignedVersion) reads the version as a tab-separated field.
    assert_eq!(
        comment.split('\t').find_map(|f| f.strip_prefix("version:")),
        Some("1.4.2")
    );
    // Another file, or another key, does not verify.
    let mut tampered = data.clone();
    tampered[10] ^= 1;
    assert!(verify(&pubkey, &sig, &tampered).is_err());
    let other = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let other_pub = release::public_key_b64(&other.pk).unwrap();
    assert!(verify(&other_pub, &sig, &data).is_err());
}

#[test]
fn a_secret_key_file_from_keygen_signs() {
    let dir = tempfile_dir("key");
    let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let path = dir.join(release::SECRET_FILE);
    std::fs::write(&path, kp.sk.to_box(None).unwrap().to_string()).unwrap();
    let sk = release::load_secret_key(&path).unwrap();
    let sig = release::sign_artifact(&sk, b"x", "x.deb", "0.1.0", 1).unwrap();
    verify(&release::public_key_b64(&kp.pk).unwrap(), &sig, b"x").unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

fn tempfile_dir(what: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "xtask-{what}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn keys_are_refused_inside_the_clone() {
    let root = xtask::workspace_root();
    assert!(release::inside_work_tree(&root.join("target/keys")));
    assert!(release::inside_work_tree(
        &root.join("crates/not-yet/deeper")
    ));
    assert!(!release::inside_work_tree(&tempfile_dir("outside")));
}

#[test]
fn the_installers_of_a_version_are_found_with_their_updater_targets() {
    let dir = tempfile_dir("dist");
    for name in [
        "yyt-desktop_1.4.2_amd64.deb",
        "yyt-desktop-1.4.2-1.x86_64.rpm",
        "yyt-desktop_1.4.1_amd64.deb",
        "yyt-desktop_1.4.20_amd64.deb",
        "yyt-hall-node_1.4.2_amd64.deb",
        "yyt-province-server_1.4.2_amd64.deb",
    ] {
        std::fs::write(dir.join(name), b"x").unwrap();
    }
    let found = release::find_artifacts(&dir, "1.4.2").unwrap();
    let names: Vec<(String, String)> = found
        .iter()
        .map(|(t, p)| {
            (
                t.clone(),
                p.file_name().unwrap().to_string_lossy().into_owned(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            (
                "linux-x86_64-deb".to_owned(),
                "yyt-desktop_1.4.2_amd64.deb".to_owned()
            ),
            (
                "linux-x86_64-rpm".to_owned(),
                "yyt-desktop-1.4.2-1.x86_64.rpm".to_owned()
            ),
        ]
    );
    assert!(release::find_artifacts(&dir, "2.0.0").unwrap().is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(release::valid_version("1.4.2"));
    assert!(!release::valid_version("1.4"));
    assert!(!release::valid_version("v1.4.2"));
    assert!(!release::valid_version("1.4.2-rc1"));
}

/// One request as the fake province saw it.
#[derive(Debug)]
struct Seen {
    line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A province that answers each request with the next (status, body), one per connection.
fn fake_province(
    answers: Vec<(u16, &'static str)>,
) -> (String, std::thread::JoinHandle<Vec<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for (status, body) in answers {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                let (k, v) = h.split_once(':').unwrap();
                headers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
            let len: usize = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .map(|(_, v)| v.parse().unwrap())
                .unwrap_or(0);
            let mut req_body = vec![0; len];
            reader.read_exact(&mut req_body).unwrap();
            let mut stream = stream;
            write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            seen.push(Seen {
                line: line.trim_end().to_owned(),
                headers,
                body: req_body,
            });
        }
        seen
    });
    (url, handle)
}

fn publication(url: &str, activate: bool) -> release::Publication {
    release::Publication {
        province: format!("{url}/"),
        token: "tok".into(),
        version: "1.4.2".into(),
        notes: "修复叫号".into(),
        channel: "pilot".into(),
        percent: 20,
        activate,
        artifacts: vec![(
            "linux-x86_64-deb".into(),
            "yyt-desktop_1.4.2_amd64.deb".into(),
            b"DEB".to_vec(),
            "U0lH".into(),
        )],
    }
}

#[test]
fn publishing_announces_uploads_and_activates() {
    let (url, province) = fake_province(vec![
        (200, r#"{"version":"1.4.2","state":"paused"}"#),
        (200, r#"{"sha256":"abc"}"#),
        (200, r#"{"version":"1.4.2"}"#),
    ]);
    release::send(&publication(&url, true)).unwrap();
    let seen = province.join().unwrap();
    assert_eq!(seen[0].line, "PUT /admin/v1/releases/1.4.2 HTTP/1.1");
    assert_eq!(seen[0].header("authorization"), Some("Bearer tok"));
    let announced: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(
        announced,
        serde_json::json!({"notes": "修复叫号", "channel": "pilot", "percent": 20})
    );
    assert_eq!(
        seen[1].line,
        "PUT /admin/v1/releases/1.4.2/artifacts/linux-x86_64-deb HTTP/1.1"
    );
    assert_eq!(
        seen[1].header("x-file-name"),
        Some("yyt-desktop_1.4.2_amd64.deb")
    );
    assert_eq!(seen[1].header("x-signature"), Some("U0lH"));
    assert_eq!(seen[1].body, b"DEB");
    assert_eq!(seen[2].line, "PATCH /admin/v1/releases/1.4.2 HTTP/1.1");
    assert_eq!(seen[2].body, br#"{"state":"active"}"#);
}

#[test]
fn a_refusal_of_the_province_is_shown_verbatim_and_stops_publishing() {
    let (url, province) = fake_province(vec![(
        409,
        r#"{"code":"release_exists","message":"版本 1.4.2 已发布；请用 PATCH 调整灰度或撤回","message_en":"Release 1.4.2 exists"}"#,
    )]);
    let e = release::send(&publication(&url, true)).unwrap_err();
    assert!(e.0.contains("HTTP 409, release_exists"), "{}", e.0);
    assert!(
        e.0.contains("版本 1.4.2 已发布；请用 PATCH 调整灰度或撤回"),
        "{}",
        e.0
    );
    assert_eq!(province.join().unwrap().len(), 1, "nothing after a refusal");
}
