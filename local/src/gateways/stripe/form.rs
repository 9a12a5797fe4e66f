//! `POST /v1/checkout/sessions`'s form body, read as Stripe reads it: bracketed keys
//! (`line_items[0][price_data][unit_amount]`, `metadata[user_id]`), and unknown parameters refused.

use std::collections::BTreeMap;

use axum::extract::Query;
use axum::http::Uri;

/// Why a body was refused: the parameter, and Stripe's message.
pub type Refusal = (String, String);

/// What a new session says.
#[derive(Debug, PartialEq, Eq)]
pub struct NewSession {
    pub success_url: String,
    pub cancel_url: Option<String>,
    pub client_reference_id: Option<String>,
    pub customer_email: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub currency: String,
    pub amount_total: u64,
}

/// One `line_items[i]` with inline `price_data`.
#[derive(Default)]
struct LineItem {
    currency: Option<String>,
    unit_amount: Option<u64>,
    name: Option<String>,
    quantity: Option<u64>,
}

/// Parameters Stripe knows that make no difference here.
const IGNORED: &[&str] = &[
    "payment_method_types[",
    "locale",
    "expires_at",
    "submit_type",
];

fn refusal(param: &str, message: impl Into<String>) -> Refusal {
    (param.to_owned(), message.into())
}

fn number(param: &str, value: &str) -> Result<u64, Refusal> {
    value
        .parse()
        .map_err(|_| refusal(param, format!("Invalid integer: {value}")))
}

/// `application/x-www-form-urlencoded` pairs, in order.
fn pairs(body: &[u8]) -> Result<Vec<(String, String)>, Refusal> {
    let invalid = || refusal("body", "The request body is not form-encoded.");
    let text = std::str::from_utf8(body).map_err(|_| invalid())?;
    // The form decoder axum has (with its `query` feature) reads a query string; a form body
    // is one, so it is parsed as the query of a URI rather than with another decoder.
    let uri: Uri = format!("/?{text}").parse().map_err(|_| invalid())?;
    Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|Query(pairs)| pairs)
        .map_err(|_| invalid())
}

impl NewSession {
    pub fn parse(body: &[u8]) -> Result<Self, Refusal> {
        let mut mode = None;
        let mut success_url = None;
        let mut session = NewSession {
            success_url: String::new(),
            cancel_url: None,
            client_reference_id: None,
            customer_email: None,
            metadata: BTreeMap::new(),
            currency: String::new(),
            amount_total: 0,
        };
        let mut items: BTreeMap<usize, LineItem> = BTreeMap::new();
        for (key, value) in pairs(body)? {
            match key.as_str() {
                "mode" => mode = Some(value),
                "success_url" => success_url = Some(value),
                "cancel_url" => session.cancel_url = Some(value),
                "client_reference_id" if value.chars().count() > 200 => {
                    return Err(refusal(
                        &key,
                        "client_reference_id is too long (200 at most).",
                    ));
                }
                "client_reference_id" => session.client_reference_id = Some(value),
                "customer_email" => session.customer_email = Some(value),
                _ if key.starts_with("metadata[") => metadata(&mut session.metadata, &key, value)?,
                _ if key.starts_with("line_items[") => line_item(&mut items, &key, &value)?,
                _ if IGNORED.iter().any(|p| key.starts_with(p)) => {}
                _ => return Err(refusal(&key, format!("Received unknown parameter: {key}"))),
            }
        }
        match mode.as_deref() {
            Some("payment") => {}
            Some(_) => return Err(refusal("mode", "The stand-in supports mode=payment only.")),
            None => return Err(refusal("mode", "Missing required param: mode.")),
        }
        session.success_url = success_url
            .ok_or_else(|| refusal("success_url", "Missing required param: success_url."))?;
        (session.currency, session.amount_total) = total(items)?;
        Ok(session)
    }
}

fn metadata(
    metadata: &mut BTreeMap<String, String>,
    key: &str,
    value: String,
) -> Result<(), Refusal> {
    let name = key
        .strip_prefix("metadata[")
        .and_then(|k| k.strip_suffix(']'))
        .filter(|k| !k.is_empty() && k.chars().count() <= 40 && !k.contains(['[', ']']))
        .ok_or_else(|| refusal(key, "Invalid metadata key (1 to 40 characters)."))?;
    if value.chars().count() > 500 || metadata.len() >= 50 {
        return Err(refusal(
            key,
            "Metadata values are 500 characters at most, 50 keys at most.",
        ));
    }
    metadata.insert(name.to_owned(), value);
    Ok(())
}

