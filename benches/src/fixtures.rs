//! One ERC-20 `transfer` check, as a session document and as the calls, ledger and context that
//! exercise it, plus a typical multi-action document for compile benches.

use alloy_primitives::{Address, U256, address};
use alloy_sol_types::{SolCall, sol};
use serde_json::{Value, json};
use sessiongate::{Call, Context, MemoryLedger};

sol! {
    /// The ERC-20 function every fixture calls.
    function transfer(address to, uint256 amount);
}

/// The token the session may spend (USDC on mainnet).
pub const TOKEN: Address = address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
/// The only allowed recipient.
pub const PAYEE: Address = address!("1111111111111111111111111111111111111111");
/// The smart account the session key acts for.
pub const ACCOUNT: Address = address!("2222222222222222222222222222222222222222");
/// The chain the session is bound to.
pub const CHAIN_ID: u64 = 1;
/// The time every fixture evaluates at.
pub const NOW: u64 = 1_700_000_000;
/// The amount one fixture transfer moves (5 USDC).
pub const AMOUNT: u64 = 5_000_000;
/// How many calls the batch fixture holds.
pub const BATCH_LEN: usize = 10;
/// The name of the matching action; its spend limit's ledger key derives from it.
pub const ACTION: &str = "pay";
/// The spend limit's ledger key: the action's scope and the policy's index.
pub const SPEND_KEY: &str = "actions/pay/policies[1]";

/// The limits of the transfer session, shared by its JSON document and the baselines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransferLimits {
    /// `to` must equal this.
    pub payee: Address,
    /// `amount` may not exceed this.
    pub amount_cap: U256,
    /// Native value per call may not exceed this.
    pub max_value: U256,
    /// First allowed second.
    pub valid_after: u64,
    /// Last allowed second.
    pub valid_until: u64,
    /// Cumulative token spend may not exceed this.
    pub spend_cap: U256,
}

impl TransferLimits {
    /// The limits every fixture uses: big enough that the ledger and a batch of ten still pass.
    pub const FIXTURE: Self = Self {
        payee: PAYEE,
        amount_cap: U256::from_limbs([10_000_000, 0, 0, 0]),
        max_value: U256::ZERO,
        valid_after: NOW - 86_400,
        valid_until: NOW + 30 * 86_400,
        spend_cap: U256::from_limbs([1_000_000_000_000, 0, 0, 0]),
    };
}

/// What the ledger already holds for the spend limit.
pub const SPEND_USED: u64 = 250_000_000;

/// The transfer session: one action `pay` on [`TOKEN`] with `to == payee` and
/// `amount <= cap`, a `max_value` and a `spend_limit`, and a session-level `time_window`;
/// preceded by `other_actions` actions on distinct targets and selectors that never match.
pub fn transfer_session_json(other_actions: usize) -> String {
    let limits = TransferLimits::FIXTURE;
    let mut actions: Vec<Value> = (0..other_actions).map(other_action).collect();
    actions.push(json!({
        "name": ACTION,
        "target": TOKEN.to_string(),
        "selector": "transfer(address to, uint256 amount)",
        "rules": [
            { "param": "to", "condition": "eq", "value": limits.payee.to_string() },
            { "param": "amount", "condition": "lte", "value": limits.amount_cap.to_string() }
        ],
        "policies": [
            { "type": "max_value", "limit": limits.max_value.to_string() },
            { "type": "spend_limit", "token": TOKEN.to_string(), "limit": limits.spend_cap.to_string() }
        ]
    }));
    json!({
        "name": "usdc-payments",
        "chain_id": CHAIN_ID,
        "policies": [{
            "type": "time_window",
            "valid_after": limits.valid_after,
            "valid_until": limits.valid_until
        }],
        "actions": actions
    })
    .to_string()
}

/// An action that no fixture call matches: its own target and its own raw selector.
fn other_action(i: usize) -> Value {
    let n = u64::try_from(i).unwrap_or(u64::MAX);
    let target = Address::from_word(U256::from(0x1_0000_u64 + n).into());
    json!({
        "target": target.to_string(),
        "selector": format!("0x{:08x}", 0x1000_0000_u64 + n),
        "rules": [{ "param": 0, "condition": "eq", "value": n }]
    })
}

