//! Smart Sessions identifiers (permissionId, actionId, configId), computed as the contracts do.
