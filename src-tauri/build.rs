//! Build script: lets tauri-build generate the app context and capability schemas.

fn main() {
    tauri_build::build()
}
