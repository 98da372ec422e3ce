//! Heap allocations of evaluation, counted by a wrapping global allocator: with a reused
//! `Verdict`, an allowed transfer check allocates nothing once warmed up.

use sessiongate::{Call, Mode, Reason, Session, Verdict};
use sessiongate_benches::fixtures::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// `System`, counting the allocations (and reallocations) of the current thread, so tests
/// running in parallel do not see each other's.
struct Counting;

thread_local! {
    // Const-initialized and without a destructor: reading it never allocates.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    /// Bytes allocated and not yet freed by this thread, and the most there have been.
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count_one() {
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

fn track(bytes: isize) {
    let _ = LIVE.try_with(|live| {
        live.set(live.get() + bytes);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(live.get())));
    });
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; counting
// touches only a thread-local cell.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        track(layout.size() as isize);
        // SAFETY: forwarded from the caller, who upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        track(layout.size() as isize);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        track(new_size as isize - layout.size() as isize);
        // SAFETY: `ptr` was allocated by `System` through this wrapper with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        track(-(layout.size() as isize));
        // SAFETY: `ptr` was allocated by `System` through this wrapper with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations `f` makes on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = f();
    (ALLOCATIONS.with(Cell::get) - before, out)
}

/// The most bytes `f` had allocated at once on this thread, beyond what was live before it.
fn peak_bytes<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(start));
    let out = f();
    (PEAK.with(Cell::get).saturating_sub(start) as usize, out)
}

/// The worst inputs of `hostile.rs` stay far below 64 MB while decided.
#[test]
fn hostile_inputs_are_decided_in_bounded_memory() {
    use sessiongate::MemoryLedger;
    use sessiongate_benches::hostile::{cases, context};
    let (ledger, ctx) = (MemoryLedger::new(), context());
    for case in cases() {
        let calls = case.calls();
        let (peak, verdict) =
            peak_bytes(|| case.session.evaluate(&calls, &ledger, &ctx, case.mode));
        assert_eq!(verdict.is_allow(), case.allow, "{}: {verdict}", case.name);
        eprintln!(
            "{}: peak {peak} bytes, {} violations kept, {} omitted",
            case.name,
            verdict.violations.len(),
            verdict.omitted
        );
        assert!(peak < 64 << 20, "{}: {peak} bytes", case.name);
    }
}

fn session(other_actions: usize) -> Session {
    Session::from_json(&transfer_session_json(other_actions)).unwrap()
}

