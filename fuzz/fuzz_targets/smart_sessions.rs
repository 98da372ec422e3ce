//! Property: a random Smart Sessions session in the SDK's JSON shape loads or fails without a
//! panic; when it loads, every batch and every account calldata gets a well-formed verdict on
//! which check and explain agree, an allow's effects apply to the ledger, and the on-chain form
//! (`to_onchain`, through its JSON) loads too and gives the same decisions and effects. ERC-7579
//! calldata of a batch is judged exactly as the batch itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessiongate::account::AccountKind;
use sessiongate::formats::smart_sessions::{document::SdkSession, to_onchain};
use sessiongate::{Call, Context, MemoryLedger, Session};
use sessiongate_fuzz::account::OwnedCall;
use sessiongate_fuzz::invariants;
use sessiongate_fuzz::smart_sessions::{AccountData, Input};

/// Both forms of the session, or `None` when the SDK form does not load (after asserting that
/// the on-chain form fails alike).
fn load(text: &str) -> Option<(Session, Session)> {
    let sdk = Session::from_json(text);
    let Ok(doc) = serde_json::from_str::<SdkSession>(text) else {
        assert!(sdk.is_err(), "loaded, but is no SDK document: {text}");
        return None;
    };
    let json = serde_json::to_string(&doc).ok();
    let reparsed = json.and_then(|j| serde_json::from_str::<SdkSession>(&j).ok());
    assert_eq!(
        reparsed.as_ref(),
        Some(&doc),
        "the SDK document does not round trip"
    );
    let onchain = match to_onchain(&doc) {
        Ok(onchain) => onchain,
        Err(e) => {
            assert!(sdk.is_err(), "loads, but has no on-chain form: {e}");
            return None;
        }
    };
    let onchain_json = match serde_json::to_string(&onchain) {
        Ok(json) => json,
        Err(e) => panic!("the on-chain form does not serialize: {e}"),
    };
    let onchain = Session::from_json(&onchain_json);
    match (sdk, onchain) {
        (Ok(sdk), Ok(onchain)) => Some((sdk, onchain)),
        (Err(_), Err(_)) => None,
        (sdk, onchain) => panic!(
            "the forms load differently\nsdk: {:?}\non-chain: {:?}\n{text}\n{onchain_json}",
            sdk.err(),
            onchain.err()
        ),
    }
}

/// Account calldata, the kind it was built for and, when it is a valid ERC-7579 encoding, the
/// calls it must be judged as.
type AccountCalldata = (Vec<u8>, Option<AccountKind>, Option<Vec<OwnedCall>>);

/// The account calldata of the input.
fn account_calldata(input: &Input, calls: &[OwnedCall]) -> Option<AccountCalldata> {
    match &input.account_data {
        AccountData::None => None,
        AccountData::Encoded(encoding) => {
            let built = encoding.build(calls);
            let same = (built.kind == AccountKind::Erc7579).then_some(built.expected.ok());
            Some((built.data, Some(built.kind), same.flatten()))
        }
        AccountData::Mutated(encoding, mutations) => {
            let built = encoding.build(calls);
            let mut data = built.data;
            mutations.iter().take(4).for_each(|m| m.apply(&mut data));
            Some((data, Some(built.kind), None))
        }
        AccountData::Raw(bytes) => Some((bytes.clone(), None, None)),
    }
}

fn check_account_calldata(input: &Input, sdk: &Session, onchain: &Session, owned: &[OwnedCall]) {
    let Some((data, kind, same)) = account_calldata(input, owned) else {
        return;
    };
    let (ledger, ctx) = (MemoryLedger::new(), input.context());
    let a = invariants::account_calldata(sdk, &data, kind, &ledger, &ctx);
    let b = invariants::account_calldata(onchain, &data, kind, &ledger, &ctx);
    assert_eq!(
        a.decision, b.decision,
        "account calldata: the forms decide differently"
    );
    assert_eq!(
        a.effects, b.effects,
        "account calldata: the forms' effects differ"
    );
    if let Some(same) = same {
        let calls: Vec<Call<'_>> = same.iter().map(OwnedCall::call).collect();
        let direct = sdk.check(&calls, &ledger, &ctx);
        assert_eq!(a, direct, "ERC-7579 calldata is judged unlike its calls");
    }
}

fn evaluate_both(sdk: &Session, onchain: &Session, calls: &[Call<'_>], ctx: &Context, repeat: u8) {
    let (mut l1, mut l2) = (MemoryLedger::new(), MemoryLedger::new());
    for _ in 0..=repeat % 3 {
        let a = invariants::evaluate(sdk, calls, &l1, ctx);
        let b = invariants::evaluate(onchain, calls, &l2, ctx);
        assert_eq!(
            a.decision, b.decision,
            "the forms decide differently\n{a}\n{b}"
        );
        assert_eq!(a.effects, b.effects, "the forms' effects differ");
        if !a.is_allow() {
            break;
        }
        if let Err(e) = l1.apply(&a.effects) {
            panic!("an allow's effects do not apply: {e}\n{a:#?}");
        }
        if let Err(e) = l2.apply(&b.effects) {
            panic!("an allow's effects do not apply (on-chain form): {e}\n{b:#?}");
        }
    }
    assert!(l1.iter().eq(l2.iter()), "the forms' ledgers differ");
}

fuzz_target!(|input: Input| {
    let text = input.session().to_string();
    let Some((sdk, onchain)) = load(&text) else {
        return;
    };
    assert_eq!(sdk.account_kind(), Some(AccountKind::Erc7579));
    assert_eq!(sdk.action_count(), onchain.action_count());
    let owned = input.calls();
    let calls: Vec<Call<'_>> = owned.iter().map(OwnedCall::call).collect();
    evaluate_both(&sdk, &onchain, &calls, &input.context(), input.repeat);
    check_account_calldata(&input, &sdk, &onchain, &owned);
});
