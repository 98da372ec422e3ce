//! The worst inputs we can build against the work and memory bounds (see `hostile.rs` in the
//! fixtures): aliased arrays under five `[*]`, 256 calls against 256 alternatives each (checked and
//! explained), 256 calls charging 1,000 session limits. Each must be decided well under 100 ms.
//! Run with `cargo bench -p sessiongate-benches --bench hostile`.

use criterion::{Criterion, criterion_group, criterion_main};
use sessiongate::MemoryLedger;
use sessiongate_benches::hostile::{cases, context};
use std::hint::black_box;
use std::time::Duration;

fn hostile(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(3));
    let (ledger, ctx) = (MemoryLedger::new(), context());
    for case in cases() {
        let calls = case.calls();
        let verdict = case.session.evaluate(&calls, &ledger, &ctx, case.mode);
        assert_eq!(verdict.is_allow(), case.allow, "{}: {verdict}", case.name);
        group.bench_function(case.name, |b| {
            b.iter(|| {
                let verdict = case
                    .session
                    .evaluate(black_box(&calls), &ledger, &ctx, case.mode);
                black_box(verdict.is_allow())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, hostile);
criterion_main!(benches);
