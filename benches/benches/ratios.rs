//! The score of the hot path in one run: each figure timed here back to back (median of 51
//! batches of about a millisecond), then the ratios the performance targets are stated in,
//! printed as a table. Run with `cargo bench -p sessiongate-benches --bench ratios`; criterion's
//! `engine`, `rules` and `replica` benches measure the same things one at a time.

use sessiongate::{Call, Input, MemoryLedger, Mode, Session, Verdict};
use sessiongate_benches::baseline::{check_floor, check_multicall_sol, check_sol};
use sessiongate_benches::fixtures::*;
use sessiongate_benches::replica::{Fleet, decide};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Median nanoseconds per call of `f`, over 51 batches sized to about a millisecond each.
fn median_ns(mut f: impl FnMut()) -> f64 {
    let mut iters = 1u64;
    loop {
        let start = Instant::now();
        (0..iters).for_each(|_| f());
        if start.elapsed() >= Duration::from_millis(1) {
            break;
        }
        iters *= 2;
    }
    let mut samples: Vec<f64> = (0..51)
        .map(|_| {
            let start = Instant::now();
            (0..iters).for_each(|_| f());
            start.elapsed().as_nanos() as f64 / iters as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Nanoseconds per `evaluate_into` of these calls, after asserting they are allowed.
fn engine_ns(session: &Session, calls: &[Call<'_>]) -> f64 {
    let (ledger, ctx) = (ledger(session), context());
    let mut verdict = Verdict::default();
    session.evaluate_into(calls, &ledger, &ctx, Mode::Fast, &mut verdict);
    assert!(verdict.is_allow(), "{verdict}");
    median_ns(|| {
        session.evaluate_into(
            black_box(calls),
            black_box(&ledger),
            &ctx,
            Mode::Fast,
            &mut verdict,
        );
        black_box(verdict.is_allow());
    })
}

fn main() {
    let limits = TransferLimits::FIXTURE;
    let transfer = Session::from_json(&transfer_session_json(0)).expect("fixture compiles");
    let data = allowed_calldata();
    let call = token_call(&data);
    let ledger = ledger(&transfer);
    let spent_key = transfer.key(SPEND_KEY);
    let spent = ledger.get(&spent_key);
    assert!(check_floor(&limits, &call, spent, NOW).is_some());
    assert!(check_sol(&limits, &call, &ledger, &spent_key, NOW).is_some());

    let floor = median_ns(|| {
        black_box(check_floor(
            black_box(&limits),
            black_box(&call),
            black_box(spent),
            NOW,
        ));
    });
    let sol = median_ns(|| {
        black_box(check_sol(
            black_box(&limits),
            black_box(&call),
            &ledger,
            &spent_key,
            NOW,
        ));
    });
    let one = engine_ns(&transfer, &[call]);

    let batch_data = batch_calldata();
    let batch = token_calls(&batch_data);
    let batch_ns = engine_ns(&transfer, &batch);
    let singles: f64 = batch.chunks(1).map(|c| engine_ns(&transfer, c)).sum();

    let multicall = Session::from_json(&multicall_session_json()).expect("fixture compiles");
    let mc_data = multicall_calldata();
    let mc_call = multicall_call(&mc_data);
    let mc_ns = engine_ns(&multicall, &[mc_call]);
    let mc_ledger = sessiongate_benches::fixtures::ledger(&multicall);
    let mc_key = multicall.key(SPEND_KEY);
    assert!(check_multicall_sol(&limits, &mc_call, &mc_ledger, &mc_key, NOW).is_some());
    let mc_sol = median_ns(|| {
        black_box(check_multicall_sol(
            &limits,
            black_box(&mc_call),
            &mc_ledger,
            &mc_key,
            NOW,
        ));
    });

    let swap = Session::from_json(&swap_session_json()).expect("fixture compiles");
    let swap_data = swap_calldata();
    let swap_ns = engine_ns(&swap, &[router_call(&swap_data)]);
    let payroll = Session::from_json(&payroll_session_json()).expect("fixture compiles");
    let payroll_data = payroll_calldata();
    let every_ns = engine_ns(&payroll, &[payroll_call(&payroll_data)]);
    let compile_ns = median_ns(|| {
        black_box(Session::from_json(black_box(TYPICAL_SESSION)).is_ok());
    });

    let fleet = Fleet::load(100);
    let calls = fleet.calls();
    let stream = fleet.stream(10_000, 0x5e55_1090);
    let empty = MemoryLedger::new();
    let mut verdict = Verdict::default();
    let stream_ns = median_ns(|| {
        for check in &stream {
            black_box(decide(&fleet, &calls, *check, &empty, &mut verdict));
        }
    });
    let per_second = stream.len() as f64 / stream_ns * 1e9;
    // The user-operation entry point on one check, to show it next to the calls path.
    let input = Input::Calls(std::slice::from_ref(&call));
    let (ctx, mut v) = (context(), Verdict::default());
    let via_input = median_ns(|| {
        transfer.decide_into(black_box(input), &ledger, &ctx, Mode::Fast, &mut v);
        black_box(v.is_allow());
    });

    println!("| figure | value | target |");
    println!("| --- | ---: | ---: |");
    println!("| hand-written floor | {floor:.1} ns | |");
    println!("| `sol!` validated decode + compares (`baseline_sol`) | {sol:.1} ns | |");
    println!("| transfer check, `evaluate_into` | {one:.1} ns | |");
    println!("| transfer check, `decide_into(Input::Calls)` | {via_input:.1} ns | |");
    println!("| transfer check / floor | {:.2}× | ≤ 2.0× |", one / floor);
    println!("| transfer check / `sol!` | {:.2}× | ≤ 0.85× |", one / sol);
    println!("| multicall of 10 | {mc_ns:.0} ns | |");
    println!(
        "| multicall of 10 / `sol!` multicall | {:.2}× | |",
        mc_ns / mc_sol
    );
    println!(
        "| multicall of 10 / one transfer check | {:.1}× | ≤ 12× |",
        mc_ns / one
    );
    println!(
        "| batch of 10 / 10 single checks | {:.2}× | ≤ 1.0× |",
        batch_ns / singles
    );
    println!(
        "| relayer replica, {} sessions | {:.2} M/s | ≥ 10 M/s |",
        fleet.sessions.len(),
        per_second / 1e6
    );
    println!(
        "| compile the typical session | {:.1} µs | ≤ 12 µs |",
        compile_ns / 1e3
    );
    println!(
        "| `swap_path_5_hops`, `every_50_elements` | {swap_ns:.0} ns, {every_ns:.0} ns | ≤ 150 ns, ≤ 700 ns |"
    );
}
