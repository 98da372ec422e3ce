//! What the test modules share: the contract ABIs (`abi`), account calldata and user operations
//! (`account_encoding`), the writer and checks of the files generators commit
//! (`generated_files`), and small builders of contexts, sessions and calldata words.

pub mod abi;
pub mod account_encoding;
pub mod generated_files;

use alloy_primitives::{Address, U256, hex};
use sessiongate::{Context, Session};
use std::path::{Path, PathBuf};

/// A path in the repository, from its root: `repo("examples")`.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// The `.json` files of a folder, sorted.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// The context of calls on chain 1 at `now`, made by `account` when it is known.
pub fn context(now: u64, account: Option<Address>) -> Context {
    Context {
        now,
        chain_id: 1,
        account,
    }
}

/// A session of any format from its JSON; panics with the load error.
pub fn load(doc: serde_json::Value) -> Session {
    Session::from_value(doc).unwrap_or_else(|e| panic!("loads: {e}"))
}

/// `0x`-prefixed lowercase hex, as JSON documents write bytes.
pub fn hex(bytes: &[u8]) -> String {
    hex::encode_prefixed(bytes)
}

/// Calldata written word by word: a selector and raw words, for encodings alloy will not produce.
pub fn raw_calldata(selector: [u8; 4], words: &[U256]) -> Vec<u8> {
    let mut data = selector.to_vec();
    for word in words {
        data.extend_from_slice(&word.to_be_bytes::<32>());
    }
    data
}

/// Replaces the 32-byte word at byte `at`.
pub fn set_word(data: &mut [u8], at: usize, word: U256) {
    data[at..at + 32].copy_from_slice(&word.to_be_bytes::<32>());
}

/// The calldata with the 32-byte word at byte `at` replaced.
pub fn with_word(mut data: Vec<u8>, at: usize, word: U256) -> Vec<u8> {
    set_word(&mut data, at, word);
    data
}

/// The word at byte `at` of the calldata, as a position.
pub fn word_at(data: &[u8], at: usize) -> usize {
    usize::try_from(U256::from_be_slice(&data[at..at + 32])).unwrap()
}

/// 2^n; 2^64 is the smallest offset or length Solidity's decoder refuses outright.
pub fn two_pow(n: usize) -> U256 {
    U256::from(1u8) << n
}

/// A ledger key as its session names it: the counter id, and `@<opens>` for a window.
pub fn counter_text(key: &sessiongate::LedgerKey<'_>) -> String {
    match key.window {
        Some(opens) => format!("{}@{opens}", key.counter),
        None => key.counter.to_string(),
    }
}

/// What an effect adds (zero for a set).
pub fn added(effect: &sessiongate::Effect<'_>) -> U256 {
    match effect.op {
        sessiongate::Op::Add(amount) => amount,
        sessiongate::Op::Set(_) => U256::ZERO,
    }
}