fn line_item(items: &mut BTreeMap<usize, LineItem>, key: &str, value: &str) -> Result<(), Refusal> {
    let unknown = || refusal(key, format!("Received unknown parameter: {key}"));
    let rest = key.strip_prefix("line_items[").ok_or_else(unknown)?;
    let (index, field) = rest.split_once(']').ok_or_else(unknown)?;
    let index: usize = index.parse().map_err(|_| unknown())?;
    let item = items.entry(index).or_default();
    match field {
        "[price_data][currency]" => {
            let valid = value.len() == 3 && value.bytes().all(|b| b.is_ascii_alphabetic());
            if !valid {
                return Err(refusal(key, format!("Invalid currency: {value}")));
            }
            item.currency = Some(value.to_ascii_lowercase());
        }
        "[price_data][unit_amount]" => item.unit_amount = Some(number(key, value)?),
        "[price_data][product_data][name]" => item.name = Some(value.to_owned()),
        "[price_data][product_data][description]" => {}
        "[quantity]" => item.quantity = Some(number(key, value)?),
        "[price]" => {
            return Err(refusal(
                key,
                "The stand-in takes price_data, not price ids.",
            ));
        }
        _ => return Err(unknown()),
    }
    Ok(())
}

/// The session's currency and total: every line item complete, all in one currency.
fn total(items: BTreeMap<usize, LineItem>) -> Result<(String, u64), Refusal> {
    if items.is_empty() {
        return Err(refusal("line_items", "Missing required param: line_items."));
    }
    let mut currency: Option<String> = None;
    let mut total: u64 = 0;
    for (i, item) in items {
        let missing = |field: &str| {
            refusal(
                &format!("line_items[{i}]{field}"),
                format!("Missing required param: line_items[{i}]{field}."),
            )
        };
        let this = item
            .currency
            .ok_or_else(|| missing("[price_data][currency]"))?;
        let unit = item
            .unit_amount
            .ok_or_else(|| missing("[price_data][unit_amount]"))?;
        item.name
            .ok_or_else(|| missing("[price_data][product_data][name]"))?;
        let quantity = item.quantity.ok_or_else(|| missing("[quantity]"))?;
        if quantity == 0 {
            return Err(refusal(
                &format!("line_items[{i}][quantity]"),
                "Quantity must be at least 1.",
            ));
        }
        if currency.as_ref().is_some_and(|c| *c != this) {
            return Err(refusal(
                "line_items",
                "All line items must share one currency.",
            ));
        }
        currency = Some(this);
        total = unit
            .checked_mul(quantity)
            .and_then(|amount| total.checked_add(amount))
            .ok_or_else(|| refusal("line_items", "The amount is too large."))?;
    }
    Ok((currency.expect("at least one item"), total))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "mode=payment&success_url=http%3A%2F%2Fx%2Fok&cancel_url=http%3A%2F%2Fx%2Fno\
        &line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=usd\
        &line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=100\
        &line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D=10+coins\
        &line_items%5B0%5D%5Bquantity%5D=3\
        &client_reference_id=u1&metadata%5Bpackage%5D=p10&metadata[user_id]=u1";

    #[test]
    fn a_checkout_form_reads_as_stripe_reads_it() {
        let session = NewSession::parse(BODY.as_bytes()).unwrap();
        assert_eq!(session.success_url, "http://x/ok");
        assert_eq!(session.cancel_url.as_deref(), Some("http://x/no"));
        assert_eq!(
            (session.currency.as_str(), session.amount_total),
            ("usd", 300)
        );
        assert_eq!(session.client_reference_id.as_deref(), Some("u1"));
        assert_eq!(session.metadata["package"], "p10");
        assert_eq!(session.metadata["user_id"], "u1");
    }

    #[test]
    fn unknown_missing_or_malformed_parameters_are_refused_with_their_name() {
        let param = |body: String| NewSession::parse(body.as_bytes()).unwrap_err().0;
        assert_eq!(param(format!("{BODY}&coins=5")), "coins");
        assert_eq!(param(BODY.replace("mode=payment&", "")), "mode");
        assert_eq!(
            param(BODY.replace("mode=payment", "mode=subscription")),
            "mode"
        );
        assert_eq!(
            param(BODY.replace("=3", "=three")),
            "line_items[0][quantity]"
        );
        assert_eq!(
            param(BODY.replace("&line_items%5B0%5D%5Bquantity%5D=3", "")),
            "line_items[0][quantity]"
        );
        assert_eq!(
            param(format!("{BODY}&line_items[1][price]=price_1")),
            "line_items[1][price]"
        );
        assert_eq!(param("mode=payment&success_url=x".to_owned()), "line_items");
        assert_eq!(param("a b".to_owned()), "body");
    }
}
