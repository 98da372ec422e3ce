//! The transfer check written by hand with alloy's decoders, to compare the engine against:
//! decode the call, compare `to` and `amount`, cap the value, check the time window, and read the
//! ledger to check the spend cap. Each returns the amount to add to the spend counter on allow.
//! Plus the floor (hand-written slice code) and a Multicall3 batch of transfers with `sol!`.

use crate::fixtures::{MULTICALL3, SPEND_KEY, TOKEN, TransferLimits, aggregate3Call, transferCall};
use alloy_dyn_abi::{DynSolValue, JsonAbiExt};
use alloy_json_abi::Function;
use alloy_primitives::{Address, FixedBytes, U256};
use alloy_sol_types::SolCall;
use sessiongate::{Call, Ledger, LedgerKey, MemoryLedger, counter_id};
use std::sync::LazyLock;

/// The spend limit's counter number, computed once as a hand-written relayer would.
static SPEND_ID: LazyLock<u128> = LazyLock::new(|| counter_id(SPEND_KEY));

/// What the spend counter holds, read by its number like the engine reads it: `get` would hash
/// the counter's text on every call.
fn used(ledger: &MemoryLedger, spent: &LedgerKey<'_>) -> U256 {
    if spent.counter == SPEND_KEY {
        ledger.read_numbered(spent, *SPEND_ID).unwrap_or(U256::MAX)
    } else {
        ledger.get(spent)
    }
}

/// The checks after decoding, shared by both baselines.
fn checks(
    limits: &TransferLimits,
    call: &Call<'_>,
    to: Address,
    amount: U256,
    ledger: &MemoryLedger,
    spent: &LedgerKey<'_>,
    now: u64,
) -> Option<U256> {
    let allowed = to == limits.payee
        && amount <= limits.amount_cap
        && call.value <= limits.max_value
        && (limits.valid_after..=limits.valid_until).contains(&now);
    if !allowed {
        return None;
    }
    let total = used(ledger, spent).checked_add(amount)?;
    (total <= limits.spend_cap).then_some(amount)
}

/// The check with `sol!`'s generated decoder, validating (selector included).
pub fn check_sol(
    limits: &TransferLimits,
    call: &Call<'_>,
    ledger: &MemoryLedger,
    spent: &LedgerKey<'_>,
    now: u64,
) -> Option<U256> {
    if call.to != TOKEN {
        return None;
    }
    let decoded = transferCall::abi_decode_validate(call.data).ok()?;
    checks(limits, call, decoded.to, decoded.amount, ledger, spent, now)
}

/// The floor: the same check as hand-written slice code for this one function, with no lookup
/// of any kind and the spent amount handed in as a field, as a contract-specific relayer might
/// write it. Validates like Solidity: exact selector, the address word's high bytes zero.
pub fn check_floor(
    limits: &TransferLimits,
    call: &Call<'_>,
    spent: U256,
    now: u64,
) -> Option<U256> {
    if call.to != TOKEN {
        return None;
    }
    let (selector, args) = call.data.split_first_chunk::<4>()?;
    let (to, rest) = args.split_first_chunk::<32>()?;
    let amount = rest.first_chunk::<32>()?;
    let (high, address) = to.split_first_chunk::<12>()?;
    if *selector != transferCall::SELECTOR || *high != [0; 12] {
        return None;
    }
    let amount = U256::from_be_bytes(*amount);
    let allowed = *address == limits.payee.0.0
        && amount <= limits.amount_cap
        && call.value <= limits.max_value
        && (limits.valid_after..=limits.valid_until).contains(&now);
    let total = spent.checked_add(amount)?;
    (allowed && total <= limits.spend_cap).then_some(amount)
}

/// Multicall3's `aggregate3` of transfers, by hand with `sol!`: decode the outer call validating,
/// then each inner call as [`check_sol`] does, the spend summed over the batch. Returns the total
/// spend on allow. What the engine's `multicall_10_inner` does with a nested-calldata action.
pub fn check_multicall_sol(
    limits: &TransferLimits,
    call: &Call<'_>,
    ledger: &MemoryLedger,
    spent: &LedgerKey<'_>,
    now: u64,
) -> Option<U256> {
    if call.to != MULTICALL3 || !call.value.is_zero() {
        return None;
    }
    let outer = aggregate3Call::abi_decode_validate(call.data).ok()?;
    let mut total = U256::ZERO;
    for inner in &outer.calls {
        let inner = Call {
            to: inner.target,
            value: U256::ZERO,
            data: &inner.callData,
        };
        let amount = check_sol(limits, &inner, ledger, spent, now)?;
        total = total.checked_add(amount)?;
    }
    let used = used(ledger, spent).checked_add(total)?;
    (!outer.calls.is_empty() && used <= limits.spend_cap).then_some(total)
}

/// The check with a run-time parsed ABI function and alloy-dyn-abi's decoder.
#[derive(Clone, Debug)]
pub struct DynTransfer {
    function: Function,
    selector: FixedBytes<4>,
}

impl DynTransfer {
    /// Parses the function once; the check reuses it.
    pub fn new() -> Result<Self, alloy_json_abi::parser::Error> {
        let function = Function::parse("transfer(address to, uint256 amount)")?;
        let selector = function.selector();
        Ok(Self { function, selector })
    }

