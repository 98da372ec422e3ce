//! ERC-4337's packed user operation as `sol!` declares it: the crate's only declaration, below
//! both the account decoders (which refuse `executeUserOp`) and `user_op` (which packs into it).

// Public through `user_op::PackedUserOperation`; the call type only inside the crate.
#![allow(unreachable_pub)]

use alloy_sol_types::sol;

sol! {
    /// A user operation as EntryPoint v0.7 and v0.8 take it on chain, and as Smart Sessions
    /// passes it to user-op policies.
    #[derive(Debug, PartialEq, Eq)]
    struct PackedUserOperation {
        address sender;
        uint256 nonce;
        bytes initCode;
        bytes callData;
        bytes32 accountGasLimits;
        uint256 preVerificationGas;
        bytes32 gasFees;
        bytes paymasterAndData;
        bytes signature;
    }
    /// ERC-4337 `IAccountExecute.executeUserOp`, an account entry point that takes the packed
    /// operation itself; only its selector is used, by the ERC-7579 decoder, which refuses it.
    function executeUserOp(PackedUserOperation userOp, bytes32 userOpHash);
}
