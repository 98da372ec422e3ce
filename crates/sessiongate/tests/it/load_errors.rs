//! Each malformed document is refused with a `LoadError` whose path and message name the field.

use serde_json::{Value as Json, json};
use sessiongate::{LoadError, Session};

const TOKEN: &str = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
const TRANSFER: &str = "transfer(address to, uint256 amount)";

fn load_error(text: &str) -> LoadError {
    match Session::from_json(text) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => e,
    }
}

/// Asserts the error's kind, its path, and that its message names `mentions`.
#[track_caller]
fn assert_error(doc: &str, json_error: bool, path: &str, mentions: &str) {
    let error = load_error(doc);
    assert_eq!(
        matches!(error, LoadError::Json(_)),
        json_error,
        "kind of {error:?}"
    );
    assert_eq!(error.path(), path, "{error}");
    let text = error.to_string();
    if !path.is_empty() {
        assert!(text.starts_with(&format!("{path}: ")), "{text}");
    }
    assert!(
        text.contains(mentions),
        "`{text}` does not mention `{mentions}`"
    );
}

/// A document with one action on TOKEN: `transfer` with `rules` and `policies` as given.
fn one_action(action: Json) -> String {
    let mut base = json!({ "target": TOKEN, "selector": TRANSFER });
    if let (Some(base), Some(extra)) = (base.as_object_mut(), action.as_object()) {
        base.extend(extra.clone());
    }
    json!({ "actions": [base] }).to_string()
}

fn with_rule(rule: Json) -> String {
    one_action(json!({ "rules": [rule] }))
}

fn with_policy(policy: Json) -> String {
    one_action(json!({ "policies": [policy] }))
}

#[test]
fn unknown_field_at_top_level() {
    let doc = json!({ "actions": [], "actoins": [] }).to_string();
    assert_error(&doc, true, "actoins", "unknown field `actoins`");
}

#[test]
fn unknown_field_in_an_action() {
    let doc = one_action(json!({ "policies": [{ "type": "sudo" }], "rulez": [] }));
    assert_error(&doc, true, "actions[0].rulez", "unknown field `rulez`");
}

#[test]
fn unknown_field_in_a_rule() {
    let doc = with_rule(json!({ "param": "to", "condition": "eq", "value": TOKEN, "note": 1 }));
    assert_error(
        &doc,
        true,
        "actions[0].rules[0].note",
        "unknown field `note`",
    );
}

#[test]
fn unknown_field_in_a_policy() {
    let doc = with_policy(json!({ "type": "max_value", "limit": 1, "per": "call" }));
    assert_error(&doc, true, "actions[0].policies[0]", "unknown field `per`");
}

#[test]
fn unknown_policy_type() {
    let doc = with_policy(json!({ "type": "max_gas", "limit": 1 }));
    assert_error(&doc, true, "actions[0].policies[0].type", "max_gas");
}

#[test]
fn bad_addresses() {
    let doc = json!({ "actions": [{ "target": "0x1234", "selector": "*", "policies": [{ "type": "sudo" }] }] });
    assert_error(&doc.to_string(), true, "actions[0].target", "40");
    let doc = with_rule(
        json!({ "param": "to", "condition": "eq", "value": "1111111111111111111111111111111111111111" }),
    );
    assert_error(
        &doc,
        false,
        "actions[0].rules[0].value",
        "must start with 0x",
    );
}

#[test]
fn bad_token_address_names_the_value() {
    // Inside a tagged policy the path may stop at the policy; the message must still say which
    // value is wrong, as the target's and the rules' address errors do.
    let doc = with_policy(json!({ "type": "spend_limit", "token": "0xzz", "limit": 1 }));
    let error = load_error(&doc);
    assert!(
        error.path().starts_with("actions[0].policies[0]"),
        "{error}"
    );
    assert!(error.to_string().contains("0xzz"), "{error}");
}

#[test]
fn selector_of_three_bytes() {
    let doc = one_action(json!({ "selector": "0xa9059c", "policies": [{ "type": "sudo" }] }));
    assert_error(&doc, false, "actions[0].selector", "has 3 bytes");
}

#[test]
fn selector_with_bad_hex() {
    let doc = one_action(json!({ "selector": "0xa9059cbz", "policies": [{ "type": "sudo" }] }));
    assert_error(&doc, false, "actions[0].selector", "0xa9059cbz");
}

