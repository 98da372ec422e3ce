//! One ERC-20 `transfer` check, as a session document and as the calls, ledger and context that
//! exercise it, plus a typical multi-action document for compile benches.

use alloy_primitives::{Address, U256, address};
use alloy_sol_types::{SolCall, sol};
use serde_json::{Value, json};
use sessiongate::{Call, Context, LedgerKey, MemoryLedger, Session};

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

/// A ledger with [`SPEND_USED`] already spent under [`SPEND_KEY`] of `session`, among other
/// counters of it and of another session.
pub fn ledger(session: &Session) -> MemoryLedger {
    let mut ledger = MemoryLedger::new();
    ledger.set(
        &session.key("actions/approve-router/policies[0]"),
        U256::from(3),
    );
    ledger.set(&session.key(SPEND_KEY), U256::from(SPEND_USED));
    ledger.set(
        &session.key("actions/swap/rules[0]"),
        U256::from(40_000_000),
    );
    ledger.set(&session.key("session/policies[1]"), U256::from(17));
    let other = LedgerKey {
        session: sessiongate::Fingerprint(alloy_primitives::B256::repeat_byte(7)),
        ..session.key(SPEND_KEY)
    };
    ledger.set(&other, U256::from(1));
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
        let v = session.check(&[token_call(&data)], &ledger(&session), &context());
        assert!(v.is_allow(), "{v}");
        assert_eq!(v.effects.len(), 1, "{:?}", v.effects);
        assert_eq!(v.effects[0].key.counter, SPEND_KEY);
        assert_eq!(v.effects[0].op, sessiongate::Op::Add(U256::from(AMOUNT)));
    }

    #[test]
    fn other_actions_are_distinct_and_never_match_the_transfer() {
        let session = Session::from_json(&transfer_session_json(500)).unwrap();
        assert_eq!(session.action_count(), 501);
        let data = allowed_calldata();
        let v = session.check(&[token_call(&data)], &ledger(&session), &context());
        assert_eq!(v.allowed_by.first().map(|a| &**a), Some(ACTION), "{v}");
    }

    #[test]
    fn batch_is_allowed_and_sums_into_one_effect() {
        let session = Session::from_json(&transfer_session_json(0)).unwrap();
        let data = batch_calldata();
        let v = session.check(&token_calls(&data), &ledger(&session), &context());
        assert!(v.is_allow(), "{v}");
        assert_eq!(v.allowed_by.len(), BATCH_LEN);
        assert_eq!(v.effects.len(), 1, "{:?}", v.effects);
        assert_eq!(
            v.effects[0].op,
            sessiongate::Op::Add(U256::from(55_000_000))
        );
    }

    #[test]
    fn typical_session_compiles() {
        let session = Session::from_json(TYPICAL_SESSION).unwrap();
        assert_eq!(session.action_count(), 4);
        assert_eq!(session.name(), Some("dapp-session"));
    }
}

/// Fixtures for the native rule syntax (paths, quantifiers, relations, nested calldata): a
/// Uniswap V2 swap along a 5-hop path, a 50-recipient payroll batch, and Multicall3 wrapping ten
/// transfers of the transfer fixture. A module of its own (re-exported below): appended after the
/// tests above, a module keeps clippy's `items_after_test_module` quiet.
pub mod native {
    use super::{ACCOUNT, CHAIN_ID, TOKEN, batch_calldata, transfer_session_json};
    use alloy_primitives::{Address, U256, address, keccak256};
    use alloy_sol_types::{SolCall, sol};
    use serde_json::{Value, json};
    use sessiongate::Call;

    sol! {
        /// Uniswap V2 router: swap an exact input along `path`.
        function swapExactTokensForTokens(
            uint256 amountIn,
            uint256 amountOutMin,
            address[] path,
            address to,
            uint256 deadline
        );

        /// A payroll contract: pay `amounts[i]` of `token` to `recipients[i]`.
        function batchTransfer(address token, address[] recipients, uint256[] amounts);

        /// One call of Multicall3's `aggregate3`.
        struct Call3 {
            address target;
            bool allowFailure;
            bytes callData;
        }

        /// Multicall3: make every call, reverting on a failure unless it is allowed.
        function aggregate3(Call3[] calls);
    }

