//! The core's modules depend one way. Each top-level module has a layer; a file may name
//! `crate::<module>` only for modules of its own layer or below:
//!
//! faces (load, decide, budgets, transaction, user_op) → formats, evaluate → document →
//! compiled → verdict, ledger, condition → account → call, calldata, wire.

use std::fs;
use std::path::{Path, PathBuf};

const LAYERS: &[(&str, u8)] = &[
    ("calldata", 0),
    ("call", 0),
    ("wire", 0),
    ("account", 1),
    ("verdict", 2),
    ("ledger", 2),
    ("condition", 2),
    ("compiled", 3),
    ("document", 4),
    ("formats", 5),
    ("evaluate", 5),
    ("load", 6),
    ("decide", 6),
    ("budgets", 6),
    ("transaction", 6),
    ("user_op", 6),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `crate::name` in the code (not comments), before any `#[cfg(test)]` module.
fn crate_refs(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let code: String = code
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut refs = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        refs.push(name);
    }
    refs
}

#[test]
fn modules_depend_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs");
        // `tests.rs` files are unit-test modules, outside the layering.
        if module == "lib" || file.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let Some(own) = layer(module) else {
            wrong.push(format!(
                "{}: module `{module}` has no layer",
                relative.display()
            ));
            continue;
        };
        for name in crate_refs(&fs::read_to_string(file).unwrap()) {
            match layer(&name) {
                Some(l) if l <= own => {}
                Some(l) => wrong.push(format!(
                    "{}: layer {own} imports `crate::{name}` (layer {l})",
                    relative.display()
                )),
                // Root re-exports hide which layer a name comes from: name the module.
                None => wrong.push(format!(
                    "{}: `crate::{name}` is not a module path",
                    relative.display()
                )),
            }
        }
    }
    assert!(files.len() > 50, "only {} files found", files.len());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
