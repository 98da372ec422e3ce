//! Scenario files for sessiongate: a session, then steps of calls with the verdict each must get.
//! Allowed steps commit their effects to the scenario's ledger; denied steps commit nothing. A
//! deny step names the reason kind it must be denied for (`reason`) and, optionally, the document
//! path of the rule or policy at fault (`path`), so that a deny for the wrong reason fails.
//!
//! - [`format`](mod@format): the file format ([`Scenario`], [`Step`], [`Expect`]);
//! - [`run`]: running a scenario into a [`StepOutcome`] per step;
//! - [`folder`]: finding scenario files under paths, running them, and the [`Summary`].
//!
//! ```
//! use sessiongate_scenario::Scenario;
//!
//! let text = r#"{
//!   "session": { "actions": [{ "target": "*", "selector": "0xa9059cbb", "policies": [{ "type": "sudo" }] }] },
//!   "steps": [{ "now": 1, "call": { "to": "0x1111111111111111111111111111111111111111" },
//!               "expect": "deny", "reason": "no_action" }]
//! }"#;
//! let outcomes = Scenario::from_json(text)?.run()?;
//! assert!(outcomes.iter().all(|step| step.passed()));
//! # Ok::<(), sessiongate::LoadError>(())
//! ```

pub mod folder;
pub mod format;
pub mod run;

pub use folder::{Event, FileError, SKIP_MARKER, Summary, run_file, run_paths, scenario_files};
pub use format::{Expect, Scenario, Step};
pub use run::StepOutcome;