/// A typical session: four actions with signatures, rules, budgets and every kind of limit.
pub const TYPICAL_SESSION: &str = r#"{
    "name": "dapp-session",
    "description": "pay two merchants in USDC, approve and swap on a router, tip in ETH",
    "chain_id": 1,
    "policies": [
        { "type": "time_window", "valid_after": 1699913600, "valid_until": 1702592000 },
        { "type": "usage_limit", "limit": 1000 }
    ],
    "actions": [
        {
            "name": "pay",
            "target": "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
            "selector": "transfer(address to, uint256 amount)",
            "rules": [
                { "param": "to", "condition": "one_of", "value": [
                    "0x1111111111111111111111111111111111111111",
                    "0x3333333333333333333333333333333333333333"
                ] },
                { "param": "amount", "condition": "lte", "value": "100000000", "budget": "500000000" }
            ],
            "policies": [
                { "type": "max_value", "limit": 0 },
                { "type": "spend_limit", "token": "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", "limit": "1000000000" }
            ]
        },
        {
            "name": "approve-router",
            "target": "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
            "selector": "function approve(address spender, uint256 amount) returns (bool)",
            "rules": [
                { "param": "spender", "condition": "eq", "value": "0x7a250d5630b4cf539739df2c5dacb4c659f2488d" },
                { "param": 1, "condition": "in_range", "value": [1, "250000000"] }
            ],
            "policies": [{ "type": "usage_limit", "limit": 10 }]
        },
        {
            "name": "swap",
            "target": "0x7a250d5630b4cf539739df2c5dacb4c659f2488d",
            "selector": "swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline)",
            "rules": [
                { "param": "amountIn", "condition": "lte", "value": "250000000" },
                { "param": "amountOutMin", "condition": "gt", "value": 0 },
                { "param": "to", "condition": "eq", "value": "0x2222222222222222222222222222222222222222" },
                { "param": "deadline", "condition": "lte", "value": 1702592000 }
            ],
            "policies": [{ "type": "max_value", "limit": 0 }]
        },
        {
            "name": "tip",
            "target": "0x3333333333333333333333333333333333333333",
            "selector": "native",
            "policies": [
                { "type": "max_value", "limit": "10000000000000000" },
                { "type": "value_limit", "limit": "100000000000000000" }
            ]
        }
    ]
}"#;

/// ABI calldata of `transfer(to, amount)`.
pub fn transfer_calldata(to: Address, amount: u64) -> Vec<u8> {
    transferCall {
        to,
        amount: U256::from(amount),
    }
    .abi_encode()
}

/// Calldata of the allowed fixture transfer: [`AMOUNT`] to [`PAYEE`].
pub fn allowed_calldata() -> Vec<u8> {
    transfer_calldata(PAYEE, AMOUNT)
}

/// Calldata of the batch: [`BATCH_LEN`] allowed transfers of 1 to 10 USDC.
pub fn batch_calldata() -> Vec<Vec<u8>> {
    (1..=BATCH_LEN as u64)
        .map(|i| transfer_calldata(PAYEE, i * 1_000_000))
        .collect()
}

/// A zero-value call to [`TOKEN`] with this calldata.
pub fn token_call(data: &[u8]) -> Call<'_> {
    Call {
        to: TOKEN,
        value: U256::ZERO,
        data,
    }
}

/// Zero-value calls to [`TOKEN`], one per calldata.
pub fn token_calls(data: &[Vec<u8>]) -> Vec<Call<'_>> {
    data.iter().map(|d| token_call(d)).collect()
}

/// A ledger with [`SPEND_USED`] already spent under [`SPEND_KEY`], among other sessions' counters.
pub fn ledger() -> MemoryLedger {
    let mut ledger = MemoryLedger::new();
    ledger.set("actions/approve-router/policies[0]", U256::from(3));
    ledger.set(SPEND_KEY, U256::from(SPEND_USED));
    ledger.set("actions/swap/rules[0]", U256::from(40_000_000));
    ledger.set("session/policies[1]", U256::from(17));
    ledger
}

/// The context every fixture evaluates in: [`NOW`] on [`CHAIN_ID`] for [`ACCOUNT`].
pub fn context() -> Context {
    Context {
        now: NOW,
        chain_id: CHAIN_ID,
        account: Some(ACCOUNT),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sessiongate::Session;

    #[test]
    fn transfer_session_allows_and_charges_the_spend_key() {
        let session = Session::from_json(&transfer_session_json(3)).unwrap();
        assert_eq!(session.action_count(), 4);
        let data = allowed_calldata();
        let v = session.check(&[token_call(&data)], &ledger(), &context());
        assert!(v.is_allow(), "{v}");
        assert_eq!(v.effects.len(), 1, "{:?}", v.effects);
        assert_eq!(v.effects[0].key.as_str(), SPEND_KEY);
        assert_eq!(v.effects[0].add, U256::from(AMOUNT));
    }

    #[test]
    fn other_actions_are_distinct_and_never_match_the_transfer() {
        let session = Session::from_json(&transfer_session_json(500)).unwrap();
        assert_eq!(session.action_count(), 501);
        let data = allowed_calldata();
        let v = session.check(&[token_call(&data)], &ledger(), &context());
        assert_eq!(v.allowed_by.first().map(|a| &**a), Some(ACTION), "{v}");
    }

    #[test]
    fn batch_is_allowed_and_sums_into_one_effect() {
        let session = Session::from_json(&transfer_session_json(0)).unwrap();
        let data = batch_calldata();
        let v = session.check(&token_calls(&data), &ledger(), &context());
        assert!(v.is_allow(), "{v}");
        assert_eq!(v.allowed_by.len(), BATCH_LEN);
        assert_eq!(v.effects.len(), 1, "{:?}", v.effects);
        assert_eq!(v.effects[0].add, U256::from(55_000_000));
    }

    #[test]
    fn typical_session_compiles() {
        let session = Session::from_json(TYPICAL_SESSION).unwrap();
        assert_eq!(session.action_count(), 4);
        assert_eq!(session.name(), Some("dapp-session"));
    }
}