/// Allocations of 100 `evaluate_into` runs after one warm-up, asserting each allows.
fn steady_state_allocations(session: &Session, calls: &[Call<'_>]) -> usize {
    let (ledger, ctx) = (ledger(session), context());
    let mut verdict = Verdict::default();
    session.evaluate_into(calls, &ledger, &ctx, Mode::Fast, &mut verdict);
    assert!(verdict.is_allow(), "{verdict}");
    let (count, allowed) = allocations(|| {
        (0..100).all(|_| {
            session.evaluate_into(calls, &ledger, &ctx, Mode::Fast, &mut verdict);
            verdict.is_allow()
        })
    });
    assert!(allowed, "{verdict}");
    assert_eq!(verdict.allowed_by.len(), calls.len());
    assert!(!verdict.effects.is_empty());
    count
}

#[test]
fn counter_sees_allocations() {
    let (count, v) = allocations(|| Vec::<u64>::with_capacity(std::hint::black_box(4)));
    assert_eq!(count, 1);
    drop(v);
}

#[test]
fn single_transfer_allow_allocates_nothing() {
    let data = allowed_calldata();
    let count = steady_state_allocations(&session(0), &[token_call(&data)]);
    assert_eq!(count, 0);
}

#[test]
fn ten_thousand_action_allow_allocates_nothing() {
    let data = allowed_calldata();
    let many = session(9_999);
    assert_eq!(many.action_count(), 10_000);
    let count = steady_state_allocations(&many, &[token_call(&data)]);
    assert_eq!(count, 0);
}

#[test]
fn batch_of_ten_allow_allocates_nothing() {
    let data = batch_calldata();
    let calls = token_calls(&data);
    assert_eq!(calls.len(), BATCH_LEN);
    let count = steady_state_allocations(&session(0), &calls);
    assert_eq!(count, 0);
}

/// `check` builds a fresh verdict: one buffer each for `allowed_by`, `effects` and `reads`.
#[test]
fn check_allocates_only_its_verdict_buffers() {
    let one = session(0);
    let (ledger, ctx) = (ledger(&one), context());
    let data = allowed_calldata();
    let calls = [token_call(&data)];
    assert!(one.check(&calls, &ledger, &ctx).is_allow());
    let (count, verdict) = allocations(|| one.check(&calls, &ledger, &ctx));
    assert!(verdict.is_allow(), "{verdict}");
    eprintln!("Session::check, allow: {count} allocations");
    assert!(count <= 3, "{count} allocations");
}

/// A deny builds its violation (an `Expected` with a value list): allowed to allocate, and the
/// reused verdict still allows without allocating afterwards.
#[test]
fn deny_may_allocate_and_the_verdict_stays_reusable() {
    // The verdict borrows from the session, so the helper names that lifetime.
    fn run<'s>(s: &'s Session, calls: &[Call<'_>], verdict: &mut Verdict<'s>) -> usize {
        let (ledger, ctx) = (ledger(s), context());
        allocations(|| s.evaluate_into(calls, &ledger, &ctx, Mode::Fast, verdict)).0
    }
    let one = session(0);
    let (ok, over) = (allowed_calldata(), transfer_calldata(PAYEE, 10_000_001));
    let (allowed, denied) = ([token_call(&ok)], [token_call(&over)]);
    let mut verdict = Verdict::default();
    run(&one, &allowed, &mut verdict);
    run(&one, &denied, &mut verdict);
    let deny = run(&one, &denied, &mut verdict);
    eprintln!("evaluate_into, deny: {deny} allocations");
    let allow = run(&one, &allowed, &mut verdict);
    assert_eq!(allow, 0);
    assert!(verdict.is_allow(), "{verdict}");
    run(&one, &denied, &mut verdict);
    assert!(!verdict.is_allow());
    assert!(
        matches!(verdict.violations[0].reason, Reason::Condition { .. }),
        "{verdict}"
    );
}

/// Allocations of 100 `evaluate_into` runs of one call after one warm-up, asserting each
/// allows; unlike [`steady_state_allocations`], the session may have no budget (no effects).
fn steady_state_allocations_of(session: &Session, call: Call<'_>) -> usize {
    let calls = [call];
    let (ledger, ctx) = (ledger(session), context());
    let mut verdict = Verdict::default();
    session.evaluate_into(&calls, &ledger, &ctx, Mode::Fast, &mut verdict);
    assert!(verdict.is_allow(), "{verdict}");
    let (count, allowed) = allocations(|| {
        (0..100).all(|_| {
            session.evaluate_into(&calls, &ledger, &ctx, Mode::Fast, &mut verdict);
            verdict.is_allow()
        })
    });
    assert!(allowed, "{verdict}");
    assert_eq!(verdict.allowed_by.len(), 1);
    count
}

/// `path.length`, `path[0]`, every `path[*]` one of 8 tokens and `to` related to the account,
/// over a 6-token path: the strict decoder reads in place.
#[test]
fn five_hop_swap_path_allow_allocates_nothing() {
    let session = Session::from_json(&swap_session_json()).unwrap();
    let data = swap_calldata();
    let count = steady_state_allocations_of(&session, router_call(&data));
    assert_eq!(count, 0);
}

/// Two `every` quantifiers over 50 elements each (a 50-address `one_of` and a cap).
#[test]
fn every_over_fifty_elements_allow_allocates_nothing() {
    let session = Session::from_json(&payroll_session_json()).unwrap();
    let data = payroll_calldata();
    let count = steady_state_allocations_of(&session, payroll_call(&data));
    assert_eq!(count, 0);
}

/// Multicall3 wrapping ten transfers: each inner call is judged by the transfer action and
/// its spend folds into one effect; the inner calls borrow the outer calldata.
#[test]
fn multicall_of_ten_transfers_allow_allocates_nothing() {
    let session = Session::from_json(&multicall_session_json()).unwrap();
    let data = multicall_calldata();
    let calls = [multicall_call(&data)];
    let count = steady_state_allocations(&session, &calls);
    assert_eq!(count, 0);
}

/// A deny inside the multicall (the seventh transfer to a stranger) names the inner call, and
/// the reused verdict allows the good multicall again without allocating.
#[test]
fn multicall_deny_then_allow_allocates_nothing_on_the_allow() {
    let session = Session::from_json(&multicall_session_json()).unwrap();
    let (ledger, ctx) = (ledger(&session), context());
    let mut inner = batch_calldata();
    inner[6] = transfer_calldata(ACCOUNT, AMOUNT);
    let (good, bad) = (multicall_calldata(), multicall_calldata_with(TOKEN, &inner));
    let (allowed, denied) = ([multicall_call(&good)], [multicall_call(&bad)]);
    let mut verdict = Verdict::default();
    for _ in 0..2 {
        session.evaluate_into(&allowed, &ledger, &ctx, Mode::Fast, &mut verdict);
        session.evaluate_into(&denied, &ledger, &ctx, Mode::Fast, &mut verdict);
    }
    assert!(!verdict.is_allow());
    assert_eq!(verdict.violations[0].inner.as_slice(), &[6], "{verdict}");
    let (count, ()) =
        allocations(|| session.evaluate_into(&allowed, &ledger, &ctx, Mode::Fast, &mut verdict));
    assert!(verdict.is_allow(), "{verdict}");
    assert_eq!(count, 0);
}

/// The example folders (each with a session, a scenario and a `tx-allow.json`).
fn example_folders() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut folders: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("tx-allow.json").is_file())
        .collect();
    folders.sort();
    folders
}

