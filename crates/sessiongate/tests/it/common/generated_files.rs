//! The files the generators commit (scenario files, examples, CLI fixtures): with
//! `UPDATE_SCENARIOS=1` they are rewritten; otherwise each committed file must equal what its
//! generator makes now, and a folder a generator owns holds nothing else.

use serde::Serialize;
use std::path::Path;
use std::{env, fs};

/// Whether this run rewrites the committed files.
pub fn updating() -> bool {
    env::var("UPDATE_SCENARIOS").is_ok_and(|v| v == "1")
}

/// JSON as the generators commit it: pretty, ending in a newline.
pub fn pretty_json(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap();
    text.push('\n');
    text
}

/// A committed file's text.
pub fn committed(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_SCENARIOS=1", path.display()))
}

/// With `UPDATE_SCENARIOS=1`, writes each `(name, text)` into `dir`. The tests share one process:
/// a changed file is replaced whole (written beside it, then renamed) so a test reading it
/// meanwhile never sees half of it, and an unchanged one is left alone. Such a reader may still
/// see the old text in the run that rewrites it; the next run sees the new.
pub fn write<N: AsRef<str>, T: AsRef<str>>(dir: &Path, files: &[(N, T)]) {
    if !updating() {
        return;
    }
    fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        let path = dir.join(name.as_ref());
        if fs::read_to_string(&path).ok().as_deref() != Some(text.as_ref()) {
            let partial = dir.join(format!(".{}.partial", name.as_ref()));
            fs::write(&partial, text.as_ref()).unwrap();
            fs::rename(&partial, &path).unwrap();
        }
    }
}

/// Asserts each committed file of `dir` equals its generated text.
pub fn assert_current<N: AsRef<str>, T: AsRef<str>>(dir: &Path, files: &[(N, T)]) {
    for (name, text) in files {
        let path = dir.join(name.as_ref());
        assert!(
            committed(&path) == text.as_ref(),
            "{} differs from its generator; run with UPDATE_SCENARIOS=1",
            path.display()
        );
    }
}

/// Writes the files when `UPDATE_SCENARIOS=1`, then asserts the committed ones equal them.
pub fn sync<N: AsRef<str>, T: AsRef<str>>(dir: &Path, files: &[(N, T)]) {
    write(dir, files);
    assert_current(dir, files);
}

/// Asserts the files of `dir` whose names end in `extension` are exactly `files`: every such
/// file comes from the generator, none is left over from an older one.
pub fn assert_only<N: AsRef<str>, T>(dir: &Path, files: &[(N, T)], extension: &str) {
    let mut on_disk: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(extension))
        .collect();
    on_disk.sort();
    let mut names: Vec<String> = files.iter().map(|(n, _)| n.as_ref().to_owned()).collect();
    names.sort();
    assert_eq!(
        on_disk,
        names,
        "{}: every file comes from the generator",
        dir.display()
    );
}