    /// The check: selector, dynamic decode of the inputs, then the same comparisons.
    pub fn check(
        &self,
        limits: &TransferLimits,
        call: &Call<'_>,
        ledger: &MemoryLedger,
        spent: &LedgerKey<'_>,
        now: u64,
    ) -> Option<U256> {
        if call.to != TOKEN {
            return None;
        }
        let (selector, args) = call.data.split_first_chunk::<4>()?;
        if *selector != self.selector.0 {
            return None;
        }
        let values = self.function.abi_decode_input(args).ok()?;
        let [DynSolValue::Address(to), DynSolValue::Uint(amount, 256)] = values.as_slice() else {
            return None;
        };
        checks(limits, call, *to, *amount, ledger, spent, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::*;
    use alloy_primitives::hex;
    use sessiongate::{Context, Session};

    /// One call against the transfer session: calldata, value, time and spend already used.
    struct Case {
        data: Vec<u8>,
        value: u64,
        now: u64,
        used: U256,
    }

    impl Case {
        fn new(data: Vec<u8>) -> Self {
            Self {
                data,
                value: 0,
                now: NOW,
                used: U256::from(SPEND_USED),
            }
        }

        /// The engine's decision, after asserting the sol baseline (and unless `dyn_too` is
        /// false, the dyn-abi one) reach the same decision and spend.
        fn decide(&self, dyn_too: bool) -> bool {
            let session = Session::from_json(&transfer_session_json(2)).unwrap();
            let limits = TransferLimits::FIXTURE;
            let mut ledger = ledger(&session);
            let spent = session.key(SPEND_KEY);
            ledger.set(&spent, self.used);
            let call = Call {
                to: TOKEN,
                value: U256::from(self.value),
                data: &self.data,
            };
            let ctx = Context {
                now: self.now,
                ..context()
            };
            let engine = session.check(&[call], &ledger, &ctx);
            let spend = engine.effects.first().map(|e| match e.op {
                sessiongate::Op::Add(amount) => amount,
                sessiongate::Op::Set(_) => U256::ZERO,
            });
            let sol = check_sol(&limits, &call, &ledger, &spent, self.now);
            assert_eq!(spend, sol, "sol: {engine}");
            let floor = check_floor(&limits, &call, ledger.get(&spent), self.now);
            assert_eq!(floor, sol, "floor: {engine}");
            if dyn_too {
                let dynamic = DynTransfer::new().unwrap();
                let spend_dyn = dynamic.check(&limits, &call, &ledger, &spent, self.now);
                assert_eq!(spend_dyn, sol, "dyn: {engine}");
            }
            engine.is_allow()
        }
    }

    #[test]
    fn baselines_agree_with_the_engine() {
        let limits = TransferLimits::FIXTURE;
        let ok = allowed_calldata();
        let nearly_spent = limits.spend_cap - U256::from(AMOUNT);
        let cases = [
            (Case::new(ok.clone()), true),
            (Case::new(transfer_calldata(PAYEE, 10_000_000)), true),
            (Case::new(transfer_calldata(PAYEE, 10_000_001)), false),
            (Case::new(transfer_calldata(ACCOUNT, AMOUNT)), false),
            (
                Case {
                    value: 1,
                    ..Case::new(ok.clone())
                },
                false,
            ),
            (
                Case {
                    now: limits.valid_until,
                    ..Case::new(ok.clone())
                },
                true,
            ),
            (
                Case {
                    now: limits.valid_until + 1,
                    ..Case::new(ok.clone())
                },
                false,
            ),
            (
                Case {
                    now: limits.valid_after - 1,
                    ..Case::new(ok.clone())
                },
                false,
            ),
            (
                Case {
                    used: nearly_spent,
                    ..Case::new(ok.clone())
                },
                true,
            ),
            (
                Case {
                    used: nearly_spent + U256::from(1),
                    ..Case::new(ok.clone())
                },
                false,
            ),
            (
                Case {
                    used: U256::MAX,
                    ..Case::new(ok.clone())
                },
                false,
            ),
            (Case::new(ok[..ok.len() - 1].to_vec()), false),
            (Case::new(hex!("095ea7b3").to_vec()), false),
        ];
        for (i, (case, allow)) in cases.iter().enumerate() {
            assert_eq!(case.decide(true), *allow, "case {i}");
        }
    }

    /// A dirty high byte in `to`: Solidity reverts, so the engine and the validating sol decoder
    /// deny. The dyn-abi decoder is not compared: the baseline does not ask it to validate.
    #[test]
    fn dirty_address_is_denied_by_engine_and_sol() {
        let mut dirty = allowed_calldata();
        dirty[4] = 0xff;
        assert!(!Case::new(dirty).decide(false));
    }

    #[test]
    fn multicall_baseline_agrees_with_the_engine() {
        let session = Session::from_json(&multicall_session_json()).unwrap();
        let (ledger, limits, spent) = (
            ledger(&session),
            TransferLimits::FIXTURE,
            session.key(SPEND_KEY),
        );
        let good = multicall_calldata();
        let mut bad_inner = batch_calldata();
        bad_inner[3] = transfer_calldata(ACCOUNT, AMOUNT);
        let bad = multicall_calldata_with(TOKEN, &bad_inner);
        for (data, allow) in [(good, true), (bad, false)] {
            let call = multicall_call(&data);
            let engine = session.check(&[call], &ledger, &context());
            let sol = check_multicall_sol(&limits, &call, &ledger, &spent, NOW);
            assert_eq!(engine.is_allow(), allow, "{engine}");
            assert_eq!(sol.is_some(), allow);
        }
        let data = multicall_calldata();
        let sol = check_multicall_sol(&limits, &multicall_call(&data), &ledger, &spent, NOW);
        assert_eq!(sol, Some(U256::from(MULTICALL_SPEND)));
    }
}
