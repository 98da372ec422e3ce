//! The two JSON-RPC shapes of a user operation, read into the one model and written back from
//! it: the version is sniffed from the fields present, and a model its shape cannot carry is
//! refused both ways.

use super::{EntryPointVersion, UserOperation};
use crate::document::{LoadError, Quantity, from_json_text, from_json_value};
use alloc::{format, vec::Vec};
use alloy_primitives::{Address, Bytes, U256};
use core::fmt;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de, ser};

/// An EIP-7702 authorization sent with a user operation (`eip7702Auth`): bundlers take it for
/// EntryPoint v0.8 accounts that are EOAs delegating to account code, in either JSON shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Eip7702Auth {
    /// The chain the authorization is for; 0 for any chain.
    #[serde(with = "hex_int")]
    pub chain_id: U256,
    /// The code the EOA delegates to (`contractAddress` is accepted too).
    #[serde(alias = "contractAddress")]
    pub address: Address,
    /// The EOA's nonce the authorization consumes.
    #[serde(with = "hex_int")]
    pub nonce: u64,
    /// The signature's y parity.
    #[serde(with = "hex_int")]
    pub y_parity: u8,
    /// The signature's r.
    #[serde(with = "hex_int")]
    pub r: U256,
    /// The signature's s.
    #[serde(with = "hex_int")]
    pub s: U256,
}

/// Fields only the v0.6 shape has.
const V06_FIELDS: [&str; 2] = ["initCode", "paymasterAndData"];

impl UserOperation {
    /// Parses one user operation in either JSON-RPC shape.
    pub fn from_json(text: &str) -> Result<Self, LoadError> {
        from_json_text::<Rpc>(text)?.into_op()
    }

    /// Parses an already parsed JSON value.
    pub fn from_value(value: serde_json::Value) -> Result<Self, LoadError> {
        from_json_value::<Rpc>(value)?.into_op()
    }

    /// Refuses a model its JSON shape cannot carry, so what is serialized parses back equal.
    pub(super) fn check(&self) -> Result<(), LoadError> {
        let v06 = self.version == EntryPointVersion::V06;
        let init_field = if v06 { "initCode" } else { "factory" };
        split_address(&self.init_code, init_field)?;
        let paymaster_gas = [
            (
                "paymasterVerificationGasLimit",
                self.paymaster_verification_gas_limit,
            ),
            ("paymasterPostOpGasLimit", self.paymaster_post_op_gas_limit),
        ];
        for (field, gas) in paymaster_gas {
            if !gas.is_zero() && (v06 || self.paymaster.is_none()) {
                return Err(LoadError::invalid(field, "nonzero, with no v0.7 paymaster"));
            }
        }
        if self.paymaster.is_none() && !self.paymaster_data.is_empty() {
            return Err(LoadError::invalid(
                "paymasterData",
                "given without a paymaster",
            ));
        }
        self.check_zero_paymaster()?;
        if !v06 {
            check_v07_widths(&self.to_rpc())?;
        }
        Ok(())
    }

    /// Address 0 means no paymaster to the EntryPoint, which then ignores what follows it in
    /// paymasterAndData (and v0.7 still charges the account for the paymaster gas limits). An
    /// account's validation sees those bytes all the same, so what they mean is unclear:
    /// refuse them rather than guess, and take a zero paymaster only on its own.
    fn check_zero_paymaster(&self) -> Result<(), LoadError> {
        if self.paymaster != Some(Address::ZERO) {
            return Ok(());
        }
        let v06 = self.version == EntryPointVersion::V06;
        let data_field = if v06 {
            "paymasterAndData"
        } else {
            "paymasterData"
        };
        let given = [
            (data_field, !self.paymaster_data.is_empty()),
            (
                "paymasterVerificationGasLimit",
                !self.paymaster_verification_gas_limit.is_zero(),
            ),
            (
                "paymasterPostOpGasLimit",
                !self.paymaster_post_op_gas_limit.is_zero(),
            ),
        ];
        match given.into_iter().find(|(_, on)| *on) {
            Some((field, _)) => Err(LoadError::invalid(
                field,
                "given with paymaster address 0, which the EntryPoint reads as no paymaster; \
                 refused as ambiguous",
            )),
            None => Ok(()),
        }
    }

