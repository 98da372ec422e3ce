//! The on-chain form: policy contract addresses and their init data, decoded per deployed version.
