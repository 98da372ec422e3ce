//! The native rule syntax on real call shapes: a Uniswap V2 swap along a 5-hop path (array
//! length, an element, every element, a relation to the account), a 50-recipient payroll (two
//! `every` quantifiers over 50 elements) and Multicall3 wrapping ten transfers (nested calldata,
//! each inner call judged by the `transfer_check` action), next to `transfer_check` itself for
//! the ratio. Run with `cargo bench -p sessiongate-benches --bench rules`.

use criterion::{Criterion, criterion_group, criterion_main};
use sessiongate::{Call, Mode, Session, Verdict};
use sessiongate_benches::fixtures::*;
use std::hint::black_box;

fn compile(name: &str, json: &str) -> Session {
    Session::from_json(json).unwrap_or_else(|e| panic!("{name}: fixture session compiles: {e}"))
}

/// Evaluates with a reused verdict (the zero-allocation path) and checks the fixture allows.
fn bench_evaluate_into(c: &mut Criterion, name: &str, session: &Session, calls: &[Call<'_>]) {
    let (ledger, ctx) = (ledger(session), context());
    let mut verdict = Verdict::default();
    session.evaluate_into(calls, &ledger, &ctx, Mode::Fast, &mut verdict);
    assert!(verdict.is_allow(), "{name}: {verdict}");
    c.bench_function(name, |b| {
        b.iter(|| {
            session.evaluate_into(
                black_box(calls),
                black_box(&ledger),
                black_box(&ctx),
                Mode::Fast,
                &mut verdict,
            );
            black_box(verdict.is_allow())
        })
    });
}

/// The reference: one ERC-20 transfer check, as in the `engine` bench.
fn transfer(c: &mut Criterion) {
    let session = compile("transfer", &transfer_session_json(0));
    let data = allowed_calldata();
    bench_evaluate_into(c, "transfer_check", &session, &[token_call(&data)]);
}

/// `path.length <= 6`, `path[0] == USDC`, every `path[*]` one of 8 tokens, `to` the account,
/// `amountIn <= cap`, on a 6-token path.
fn swap_path(c: &mut Criterion) {
    let session = compile("swap", &swap_session_json());
    let data = swap_calldata();
    bench_evaluate_into(c, "swap_path_5_hops", &session, &[router_call(&data)]);
}

/// Every `recipients[*]` one of 50 addresses and every `amounts[*] <= cap`, 50 each.
fn every(c: &mut Criterion) {
    let session = compile("payroll", &payroll_session_json());
    let data = payroll_calldata();
    bench_evaluate_into(c, "every_50_elements", &session, &[payroll_call(&data)]);
}

/// Multicall3 `aggregate3` of ten USDC transfers, each judged by the transfer action.
fn multicall(c: &mut Criterion) {
    let session = compile("multicall", &multicall_session_json());
    let data = multicall_calldata();
    bench_evaluate_into(c, "multicall_10_inner", &session, &[multicall_call(&data)]);
}

criterion_group!(rules, transfer, swap_path, every, multicall);
criterion_main!(rules);