    /// The JSON-RPC fields of the op's version; `check` first.
    fn to_rpc(&self) -> Rpc {
        let mut rpc = Rpc {
            sender: Some(self.sender),
            nonce: Some(Hex(self.nonce)),
            call_data: Some(self.call_data.clone()),
            call_gas_limit: Some(Hex(self.call_gas_limit)),
            verification_gas_limit: Some(Hex(self.verification_gas_limit)),
            pre_verification_gas: Some(Hex(self.pre_verification_gas)),
            max_fee_per_gas: Some(Hex(self.max_fee_per_gas)),
            max_priority_fee_per_gas: Some(Hex(self.max_priority_fee_per_gas)),
            signature: Some(self.signature.clone()),
            eip7702_auth: self.eip7702_auth,
            ..Rpc::default()
        };
        match self.version {
            EntryPointVersion::V06 => {
                rpc.init_code = Some(self.init_code.clone());
                let mut joined = Vec::new();
                if let Some(paymaster) = self.paymaster {
                    joined.extend_from_slice(paymaster.as_slice());
                    joined.extend_from_slice(&self.paymaster_data);
                }
                rpc.paymaster_and_data = Some(joined.into());
            }
            EntryPointVersion::V07 => {
                if let Some((factory, data)) = self.init_code.split_first_chunk::<20>() {
                    rpc.factory = Some(Address::from(*factory));
                    rpc.factory_data = Some(Bytes::copy_from_slice(data));
                }
                if let Some(paymaster) = self.paymaster {
                    rpc.paymaster = Some(paymaster);
                    rpc.paymaster_verification_gas_limit =
                        Some(Hex(self.paymaster_verification_gas_limit));
                    rpc.paymaster_post_op_gas_limit = Some(Hex(self.paymaster_post_op_gas_limit));
                    rpc.paymaster_data = Some(self.paymaster_data.clone());
                }
            }
        }
        rpc
    }
}

impl Serialize for UserOperation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.check().map_err(ser::Error::custom)?;
        self.to_rpc().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for UserOperation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Rpc::deserialize(deserializer)?
            .into_op()
            .map_err(de::Error::custom)
    }
}

/// Splits `address ‖ rest`; empty bytes have no address, and 1–19 bytes are refused, as the
/// EntryPoint refuses (or reverts on) them.
fn split_address(bytes: &Bytes, field: &str) -> Result<Option<(Address, Bytes)>, LoadError> {
    if bytes.is_empty() {
        return Ok(None);
    }
    match bytes.split_first_chunk::<20>() {
        Some((address, rest)) => Ok(Some((
            Address::from(*address),
            Bytes::copy_from_slice(rest),
        ))),
        None => Err(LoadError::invalid(
            field,
            format!(
                "{} bytes; when not empty it starts with a 20-byte address",
                bytes.len()
            ),
        )),
    }
}

/// Refuses the v0.7 fields the EntryPoint packs into 128 bits when they hold more.
fn check_v07_widths(rpc: &Rpc) -> Result<(), LoadError> {
    let narrow = [
        ("callGasLimit", rpc.call_gas_limit),
        ("verificationGasLimit", rpc.verification_gas_limit),
        ("maxFeePerGas", rpc.max_fee_per_gas),
        ("maxPriorityFeePerGas", rpc.max_priority_fee_per_gas),
        (
            "paymasterVerificationGasLimit",
            rpc.paymaster_verification_gas_limit,
        ),
        ("paymasterPostOpGasLimit", rpc.paymaster_post_op_gas_limit),
    ];
    for (field, value) in narrow {
        if let Some(Hex(value)) = value
            && u128::try_from(value).is_err()
        {
            return Err(LoadError::invalid(
                field,
                format!("{value:#x} is wider than the 128 bits v0.7 packs it in"),
            ));
        }
    }
    Ok(())
}

/// A quantity read as the crate reads them (JSON integer, decimal or hex string) and written as
/// JSON-RPC writes them: a `0x` hex string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Hex(U256);

impl Serialize for Hex {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        hex_int::serialize(&self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for Hex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        hex_int::deserialize(deserializer).map(Self)
    }
}

/// Serde for integers as JSON-RPC quantities, refusing values too wide for the field's type.
mod hex_int {
    use super::*;

    pub(super) fn serialize<T, S>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
    where
        T: fmt::LowerHex,
        S: Serializer,
    {
        serializer.collect_str(&format_args!("{value:#x}"))
    }

    pub(super) fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
    where
        T: TryFrom<U256>,
        D: Deserializer<'de>,
    {
        let Quantity(wide) = Quantity::deserialize(deserializer)?;
        T::try_from(wide).map_err(|_| {
            de::Error::custom(format!(
                "{wide:#x} does not fit {} bits",
                core::mem::size_of::<T>().saturating_mul(8)
            ))
        })
    }
}

/// Every field of either JSON-RPC shape, in the order the shapes list them; which are present
/// decides the version.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Rpc {
    #[serde(skip_serializing_if = "Option::is_none")]
    sender: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<Hex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    init_code: Option<Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    factory: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    factory_data: Option<Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    call_data: Option<Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    call_gas_limit: Option<Hex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification_gas_limit: Option<Hex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pre_verification_gas: Option<Hex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_fee_per_gas: Option<Hex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_priority_fee_per_gas: Option<Hex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paymaster_and_data: Option<Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paymaster: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paymaster_verification_gas_limit: Option<Hex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paymaster_post_op_gas_limit: Option<Hex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paymaster_data: Option<Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    eip7702_auth: Option<Eip7702Auth>,
}

/// A field every user operation has.
fn required<T>(value: Option<T>, field: &str) -> Result<T, LoadError> {
    value.ok_or_else(|| LoadError::invalid(field, "missing; every user operation has it"))
}