    /// Uniswap V2's router on mainnet.
    pub const V2_ROUTER: Address = address!("7a250d5630b4cf539739df2c5dacb4c659f2488d");
    /// The eight tokens a swap path may go through; the first is USDC ([`TOKEN`]).
    pub const SWAP_TOKENS: [Address; 8] = [
        TOKEN,
        address!("c02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"), // WETH
        address!("6b175474e89094c44da98b954eedeac495271d0f"), // DAI
        address!("dac17f958d2ee523a2206206994597c13d831ec7"), // USDT
        address!("2260fac5e5542a773aa44fbcfedf7c193bc2c599"), // WBTC
        address!("514910771af9ca656af840dff83e8264ecf986ca"), // LINK
        address!("1f9840a85d5af5bf1d1762f925bdaddc4201f984"), // UNI
        address!("7fc66500c84a76ad7e9c93437bfc5ac33e2ddae9"), // AAVE
    ];
    /// The fixture swap's path: six tokens, five hops, starting at USDC.
    pub const SWAP_PATH: [Address; 6] = [
        TOKEN,
        SWAP_TOKENS[1],
        SWAP_TOKENS[2],
        SWAP_TOKENS[3],
        SWAP_TOKENS[4],
        SWAP_TOKENS[5],
    ];
    /// The most a swap may put in (1,000 USDC).
    pub const SWAP_AMOUNT_CAP: u64 = 1_000_000_000;
    /// What the fixture swap puts in (500 USDC).
    pub const SWAP_AMOUNT: u64 = 500_000_000;

    /// The swap session: one action on [`V2_ROUTER`]'s `swapExactTokensForTokens` with
    /// `path.length <= 6`, `path[0] == USDC`, every `path[*]` one of [`SWAP_TOKENS`], `to` the
    /// account and `amountIn <= cap`.
    pub fn swap_session_json() -> String {
        let tokens: Vec<String> = SWAP_TOKENS.iter().map(Address::to_string).collect();
        json!({
            "name": "swap-along-a-path",
            "chain_id": CHAIN_ID,
            "actions": [{
                "name": "swap",
                "target": V2_ROUTER.to_string(),
                "selector": "swapExactTokensForTokens(uint256 amountIn,uint256 amountOutMin,address[] path,address to,uint256 deadline)",
                "rules": [
                    { "param": "path.length", "condition": "lte", "value": 6 },
                    { "param": "path[0]", "condition": "eq", "value": TOKEN.to_string() },
                    { "param": "path[*]", "condition": "one_of", "value": tokens },
                    { "param": "to", "condition": "eq", "value": { "context": "account" } },
                    { "param": "amountIn", "condition": "lte", "value": SWAP_AMOUNT_CAP.to_string() }
                ]
            }]
        })
        .to_string()
    }

    /// Calldata of a swap of `amount_in` along `path` to `to`.
    pub fn swap_calldata_with(path: &[Address], to: Address, amount_in: u64) -> Vec<u8> {
        swapExactTokensForTokensCall {
            amountIn: U256::from(amount_in),
            amountOutMin: U256::from(1u8),
            path: path.to_vec(),
            to,
            deadline: U256::from(super::NOW + 600),
        }
        .abi_encode()
    }

    /// Calldata of the allowed fixture swap: [`SWAP_AMOUNT`] along [`SWAP_PATH`] to [`ACCOUNT`].
    pub fn swap_calldata() -> Vec<u8> {
        swap_calldata_with(&SWAP_PATH, ACCOUNT, SWAP_AMOUNT)
    }

