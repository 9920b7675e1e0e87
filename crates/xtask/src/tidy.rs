//! Tidy checks: the layering rules read from `cargo metadata`, and a `//!` header on every source file.

use crate::{fail, Result};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Crates that hold pure logic: no IO runtime, no database, no web or desktop framework.
pub const PURE_CRATES: &[&str] = &[
    "customer",
    "devices",
    "domain",
    "emergency",
    "ipc",
    "queue",
    "sync-proto",
];

/// What a pure crate must never reach, directly or through another crate.
pub const IO_FRAMEWORKS: &[&str] = &[
    "tokio", "sqlx", "axum", "hyper", "reqwest", "rusqlite", "tauri", "leptos", "mio",
];

/// The province server and the hall/desktop side share only these workspace crates.
pub const PROVINCE_CRATE: &str = "server";
pub const HALL_SIDE: &[&str] = &["store", "hall-node", "ipc", "queue", "yyt-desktop", "ui"];
pub const SHARED_WITH_PROVINCE: &[&str] =
    &["customer", "domain", "emergency", "sync-proto", "logging"];

/// The UI crate, the only workspace crates it may name, and what it must
/// never reach: it talks to the backend only through `ipc`.
pub const UI_CRATE: &str = "ui";
pub const UI_MAY_USE: &[&str] = &["ipc", "domain"];
pub const UI_FORBIDDEN: &[&str] = &["tauri", "sqlx", "tokio", "axum", "hyper", "store"];

/// Runs every check on the workspace at `root`; returns the problems found.
///
/// The dependency graph is resolved per platform the code really runs on
/// (the host and `wasm32-unknown-unknown`), so an edge that exists only for
/// some other target (say emscripten) does not count.
pub fn check(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for platform in [host_triple()?, crate::toolchain::WASM_TARGET.to_owned()] {
        let meta = metadata(root, &platform)?;
        for p in layering_problems(&meta) {
            let p = format!("{p} (on {platform})");
            if !problems.contains(&p) {
                problems.push(p);
            }
        }
    }
    problems.extend(header_problems(root));
    problems.extend(pin_problems(root));
    Ok(problems)
}

fn metadata(root: &Path, platform: &str) -> Result<Value> {
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--filter-platform",
            platform,
        ])
        .current_dir(root)
        .output()
        .map_err(|e| crate::Fail(format!("cargo metadata: {e}")))?;
    if !out.status.success() {
        return fail(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout)
        .map_err(|e| crate::Fail(format!("cargo metadata output: {e}")))
}

fn host_triple() -> Result<String> {
    let v = crate::output(Command::new("rustc").arg("-vV"))
        .ok_or_else(|| crate::Fail("`rustc -vV` failed".into()))?;
    v.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| crate::Fail("`rustc -vV` names no host".into()))
}

/// The dependency graph of a `cargo metadata` document, by package name,
/// without dev-dependencies (tests may use what the crate itself must not).
struct Graph {
    names: HashMap<String, String>,
    deps: HashMap<String, Vec<String>>,
    members: Vec<String>,
}

impl Graph {
    fn new(meta: &Value) -> Self {
        let names = meta["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p["id"].as_str()?.to_owned(), p["name"].as_str()?.to_owned())))
            .collect();
        let deps = meta["resolve"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| {
                let id = n["id"].as_str()?.to_owned();
                let deps = n["deps"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|d| {
                        d["dep_kinds"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .any(|k| k["kind"].as_str() != Some("dev"))
                    })
                    .filter_map(|d| d["pkg"].as_str().map(str::to_owned))
                    .collect();
                Some((id, deps))
            })
            .collect();
        let members = meta["workspace_members"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m.as_str().map(str::to_owned))
            .collect();
        Self {
            names,
            deps,
            members,
        }
    }

    fn member(&self, name: &str) -> Option<&String> {
        self.members.iter().find(|id| self.name(id) == name)
    }

    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map(String::as_str).unwrap_or(id)
    }

    /// Every package reachable from `id`, with the path that reaches it.
    fn reachable(&self, id: &str) -> Vec<(String, Vec<String>)> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let mut stack = vec![(id.to_owned(), vec![self.name(id).to_owned()])];
        while let Some((node, path)) = stack.pop() {
            for dep in self.deps.get(&node).into_iter().flatten() {
                if seen.insert(dep.clone()) {
                    let mut p = path.clone();
                    p.push(self.name(dep).to_owned());
                    out.push((dep.clone(), p.clone()));
                    stack.push((dep.clone(), p));
                }
            }
        }
        out
    }
}

