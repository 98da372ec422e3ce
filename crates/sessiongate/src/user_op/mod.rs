//! ERC-4337 user operations in the shapes `eth_sendUserOperation` takes them: v0.6, with
//! `initCode` and `paymasterAndData` as single byte strings, and v0.7 (kept by v0.8), with the
//! factory and paymaster fields split out. The version is read from which fields are present,
//! as bundlers do: the JSON-RPC shape names no EntryPoint.
//!
//! The model and its gas arithmetic are here; the two JSON-RPC shapes in `json`; the v0.7
//! on-chain form in `packed`.

mod json;
mod packed;
#[cfg(test)]
mod tests;

pub use json::Eip7702Auth;
pub use packed::{PackError, PackedUserOperation};

use alloy_primitives::{Address, Bytes, U256};
use core::fmt;
use serde::{Deserialize, Serialize};

/// Which EntryPoint's JSON shape a user operation has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EntryPointVersion {
    /// EntryPoint v0.6: `initCode` and `paymasterAndData`.
    #[serde(rename = "v0.6")]
    V06,
    /// EntryPoint v0.7, and v0.8, which kept its JSON shape: `factory`, `paymaster`, ….
    #[serde(rename = "v0.7")]
    V07,
}

impl fmt::Display for EntryPointVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::V06 => "v0.6",
            Self::V07 => "v0.7",
        })
    }
}

/// A user operation, in one model for both JSON shapes. Policies read its gas and paymaster
/// fields; the account kind unwraps `call_data` into the calls a session evaluates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserOperation {
    /// The JSON shape it came in, and so the EntryPoint that bounds its gas.
    pub version: EntryPointVersion,
    /// The account.
    pub sender: Address,
    /// The account's nonce: a 192-bit key and a 64-bit sequence.
    pub nonce: U256,
    /// What the EntryPoint calls the account with.
    pub call_data: Bytes,
    /// Gas for the account's execution call.
    pub call_gas_limit: U256,
    /// Gas for the account's validation (and, in v0.6, the paymaster's).
    pub verification_gas_limit: U256,
    /// Gas paid to the bundler beyond the calls' limits.
    pub pre_verification_gas: U256,
    /// The most wei paid per gas.
    pub max_fee_per_gas: U256,
    /// The most wei per gas paid above the base fee.
    pub max_priority_fee_per_gas: U256,
    /// v0.6 initCode, or v0.7 factory ‖ factoryData (empty when absent).
    pub init_code: Bytes,
    /// The paymaster field as given: v0.6 the first 20 bytes of paymasterAndData, v0.7
    /// `paymaster`. Address 0 is kept, since the account signs it and Smart Sessions sees a
    /// non-empty paymasterAndData, but the EntryPoint reads it as no paymaster: see
    /// [`UserOperation::effective_paymaster`].
    pub paymaster: Option<Address>,
    /// Gas for the paymaster's validation; v0.7 only, 0 for v0.6.
    pub paymaster_verification_gas_limit: U256,
    /// Gas for the paymaster's postOp; v0.7 only, 0 for v0.6.
    pub paymaster_post_op_gas_limit: U256,
    /// v0.6 paymasterAndData[20..], v0.7 paymasterData.
    pub paymaster_data: Bytes,
    /// The account's signature over the operation.
    pub signature: Bytes,
    /// An EIP-7702 authorization sent along, if any.
    pub eip7702_auth: Option<Eip7702Auth>,
}

impl UserOperation {
    /// The paymaster that pays, as the EntryPoint reads the field: none when it is absent or
    /// address 0 (both EntryPoints then charge the account; their simulation, which bundlers
    /// run, refuses address 0 with "AA30 paymaster not deployed").
    pub fn effective_paymaster(&self) -> Option<Address> {
        self.paymaster.filter(|p| !p.is_zero())
    }

    /// The gas the op may use in total, as the EntryPoint's required prefund bounds it. v0.6
    /// counts the verification limit three times with a (nonzero) paymaster, since it also
    /// bounds the paymaster's postOp, which may run twice; v0.7 always adds the paymaster's
    /// limits (zero without one). `None` when the sum overflows.
    pub fn max_gas(&self) -> Option<U256> {
        let base = self.call_gas_limit.checked_add(self.pre_verification_gas)?;
        match self.version {
            EntryPointVersion::V06 => {
                let times = if self.effective_paymaster().is_some() {
                    3_u8
                } else {
                    1
                };
                let verification = self.verification_gas_limit.checked_mul(U256::from(times))?;
                base.checked_add(verification)
            }
            EntryPointVersion::V07 => base
                .checked_add(self.verification_gas_limit)?
                .checked_add(self.paymaster_verification_gas_limit)?
                .checked_add(self.paymaster_post_op_gas_limit),
        }
    }

    /// The most wei the op can cost: `max_gas() × maxFeePerGas`; `None` on overflow.
    pub fn max_cost(&self) -> Option<U256> {
        self.max_gas()?.checked_mul(self.max_fee_per_gas)
    }
}

impl fmt::Display for UserOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} user operation from {} (nonce {})",
            self.version, self.sender, self.nonce
        )
    }
}
