//! Property: reading hostile calldata along paths with several `[*]` — raw bytes, or arrays whose
//! offsets alias one another, byte-edited — never takes more steps than the budget it is given,
//! spends at least one step per leaf it yields, and counts exactly: a walk that finished in `s`
//! steps finishes again with a budget of `s` and runs out with `s - 1`. A session with a rule on
//! such a path decides (by the work budget at worst), with check and explain agreeing.
#![no_main]

use alloy_primitives::{Address, U256, address};
use arbitrary::Arbitrary;
use core::ops::ControlFlow;
use libfuzzer_sys::fuzz_target;
use serde_json::json;
use sessiongate::calldata::{DecodeError, ParamPath, Signature, Work};
use sessiongate::{Call, Context, MemoryLedger, Session};
use sessiongate_fuzz::invariants;
use std::sync::LazyLock;

const TARGET: Address = address!("7a250d5630b4cf539739df2c5dacb4c659f2488d");

/// Signatures with nested arrays, and a path with several `[*]` into each.
const PATHS: [(&str, &str); 5] = [
    ("f(uint256[][][] x)", "x[*][*][*]"),
    ("f(uint256[][][][][] x)", "x[*][*][*][*][*]"),
    ("g(bytes[][] b)", "b[*][*]"),
    ("g(bytes[][] b)", "b[*][*].length"),
    ("h((uint64 id, bytes[] parts)[][] t)", "t[*][*].parts[*]"),
];

struct Compiled {
    path: ParamPath,
    selector: [u8; 4],
    session: Session,
}

static COMPILED: LazyLock<Vec<Compiled>> = LazyLock::new(|| {
    PATHS
        .iter()
        .map(|(sig, path)| {
            let signature = Signature::parse(sig).expect("fixture signature");
            let condition = if path.ends_with(".length") || sig.starts_with('f') {
                json!({ "param": path, "condition": "lte", "value": 1_000_000 })
            } else {
                json!({ "param": path, "quantifier": "none", "condition": "eq", "value": "0xdead" })
            };
            let session = Session::from_json(
                &json!({ "actions": [{
                    "target": TARGET.to_string(), "selector": sig, "rules": [condition]
                }] })
                .to_string(),
            )
            .expect("fixture session");
            Compiled {
                path: ParamPath::parse(&signature, path).expect("fixture path"),
                selector: signature.selector().0,
                session,
            }
        })
        .collect()
});

#[derive(Arbitrary, Debug)]
struct Input {
    which: u8,
    /// Aliased arrays of this shape, or the raw bytes when `None`.
    aliased: Option<(u8, u8, u8)>,
    edits: Vec<(u16, u8)>,
    budget: u16,
    raw: Vec<u8>,
}

/// `levels` levels of arrays below `x`: `n` distinct arrays at the first, then `m` arrays of `m`
/// elements shared by every array above them, the last level empty.
fn aliased(levels: usize, n: usize, m: usize) -> Vec<u8> {
    let mut below: Vec<Vec<usize>> = Vec::new();
    let mut start = 32 + 32 * (1 + n);
    for level in 0..levels {
        let (count, len) = match level {
            0 => (n, m),
            l if l + 1 == levels => (m, 0),
            _ => (m, m),
        };
        below.push((0..count).map(|i| start + i * 32 * (1 + len)).collect());
        start += count * 32 * (1 + len);
    }
    let mut words = vec![U256::from(32)];
    let mut emit = |at: usize, targets: &[usize]| {
        words.push(U256::from(targets.len()));
        words.extend(targets.iter().map(|t| U256::from(t - (at + 32))));
    };
    emit(32, &below[0]);
    for level in 0..levels {
        let next = below.get(level + 1).cloned().unwrap_or_default();
        for at in &below[level] {
            emit(*at, &next);
        }
    }
    words.iter().flat_map(|w| w.to_be_bytes::<32>()).collect()
}

fuzz_target!(|input: Input| {
    let compiled = &COMPILED[usize::from(input.which) % PATHS.len()];
    let mut data = compiled.selector.to_vec();
    match input.aliased {
        Some((levels, n, m)) => {
            let levels = 2 + usize::from(levels % 4);
            data.extend(aliased(
                levels,
                1 + usize::from(n % 12),
                1 + usize::from(m % 12),
            ));
        }
        None => data.extend_from_slice(&input.raw),
    }
    for (at, byte) in input.edits.iter().take(16) {
        if let Some(b) = data.get_mut(usize::from(*at)) {
            *b = *byte;
        }
    }
    let budget = u32::from(input.budget);
    let work = Work::new(budget);
    let mut leaves = 0u32;
    let walked = compiled.path.visit_within(&data, &work, |_, _| {
        leaves += 1;
        ControlFlow::Continue(())
    });
    assert!(work.spent() <= budget, "spent {} of {budget}", work.spent());
    assert!(
        leaves <= work.spent(),
        "{leaves} leaves in {} steps",
        work.spent()
    );
    let spent = work.spent();
    match walked {
        Err(DecodeError::WorkExhausted { .. }) => assert_eq!(work.left(), 0),
        Ok(()) => {
            let again = Work::new(spent);
            assert_eq!(
                compiled
                    .path
                    .visit_within(&data, &again, |_, _| ControlFlow::Continue(())),
                Ok(())
            );
            if spent > 0 {
                let short = Work::new(spent - 1);
                let out = compiled
                    .path
                    .visit_within(&data, &short, |_, _| ControlFlow::Continue(()));
                assert!(
                    matches!(out, Err(DecodeError::WorkExhausted { .. })),
                    "{out:?}"
                );
            }
        }
        Err(_) => {}
    }
    let ctx = Context {
        now: 1,
        chain_id: 1,
        account: Some(Address::with_last_byte(0xac)),
    };
    let call = Call {
        to: TARGET,
        value: U256::ZERO,
        data: &data,
    };
    invariants::evaluate(&compiled.session, &[call], &MemoryLedger::new(), &ctx);
});
