//! Every contract interface the tests and the fuzz targets encode calls with, declared once with
//! alloy `sol!` from the contracts' own sources, never from the crate's decoders, so an encoding
//! checks the engine instead of agreeing with it. One module per contract (or family): sources
//! overload names (`execute`, `executeBatch`, `multicall`) that one `sol!` scope cannot hold.
//!
//! `fuzz/src/lib.rs` includes this file by path; it must need nothing but `alloy_sol_types`.

/// ERC-20, with the allowance changes, `mint` and `burn` of common tokens.
pub mod erc20 {
    alloy_sol_types::sol! {
        function transfer(address to, uint256 amount) returns (bool);
        function approve(address spender, uint256 amount) returns (bool);
        function transferFrom(address from, address to, uint256 amount) returns (bool);
        function increaseAllowance(address spender, uint256 added);
        function decreaseAllowance(address spender, uint256 subtracted);
        function balanceOf(address owner);
        function mint(uint256 amount) payable;
        function burn(uint256 amount);
    }
}

/// WETH9.
pub mod weth {
    alloy_sol_types::sol! {
        function deposit() payable;
        function withdraw(uint256 wad);
    }
}

/// Functions of made-up contracts: what sessions in the tests allow, with one parameter of each
/// shape a rule reads.
pub mod probe {
    alloy_sol_types::sol! {
        function setU(uint256 x);
        function setSmall(uint8 x);
        function setSigned(int16 x);
        function setAddr(address who);
        function setFlag(bool flag);
        function setTag(bytes4 tag);
        function swap(address tokenIn, uint256 amountIn, int256 minOut);
        function blobs(bytes[] data);
        function adjust(int256 delta);
        function shrink(int256 delta);
        function store(uint256 a, uint256 b);
        function setFee(uint256 fee);
        function spend(uint256 amount);
        function pour(uint256 amount);
        function mark(uint256 amount);
        function pay(uint256 memo);
        function fund(uint256 memo);
        function ping();
        function pong();
        function tick();
        function claim(uint256 x);
        function sync();
        function poke();
        function give(uint256 amount, address to);
        function send(address to, uint256 amount);
    }
}

/// The made-up payroll contract of `examples/payroll-batch`.
pub mod payroll {
    alloy_sol_types::sol! {
        function batchTransfer(address token, address[] recipients, uint256[] amounts);
    }
}

/// Uniswap V2 Router02.
pub mod uniswap_v2 {
    alloy_sol_types::sol! {
        function swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline);
    }
}

/// Uniswap SwapRouter02 (`0x68b3…Fc45`): `ExactInputSingleParams` without a deadline.
pub mod router02 {
    alloy_sol_types::sol! {
        struct ExactInputSingleParams {
            address tokenIn;
            address tokenOut;
            uint24 fee;
            address recipient;
            uint256 amountIn;
            uint256 amountOutMinimum;
            uint160 sqrtPriceLimitX96;
        }
        struct ExactInputParams {
            bytes path;
            address recipient;
            uint256 amountIn;
            uint256 amountOutMinimum;
        }
        function exactInputSingle(ExactInputSingleParams params) external payable returns (uint256 amountOut);
        function exactInput(ExactInputParams params) external payable returns (uint256 amountOut);
        function sweepToken(address token, uint256 amountMinimum, address recipient) external payable;
    }
}

/// SwapRouter02's `multicall(bytes[])` (from `Multicall`).
pub mod multicall_plain {
    alloy_sol_types::sol! {
        function multicall(bytes[] data) external payable returns (bytes[] results);
    }
}

/// SwapRouter02's `multicall(uint256,bytes[])` (from `MulticallExtended`).
pub mod multicall_deadline {
    alloy_sol_types::sol! {
        function multicall(uint256 deadline, bytes[] data) external payable returns (bytes[] results);
    }
}

/// The original Uniswap V3 SwapRouter (`0xE592…1564`): `ExactInputSingleParams` with a deadline.
pub mod router01 {
    alloy_sol_types::sol! {
        struct ExactInputSingleParams {
            address tokenIn;
            address tokenOut;
            uint24 fee;
            address recipient;
            uint256 deadline;
            uint256 amountIn;
            uint256 amountOutMinimum;
            uint160 sqrtPriceLimitX96;
        }
        function exactInputSingle(ExactInputSingleParams params) external payable returns (uint256 amountOut);
    }
}

/// Multicall3.
pub mod multicall3 {
    alloy_sol_types::sol! {
        struct Call3 {
            address target;
            bool allowFailure;
            bytes callData;
        }
        function aggregate3(Call3[] calls) payable;
    }
}

/// ENS PublicResolver and NameWrapper.
pub mod ens {
    alloy_sol_types::sol! {
        function setText(bytes32 node, string key, string value);
        function setContenthash(bytes32 node, bytes hash);
        function setFuses(bytes32 node, uint16 ownerControlledFuses) returns (uint32);
    }
}

/// Disperse.app.
pub mod disperse {
    alloy_sol_types::sol! {
        function disperseToken(address token, address[] recipients, uint256[] values);
    }
}

/// Compound V2: a cToken's `accrueInterest` and the Comptroller's `claimComp`.
pub mod compound {
    alloy_sol_types::sol! {
        function accrueInterest() returns (uint256);
        function claimComp(address holder);
    }
}

