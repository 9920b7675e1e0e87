//! xtask's tests: tidy (the real workspace obeys its rules, and the rules do catch violations), installers, the services' units and release signing.

mod dist;
mod release;
mod units;

use serde_json::json;
use xtask::tidy;

#[test]
fn the_workspace_obeys_layering_headers_and_pins() {
    let problems = tidy::check(&xtask::workspace_root()).expect("tidy runs");
    assert!(
        problems.is_empty(),
        "tidy problems:\n{}",
        problems.join("\n")
    );
}

/// A tiny metadata document: `members` and `edges` as (from, to, kind).
fn meta(
    members: &[&str],
    others: &[&str],
    edges: &[(&str, &str, Option<&str>)],
) -> serde_json::Value {
    let id = |n: &str| format!("{n} 0.1.0");
    let packages: Vec<_> = members
        .iter()
        .chain(others)
        .map(|n| json!({"id": id(n), "name": n}))
        .collect();
    let nodes: Vec<_> = members
        .iter()
        .chain(others)
        .map(|n| {
            let deps: Vec<_> = edges
                .iter()
                .filter(|(from, _, _)| from == n)
                .map(|(_, to, kind)| json!({"name": to, "pkg": id(to), "dep_kinds": [{"kind": kind, "target": null}]}))
                .collect();
            json!({"id": id(n), "deps": deps})
        })
        .collect();
    json!({
        "packages": packages,
        "workspace_members": members.iter().map(|n| id(n)).collect::<Vec<_>>(),
        "resolve": {"nodes": nodes}
    })
}

#[test]
fn a_pure_crate_reaching_tokio_through_another_crate_is_caught() {
    let m = meta(
        &["domain"],
        &["helper", "tokio"],
        &[("domain", "helper", None), ("helper", "tokio", None)],
    );
    let problems = tidy::layering_problems(&m);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("domain -> helper -> tokio"),
        "{problems:?}"
    );
}

#[test]
fn dev_dependencies_of_a_pure_crate_are_allowed() {
    let m = meta(&["domain"], &["tokio"], &[("domain", "tokio", Some("dev"))]);
    assert!(tidy::layering_problems(&m).is_empty());
}

#[test]
fn ui_may_not_use_the_store_or_tauri() {
    let m = meta(
        &["ui", "ipc", "store"],
        &["tauri", "leptos"],
        &[
            ("ui", "ipc", None),
            ("ui", "store", None),
            ("ui", "leptos", None),
            ("ipc", "tauri", None),
        ],
    );
    let problems = tidy::layering_problems(&m);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("workspace crate `store`")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("ui -> ipc -> tauri")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("pure crate `ipc` depends on `tauri`")),
        "{problems:?}"
    );
}

#[test]
fn ui_names_only_ipc_and_domain_even_among_pure_crates() {
    let m = meta(
        &["ui", "ipc", "domain", "queue"],
        &[],
        &[
            ("ui", "ipc", None),
            ("ui", "domain", None),
            ("ui", "queue", None),
            ("ipc", "queue", None),
        ],
    );
    let problems = tidy::layering_problems(&m);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("workspace crate `queue`"),
        "{problems:?}"
    );
}

#[test]
fn a_file_without_header_is_caught() {
    let dir = std::env::temp_dir().join(format!("tidy-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("crates/x/src")).unwrap();
    std::fs::write(
        dir.join("crates/x/src/lib.rs"),
        "\n//! Owns x.\npub fn x() {}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("crates/x/src/bad.rs"),
        "// plain comment\npub fn y() {}\n",
    )
    .unwrap();
    let problems = tidy::header_problems(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("bad.rs"));
}

#[test]
fn the_province_and_the_hall_side_share_only_domain_and_sync_proto() {
    let m = meta(
        &["server", "store", "sync-proto", "domain", "hall-node"],
        &[],
        &[
            ("server", "sync-proto", None),
            ("server", "domain", None),
            ("server", "store", None),
            ("hall-node", "server", None),
        ],
    );
    let problems = tidy::layering_problems(&m);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("province server reaches `store`")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("`hall-node` reaches the province server")),
        "{problems:?}"
    );
    assert!(
        !problems
            .iter()
            .any(|p| p.contains("`sync-proto`") || p.contains("`domain`")),
        "{problems:?}"
    );
    // Test-only dependencies (the province's test starting a hall node) do not count.
    let m = meta(
        &["server", "hall-node"],
        &[],
        &[("server", "hall-node", Some("dev"))],
    );
    assert!(tidy::layering_problems(&m).is_empty());
}
