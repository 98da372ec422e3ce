//! Loading both shapes: the SDK's is first encoded as the SDK would encode it, so both shapes
//! pass through the same decoder and the same enable-time checks, and cannot drift apart.

// Public to tests and fuzzing under `test-util`; crate-internal otherwise.
#![cfg_attr(not(feature = "test-util"), allow(unreachable_pub))]

use super::compile::{self, Frame, Installed, InstalledAction};
use super::document::{ActionData, OnChainSession, OnChainTag, PolicyData, SdkAction, SdkSession};
use super::ids::{self, FALLBACK_SELECTOR, FALLBACK_TARGET};
use super::onchain::{self, PolicyTable, SMART_SESSION_V2};
use super::{PolicyConfig, sdk};
use crate::calldata::Selector;
use crate::compiled::Session;
use crate::document::LoadError;
use alloc::{format, vec::Vec};
use alloy_primitives::{Address, B256};

type Result<T> = core::result::Result<T, LoadError>;
/// Encodes a list of SDK policies found at a path.
type Encoder<'a> = dyn Fn(&[super::document::SdkPolicy], &str) -> Result<Vec<PolicyData>> + 'a;

/// The table of known policy contracts with the document's additions.
fn table(extra: &[super::PolicyContract]) -> PolicyTable {
    let mut table = PolicyTable::known();
    for contract in extra {
        table.insert(*contract);
    }
    table
}

/// The on-chain form of an SDK session: policy addresses from the table's defaults and init data
/// as the SDK's `encodeSessionPolicy` writes it.
pub fn to_onchain(doc: &SdkSession) -> Result<OnChainSession> {
    let table = table(&doc.policy_contracts);
    let encode = |policies: &[super::document::SdkPolicy], path: &str| {
        policies
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let here = format!("{path}[{i}]");
                let config = sdk::config(p)
                    .map_err(|(field, m)| LoadError::invalid(format!("{here}.{field}"), m))?;
                policy_data(&table, &config, &here)
            })
            .collect::<Result<Vec<_>>>()
    };
    let user_op_policies = encode(&doc.policies, "policies")?;
    let actions = doc
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| action_data(a, &format!("actions[{i}].policies"), &encode, &table))
        .collect::<Result<Vec<_>>>()?;
    Ok(OnChainSession {
        format: OnChainTag::SmartSessionsOnChain,
        name: doc.name.clone(),
        description: doc.description.clone(),
        chain_id: doc.chain_id,
        session_validator: doc.session_validator,
        session_validator_init_data: doc.session_validator_init_data.clone(),
        salt: doc.salt,
        module: doc.module,
        policy_contracts: doc.policy_contracts.clone(),
        permit_erc4337_paymaster: doc.permit_erc4337_paymaster,
        user_op_policies,
        actions,
        erc7739_policies: None,
    })
}

fn action_data(
    action: &SdkAction,
    path: &str,
    encode: &Encoder<'_>,
    table: &PolicyTable,
) -> Result<ActionData> {
    // The SDK installs an action given without policies with the sudo policy.
    let policies = match &action.policies {
        Some(policies) => encode(policies, path)?,
        None => alloc::vec![policy_data(table, &PolicyConfig::Sudo, path)?],
    };
    Ok(ActionData {
        action_target_selector: action.selector.unwrap_or(FALLBACK_SELECTOR),
        action_target: action.target.unwrap_or(FALLBACK_TARGET),
        action_policies: policies,
    })
}

fn policy_data(table: &PolicyTable, config: &PolicyConfig, path: &str) -> Result<PolicyData> {
    let kind = config.kind();
    let policy = table
        .default_address(kind)
        .ok_or_else(|| LoadError::invalid(path, format!("no {kind:?} policy contract is known")))?;
    Ok(PolicyData {
        policy,
        init_data: onchain::encode_init_data(config).into(),
    })
}

/// Compiles an SDK-shaped session.
pub fn compile_sdk(doc: &SdkSession) -> Result<Session> {
    compile_onchain(&to_onchain(doc)?)
}

