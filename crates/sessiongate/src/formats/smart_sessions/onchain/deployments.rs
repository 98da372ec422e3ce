//! The Smart Session modules and policy contracts the Rhinestone SDKs and module-sdk name, and the
//! table that resolves a policy address to the contract (kind and version) deployed there.

use crate::formats::smart_sessions::model::{PolicyContract, PolicyKindId, PolicyVersion};
use alloc::collections::BTreeMap;
use alloy_primitives::{Address, address};

/// The Smart Session module at smartsessions HEAD (Aug 2025), the Rhinestone SDKs' default.
pub const SMART_SESSION_V2: Address = address!("0x00000000008bDABA73cD9815d79069c247Eb4bDA");

/// The Smart Session module of tag v1.0.0 (with the attestation registry).
pub const SMART_SESSION_V1: Address = address!("0x00000000002B0eCfbD0496EE71e01257dA0E37DE");

/// Every SmartSession deployment the SDKs name. A session key's call to one that is not its own
/// module needs the admin fallback action too, as a call to its own module does.
pub const SMART_SESSION_DEPLOYMENTS: [Address; 2] = [SMART_SESSION_V2, SMART_SESSION_V1];

const fn v2(address: Address, kind: PolicyKindId) -> PolicyContract {
    PolicyContract {
        address,
        kind,
        version: PolicyVersion::V2,
    }
}

const fn legacy(address: Address, kind: PolicyKindId) -> PolicyContract {
    PolicyContract {
        address,
        kind,
        version: PolicyVersion::Legacy,
    }
}

/// The smartsessions HEAD policies at the addresses the Rhinestone SDKs use by default
/// (CREATE2-proven for all but `ArgPolicy`).
pub const V2_POLICIES: [PolicyContract; 7] = [
    v2(
        address!("0x0000000000FEEc8D74e3143fBaBbca515358d869"),
        PolicyKindId::Sudo,
    ),
    v2(
        address!("0x0000000000714Cf48FcF88A0bFBa70d313415032"),
        PolicyKindId::UniversalAction,
    ),
    v2(
        address!("0x0000000000167edE64D8751daACDdC0312565a73"),
        PolicyKindId::ArgPolicy,
    ),
    v2(
        address!("0x000000000033212E272655D8a22402Db819477A6"),
        PolicyKindId::SpendingLimits,
    ),
    v2(
        address!("0x0000000000D30f611fA3bf652ac6879428586930"),
        PolicyKindId::TimeFrame,
    ),
    v2(
        address!("0x00000000001d4479FA2A947026204d0283ceDe4B"),
        PolicyKindId::UsageLimit,
    ),
    v2(
        address!("0x000000000021dC45451291BCDfc9f0B46d6f0278"),
        PolicyKindId::ValueLimit,
    ),
];

/// The older deployments still named by module-sdk: v1.0.0 sudo, universal action and spending
/// limits, and the Oct-2024 time frame, usage limit and value limit.
pub const LEGACY_POLICIES: [PolicyContract; 6] = [
    legacy(
        address!("0x0000003111cD8e92337C100F22B7A9dbf8DEE301"),
        PolicyKindId::Sudo,
    ),
    legacy(
        address!("0x0000006DDA6c463511C4e9B05CFc34C1247fCF1F"),
        PolicyKindId::UniversalAction,
    ),
    legacy(
        address!("0x00000088D48cF102A8Cdb0137A9b173f957c6343"),
        PolicyKindId::SpendingLimits,
    ),
    legacy(
        address!("0x8177451511dE0577b911C254E9551D981C26dc72"),
        PolicyKindId::TimeFrame,
    ),
    legacy(
        address!("0x1F34eF8311345A3A4a4566aF321b313052F51493"),
        PolicyKindId::UsageLimit,
    ),
    legacy(
        address!("0x730DA93267E7E513e932301B47F2ac7D062abC83"),
        PolicyKindId::ValueLimit,
    ),
];

/// The policy contracts sessiongate knows, by address; overridable for other deployments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyTable {
    contracts: BTreeMap<Address, PolicyContract>,
    defaults: BTreeMap<PolicyKindId, Address>,
}

impl PolicyTable {
    /// The V2 and legacy deployments, with the V2 addresses as each kind's default.
    pub fn known() -> Self {
        let mut table = Self::empty();
        for contract in V2_POLICIES.into_iter().chain(LEGACY_POLICIES) {
            table.insert(contract);
        }
        for contract in V2_POLICIES {
            table.defaults.insert(contract.kind, contract.address);
        }
        table
    }

    /// A table that knows no contract.
    pub fn empty() -> Self {
        Self {
            contracts: BTreeMap::new(),
            defaults: BTreeMap::new(),
        }
    }

    /// Adds a contract, replacing any entry at the same address. A default that pointed at that
    /// address for another kind is dropped, so defaults always name a contract of their kind.
    pub fn insert(&mut self, contract: PolicyContract) {
        self.defaults
            .retain(|kind, address| *address != contract.address || *kind == contract.kind);
        self.contracts.insert(contract.address, contract);
    }

    /// Makes `address` the default for `kind`; false (and no change) unless the table holds a
    /// contract of that kind there.
    pub fn set_default(&mut self, kind: PolicyKindId, address: Address) -> bool {
        let fits = self.get(address).is_some_and(|c| c.kind == kind);
        if fits {
            self.defaults.insert(kind, address);
        }
        fits
    }

    /// The contract deployed at `address`, if known.
    pub fn get(&self, address: Address) -> Option<PolicyContract> {
        self.contracts.get(&address).copied()
    }

    /// The address the SDK uses for `kind` when its JSON names no address.
    pub fn default_address(&self, kind: PolicyKindId) -> Option<Address> {
        self.defaults.get(&kind).copied()
    }

    /// Every known contract, by address.
    pub fn iter(&self) -> impl Iterator<Item = &PolicyContract> {
        self.contracts.values()
    }
}

impl Default for PolicyTable {
    fn default() -> Self {
        Self::known()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;

    #[test]
    fn table_lookups_and_overrides() {
        let mut table = PolicyTable::default();
        assert_eq!(table.iter().count(), 13);
        let uni = table
            .default_address(PolicyKindId::UniversalAction)
            .unwrap();
        assert_eq!(table.get(uni).unwrap().version, PolicyVersion::V2);
        let legacy_time = LEGACY_POLICIES[3];
        assert_eq!(table.get(legacy_time.address), Some(legacy_time));
        // Re-pointing a default's address at another kind drops that default.
        table.insert(v2(uni, PolicyKindId::Sudo));
        assert_eq!(table.default_address(PolicyKindId::UniversalAction), None);
        assert!(!table.set_default(PolicyKindId::UniversalAction, uni));
        assert!(table.set_default(PolicyKindId::UniversalAction, LEGACY_POLICIES[1].address));
        assert_eq!(PolicyTable::empty().iter().count(), 0);
        assert_eq!(
            PolicyTable::empty().default_address(PolicyKindId::Sudo),
            None
        );
    }
}