/// Across V3 SpokePool.
pub mod across {
    alloy_sol_types::sol! {
        struct V3RelayData {
            address depositor;
            address recipient;
            address exclusiveRelayer;
            address inputToken;
            address outputToken;
            uint256 inputAmount;
            uint256 outputAmount;
            uint256 originChainId;
            uint32 depositId;
            uint32 fillDeadline;
            uint32 exclusivityDeadline;
            bytes message;
        }
        function fillV3Relay(V3RelayData relayData, uint256 repaymentChainId);
    }
}

/// SimpleAccountFactory.
pub mod account_factory {
    alloy_sol_types::sol! {
        function createAccount(address owner, uint256 salt);
    }
}

// ---- accounts ---------------------------------------------------------------------------------

/// ERC-7579 accounts: `execute(mode, executionCalldata)`, whose batch is `abi.encode(Execution[])`,
/// and module management.
pub mod erc7579 {
    alloy_sol_types::sol! {
        struct Execution { address target; uint256 value; bytes callData; }
        function execute(bytes32 mode, bytes executionCalldata);
        function installModule(uint256 moduleTypeId, address module, bytes initData);
        function uninstallModule(uint256 moduleTypeId, address module, bytes deInitData);
    }
}

/// ERC-4337 `IAccountExecute.executeUserOp` with the v0.7 packed user operation.
pub mod account_execute {
    alloy_sol_types::sol! {
        struct PackedUserOperation {
            address sender; uint256 nonce; bytes initCode; bytes callData; bytes32 accountGasLimits;
            uint256 preVerificationGas; bytes32 gasFees; bytes paymasterAndData; bytes signature;
        }
        function executeUserOp(PackedUserOperation userOp, bytes32 userOpHash);
    }
}

/// `execute(address,uint256,bytes)` of SimpleAccount, Biconomy v2 and Coinbase.
pub mod single {
    alloy_sol_types::sol! { function execute(address dest, uint256 value, bytes func); }
}

/// SimpleAccount v0.6 `executeBatch`.
pub mod v06 {
    alloy_sol_types::sol! { function executeBatch(address[] dest, bytes[] func); }
}

/// SimpleAccount v0.7 and Biconomy v2 `executeBatch`.
pub mod arrays {
    alloy_sol_types::sol! { function executeBatch(address[] dest, uint256[] value, bytes[] func); }
}

/// Batches of `Call` structs: Coinbase and SimpleAccount v0.8 `executeBatch`, thirdweb
/// MinimalAccount `execute`.
pub mod structs {
    alloy_sol_types::sol! {
        struct Call { address target; uint256 value; bytes data; }
        function executeBatch(Call[] calls);
        function execute(Call[] calls);
    }
}

/// Biconomy v2's own execute functions.
pub mod biconomy_v2 {
    alloy_sol_types::sol! {
        function execute_ncC(address dest, uint256 value, bytes func);
        function executeBatch_y6U(address[] dest, uint256[] value, bytes[] func);
    }
}

/// Safe4337Module and MultiSend.
pub mod safe {
    alloy_sol_types::sol! {
        function executeUserOp(address to, uint256 value, bytes data, uint8 operation);
        function executeUserOpWithErrorString(address to, uint256 value, bytes data, uint8 operation);
        function multiSend(bytes transactions);
    }
}

// ---- Smart Sessions policies ------------------------------------------------------------------

/// Init data of the Smart Sessions policy contracts (UniActionPolicy, ArgPolicy), from their
/// Solidity sources.
pub mod smart_sessions {
    alloy_sol_types::sol! {
        enum Condition { EQUAL, GREATER_THAN, LESS_THAN, GREATER_THAN_OR_EQUAL, LESS_THAN_OR_EQUAL, NOT_EQUAL, IN_RANGE }
        #[derive(Default)]
        struct LimitUsage { uint256 limit; uint256 used; }
        struct ParamRule { Condition condition; uint64 offset; bool isLimited; bytes32 refValue; LimitUsage usage; }
        struct UniParamRules { uint256 length; ParamRule[16] rules; }
        struct UniActionConfig { uint256 valueLimitPerUse; UniParamRules paramRules; }
        struct ArgParamRules { uint8 rootNodeIndex; ParamRule[] rules; uint256[] packedNodes; }
        struct ArgActionConfig { uint256 valueLimitPerUse; ArgParamRules paramRules; }

        // Raw-word twins, to write values the typed structs cannot hold.
        struct RawRule { uint256 condition; uint256 offset; uint256 isLimited; bytes32 refValue; uint256 limit; uint256 used; }
        struct RawArgRules { uint256 rootNodeIndex; RawRule[] rules; uint256[] packedNodes; }
        struct RawArgConfig { uint256 valueLimitPerUse; RawArgRules paramRules; }
    }

    /// The all-zero rule: what an unused slot of a `UniParamRules` holds.
    impl Default for ParamRule {
        fn default() -> Self {
            Self {
                condition: Condition::EQUAL,
                offset: 0,
                isLimited: false,
                refValue: Default::default(),
                usage: LimitUsage::default(),
            }
        }
    }
}
