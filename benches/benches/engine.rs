//! The engine against hand-written alloy baselines on one ERC-20 transfer check, plus lookup in a
//! 10,000-action session, batching and compiling. Run with
//! `cargo bench -p sessiongate-benches --bench engine`.

use criterion::{Criterion, criterion_group, criterion_main};
use sessiongate::{Call, Mode, Session, Verdict};
use sessiongate_benches::baseline::{DynTransfer, check_sol};
use sessiongate_benches::fixtures::*;
use std::hint::black_box;

fn session(other_actions: usize) -> Session {
    Session::from_json(&transfer_session_json(other_actions)).expect("fixture session compiles")
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

fn transfer(c: &mut Criterion) {
    let data = allowed_calldata();
    let calls = [token_call(&data)];
    let one = session(0);
    bench_evaluate_into(c, "transfer_check", &one, &calls);
    let (ledger, ctx) = (ledger(&one), context());
    c.bench_function("transfer_check_via_check", |b| {
        b.iter(|| black_box(&one).check(black_box(&calls), black_box(&ledger), black_box(&ctx)))
    });
    let many = session(9_999);
    assert_eq!(many.action_count(), 10_000);
    bench_evaluate_into(c, "transfer_check_10k_actions", &many, &calls);
}

fn batch(c: &mut Criterion) {
    let data = batch_calldata();
    let calls = token_calls(&data);
    let one = session(0);
    bench_evaluate_into(c, "batch_10", &one, &calls);
    let (ledger, ctx) = (ledger(&one), context());
    let mut verdict = Verdict::default();
    c.bench_function("ten_single_checks", |b| {
        b.iter(|| {
            let mut allowed = true;
            for call in black_box(calls.as_slice()).chunks(1) {
                one.evaluate_into(call, &ledger, &ctx, Mode::Fast, &mut verdict);
                allowed &= verdict.is_allow();
            }
            black_box(allowed)
        })
    });
}

fn compile(c: &mut Criterion) {
    Session::from_json(TYPICAL_SESSION).expect("typical session compiles");
    c.bench_function("compile_typical", |b| {
        b.iter(|| Session::from_json(black_box(TYPICAL_SESSION)))
    });
}

fn baselines(c: &mut Criterion) {
    let data = allowed_calldata();
    let call = token_call(&data);
    let one = session(0);
    let (ledger, limits, spent) = (ledger(&one), TransferLimits::FIXTURE, one.key(SPEND_KEY));
    assert!(check_sol(&limits, &call, &ledger, &spent, NOW).is_some());
    c.bench_function("baseline_sol", |b| {
        b.iter(|| {
            check_sol(
                black_box(&limits),
                black_box(&call),
                black_box(&ledger),
                black_box(&spent),
                black_box(NOW),
            )
        })
    });
    let dynamic = DynTransfer::new().expect("signature parses");
    assert!(
        dynamic
            .check(&limits, &call, &ledger, &spent, NOW)
            .is_some()
    );
    c.bench_function("baseline_dyn_abi", |b| {
        b.iter(|| {
            dynamic.check(
                black_box(&limits),
                black_box(&call),
                black_box(&ledger),
                black_box(&spent),
                black_box(NOW),
            )
        })
    });
}

criterion_group!(engine, transfer, batch, compile, baselines);
criterion_main!(engine);
