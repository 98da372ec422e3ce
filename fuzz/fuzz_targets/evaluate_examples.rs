//! Property: on every shipped example session, any call gets a verdict that explains itself, and
//! check and explain agree; allowed calls are committed and repeated until a limit bites.
#![no_main]

use alloy_primitives::Address;
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sessiongate::{Call, Context, MemoryLedger};
use sessiongate_fuzz::{Amount, examples, examples::Example, invariants};

#[derive(Arbitrary, Debug)]
struct Input {
    example: u8,
    to: Pick<[u8; 20]>,
    value: Amount,
    selector: Option<Pick<[u8; 4]>>,
    words: Vec<Pick<Amount>>,
    tail: Vec<u8>,
    now: Pick<u64>,
    /// 0 asks for another chain than the example's; anything else, its own.
    chain: u8,
    account: Option<Pick<[u8; 20]>>,
    repeat: u8,
}

/// A value from the example's own (`Known(i)`), or any value.
#[derive(Arbitrary, Debug)]
enum Pick<T> {
    Known(u8),
    Any(T),
}

fn pick<T: Copy, U>(from: &[T], choice: &Pick<U>, any: impl FnOnce(&U) -> T) -> Option<T> {
    match choice {
        Pick::Known(i) if !from.is_empty() => from.get(usize::from(*i) % from.len()).copied(),
        Pick::Known(_) => None,
        Pick::Any(v) => Some(any(v)),
    }
}

fn calldata(input: &Input, ex: &Example) -> Vec<u8> {
    let mut data = Vec::new();
    if let Some(s) = &input.selector {
        data.extend(pick(&ex.selectors, s, |raw| *raw).unwrap_or_default());
    }
    for word in &input.words {
        let w = pick(&ex.words, word, |a| a.get()).unwrap_or_default();
        data.extend(w.to_be_bytes::<32>());
    }
    data.extend(&input.tail);
    data
}

fuzz_target!(|input: Input| {
    let all = examples::all();
    let Some(ex) = all.get(usize::from(input.example) % all.len().max(1)) else {
        return;
    };
    let address = |raw: &[u8; 20]| Address::from(*raw);
    let to = pick(&ex.addresses, &input.to, address).unwrap_or_default();
    let data = calldata(&input, ex);
    let call = Call {
        to,
        value: input.value.get(),
        data: &data,
    };
    let ctx = Context {
        now: pick(&ex.times, &input.now, |t| *t).unwrap_or_default(),
        chain_id: ex.chain_id.wrapping_add(u64::from(input.chain == 0)),
        account: input
            .account
            .as_ref()
            .and_then(|a| pick(&ex.addresses, a, address)),
    };
    let mut ledger = MemoryLedger::new();
    for _ in 0..=input.repeat % 4 {
        let verdict = invariants::evaluate(&ex.session, &[call], &ledger, &ctx);
        if !verdict.is_allow() {
            break;
        }
        assert!(
            ledger.apply(&verdict.effects).is_ok(),
            "{}: effects do not apply",
            ex.name
        );
    }
});
