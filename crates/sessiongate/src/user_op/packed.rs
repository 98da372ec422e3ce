//! The v0.7 on-chain form of a user operation, as EntryPoint v0.7 and v0.8 take it: gas limits
//! and fees packed two to a word. Its `sol!` declaration is in `account::packed_op`, beside the
//! account decoders that take `executeUserOp`'s selector from it.

use super::{EntryPointVersion, UserOperation};
pub use crate::account::packed_op::PackedUserOperation;
use alloc::vec::Vec;
use alloy_primitives::{B256, Bytes, U256};

/// Why a user operation has no packed form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    /// v0.6 operations go on chain unpacked.
    #[error("a v0.6 user operation has no packed form")]
    NotV07,
    /// A field packed into 128 bits holds more.
    #[error("{field}: wider than the 128 bits v0.7 packs it in")]
    TooWide {
        /// The JSON name of the field.
        field: &'static str,
    },
}

impl UserOperation {
    /// The v0.7 on-chain form, with gas limits and fees packed two to a word.
    pub fn packed(&self) -> Result<PackedUserOperation, PackError> {
        if self.version == EntryPointVersion::V06 {
            return Err(PackError::NotV07);
        }
        let narrow = |field: &'static str, value: U256| {
            u128::try_from(value).map_err(|_| PackError::TooWide { field })
        };
        let paymaster_and_data = match self.paymaster {
            None => Bytes::new(),
            Some(paymaster) => {
                let verification = narrow(
                    "paymasterVerificationGasLimit",
                    self.paymaster_verification_gas_limit,
                )?;
                let post_op = narrow("paymasterPostOpGasLimit", self.paymaster_post_op_gas_limit)?;
                let mut out =
                    Vec::with_capacity(52_usize.saturating_add(self.paymaster_data.len()));
                out.extend_from_slice(paymaster.as_slice());
                out.extend_from_slice(&verification.to_be_bytes());
                out.extend_from_slice(&post_op.to_be_bytes());
                out.extend_from_slice(&self.paymaster_data);
                out.into()
            }
        };
        Ok(PackedUserOperation {
            sender: self.sender,
            nonce: self.nonce,
            initCode: self.init_code.clone(),
            callData: self.call_data.clone(),
            accountGasLimits: pack(
                narrow("verificationGasLimit", self.verification_gas_limit)?,
                narrow("callGasLimit", self.call_gas_limit)?,
            ),
            preVerificationGas: self.pre_verification_gas,
            gasFees: pack(
                narrow("maxPriorityFeePerGas", self.max_priority_fee_per_gas)?,
                narrow("maxFeePerGas", self.max_fee_per_gas)?,
            ),
            paymasterAndData: paymaster_and_data,
            signature: self.signature.clone(),
        })
    }
}

/// Two 128-bit values in one word, the first in the high half.
pub(super) fn pack(high: u128, low: u128) -> B256 {
    let mut word = [0_u8; 32];
    let bytes = high.to_be_bytes().into_iter().chain(low.to_be_bytes());
    for (slot, byte) in word.iter_mut().zip(bytes) {
        *slot = byte;
    }
    B256::from(word)
}