#[test]
fn signature_that_does_not_parse() {
    let doc =
        one_action(json!({ "selector": "transfer(address to", "policies": [{ "type": "sudo" }] }));
    assert_error(&doc, false, "actions[0].selector", "transfer(address to");
    let doc = one_action(json!({ "selector": "f(uint257 x)", "policies": [{ "type": "sudo" }] }));
    assert_error(&doc, false, "actions[0].selector", "uint257");
}

#[test]
fn rule_on_a_missing_parameter_name() {
    let doc = with_rule(json!({ "param": "recipient", "condition": "eq", "value": TOKEN }));
    assert_error(
        &doc,
        false,
        "actions[0].rules[0].param",
        "no parameter named `recipient`",
    );
}

#[test]
fn rule_index_out_of_range() {
    let doc = with_rule(json!({ "param": 2, "condition": "eq", "value": 1 }));
    assert_error(
        &doc,
        false,
        "actions[0].rules[0].param",
        "has no parameter 2",
    );
}

#[test]
fn bytes_rule_needs_a_bytes_value() {
    let doc = one_action(json!({
        "selector": "call(address to, bytes data)",
        "rules": [{ "param": "data", "condition": "eq", "value": 0 }]
    }));
    assert_error(
        &doc,
        false,
        "actions[0].rules[0].value",
        "not a bytes value",
    );
}

#[test]
fn ordering_on_bytes_is_refused() {
    let doc = one_action(json!({
        "selector": "call(address to, bytes data)",
        "rules": [{ "param": "data", "condition": "gt", "value": "0x01" }]
    }));
    assert_error(&doc, false, "actions[0].rules[0].condition", ".length");
}

#[test]
fn rule_on_a_whole_array_needs_an_element_path() {
    let doc = one_action(json!({
        "selector": "pay(address[] to)",
        "rules": [{ "param": "to", "condition": "eq", "value": 1 }]
    }));
    assert_error(&doc, false, "actions[0].rules[0].param", "[*]");
}

#[test]
fn quantifier_needs_a_wildcard() {
    let doc = one_action(json!({
        "selector": "pay(address[] to)",
        "rules": [{ "param": "to[0]", "condition": "eq", "value": "0x1111111111111111111111111111111111111111", "quantifier": "some" }]
    }));
    assert_error(&doc, false, "actions[0].rules[0].quantifier", "[*]");
}

#[test]
fn budget_under_any_is_refused() {
    let doc =
        with_rule(json!({ "any": [{ "param": 1, "condition": "lte", "value": 5, "budget": 10 }] }));
    assert_error(&doc, false, "actions[0].rules[0].any[0].budget", "any");
}

#[test]
fn leaf_and_combinator_together_are_refused() {
    let doc = with_rule(
        json!({ "param": 1, "condition": "lte", "value": 5, "not": { "param": 1, "condition": "eq", "value": 1 } }),
    );
    assert_error(&doc, false, "actions[0].rules[0]", "exactly one of");
}

#[test]
fn shared_budget_must_exist() {
    let doc = json!({
        "budgets": { "eth": { "limit": 1 } },
        "actions": [{ "target": TOKEN, "selector": TRANSFER, "rules": [{ "param": 1, "budget": { "shared": "usdc" } }] }]
    })
    .to_string();
    assert_error(&doc, false, "actions[0].rules[0].budget.shared", "[eth]");
}

#[test]
fn refill_needs_a_period() {
    let doc = with_rule(json!({ "param": 1, "budget": { "limit": 10, "refill": 1 } }));
    assert_error(&doc, false, "actions[0].rules[0].budget.period", "period");
}

#[test]
fn unknown_budget_field_is_named() {
    let doc = with_rule(json!({ "param": 1, "budget": { "limit": 10, "every": 1 } }));
    assert_error(
        &doc,
        true,
        "actions[0].rules[0].budget.every",
        "unknown field `every`",
    );
}

#[test]
fn ratio_must_be_a_decimal() {
    let doc = with_rule(
        json!({ "param": 1, "condition": "gte", "value": { "param": "amount", "ratio": "1e-6" } }),
    );
    assert_error(&doc, false, "actions[0].rules[0].value", "not a decimal");
}

