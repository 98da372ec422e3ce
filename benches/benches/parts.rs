//! Where the transfer check's time goes: the same check with parts of the session removed, and
//! the building blocks it uses (ledger read, word validation, index lookup, `Arc` refcounting).
//! Diagnostics for `engine`; run with `cargo bench -p sessiongate-benches --bench parts`.

use alloy_primitives::{U256, map::HashMap};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use sessiongate::calldata::{Selector, WordType, read_word};
use sessiongate::document::Target;
use sessiongate::{Ledger, Mode, Session, Verdict};
use sessiongate_benches::fixtures::*;
use std::hint::black_box;
use std::sync::Arc;

/// The transfer session with only the given selector, rules and policies.
fn variant(selector: &str, rules: serde_json::Value, policies: serde_json::Value) -> Session {
    let doc = json!({
        "actions": [{
            "name": ACTION,
            "target": TOKEN.to_string(),
            "selector": selector,
            "rules": rules,
            "policies": policies
        }]
    });
    Session::from_json(&doc.to_string()).expect("variant compiles")
}

/// The full check, then the same check with parts removed one by one.
fn ablation(c: &mut Criterion) {
    let limits = TransferLimits::FIXTURE;
    let signature = "transfer(address to, uint256 amount)";
    let rules = json!([
        { "param": "to", "condition": "eq", "value": limits.payee.to_string() },
        { "param": "amount", "condition": "lte", "value": limits.amount_cap.to_string() }
    ]);
    let raw_rules = json!([
        { "offset": 0, "type": "address", "condition": "eq", "value": limits.payee.to_string() },
        { "offset": 32, "condition": "lte", "value": limits.amount_cap.to_string() }
    ]);
    let spend = json!([
        { "type": "spend_limit", "token": TOKEN.to_string(), "limit": limits.spend_cap.to_string() }
    ]);
    let sudo = json!([{ "type": "sudo" }]);
    let variants = [
        (
            "full",
            Session::from_json(&transfer_session_json(0)).expect("compiles"),
        ),
        (
            "sudo_hex_selector",
            variant("0xa9059cbb", json!([]), sudo.clone()),
        ),
        ("sudo_signature", variant(signature, json!([]), sudo)),
        (
            "rules_signature",
            variant(signature, rules.clone(), json!([])),
        ),
        (
            "rules_hex_selector",
            variant("0xa9059cbb", raw_rules, json!([])),
        ),
        (
            "spend_limit_only",
            variant("0xa9059cbb", json!([]), spend.clone()),
        ),
        ("rules_and_spend_limit", variant(signature, rules, spend)),
    ];
    let data = allowed_calldata();
    let calls = [token_call(&data)];
    let ctx = context();
    let mut verdict = Verdict::default();
    for (name, session) in &variants {
        let ledger = ledger(session);
        session.evaluate_into(&calls, &ledger, &ctx, Mode::Fast, &mut verdict);
        assert!(verdict.is_allow(), "{name}: {verdict}");
        c.bench_function(&format!("ablation/{name}"), |b| {
            b.iter(|| {
                session.evaluate_into(black_box(&calls), &ledger, &ctx, Mode::Fast, &mut verdict);
                black_box(verdict.is_allow())
            })
        });
    }
}

fn blocks(c: &mut Criterion) {
    let session = Session::from_json(&transfer_session_json(0)).expect("fixture compiles");
    let (ledger, key) = (ledger(&session), session.key(SPEND_KEY));
    c.bench_function("parts/ledger_read", |b| {
        b.iter(|| black_box(&ledger).read(black_box(&key)))
    });
    let label: Arc<str> = Arc::from(ACTION);
    c.bench_function("parts/arc_clone_drop", |b| {
        b.iter(|| drop(black_box(Arc::clone(black_box(&label)))))
    });
    let data = allowed_calldata();
    c.bench_function("parts/read_word", |b| {
        b.iter(|| read_word(black_box(&data), black_box(36)))
    });
    let word = read_word(&data, 4).expect("a word");
    for (name, ty) in [
        ("address", WordType::Address),
        ("uint256", WordType::Uint(256)),
    ] {
        c.bench_function(&format!("parts/is_valid_{name}"), |b| {
            b.iter(|| black_box(ty).is_valid(black_box(&word)))
        });
    }
    let masked = U256::MAX.wrapping_shr(96);
    c.bench_function("parts/mask_check_address", |b| {
        b.iter(|| (black_box(word) & !black_box(masked)).is_zero())
    });
    let mut index: HashMap<(Target, Option<Selector>), u32> = HashMap::default();
    index.insert(
        (
            Target::Address(TOKEN),
            Some(Selector::from([0xa9, 0x05, 0x9c, 0xbb])),
        ),
        0,
    );
    let wanted = (
        Target::Address(TOKEN),
        Some(Selector::from([0xa9, 0x05, 0x9c, 0xbb])),
    );
    c.bench_function("parts/index_lookup", |b| {
        b.iter(|| black_box(&index).get(black_box(&wanted)).copied())
    });
}

criterion_group!(parts, ablation, blocks);
criterion_main!(parts);