impl Rpc {
    /// v0.6 when a v0.6-only field is present; a v0.7 field alongside it is refused.
    fn version(&self) -> Result<EntryPointVersion, LoadError> {
        let v06 = [self.init_code.is_some(), self.paymaster_and_data.is_some()];
        let v07 = [
            ("factory", self.factory.is_some()),
            ("factoryData", self.factory_data.is_some()),
            ("paymaster", self.paymaster.is_some()),
            (
                "paymasterVerificationGasLimit",
                self.paymaster_verification_gas_limit.is_some(),
            ),
            (
                "paymasterPostOpGasLimit",
                self.paymaster_post_op_gas_limit.is_some(),
            ),
            ("paymasterData", self.paymaster_data.is_some()),
        ];
        let old = V06_FIELDS
            .iter()
            .zip(v06)
            .find_map(|(f, on)| on.then_some(*f));
        let new = v07.into_iter().find_map(|(f, on)| on.then_some(f));
        match (old, new) {
            (Some(old), Some(new)) => Err(LoadError::invalid(
                new,
                format!(
                    "a v0.7 field, but `{old}` makes this a v0.6 user operation; the shapes do not mix"
                ),
            )),
            (Some(_), None) => Ok(EntryPointVersion::V06),
            (None, _) => Ok(EntryPointVersion::V07),
        }
    }

    fn into_op(self) -> Result<UserOperation, LoadError> {
        let version = self.version()?;
        let mut op = UserOperation {
            version,
            sender: required(self.sender, "sender")?,
            nonce: required(self.nonce, "nonce")?.0,
            call_data: required(self.call_data.clone(), "callData")?,
            call_gas_limit: required(self.call_gas_limit, "callGasLimit")?.0,
            verification_gas_limit: required(self.verification_gas_limit, "verificationGasLimit")?
                .0,
            pre_verification_gas: required(self.pre_verification_gas, "preVerificationGas")?.0,
            max_fee_per_gas: required(self.max_fee_per_gas, "maxFeePerGas")?.0,
            max_priority_fee_per_gas: required(
                self.max_priority_fee_per_gas,
                "maxPriorityFeePerGas",
            )?
            .0,
            init_code: Bytes::new(),
            paymaster: None,
            paymaster_verification_gas_limit: U256::ZERO,
            paymaster_post_op_gas_limit: U256::ZERO,
            paymaster_data: Bytes::new(),
            signature: required(self.signature.clone(), "signature")?,
            eip7702_auth: self.eip7702_auth,
        };
        match version {
            EntryPointVersion::V06 => self.fill_v06(&mut op)?,
            EntryPointVersion::V07 => self.fill_v07(&mut op)?,
        }
        op.check_zero_paymaster()?;
        Ok(op)
    }

    /// `initCode` and `paymasterAndData`, both required in v0.6.
    fn fill_v06(self, op: &mut UserOperation) -> Result<(), LoadError> {
        let missing =
            |field: &str| LoadError::invalid(field, "missing; every v0.6 user operation has it");
        let init_code = self.init_code.ok_or_else(|| missing("initCode"))?;
        split_address(&init_code, "initCode")?;
        let joined = self
            .paymaster_and_data
            .ok_or_else(|| missing("paymasterAndData"))?;
        if let Some((paymaster, data)) = split_address(&joined, "paymasterAndData")? {
            op.paymaster = Some(paymaster);
            op.paymaster_data = data;
        }
        op.init_code = init_code;
        Ok(())
    }

    /// The optional factory and paymaster groups; their parts need their address.
    fn fill_v07(self, op: &mut UserOperation) -> Result<(), LoadError> {
        check_v07_widths(&self)?;
        let without = |field: &str, needs: &str| {
            LoadError::invalid(field, format!("given without `{needs}`"))
        };
        match (self.factory, self.factory_data) {
            (None, Some(_)) => return Err(without("factoryData", "factory")),
            (Some(factory), data) => {
                let mut code = factory.to_vec();
                code.extend_from_slice(&data.unwrap_or_default());
                op.init_code = code.into();
            }
            (None, None) => {}
        }
        let Some(paymaster) = self.paymaster else {
            let parts = [
                (
                    "paymasterVerificationGasLimit",
                    self.paymaster_verification_gas_limit.is_some(),
                ),
                (
                    "paymasterPostOpGasLimit",
                    self.paymaster_post_op_gas_limit.is_some(),
                ),
                ("paymasterData", self.paymaster_data.is_some()),
            ];
            return match parts.into_iter().find(|(_, on)| *on) {
                Some((field, _)) => Err(without(field, "paymaster")),
                None => Ok(()),
            };
        };
        op.paymaster = Some(paymaster);
        op.paymaster_verification_gas_limit =
            self.paymaster_verification_gas_limit.unwrap_or_default().0;
        op.paymaster_post_op_gas_limit = self.paymaster_post_op_gas_limit.unwrap_or_default().0;
        op.paymaster_data = self.paymaster_data.unwrap_or_default();
        Ok(())
    }
}