#[test]
fn account_relation_needs_an_address() {
    let doc =
        with_rule(json!({ "param": 1, "condition": "eq", "value": { "context": "account" } }));
    assert_error(&doc, false, "actions[0].rules[0].value", "address");
}

#[test]
fn nested_calldata_must_be_bytes() {
    let doc = one_action(json!({
        "selector": "multicall(uint256 deadline, bytes[] data)",
        "nested": { "calldata": "deadline" }
    }));
    assert_error(&doc, false, "actions[0].nested.calldata", "bytes");
}

#[test]
fn rate_limit_needs_one_shape() {
    let doc = one_action(json!({
        "selector": "*",
        "policies": [{ "type": "rate_limit", "max_calls": 3 }]
    }));
    assert_error(&doc, false, "actions[0].policies[0]", "period");
}

#[test]
fn rule_with_param_and_offset() {
    let doc = with_rule(json!({ "param": 0, "offset": 0, "condition": "eq", "value": 1 }));
    assert_error(&doc, false, "actions[0].rules[0].offset", "not both");
}

#[test]
fn rule_with_neither_param_nor_offset() {
    let doc = with_rule(json!({ "condition": "eq", "value": 1 }));
    assert_error(&doc, false, "actions[0].rules[0].param", "`param`");
}

#[test]
fn ordering_condition_on_an_address() {
    let doc = with_rule(json!({ "param": "to", "condition": "gt", "value": TOKEN }));
    assert_error(&doc, false, "actions[0].rules[0].value", "address");
}

#[test]
fn in_range_min_above_max() {
    let doc = with_rule(json!({ "param": "amount", "condition": "in_range", "value": [10, 9] }));
    assert_error(&doc, false, "actions[0].rules[0].value", "min is above max");
    // Signed: -1 is below 1, so [-1, 1] is fine and [1, -1] is not.
    let signed = |value: Json| {
        one_action(json!({
            "selector": "f(int8 x)",
            "rules": [{ "param": "x", "condition": "in_range", "value": value }]
        }))
    };
    assert!(Session::from_json(&signed(json!([-1, 1]))).is_ok());
    assert_error(
        &signed(json!([1, -1])),
        false,
        "actions[0].rules[0].value",
        "min is above max",
    );
}

#[test]
fn in_range_with_one_value() {
    let doc = with_rule(json!({ "param": "amount", "condition": "in_range", "value": [10] }));
    assert_error(&doc, false, "actions[0].rules[0].value", "not 1 values");
    let doc = with_rule(json!({ "param": "amount", "condition": "in_range", "value": 10 }));
    assert_error(&doc, false, "actions[0].rules[0].value", "[min, max]");
}

#[test]
fn one_of_empty() {
    let doc = with_rule(json!({ "param": "amount", "condition": "one_of", "value": [] }));
    assert_error(&doc, false, "actions[0].rules[0].value", "not 0");
}

#[test]
fn value_out_of_range_for_uint8() {
    let doc = one_action(json!({
        "selector": "f(uint8 x)",
        "rules": [{ "param": "x", "condition": "lte", "value": 256 }]
    }));
    assert_error(
        &doc,
        false,
        "actions[0].rules[0].value",
        "out of range for uint8",
    );
}

#[test]
fn value_out_of_range_for_int8() {
    let doc = one_action(json!({
        "selector": "f(int8 x)",
        "rules": [{ "param": "x", "condition": "gte", "value": "-129" }]
    }));
    assert_error(
        &doc,
        false,
        "actions[0].rules[0].value",
        "out of range for int8",
    );
}

#[test]
fn negative_value_for_uint() {
    let doc = with_rule(json!({ "param": "amount", "condition": "gte", "value": -1 }));
    assert_error(&doc, false, "actions[0].rules[0].value", "negative");
    let doc = with_rule(json!({ "param": "amount", "condition": "gte", "value": "-1" }));
    assert_error(&doc, false, "actions[0].rules[0].value", "-1");
}

#[test]
fn budget_on_a_signed_parameter() {
    let doc = one_action(json!({
        "selector": "f(int256 x)",
        "rules": [{ "param": "x", "condition": "gte", "value": 0, "budget": 10 }]
    }));
    assert_error(&doc, false, "actions[0].rules[0].budget", "int256");
}

