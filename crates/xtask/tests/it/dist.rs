//! Installer pieces: the bundle-type patch the updater relies on, and the Debian control text.

use xtask::dist;

#[test]
fn the_bundle_type_marker_is_patched_once_and_a_missing_one_is_an_error() {
    let mut bin = b"....__TAURI_BUNDLE_TYPE_VAR_UNK....__TAURI_BUNDLE_TYPE_VAR_UNK".to_vec();
    dist::patch_bundle_type(&mut bin, dist::BUNDLE_DEB).unwrap();
    assert_eq!(
        bin,
        b"....__TAURI_BUNDLE_TYPE_VAR_DEB....__TAURI_BUNDLE_TYPE_VAR_UNK".to_vec(),
        "only the first, as tauri-bundler does"
    );
    let mut bin = b"..__TAURI_BUNDLE_TYPE_VAR_UNK".to_vec();
    dist::patch_bundle_type(&mut bin, dist::BUNDLE_RPM).unwrap();
    assert!(bin.ends_with(b"__TAURI_BUNDLE_TYPE_VAR_RPM"));
    let e = dist::patch_bundle_type(&mut b"no marker here".to_vec(), dist::BUNDLE_DEB).unwrap_err();
    assert!(e.0.contains("no bundle type marker"), "{}", e.0);
}

#[test]
fn the_control_file_has_the_fields_dpkg_wants() {
    let depends = vec!["libc6 (>= 2.34)".to_owned(), "fonts-noto-cjk".to_owned()];
    let text = dist::Control {
        package: "yyt-desktop",
        version: "1.4.2",
        arch: "amd64",
        depends: &depends,
        section: "misc",
        summary: "营业厅服务管理系统 / Business Hall Suite",
        description: "第一行\n\nsecond paragraph",
        installed_kib: 42,
    }
    .text();
    for line in [
        "Package: yyt-desktop\n",
        "Version: 1.4.2\n",
        "Architecture: amd64\n",
        "Installed-Size: 42\n",
        "Depends: libc6 (>= 2.34), fonts-noto-cjk\n",
        "Description: 营业厅服务管理系统 / Business Hall Suite\n 第一行\n .\n second paragraph\n",
    ] {
        assert!(text.contains(line), "{line:?} missing in:\n{text}");
    }
    assert!(text.contains("\nMaintainer: "), "{text}");
}

#[test]
fn the_setup_reads_package_names_out_of_a_depends_field() {
    let field = "libc6 (>= 2.34), libwebkit2gtk-4.1-0 (>= 2.40.0), fonts-noto-cjk, \
                 gstreamer1.0-libav | gstreamer1.0-plugins-bad, python3:any, hello";
    assert_eq!(
        dist::depends_packages(field),
        [
            "libc6",
            "libwebkit2gtk-4.1-0",
            "fonts-noto-cjk",
            "gstreamer1.0-libav",
            "python3",
            "hello"
        ]
    );
    assert!(dist::depends_packages("").is_empty());
}