/// The layering rules over a `cargo metadata --format-version 1` document.
pub fn layering_problems(meta: &Value) -> Vec<String> {
    let g = Graph::new(meta);
    let mut problems = Vec::new();
    for pure in PURE_CRATES {
        let Some(id) = g.member(pure) else { continue };
        for (dep, path) in g.reachable(id) {
            if IO_FRAMEWORKS.contains(&g.name(&dep)) {
                problems.push(format!(
                    "pure crate `{pure}` depends on `{}`: {}",
                    g.name(&dep),
                    path.join(" -> ")
                ));
            }
        }
    }
    if let Some(province) = g.member(PROVINCE_CRATE) {
        for (dep, path) in g.reachable(province) {
            if g.members.contains(&dep) && !SHARED_WITH_PROVINCE.contains(&g.name(&dep)) {
                problems.push(format!(
                    "the province server reaches `{}`: {}; it may share only {}",
                    g.name(&dep),
                    path.join(" -> "),
                    SHARED_WITH_PROVINCE.join(", ")
                ));
            }
        }
    }
    for hall_side in HALL_SIDE {
        let Some(id) = g.member(hall_side) else {
            continue;
        };
        if let Some((_, path)) = g
            .reachable(id)
            .into_iter()
            .find(|(dep, _)| g.name(dep) == PROVINCE_CRATE)
        {
            problems.push(format!(
                "`{hall_side}` reaches the province server: {}",
                path.join(" -> ")
            ));
        }
    }
    if let Some(ui) = g.member(UI_CRATE) {
        for dep in g.deps.get(ui).into_iter().flatten() {
            let name = g.name(dep);
            if g.members.contains(dep) && !UI_MAY_USE.contains(&name) {
                problems.push(format!(
                    "`ui` depends on workspace crate `{name}`; it may use only {}",
                    UI_MAY_USE.join(", ")
                ));
            }
        }
        for (dep, path) in g.reachable(ui) {
            if UI_FORBIDDEN.contains(&g.name(&dep)) {
                problems.push(format!(
                    "`ui` reaches `{}`: {}",
                    g.name(&dep),
                    path.join(" -> ")
                ));
            }
        }
    }
    problems
}

/// Source folders whose every `.rs` file must open with a `//!` line.
const SOURCE_DIRS: &[&str] = &["crates", "src-tauri", "ui", "tests"];
const SKIP_DIRS: &[&str] = &["target", "dist", "gen", "node_modules"];

pub fn header_problems(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for dir in SOURCE_DIRS {
        collect_rs(&root.join(dir), &mut files);
    }
    files
        .into_iter()
        .filter(|f| !has_header(f))
        .map(|f| {
            format!(
                "{} does not open with a `//!` line saying what it owns",
                f.strip_prefix(root).unwrap_or(&f).display()
            )
        })
        .collect()
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if !SKIP_DIRS.iter().any(|s| name == *s) {
                collect_rs(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// True when the first non-blank line is a `//!` doc line.
pub fn has_header(file: &Path) -> bool {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| !l.trim().is_empty())
                .map(|l| l.trim_start().starts_with("//!"))
        })
        .unwrap_or(false)
}

/// trunk's configured wasm-bindgen must be the one Cargo.lock pins.
pub fn pin_problems(root: &Path) -> Vec<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let trunk = std::fs::read_to_string(root.join("ui/Trunk.toml")).unwrap_or_default();
    let locked = crate::toolchain::lock_version(&lock, "wasm-bindgen");
    let configured = trunk
        .lines()
        .find_map(|l| l.trim().strip_prefix("wasm_bindgen = \""))
        .and_then(|v| v.strip_suffix('"'))
        .map(str::to_owned);
    match (locked, configured) {
        (Some(l), Some(c)) if l == c => Vec::new(),
        (l, c) => vec![format!(
            "ui/Trunk.toml wants wasm-bindgen {c:?} but Cargo.lock pins {l:?}; they must be equal"
        )],
    }
}
