//! What every verdict must satisfy, whatever the session and calls: the fast and explain paths
//! decide alike, a deny explains itself and records nothing, an allow names an action per call.

use sessiongate::account::{self, AccountKind, Unwrapped};
use sessiongate::{Call, Context, Decision, Ledger, Mode, Op, Session, Verdict};

/// Evaluates `calls` on both paths (and into a dirty reused verdict), asserts the invariants,
/// and returns the fast verdict.
pub fn evaluate<'s, L: Ledger + ?Sized>(
    session: &'s Session,
    calls: &[Call<'_>],
    ledger: &L,
    ctx: &Context,
) -> Verdict<'s> {
    let fast = session.check(calls, ledger, ctx);
    let full = session.explain(calls, ledger, ctx);
    assert_eq!(
        fast.decision, full.decision,
        "check and explain disagree\ncheck: {fast:#?}\nexplain: {full:#?}"
    );
    well_formed(&fast, calls.len());
    well_formed(&full, calls.len());
    if fast.is_allow() {
        // Both paths try the same candidates in the same order, so an allow is the same allow.
        assert_eq!(fast.allowed_by, full.allowed_by, "allowing actions differ");
        assert_eq!(fast.effects, full.effects, "effects differ");
    }
    // A reused verdict must not leak what it held before.
    let mut reused = full.clone();
    session.evaluate_into(calls, ledger, ctx, Mode::Fast, &mut reused);
    assert_eq!(
        reused, fast,
        "evaluate_into on a reused verdict differs from check"
    );
    fast
}

/// Evaluates account calldata on both paths, asserts they decide alike and that each verdict is
/// well formed for the number of calls the calldata unwraps to, and returns the fast verdict.
pub fn account_calldata<'s, L: Ledger + ?Sized>(
    session: &'s Session,
    calldata: &[u8],
    kind: Option<AccountKind>,
    ledger: &L,
    ctx: &Context,
) -> Verdict<'s> {
    let fast = session.evaluate_account_calldata(calldata, kind, ledger, ctx, Mode::Fast);
    let full = session.evaluate_account_calldata(calldata, kind, ledger, ctx, Mode::Explain);
    assert_eq!(
        fast.decision, full.decision,
        "account calldata: check and explain disagree\ncheck: {fast:#?}\nexplain: {full:#?}"
    );
    // The session's own encoding wins over `kind`, which wins over detection.
    let unwrapped = match session.account_kind().or(kind) {
        Some(kind) => account::unwrap(kind, calldata),
        None => account::detect(calldata).and_then(|kind| account::unwrap(kind, calldata)),
    };
    let calls = match &unwrapped {
        Ok(Unwrapped::Calls(calls)) => calls.len(),
        Ok(Unwrapped::AccountCall(_)) | Err(_) => 1,
    };
    if unwrapped.is_err() {
        assert!(!fast.is_allow(), "calldata that does not unwrap is allowed");
    }
    well_formed(&fast, calls);
    well_formed(&full, calls);
    if fast.is_allow() {
        assert_eq!(fast.allowed_by, full.allowed_by, "allowing actions differ");
        assert_eq!(fast.effects, full.effects, "effects differ");
    }
    fast
}

fn well_formed(verdict: &Verdict<'_>, calls: usize) {
    match verdict.decision {
        Decision::Deny => {
            assert!(!verdict.violations.is_empty(), "deny without a violation");
            assert!(verdict.effects.is_empty(), "deny with effects: {verdict:?}");
            assert!(verdict.allowed_by.is_empty(), "deny naming actions");
        }
        Decision::Allow => {
            assert!(verdict.violations.is_empty(), "allow with violations");
            assert_eq!(
                verdict.allowed_by.len(),
                calls,
                "allow must name one action per call"
            );
            assert!(
                verdict
                    .effects
                    .iter()
                    .all(|e| e.op != Op::Add(alloy_primitives::U256::ZERO)),
                "zero effect"
            );
        }
    }
    for violation in &verdict.violations {
        assert!(!violation.to_string().is_empty(), "empty violation text");
        assert!(
            violation.call < calls.max(1),
            "violation names call {}",
            violation.call
        );
    }
    assert!(!verdict.to_string().is_empty(), "empty verdict text");
    assert!(
        serde_json::to_string(verdict).is_ok(),
        "verdict does not serialize"
    );
}
