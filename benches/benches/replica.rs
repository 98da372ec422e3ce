//! A relayer replica on one core: 1,000 sessions compiled from every example in `examples/` (ten
//! documents in their own formats, 100 copies each) and a seeded stream of 10,000 of their sample
//! transactions, four allowed to one denied, decided into one reused verdict against one ledger.
//! Criterion reports the stream's checks per second. Run with
//! `cargo bench -p sessiongate-benches --bench replica`; allocations per check are counted by
//! `cargo test -p sessiongate-benches --test alloc replica -- --nocapture`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sessiongate::{MemoryLedger, Verdict};
use sessiongate_benches::replica::{Fleet, decide};
use std::hint::black_box;

/// Copies of each example's session.
const COPIES: usize = 100;
/// Checks in the stream.
const STREAM: usize = 10_000;
/// The stream's seed.
const SEED: u64 = 0x5e55_1090;

fn replica(c: &mut Criterion) {
    let fleet = Fleet::load(COPIES);
    assert!(
        fleet.sessions.len() >= 1_000,
        "{} sessions",
        fleet.sessions.len()
    );
    let calls = fleet.calls();
    let stream = fleet.stream(STREAM, SEED);
    let ledger = MemoryLedger::new();
    let mut verdict = Verdict::default();
    // Every check gets the verdict its file name says, so the stream is 80/20 in fact.
    let allowed = stream
        .iter()
        .filter(|check| {
            let allow = decide(&fleet, &calls, **check, &ledger, &mut verdict);
            assert_eq!(allow, check.tx == 0, "{check:?}: {verdict}");
            allow
        })
        .count();
    assert!(
        (7_500..=8_500).contains(&allowed),
        "{allowed} allowed of {STREAM}"
    );
    let mut group = c.benchmark_group("replica");
    group.throughput(Throughput::Elements(STREAM as u64));
    group.bench_function("mixed_1000_sessions", |b| {
        b.iter(|| {
            let mut allowed = 0usize;
            for check in black_box(&stream) {
                allowed += usize::from(decide(&fleet, &calls, *check, &ledger, &mut verdict));
            }
            black_box(allowed)
        })
    });
    group.finish();
}

criterion_group!(benches, replica);
criterion_main!(benches);
