//! Property: for any session built from pools of real addresses, signatures and limits, and any
//! batch and ledger, evaluation keeps the verdict invariants, an allow's effects apply to the
//! ledger, and evaluating the same batch again against the updated ledger keeps them too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessiongate::Session;
use sessiongate_fuzz::{invariants, structured::Input};

fuzz_target!(|input: Input| {
    let built = input.build();
    let Ok(session) = Session::compile(&built.doc) else {
        return;
    };
    let calls = built.calls();
    let mut ledger = built.ledger.clone();
    let verdict = invariants::evaluate(&session, &calls, &ledger, &built.ctx);
    if verdict.is_allow() {
        if let Err(e) = ledger.apply(&verdict.effects) {
            panic!("an allow's effects do not apply to its own ledger: {e}\n{verdict:#?}");
        }
        invariants::evaluate(&session, &calls, &ledger, &built.ctx);
    }
});