#[test]
fn time_window_after_its_end() {
    let window = json!({ "type": "time_window", "valid_after": 11, "valid_until": 10 });
    assert_error(
        &with_policy(window.clone()),
        false,
        "actions[0].policies[0]",
        "valid_after 11",
    );
    let doc = json!({
        "policies": [{ "type": "sudo" }, window],
        "actions": [{ "target": "*", "selector": "*", "policies": [{ "type": "sudo" }] }]
    });
    assert_error(&doc.to_string(), false, "policies[1]", "valid_until 10");
    // An instant window is fine.
    let instant = json!({ "type": "time_window", "valid_after": 10, "valid_until": 10 });
    assert!(Session::from_json(&with_policy(instant)).is_ok());
}

#[test]
fn action_with_no_rules_and_no_policies() {
    let doc = one_action(json!({}));
    assert_error(&doc, false, "actions[0]", "sudo");
}

#[test]
fn duplicate_action_names() {
    let action = json!({ "name": "pay", "target": TOKEN, "selector": "*", "policies": [{ "type": "sudo" }] });
    let doc = json!({ "actions": [action.clone(), action] });
    assert_error(&doc.to_string(), false, "actions[1].name", "actions[0]");
}

#[test]
fn invalid_action_names() {
    for name in ["pay now", "", "42", "a/b"] {
        let doc = one_action(json!({ "name": name, "policies": [{ "type": "sudo" }] }));
        assert_error(&doc, false, "actions[0].name", "not a valid action name");
    }
}

#[test]
fn no_actions() {
    assert_error(r#"{ "actions": [] }"#, false, "actions", "no actions");
}

#[test]
fn missing_actions_is_a_whole_document_error() {
    assert_error("{}", true, "", "missing field `actions`");
}

#[test]
fn not_json() {
    let error = load_error("actions: []");
    assert!(
        matches!(error, LoadError::Json(ref e) if e.line() == 1),
        "{error:?}"
    );
    assert_eq!(error.path(), "");
    assert!(error.to_string().contains("line 1"), "{error}");
}

#[test]
fn trailing_garbage() {
    let valid = one_action(json!({ "policies": [{ "type": "sudo" }] }));
    assert!(Session::from_json(&valid).is_ok());
    assert_error(&format!("{valid} }}"), true, "", "trailing characters");
}

#[test]
fn errors_in_later_elements_name_their_index() {
    let ok = json!({ "target": TOKEN, "selector": "*", "policies": [{ "type": "sudo" }] });
    let bad = json!({ "target": TOKEN, "selector": TRANSFER, "rules": [
        { "param": "to", "condition": "eq", "value": TOKEN },
        { "param": "amount", "condition": "lte", "value": "ten" }
    ] });
    let doc = json!({ "actions": [ok.clone(), ok, bad] });
    assert_error(&doc.to_string(), false, "actions[2].rules[1].value", "ten");
}

#[test]
fn a_budget_named_twice_is_refused() {
    // serde_json would keep the last, larger budget for every rule sharing `daily`.
    let doc = r#"{
        "budgets": { "daily": { "limit": 5 }, "daily": { "limit": 5000 } },
        "actions": [{ "target": "*", "selector": "*", "policies": [{ "type": "value_limit", "limit": { "shared": "daily" } }] }]
    }"#;
    assert_error(doc, true, "budgets", "duplicate key `daily`");
}

#[test]
fn a_key_repeated_anywhere_in_the_document_is_refused() {
    let policy = r#"{ "type": "max_value", "limit": 1, "limit": 1000000 }"#;
    let doc = format!(
        r#"{{ "actions": [{{ "target": "*", "selector": "*", "policies": [{policy}] }}] }}"#
    );
    assert_error(
        &doc,
        true,
        "actions[0].policies[0]",
        "duplicate key `limit`",
    );
    let rule = r#"{ "param": "to", "condition": "eq", "value": { "context": "account", "context": "value" } }"#;
    let doc = format!(
        r#"{{ "actions": [{{ "target": "{TOKEN}", "selector": "{TRANSFER}", "rules": [{rule}] }}] }}"#
    );
    assert_error(
        &doc,
        true,
        "actions[0].rules[0].value",
        "duplicate key `context`",
    );
}

#[test]
fn a_format_named_twice_is_refused() {
    // The loader is picked by `format`: two of them must not pick one silently.
    let doc = r#"{ "format": "thirdweb", "format": "sessiongate", "actions": [] }"#;
    assert_error(doc, true, "", "duplicate key `format`");
}