/// Compiles a session in the module's own shape.
pub fn compile_onchain(doc: &OnChainSession) -> Result<Session> {
    let table = table(&doc.policy_contracts);
    let user_op = installed_set(&table, &doc.user_op_policies, "userOpPolicies")?;
    let mut actions: Vec<InstalledAction> = Vec::new();
    for (i, action) in doc.actions.iter().enumerate() {
        let path = format!("actions[{i}].actionPolicies");
        let policies = installed_set(&table, &action.action_policies, &path)?;
        compile::install_action(
            &mut actions,
            action.action_target,
            action.action_target_selector,
            policies,
        );
    }
    let frame = Frame {
        name: doc.name.clone(),
        chain_id: doc.chain_id,
        module: doc.module.unwrap_or(SMART_SESSION_V2),
        permit_paymaster: doc.permit_erc4337_paymaster,
    };
    let session = compile::session(frame, &user_op, &actions)?;
    // Keyed by the module's shape, so an SDK document and its encoding share their counters.
    crate::document::fingerprinted(session, "smart-sessions-onchain", doc)
}

fn installed_set(
    table: &PolicyTable,
    policies: &[PolicyData],
    path: &str,
) -> Result<Vec<Installed>> {
    let mut set = Vec::new();
    for (i, data) in policies.iter().enumerate() {
        let here = format!("{path}[{i}]");
        let contract = table.get(data.policy).ok_or_else(|| {
            let message = format!(
                "policy contract {} is not known; add it to `policyContracts` with its kind and \
                 version",
                data.policy
            );
            LoadError::invalid(format!("{here}.policy"), message)
        })?;
        let config = onchain::decode_init_data(contract, &data.init_data).map_err(|e| {
            let message = format!("the {:?} policy would not enable: {e}", contract.kind);
            LoadError::invalid(format!("{here}.initData"), message)
        })?;
        compile::install(
            &mut set,
            Installed {
                contract,
                config,
                path: here,
            },
        );
    }
    Ok(set)
}

/// The identifiers the module derives for a session, as `IdLib` computes them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identifiers {
    /// `keccak256(abi.encode(sessionValidator, sessionValidatorInitData, salt))`; absent when the
    /// document does not name its session validator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission_id: Option<B256>,
    /// The config id of the user-operation policies (needs the account and the permission id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_op_config_id: Option<B256>,
    /// One entry per distinct action id, in first-seen order.
    pub actions: Vec<ActionIds>,
}

/// The identifiers of one action.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionIds {
    /// The target.
    pub target: Address,
    /// The selector.
    pub selector: Selector,
    /// `keccak256(abi.encodePacked(target, selector))`.
    pub action_id: B256,
    /// The config id its policies' state is kept under (needs the account and the permission id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_id: Option<B256>,
}

/// The permission id, action ids and config ids of a session in the module's shape.
pub fn identifiers(doc: &OnChainSession, account: Option<Address>) -> Identifiers {
    let permission_id = doc.session_validator.map(|validator| {
        let init = doc.session_validator_init_data.clone().unwrap_or_default();
        ids::permission_id(validator, &init, doc.salt.unwrap_or_default())
    });
    let scoped = account.zip(permission_id);
    let mut actions: Vec<ActionIds> = Vec::new();
    for action in &doc.actions {
        let (target, selector) = (action.action_target, action.action_target_selector);
        if actions
            .iter()
            .any(|a| a.target == target && a.selector == selector)
        {
            continue;
        }
        let action_id = ids::action_id(target, selector);
        actions.push(ActionIds {
            target,
            selector,
            action_id,
            config_id: scoped.map(|(a, p)| ids::action_config_id(a, p, action_id)),
        });
    }
    Identifiers {
        permission_id,
        user_op_config_id: scoped.map(|(a, p)| ids::user_op_config_id(a, p)),
        actions,
    }
}

/// Reads a Smart Sessions document of either shape from JSON and returns the module's shape
/// (encoding an SDK document as the SDK would).
pub fn onchain_from_json(text: &str) -> Result<OnChainSession> {
    #[derive(serde::Deserialize)]
    struct Peek {
        #[serde(default)]
        format: Option<serde_json::Value>,
    }
    let peek: Peek = crate::document::from_json_text(text)?;
    match peek.format.as_ref().and_then(|f| f.as_str()) {
        Some("smart-sessions") => to_onchain(&crate::document::from_json_text(text)?),
        Some("smart-sessions-onchain") => Ok(crate::document::from_json_text(text)?),
        _ => Err(LoadError::invalid(
            "format",
            "a Smart Sessions document has \"format\": \"smart-sessions\" or \"smart-sessions-onchain\"",
        )),
    }
}
