//! Scenario files on disk: finding them under the paths given, running each, and counting.

use crate::format::Scenario;
use crate::run::StepOutcome;
use sessiongate::LoadError;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A folder holding a file of this name is not searched for scenario files: it holds JSON with
/// `steps` that is not a scenario, such as conformance data in another system's format.
pub const SKIP_MARKER: &str = ".sessiongate-skip";

/// Why a scenario file could not be run. Each names the file, then what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// A file or folder could not be read.
    #[error("{file}: {source}")]
    Io {
        /// The path, as given or as found under a folder given.
        file: String,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The file is not a valid scenario, or its session does not load.
    #[error("{file}: {source}")]
    Load {
        /// The path, as given or as found under a folder given.
        file: String,
        /// The core's reason, with the path of the field at fault.
        source: LoadError,
    },
}

impl FileError {
    fn io(path: &Path, source: io::Error) -> Self {
        Self::Io {
            file: path.display().to_string(),
            source,
        }
    }

    fn load(path: &Path, source: LoadError) -> Self {
        Self::Load {
            file: path.display().to_string(),
            source,
        }
    }
}

/// What [`run_paths`] reports as it goes.
#[derive(Debug)]
pub enum Event<'a> {
    /// A scenario file ran; its steps' outcomes, in order.
    Ran {
        /// The file.
        file: &'a Path,
        /// One outcome per step.
        outcomes: &'a [StepOutcome],
    },
    /// A file or folder could not be read, or a file is not a valid scenario.
    Broken(&'a FileError),
    /// A path given holds no scenario file.
    Empty(&'a Path),
}

/// Counts over every path run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Steps that got the expected verdict.
    pub passed: usize,
    /// Failed steps, plus one for each file that could not be read or loaded.
    pub failed: usize,
    /// Files that could not be read or loaded.
    pub broken_files: usize,
    /// Paths given that hold no scenario file: a mistyped folder would otherwise pass.
    pub empty_paths: usize,
}

impl Summary {
    /// Whether every step passed, no file was broken, and every path held a scenario.
    pub fn all_passed(&self) -> bool {
        self.failed == 0 && self.broken_files == 0 && self.empty_paths == 0
    }

    fn ran(&mut self, outcomes: &[StepOutcome]) {
        let passed = outcomes.iter().filter(|o| o.passed()).count();
        self.passed = self.passed.saturating_add(passed);
        let failed = outcomes.len().saturating_sub(passed);
        self.failed = self.failed.saturating_add(failed);
    }

    fn broken(&mut self) {
        self.failed = self.failed.saturating_add(1);
        self.broken_files = self.broken_files.saturating_add(1);
    }
}

/// Runs every scenario file under `paths` in order, telling `on` of each file as it goes.
pub fn run_paths<P: AsRef<Path>>(paths: &[P], mut on: impl FnMut(Event<'_>)) -> Summary {
    let mut summary = Summary::default();
    for path in paths {
        let path = path.as_ref();
        let files = match scenario_files(path) {
            Ok(files) => files,
            Err(e) => {
                summary.broken();
                on(Event::Broken(&e));
                continue;
            }
        };
        // A file named on its own is run even when it does not look like a scenario.
        let explicit = files.len() == 1 && files.first().is_some_and(|f| f == path);
        let mut scenarios = 0_usize;
        for file in files {
            match run_file(&file, explicit) {
                Ok(Some(outcomes)) => {
                    summary.ran(&outcomes);
                    on(Event::Ran {
                        file: &file,
                        outcomes: &outcomes,
                    });
                }
                Ok(None) => continue,
                Err(e) => {
                    summary.broken();
                    on(Event::Broken(&e));
                }
            }
            scenarios = scenarios.saturating_add(1);
        }
        if scenarios == 0 {
            summary.empty_paths = summary.empty_paths.saturating_add(1);
            on(Event::Empty(path));
        }
    }
    summary
}

/// A file as given, or every `*.json` below a folder, in sorted order. Symbolic links are
/// followed, each folder is searched once, and folders holding [`SKIP_MARKER`] not at all.
pub fn scenario_files(path: &Path) -> Result<Vec<PathBuf>, FileError> {
    let meta = fs::metadata(path).map_err(|e| FileError::io(path, e))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    walk(path, &mut HashSet::new(), &mut files)?;
    files.sort();
    Ok(files)
}

/// Collects every `*.json` below `dir`, following symbolic links. Each real folder is walked
/// once, the first time it is reached in name order: a link back up the tree would otherwise
/// loop, and two such links double the paths at every level.
fn walk(
    dir: &Path,
    visited: &mut HashSet<PathBuf>,
    files: &mut Vec<PathBuf>,
) -> Result<(), FileError> {
    let real = fs::canonicalize(dir).map_err(|e| FileError::io(dir, e))?;
    if !visited.insert(real) || dir.join(SKIP_MARKER).exists() {
        return Ok(());
    }
    let mut entries = fs::read_dir(dir)
        .and_then(|entries| entries.collect::<Result<Vec<_>, _>>())
        .map_err(|e| FileError::io(dir, e))?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, visited, files)?;
        } else if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads and runs one file; `None` when a file found in a folder (not `explicit`ly named) is
