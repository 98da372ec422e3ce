//! A user operation's JSON-RPC object drawn by `arbitrary`: every required field present unless
//! one is picked to be dropped, the fields of the v0.6 or v0.7 shape (or both mixed), quantities
//! in every form and width, byte strings around the 20-byte address boundary.

use crate::Amount;
use arbitrary::Arbitrary;
use serde_json::{Map, Value, json};

/// The fields every shape requires.
const REQUIRED: [&str; 8] = [
    "sender",
    "nonce",
    "callData",
    "callGasLimit",
    "verificationGasLimit",
    "preVerificationGas",
    "maxFeePerGas",
    "maxPriorityFeePerGas",
];

/// A quantity: a JSON number, a decimal or hex string, or text that is none of them.
#[derive(Arbitrary, Clone, Copy, Debug)]
enum Quantity {
    Number(u64),
    Decimal(Amount),
    Hex(Amount),
    /// A hex string with leading zeros, or an odd number of digits.
    Padded(u16),
    Bad,
}

impl Quantity {
    fn json(self) -> Value {
        match self {
            Self::Number(n) => json!(n),
            Self::Decimal(a) => json!(a.get().to_string()),
            Self::Hex(a) => json!(format!("{:#x}", a.get())),
            Self::Padded(n) => json!(format!("0x000{n:x}")),
            Self::Bad => json!("-1"),
        }
    }
}

/// Bytes: a few lengths that matter (empty, short of an address, an address, more).
#[derive(Arbitrary, Clone, Debug)]
enum Bytes {
    Empty,
    Len(u8, u8),
    Any(Vec<u8>),
    /// Odd digits: not hex bytes.
    Odd,
}

impl Bytes {
    fn json(&self) -> Value {
        let hex = |bytes: &[u8]| json!(alloy_primitives::hex::encode_prefixed(bytes));
        match self {
            Self::Empty => json!("0x"),
            Self::Len(len, fill) => hex(&vec![*fill; usize::from(*len % 72)]),
            Self::Any(bytes) => hex(&bytes[..bytes.len().min(96)]),
            Self::Odd => json!("0xabc"),
        }
    }
}

#[derive(Arbitrary, Clone, Copy, Debug)]
struct Address([u8; 20]);

impl Address {
    fn json(self) -> Value {
        json!(alloy_primitives::Address::from(self.0))
    }
}

#[derive(Arbitrary, Clone, Debug)]
struct Auth {
    chain_id: Quantity,
    address: Address,
    /// Spelled `contractAddress`, as some bundlers do.
    alias: bool,
    nonce: Quantity,
    y_parity: Quantity,
    r: Quantity,
    s: Quantity,
}

impl Auth {
    fn json(&self) -> Value {
        let name = if self.alias {
            "contractAddress"
        } else {
            "address"
        };
        json!({
            "chainId": self.chain_id.json(),
            name: self.address.json(),
            "nonce": self.nonce.json(),
            "yParity": self.y_parity.json(),
            "r": self.r.json(),
            "s": self.s.json(),
        })
    }
}

/// Which shape's optional fields are written.
#[derive(Arbitrary, Clone, Copy, Debug)]
enum Shape {
    V06,
    V07,
    Mixed,
}

/// The fields of one user operation.
#[derive(Arbitrary, Clone, Debug)]
pub struct Fields {
    sender: Address,
    nonce: Quantity,
    call_data: Bytes,
    gas: [Quantity; 5],
    signature: Option<Bytes>,
    shape: Shape,
    init_code: Option<Bytes>,
    paymaster_and_data: Option<Bytes>,
    factory: Option<Address>,
    factory_data: Option<Bytes>,
    paymaster: Option<Address>,
    paymaster_gas: [Option<Quantity>; 2],
    paymaster_data: Option<Bytes>,
    auth: Option<Auth>,
    /// A required field to leave out.
    drop: Option<u8>,
    unknown: bool,
}

impl Fields {
    /// The JSON-RPC object.
    pub fn json(&self) -> Value {
        let mut map = Map::new();
        let mut put = |key: &str, value: Value| {
            map.insert(key.to_owned(), value);
        };
        put("sender", self.sender.json());
        put("nonce", self.nonce.json());
        put("callData", self.call_data.json());
        for (key, gas) in REQUIRED[3..].iter().zip(self.gas) {
            put(key, gas.json());
        }
        put(
            "signature",
            self.signature.as_ref().map_or(json!("0x"), Bytes::json),
        );
        let (v06, v07) = match self.shape {
            Shape::V06 => (true, false),
            Shape::V07 => (false, true),
            Shape::Mixed => (true, true),
        };
        if v06 {
            self.v06(&mut put);
        }
        if v07 {
            self.v07(&mut put);
        }
        if let Some(auth) = &self.auth {
            put("eip7702Auth", auth.json());
        }
        if self.unknown {
            put("entryPoint", json!("0x"));
        }
        if let Some(i) = self.drop {
            map.remove(REQUIRED[usize::from(i) % REQUIRED.len()]);
        }
        Value::Object(map)
    }

    /// v0.6 requires both of its fields: each is written (empty when not drawn).
    fn v06(&self, put: &mut impl FnMut(&str, Value)) {
        put(
            "initCode",
            self.init_code.as_ref().map_or(json!("0x"), Bytes::json),
        );
        put(
            "paymasterAndData",
            self.paymaster_and_data
                .as_ref()
                .map_or(json!("0x"), Bytes::json),
        );
    }

    fn v07(&self, put: &mut impl FnMut(&str, Value)) {
        if let Some(factory) = self.factory {
            put("factory", factory.json());
        }
        if let Some(data) = &self.factory_data {
            put("factoryData", data.json());
        }
        if let Some(paymaster) = self.paymaster {
            put("paymaster", paymaster.json());
        }
        let names = ["paymasterVerificationGasLimit", "paymasterPostOpGasLimit"];
        for (name, gas) in names.into_iter().zip(self.paymaster_gas) {
            if let Some(gas) = gas {
                put(name, gas.json());
            }
        }
        if let Some(data) = &self.paymaster_data {
            put("paymasterData", data.json());
        }
    }
}