#[test]
fn every_examples_allowed_transaction_allocates_nothing() {
    let folders = example_folders();
    assert!(folders.len() >= 10, "{folders:?}");
    for folder in folders {
        let read = |name: &str| std::fs::read_to_string(folder.join(name)).unwrap();
        let session = Session::from_json(&read("session.json")).unwrap();
        let scenario: serde_json::Value = serde_json::from_str(&read("scenario.json")).unwrap();
        let ctx = sessiongate::Context {
            now: scenario["steps"][0]["now"].as_u64().unwrap(),
            chain_id: scenario["chain_id"].as_u64().unwrap_or(1),
            account: scenario["account"].as_str().map(|a| a.parse().unwrap()),
        };
        let tx = sessiongate::Transaction::from_json(&read("tx-allow.json")).unwrap();
        let calls = tx.as_calls();
        assert!(
            calls.iter().all(|c| Some(c.to) != ctx.account),
            "{folder:?}: a call to the account takes the account-calldata path"
        );
        let ledger = sessiongate::MemoryLedger::new();
        let mut verdict = Verdict::default();
        session.evaluate_into(&calls, &ledger, &ctx, Mode::Fast, &mut verdict);
        assert!(verdict.is_allow(), "{folder:?}: {verdict}");
        let (count, allowed) = allocations(|| {
            (0..20).all(|_| {
                session.evaluate_into(&calls, &ledger, &ctx, Mode::Fast, &mut verdict);
                verdict.is_allow()
            })
        });
        assert!(allowed, "{folder:?}: {verdict}");
        assert_eq!(count, 0, "{folder:?} allocates on its allowed transaction");
    }
}

#[test]
fn applying_an_allow_to_counters_that_exist_allocates_nothing() {
    let session = session(0);
    let data = batch_calldata();
    let calls = token_calls(&data);
    let (mut ledger, ctx) = (ledger(&session), context());
    let mut verdict = Verdict::default();
    session.evaluate_into(&calls, &ledger, &ctx, Mode::Fast, &mut verdict);
    assert!(verdict.is_allow(), "{verdict}");
    // The first apply creates the counters, which owns their keys.
    ledger.commit(&verdict.reads, &verdict.effects).unwrap();
    session.evaluate_into(&calls, &ledger, &ctx, Mode::Fast, &mut verdict);
    assert!(verdict.is_allow(), "{verdict}");
    let (count, applied) = allocations(|| ledger.commit(&verdict.reads, &verdict.effects));
    applied.unwrap();
    assert_eq!(count, 0);
}

#[test]
fn replica_stream_allows_allocate_nothing() {
    use sessiongate_benches::replica::{Fleet, decide};
    let fleet = Fleet::load(10);
    let calls = fleet.calls();
    let stream = fleet.stream(2_000, 7);
    let ledger = sessiongate::MemoryLedger::new();
    let mut verdict = Verdict::default();
    for check in &stream {
        decide(&fleet, &calls, *check, &ledger, &mut verdict);
    }
    let (mut on_allows, mut on_denies, mut denies) = (0, 0, 0);
    for check in &stream {
        let (count, allowed) =
            allocations(|| decide(&fleet, &calls, *check, &ledger, &mut verdict));
        assert_eq!(allowed, check.tx == 0, "{check:?}: {verdict}");
        if allowed {
            on_allows += count;
        } else {
            on_denies += count;
            denies += 1;
        }
    }
    println!(
        "replica stream of {}: {on_allows} allocations on {} allows, {on_denies} on {denies} denies ({:.2} per check)",
        stream.len(),
        stream.len() - denies,
        (on_allows + on_denies) as f64 / stream.len() as f64
    );
    assert_eq!(on_allows, 0);
}
