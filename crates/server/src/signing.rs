//! Checks an updater signature the way the desktop's updater will, so a wrongly signed artifact is refused at publishing.
//!
//! Encodings (tauri-plugin-updater's): the public key is base64 of a minisign
//! public key file's text, the signature base64 of a minisign signature file's text.

use base64::Engine;
use std::io::Read;

/// Verifies `signature` over the file at `path` with the base64 public key
/// `pubkey`, reading it in chunks (a legacy, not prehashed, signature needs
/// the whole file at once). Blocking.
pub fn verify_file(pubkey: &str, signature: &str, path: &std::path::Path) -> Result<(), String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let text = |what: &str, raw: &str| -> Result<String, String> {
        let bytes = b64
            .decode(raw.trim())
            .map_err(|e| format!("{what} is not base64: {e}"))?;
        String::from_utf8(bytes).map_err(|_| format!("{what} is not text"))
    };
    let key = minisign_verify::PublicKey::decode(&text("the public key", pubkey)?)
        .map_err(|e| format!("the public key: {e}"))?;
    let sig = minisign_verify::Signature::decode(&text("the signature", signature)?)
        .map_err(|e| format!("the signature: {e}"))?;
    let failed = |e: minisign_verify::Error| format!("verification failed: {e}");
    let unreadable = |e: std::io::Error| format!("the artifact is unreadable: {e}");
    match key.verify_stream(&sig) {
        Ok(mut stream) => {
            let mut file = std::fs::File::open(path).map_err(unreadable)?;
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = file.read(&mut buf).map_err(unreadable)?;
                if n == 0 {
                    break;
                }
                stream.update(&buf[..n]);
            }
            stream.finalize().map_err(failed)
        }
        Err(minisign_verify::Error::UnsupportedLegacyMode) => {
            let data = std::fs::read(path).map_err(unreadable)?;
            key.verify(&data, &sig, true).map_err(failed)
        }
        Err(e) => Err(failed(e)),
    }
}