    /// A zero-value call to [`V2_ROUTER`] with this calldata.
    pub fn router_call(data: &[u8]) -> Call<'_> {
        Call {
            to: V2_ROUTER,
            value: U256::ZERO,
            data,
        }
    }

    /// The payroll contract.
    pub const PAYROLL: Address = address!("7c4982351c84dc84d7572c998b94c600fe0eb118");
    /// How many employees the payroll pays, each once per batch.
    pub const EMPLOYEES: usize = 50;
    /// The most one payment may be (10,000 USDC).
    pub const PAY_CAP: u64 = 10_000_000_000;

    /// The employees: [`EMPLOYEES`] addresses that look random (hashes of their index).
    pub fn employees() -> Vec<Address> {
        (0..EMPLOYEES as u64)
            .map(|i| Address::from_word(keccak256(i.to_be_bytes())))
            .collect()
    }

    /// The payroll session: `batchTransfer` on [`PAYROLL`] with every `recipients[*]` one of
    /// the employees and every `amounts[*] <= cap`.
    pub fn payroll_session_json() -> String {
        let staff: Vec<String> = employees().iter().map(Address::to_string).collect();
        json!({
            "name": "payroll",
            "chain_id": CHAIN_ID,
            "actions": [{
                "name": "run-payroll",
                "target": PAYROLL.to_string(),
                "selector": "batchTransfer(address token,address[] recipients,uint256[] amounts)",
                "rules": [
                    { "param": "recipients[*]", "condition": "one_of", "value": staff },
                    { "param": "amounts[*]", "condition": "lte", "value": PAY_CAP.to_string() }
                ]
            }]
        })
        .to_string()
    }

    /// Calldata of a batch paying `amounts[i]` to `recipients[i]` in USDC.
    pub fn payroll_calldata_with(recipients: &[Address], amounts: &[u64]) -> Vec<u8> {
        batchTransferCall {
            token: TOKEN,
            recipients: recipients.to_vec(),
            amounts: amounts.iter().map(|a| U256::from(*a)).collect(),
        }
        .abi_encode()
    }

    /// Calldata of the allowed payroll: every employee, in reverse order (so the set lookup is
    /// not always its first probe), 1,000 to 5,900 USDC each.
    pub fn payroll_calldata() -> Vec<u8> {
        let recipients: Vec<Address> = employees().into_iter().rev().collect();
        let amounts: Vec<u64> = (0..EMPLOYEES as u64)
            .map(|i| 1_000_000_000 + i * 100_000_000)
            .collect();
        payroll_calldata_with(&recipients, &amounts)
    }

    /// A zero-value call to [`PAYROLL`] with this calldata.
    pub fn payroll_call(data: &[u8]) -> Call<'_> {
        Call {
            to: PAYROLL,
            value: U256::ZERO,
            data,
        }
    }

    /// Multicall3, at the same address on every chain.
    pub const MULTICALL3: Address = address!("ca11bde05977b3631167028862be2a173976ca11");

    /// The transfer session of [`transfer_session_json`] (no other actions) plus an action on
    /// [`MULTICALL3`]'s `aggregate3` whose every `calls[*].callData` is an inner call to
    /// `calls[*].target`, judged by the session's actions (the `pay` transfer check).
    pub fn multicall_session_json() -> String {
        let mut doc: Value = serde_json::from_str(&transfer_session_json(0)).unwrap_or(Value::Null);
        if let Some(actions) = doc.get_mut("actions").and_then(Value::as_array_mut) {
            actions.push(json!({
                "name": "multicall3",
                "target": MULTICALL3.to_string(),
                "selector": "aggregate3((address target,bool allowFailure,bytes callData)[] calls)",
                "nested": { "calldata": "calls[*].callData", "target": "calls[*].target" }
            }));
        }
        doc.to_string()
    }

    /// Calldata of `aggregate3` making these calls to `target`, none allowed to fail.
    pub fn multicall_calldata_with(target: Address, inner: &[Vec<u8>]) -> Vec<u8> {
        aggregate3Call {
            calls: inner
                .iter()
                .map(|data| Call3 {
                    target,
                    allowFailure: false,
                    callData: data.clone().into(),
                })
                .collect(),
        }
        .abi_encode()
    }

    /// Calldata of the allowed multicall: the [`BATCH_LEN`](crate::fixtures::BATCH_LEN)
    /// transfers of [`batch_calldata`] (1 to 10 USDC to
    /// [`PAYEE`](crate::fixtures::PAYEE)) on [`TOKEN`].
    pub fn multicall_calldata() -> Vec<u8> {
        multicall_calldata_with(TOKEN, &batch_calldata())
    }

    /// A zero-value call to [`MULTICALL3`] with this calldata.
    pub fn multicall_call(data: &[u8]) -> Call<'_> {
        Call {
            to: MULTICALL3,
            value: U256::ZERO,
            data,
        }
    }

    /// What the ten inner transfers add to the spend limit: 1 + 2 + … + 10 USDC.
    pub const MULTICALL_SPEND: u64 = 55_000_000;

    #[cfg(test)]
    mod tests {
        use super::super::{AMOUNT, BATCH_LEN, SPEND_KEY, context, ledger, transfer_calldata};
        use super::*;
        use sessiongate::{Reason, Session};

        fn compile(json: &str) -> Session {
            Session::from_json(json).unwrap()
        }

        #[test]
        fn swap_session_allows_the_five_hop_path() {
            let s = compile(&swap_session_json());
            let data = swap_calldata();
            let v = s.check(&[router_call(&data)], &ledger(&s), &context());
            assert!(v.is_allow(), "{v}");
            assert_eq!(v.allowed_by.len(), 1);
            assert!(v.effects.is_empty(), "{:?}", v.effects);
        }

        #[test]
        fn swap_session_denies_each_broken_rule() {
            let s = compile(&swap_session_json());
            let stranger = Address::repeat_byte(0x99);
            let mut long = SWAP_PATH.to_vec();
            long.push(SWAP_TOKENS[6]);
            let mut wrong_start = SWAP_PATH;
            wrong_start.swap(0, 1);
            let mut outsider = SWAP_PATH;
            outsider[3] = stranger;
            let cases = [
                (
                    "path.length",
                    swap_calldata_with(&long, ACCOUNT, SWAP_AMOUNT),
                ),
                (
                    "path[0]",
                    swap_calldata_with(&wrong_start, ACCOUNT, SWAP_AMOUNT),
                ),
                (
                    "path[3]",
                    swap_calldata_with(&outsider, ACCOUNT, SWAP_AMOUNT),
                ),
                ("to", swap_calldata_with(&SWAP_PATH, stranger, SWAP_AMOUNT)),
                (
                    "amountIn",
                    swap_calldata_with(&SWAP_PATH, ACCOUNT, SWAP_AMOUNT_CAP + 1),
                ),
            ];
            for (param, data) in cases {
                let v = s.check(&[router_call(&data)], &ledger(&s), &context());
                assert!(!v.is_allow(), "{param}: {v}");
                assert_eq!(v.violations[0].param.as_deref(), Some(param), "{v}");
                assert!(
                    matches!(v.violations[0].reason, Reason::Condition { .. }),
                    "{v}"
                );
            }
        }

        #[test]
        fn payroll_session_allows_all_fifty_and_denies_a_stranger_or_a_raise() {
            let s = compile(&payroll_session_json());
            let data = payroll_calldata();
            let v = s.check(&[payroll_call(&data)], &ledger(&s), &context());
            assert!(v.is_allow(), "{v}");
            let mut staff = employees();
            staff[17] = Address::repeat_byte(0x99);
            let amounts = vec![1_000_000_000; EMPLOYEES];
            let data = payroll_calldata_with(&staff, &amounts);
            let v = s.check(&[payroll_call(&data)], &ledger(&s), &context());
            assert_eq!(
                v.violations[0].param.as_deref(),
                Some("recipients[17]"),
                "{v}"
            );
            let mut amounts = amounts;
            amounts[49] = PAY_CAP + 1;
            let data = payroll_calldata_with(&employees(), &amounts);
            let v = s.check(&[payroll_call(&data)], &ledger(&s), &context());
            assert_eq!(v.violations[0].param.as_deref(), Some("amounts[49]"), "{v}");
        }

        #[test]
        fn multicall_session_allows_ten_transfers_and_sums_their_spend() {
            let s = compile(&multicall_session_json());
            let data = multicall_calldata();
            assert_eq!(batch_calldata().len(), BATCH_LEN);
            let v = s.check(&[multicall_call(&data)], &ledger(&s), &context());
            assert!(v.is_allow(), "{v}");
            assert_eq!(v.allowed_by.len(), 1, "{v}");
            assert_eq!(v.effects.len(), 1, "{:?}", v.effects);
            assert_eq!(v.effects[0].key.counter, SPEND_KEY);
            assert_eq!(
                v.effects[0].op,
                sessiongate::Op::Add(U256::from(MULTICALL_SPEND))
            );
        }

        #[test]
        fn multicall_session_denies_a_bad_inner_transfer() {
            let s = compile(&multicall_session_json());
            let mut inner = batch_calldata();
            inner[6] = transfer_calldata(Address::repeat_byte(0x99), AMOUNT);
            let data = multicall_calldata_with(TOKEN, &inner);
            let v = s.check(&[multicall_call(&data)], &ledger(&s), &context());
            assert!(!v.is_allow(), "{v}");
            assert_eq!(v.violations[0].param.as_deref(), Some("to"), "{v}");
            assert_eq!(v.violations[0].inner.as_slice(), &[6], "{v}");
        }
    }
}

pub use native::*;
