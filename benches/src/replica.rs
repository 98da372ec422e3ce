//! A relayer replica's traffic: many sessions compiled from every example in `examples/` (each
//! example's document, in its own format, compiled once per copy), and a seeded stream of their
//! sample transactions, four allowed to one denied.

use sessiongate::{Call, Context, Input, Ledger, Mode, Session, Transaction, Verdict};
use std::path::{Path, PathBuf};

/// One example: its context and sample transactions, allowed first.
pub struct Example {
    /// The folder's name.
    pub name: String,
    /// When, where and for which account its sample transactions are decided.
    pub ctx: Context,
    /// `tx-allow.json`, then every `tx-deny-*.json`.
    pub txs: Vec<Transaction>,
    /// The document, to compile copies of.
    pub document: String,
}

/// Sessions compiled from the examples, and which example each came from.
pub struct Fleet {
    /// The examples, in folder order.
    pub examples: Vec<Example>,
    /// `copies` sessions per example, interleaved so neighbours differ.
    pub sessions: Vec<(Session, usize)>,
}

/// One check of the stream: a session, and one of its example's transactions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Check {
    /// Index into [`Fleet::sessions`].
    pub session: usize,
    /// Index into the example's [`Example::txs`] (0 is the allowed one).
    pub tx: usize,
}

/// The `examples/` folder of this workspace.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Loads one example folder.
fn example(folder: &Path) -> Example {
    let scenario: serde_json::Value = serde_json::from_str(&read(&folder.join("scenario.json")))
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
    let ctx = Context {
        now: scenario["steps"][0]["now"]
            .as_u64()
            .expect("a first step's now"),
        chain_id: scenario["chain_id"].as_u64().unwrap_or(1),
        account: scenario["account"]
            .as_str()
            .map(|a| a.parse().expect("an address")),
    };
    let mut denies: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("an example folder")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("tx-deny-"))
        })
        .collect();
    denies.sort();
    let txs = std::iter::once(folder.join("tx-allow.json"))
        .chain(denies)
        .map(|p| {
            Transaction::from_json(&read(&p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect();
    Example {
        name: folder
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .into(),
        ctx,
        txs,
        document: read(&folder.join("session.json")),
    }
}

impl Fleet {
    /// Every example with a `tx-allow.json`, each compiled `copies` times.
    pub fn load(copies: usize) -> Self {
        let mut folders: Vec<PathBuf> = std::fs::read_dir(examples_dir())
            .expect("the examples folder")
            .map(|e| e.expect("a folder entry").path())
            .filter(|p| p.join("tx-allow.json").is_file())
            .collect();
        folders.sort();
        let examples: Vec<Example> = folders.iter().map(|f| example(f)).collect();
        let mut sessions = Vec::with_capacity(copies * examples.len());
        for _ in 0..copies {
            for (i, example) in examples.iter().enumerate() {
                let session = Session::from_json(&example.document)
                    .unwrap_or_else(|e| panic!("{}: {e}", example.name));
                sessions.push((session, i));
            }
        }
        Self { examples, sessions }
    }

    /// A seeded stream of `len` checks over random sessions: the allowed transaction four times
    /// in five, otherwise one of the example's denied ones.
    pub fn stream(&self, len: usize, seed: u64) -> Vec<Check> {
        let mut rng = SplitMix(seed);
        (0..len)
            .map(|_| {
                let session = rng.below(self.sessions.len());
                let txs = self.examples[self.sessions[session].1].txs.len();
                let tx = if rng.below(5) < 4 {
                    0
                } else {
                    1 + rng.below(txs - 1)
                };
                Check { session, tx }
            })
            .collect()
    }

    /// The calls of every example's transactions, borrowed for evaluation.
    pub fn calls(&self) -> Vec<Vec<Vec<Call<'_>>>> {
        self.examples
            .iter()
            .map(|e| e.txs.iter().map(Transaction::as_calls).collect())
            .collect()
    }
}

/// Decides one check as a relayer would, through the one entry point into a reused verdict: a
/// transaction to the account itself is its calldata, anything else the calls as given. True
/// when allowed.
pub fn decide<'s, L: Ledger + ?Sized>(
    fleet: &'s Fleet,
    calls: &[Vec<Vec<Call<'_>>>],
    check: Check,
    ledger: &L,
    verdict: &mut Verdict<'s>,
) -> bool {
    let (session, example) = &fleet.sessions[check.session];
    let ctx = &fleet.examples[*example].ctx;
    let calls = &calls[*example][check.tx];
    let input = Input::Transaction { calls, kind: None };
    session.decide_into(input, ledger, ctx, Mode::Fast, verdict);
    verdict.is_allow()
}

/// A small seeded generator, so every run replays the same stream.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform enough below `n` (n > 0) for a bench stream.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
