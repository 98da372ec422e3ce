//! Smart Sessions identifiers (permissionId, actionId, configId), computed as the contracts do.
//!
//! Policy state lives in each policy contract under a config id, so these hashes decide which
//! actions share a budget: the formulas follow `IdLib.sol` (smartsessions HEAD and v1.0.0 agree).

use crate::calldata::Selector;
use alloy_primitives::{Address, B256, address, b256, fixed_bytes, keccak256};
use alloy_sol_types::abi::{
    self,
    token::{PackedSeqToken, WordToken},
};

/// `FALLBACK_TARGET_FLAG`: the target of the action that catches calls with no action of their own.
pub const FALLBACK_TARGET: Address = address!("0x0000000000000000000000000000000000000001");

/// `FALLBACK_TARGET_SELECTOR_FLAG`: the selector of the fallback action.
pub const FALLBACK_SELECTOR: Selector = fixed_bytes!("0x00000001");

/// `FALLBACK_TARGET_SELECTOR_FLAG_PERMITTED_TO_CALL_SMARTSESSION`: the fallback that may also
/// call the Smart Session module itself.
pub const ADMIN_FALLBACK_SELECTOR: Selector = fixed_bytes!("0x00000002");

/// `IdLib.VALUE_SELECTOR`: the selector used for calldata shorter than four bytes.
pub const VALUE_SELECTOR: Selector = fixed_bytes!("0xffffffff");

/// `FALLBACK_ACTIONID` = `action_id(FALLBACK_TARGET, FALLBACK_SELECTOR)`.
pub const FALLBACK_ACTION_ID: B256 =
    b256!("0xd884b6afa19f8ace90a388daca691e4e28f20cdac5aeefd46ad8bd1c074d28cf");

/// `FALLBACK_ACTIONID_SMARTSESSION_CALL` = `action_id(FALLBACK_TARGET, ADMIN_FALLBACK_SELECTOR)`.
pub const ADMIN_FALLBACK_ACTION_ID: B256 =
    b256!("0x986126569d6396d837d7adeb3ca726199afaf83546f38726e6f331bb92d8e9d6");

/// The prefix `IdLib.toErc1271PolicyId` hashes before the permission id.
const ERC1271_PREFIX: &[u8] = b"ERC1271: ";

/// `keccak256(abi.encode(sessionValidator, sessionValidatorInitData, salt))`: policies are not
/// part of the id, so re-enabling a session with other policies keeps its id.
pub fn permission_id(session_validator: Address, validator_init_data: &[u8], salt: B256) -> B256 {
    let tokens = (
        WordToken(session_validator.into_word()),
        PackedSeqToken(validator_init_data),
        WordToken(salt),
    );
    keccak256(abi::encode_params(&tokens))
}

/// `keccak256(abi.encodePacked(target, selector))`: a 24-byte preimage.
pub fn action_id(target: Address, selector: Selector) -> B256 {
    keccak256(concat(target.as_slice(), selector.as_slice()))
}

/// `keccak256(abi.encodePacked(permissionId, actionId))`.
pub fn action_policy_id(permission_id: B256, action_id: B256) -> B256 {
    keccak256(concat(permission_id.as_slice(), action_id.as_slice()))
}

/// The config id of an action policy: `keccak256(abi.encodePacked(account, actionPolicyId))`.
pub fn action_config_id(account: Address, permission_id: B256, action_id: B256) -> B256 {
    let policy_id = action_policy_id(permission_id, action_id);
    keccak256(concat(account.as_slice(), policy_id.as_slice()))
}

/// The config id of a userOp policy: the userOp policy id is the permission id itself.
pub fn user_op_config_id(account: Address, permission_id: B256) -> B256 {
    keccak256(concat(account.as_slice(), permission_id.as_slice()))
}

/// The config id of an ERC-1271 policy:
/// `keccak256(abi.encodePacked(account, keccak256(abi.encodePacked("ERC1271: ", permissionId))))`.
pub fn erc1271_config_id(account: Address, permission_id: B256) -> B256 {
    let policy_id = keccak256(concat(ERC1271_PREFIX, permission_id.as_slice()));
    keccak256(concat(account.as_slice(), policy_id.as_slice()))
}

/// `abi.encodePacked` of two byte strings.
fn concat(head: &[u8], tail: &[u8]) -> alloc::vec::Vec<u8> {
    let mut out = alloc::vec::Vec::with_capacity(head.len().saturating_add(tail.len()));
    out.extend_from_slice(head);
    out.extend_from_slice(tail);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use alloy_primitives::{Bytes, FixedBytes};
    use alloy_sol_types::SolValue;

    #[test]
    fn fallback_action_ids_match_the_contract_constants() {
        assert_eq!(
            action_id(FALLBACK_TARGET, FALLBACK_SELECTOR),
            FALLBACK_ACTION_ID
        );
        assert_eq!(
            action_id(FALLBACK_TARGET, ADMIN_FALLBACK_SELECTOR),
            ADMIN_FALLBACK_ACTION_ID
        );
        assert_ne!(
            action_id(FALLBACK_TARGET, VALUE_SELECTOR),
            FALLBACK_ACTION_ID
        );
    }

    #[test]
    fn permission_id_is_the_abi_encoding_of_three_params() {
        let validator = address!("0x00000000d12897ddadc2044614a9677b191a2d95");
        let init = Bytes::from(alloc::vec![0xab; 45]);
        let salt = B256::repeat_byte(7);
        let encoded = (validator, init.clone(), salt).abi_encode_params();
        // A dynamic `bytes` argument: head of three words, then the length and padded data.
        assert_eq!(encoded.len(), 32 * 3 + 32 + 64);
        assert_eq!(permission_id(validator, &init, salt), keccak256(&encoded));
        assert_ne!(
            permission_id(validator, &init[1..], salt),
            permission_id(validator, &init, salt)
        );
    }

    #[test]
    fn config_ids_follow_the_packed_preimages() {
        let account = address!("0x1111111111111111111111111111111111111111");
        let permission = B256::repeat_byte(0x22);
        let action = action_id(
            address!("0x3333333333333333333333333333333333333333"),
            FixedBytes([0xa9, 0x05, 0x9c, 0xbb]),
        );
        let policy = keccak256((permission, action).abi_encode_packed());
        assert_eq!(action_policy_id(permission, action), policy);
        assert_eq!(
            action_config_id(account, permission, action),
            keccak256((account, policy).abi_encode_packed())
        );
        assert_eq!(
            user_op_config_id(account, permission),
            keccak256((account, permission).abi_encode_packed())
        );
        let erc1271 = keccak256(("ERC1271: ", permission).abi_encode_packed());
        assert_eq!(
            erc1271_config_id(account, permission),
            keccak256((account, erc1271).abi_encode_packed())
        );
        // The three kinds of config id never coincide for one account and permission.
        assert_ne!(
            user_op_config_id(account, permission),
            erc1271_config_id(account, permission)
        );
    }
}
