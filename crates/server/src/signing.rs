//! Checks an updater signature the way the desktop's updater will, so a wrongly signed artifact is refused at publishing.
//!
//! Encodings (tauri-plugin-updater's): the public key is base64 of a minisign
//! public key file's text, the signature base64 of a minisign signature file's text.

use base64::Engine;

/// Verifies `signature` over `data` with the base64 public key `pubkey`.
pub fn verify(pubkey: &str, signature: &str, data: &[u8]) -> Result<(), String> {
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
    key.verify(data, &sig, true)
        .map_err(|e| format!("verification failed: {e}"))
}