/// not a scenario.
pub fn run_file(file: &Path, explicit: bool) -> Result<Option<Vec<StepOutcome>>, FileError> {
    let text = fs::read_to_string(file).map_err(|e| FileError::io(file, e))?;
    if !explicit && !looks_like_scenario(&text) {
        return Ok(None);
    }
    let scenario = Scenario::from_json(&text).map_err(|e| FileError::load(file, e))?;
    scenario
        .run()
        .map(Some)
        .map_err(|e| FileError::load(file, e))
}

/// A JSON object with `steps`; anything else that is valid JSON is another kind of file, such as
/// a session or a transaction. Text that is not JSON at all is treated as a broken scenario, so
/// it is reported, not skipped.
fn looks_like_scenario(text: &str) -> bool {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) => value.get("steps").is_some(),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under the system's temporary one, removed when dropped.
    struct Folder(PathBuf);

    impl Folder {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "sessiongate-scenario-{}-{name}",
                std::process::id()
            ));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        fn write(&self, name: &str, text: &str) -> PathBuf {
            let path = self.0.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, text).unwrap();
            path
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    const SCENARIO: &str = r#"{ "session": { "actions": [{ "target": "*", "selector": "0xa9059cbb", "policies": [{ "type": "sudo" }] }] }, "steps": [
        { "now": 1, "call": { "to": "0x1111111111111111111111111111111111111111" }, "expect": "deny", "reason": "no_action" }
    ] }"#;

    /// Runs `paths`, returning the summary and the files reported, in order.
    fn run(paths: &[PathBuf]) -> (Summary, Vec<String>) {
        let mut seen = Vec::new();
        let summary = run_paths(paths, |event| match event {
            Event::Ran { file, .. } => seen.push(format!("ran {}", file.display())),
            Event::Broken(e) => seen.push(format!("broken {e}")),
            Event::Empty(path) => seen.push(format!("empty {}", path.display())),
        });
        (summary, seen)
    }

    #[test]
    fn a_marked_folder_is_not_searched_and_an_empty_path_is_reported() {
        let dir = Folder::new("marked");
        let kept = dir.write("suite/kept.json", SCENARIO);
        dir.write("suite/session.json", r#"{ "actions": [] }"#);
        dir.write("suite/neutral/other.json", SCENARIO);
        dir.write(&format!("suite/neutral/{SKIP_MARKER}"), "");
        let (summary, seen) = run(&[dir.0.join("suite")]);
        assert_eq!(seen, [format!("ran {}", kept.display())]);
        assert!(summary.all_passed(), "{summary:?}");
        assert_eq!(summary.passed, 1);

        let marked = dir.0.join("suite/neutral");
        let (summary, seen) = run(std::slice::from_ref(&marked));
        assert_eq!(seen, [format!("empty {}", marked.display())]);
        assert_eq!(summary.empty_paths, 1);
        assert!(!summary.all_passed());
    }

    #[test]
    fn a_file_named_on_its_own_is_run_even_without_steps() {
        let dir = Folder::new("explicit");
        let session = dir.write("session.json", r#"{ "actions": [] }"#);
        let (summary, seen) = run(&[session]);
        assert_eq!(summary.broken_files, 1);
        assert!(seen[0].contains("steps"), "{seen:?}");
    }
}
