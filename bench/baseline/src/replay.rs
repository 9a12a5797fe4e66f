//! Replays recorded DynamoDB calls (their JSON wire form) through the SDK client, so the bench
//! can set a function's request beside the same calls made with nothing around them; and the
//! SQS `SendMessage` a route makes (its job), so a route that queues one is not compared with
//! bare calls that do not.
//!
//! Only what Bazaar's stores send is mapped: `GetItem`, `Query`, `Scan`, `PutItem`,
//! `UpdateItem`, `DeleteItem`, `BatchGetItem`, `BatchWriteItem` (puts), `TransactGetItems`,
//! `TransactWriteItems`, `DescribeTable`. A replayed write may fail its condition (the original
//! already happened); it is still the same round trip, which is what is measured.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Get, KeysAndAttributes, Put, PutRequest,
    TransactGetItem, TransactWriteItem, Update, WriteRequest,
};
use lambda_http::Body;
use serde_json::Value;

type Item = HashMap<String, AttributeValue>;

/// The recorded calls in a request body (none when it is not such a list).
pub fn calls(body: &Body) -> Vec<Value> {
    let bytes: &[u8] = match body {
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => return Vec::new(),
    };
    serde_json::from_slice(bytes).unwrap_or_default()
}

/// Makes every call in order; answers how many were sent (errors included).
pub async fn make(db: &Client, sqs: &aws_sdk_sqs::Client, calls: &[Value]) -> usize {
    let mut made = 0;
    for call in calls {
        let target = call["target"].as_str().unwrap_or("");
        let op = target.rsplit('.').next().unwrap_or(target);
        let sent = if target.starts_with("AmazonSQS.") {
            queue(sqs, op, &call["body"]).await
        } else {
            one(db, op, &call["body"]).await
        };
        if sent {
            made += 1;
        }
    }
    made
}

/// An SQS call a route makes (a job queued for the mailer or a worker): `SendMessage` only.
async fn queue(sqs: &aws_sdk_sqs::Client, op: &str, b: &Value) -> bool {
    if op != "SendMessage" {
        return false;
    }
    let _ = sqs
        .send_message()
        .set_queue_url(text(b, "QueueUrl"))
        .set_message_body(text(b, "MessageBody"))
        .set_delay_seconds(b["DelaySeconds"].as_i64().map(|n| n as i32))
        .set_message_group_id(text(b, "MessageGroupId"))
        .set_message_deduplication_id(text(b, "MessageDeduplicationId"))
        .send()
        .await;
    true
}

async fn one(db: &Client, op: &str, b: &Value) -> bool {
    let table = text(b, "TableName");
    let names = names(&b["ExpressionAttributeNames"]);
    let values = item_opt(&b["ExpressionAttributeValues"]);
    match op {
        "GetItem" => {
            let call = db
                .get_item()
                .set_table_name(table)
                .set_key(item_opt(&b["Key"]));
            let call = call.set_projection_expression(text(b, "ProjectionExpression"));
            let call = call.set_expression_attribute_names(names);
            let _ = call
                .set_consistent_read(b["ConsistentRead"].as_bool())
                .send()
                .await;
        }
        "Query" => {
            let call = db
                .query()
                .set_table_name(table)
                .set_index_name(text(b, "IndexName"));
            let call = call.set_key_condition_expression(text(b, "KeyConditionExpression"));
            let call = call.set_filter_expression(text(b, "FilterExpression"));
            let call = call.set_projection_expression(text(b, "ProjectionExpression"));
            let call = call.set_expression_attribute_names(names);
            let call = call.set_expression_attribute_values(values);
            let call = call.set_limit(b["Limit"].as_i64().map(|n| n as i32));
            let call = call.set_scan_index_forward(b["ScanIndexForward"].as_bool());
            let call = call.set_exclusive_start_key(item_opt(&b["ExclusiveStartKey"]));
            let _ = call
                .set_consistent_read(b["ConsistentRead"].as_bool())
                .send()
                .await;
        }
        "Scan" => {
            let call = db
                .scan()
                .set_table_name(table)
                .set_index_name(text(b, "IndexName"));
            let call = call.set_filter_expression(text(b, "FilterExpression"));
            let call = call.set_expression_attribute_names(names);
            let call = call.set_expression_attribute_values(values);
            let call = call.set_limit(b["Limit"].as_i64().map(|n| n as i32));
            let _ = call
                .set_exclusive_start_key(item_opt(&b["ExclusiveStartKey"]))
                .send()
                .await;
        }
        "PutItem" => {
            let call = db
                .put_item()
                .set_table_name(table)
                .set_item(item_opt(&b["Item"]));
            let call = call.set_condition_expression(text(b, "ConditionExpression"));
            let call = call.set_expression_attribute_names(names);
            let _ = call.set_expression_attribute_values(values).send().await;
        }
        "UpdateItem" => {
            let call = db
                .update_item()
                .set_table_name(table)
                .set_key(item_opt(&b["Key"]));
            let call = call.set_update_expression(text(b, "UpdateExpression"));
            let call = call.set_condition_expression(text(b, "ConditionExpression"));
            let call = call.set_expression_attribute_names(names);
            let _ = call.set_expression_attribute_values(values).send().await;
        }
        "DeleteItem" => {
            let call = db
                .delete_item()
                .set_table_name(table)
                .set_key(item_opt(&b["Key"]));
            let call = call.set_condition_expression(text(b, "ConditionExpression"));
            let call = call.set_expression_attribute_names(names);
            let _ = call.set_expression_attribute_values(values).send().await;
        }
        "BatchGetItem" => {
            let mut request = HashMap::new();
            for (name, k) in b["RequestItems"].as_object().into_iter().flatten() {
                let keys = k["Keys"].as_array().map(|ks| ks.iter().map(item).collect());
                let ka = KeysAndAttributes::builder().set_keys(keys);
                let ka = ka.set_projection_expression(text(k, "ProjectionExpression"));
                let ka =
                    ka.set_expression_attribute_names(self::names(&k["ExpressionAttributeNames"]));
                if let Ok(ka) = ka
                    .set_consistent_read(k["ConsistentRead"].as_bool())
                    .build()
                {
                    request.insert(name.clone(), ka);
                }
            }
            let _ = db
                .batch_get_item()
                .set_request_items(Some(request))
                .send()
                .await;
        }
        "BatchWriteItem" => {
            let mut request = HashMap::new();
            for (name, writes) in b["RequestItems"].as_object().into_iter().flatten() {
                let puts = writes.as_array().into_iter().flatten().filter_map(|w| {
                    let put = PutRequest::builder().set_item(item_opt(&w["PutRequest"]["Item"]));
                    Some(
                        WriteRequest::builder()
                            .put_request(put.build().ok()?)
                            .build(),
                    )
                });
                request.insert(name.clone(), puts.collect());
            }
            let _ = db
                .batch_write_item()
                .set_request_items(Some(request))
                .send()
                .await;
        }
        "TransactGetItems" => {
            let items = b["TransactItems"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| {
                    let g = &t["Get"];
                    let get = Get::builder().set_table_name(text(g, "TableName"));
                    let get = get.set_key(item_opt(&g["Key"]));
                    let get = get.set_projection_expression(text(g, "ProjectionExpression"));
                    let get = get.set_expression_attribute_names(self::names(
                        &g["ExpressionAttributeNames"],
                    ));
                    Some(TransactGetItem::builder().get(get.build().ok()?).build())
                });
            let _ = db
                .transact_get_items()
                .set_transact_items(Some(items.collect()))
                .send()
                .await;
        }
        "TransactWriteItems" => {
            let items = b["TransactItems"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(write);
            let _ = db
                .transact_write_items()
                .set_transact_items(Some(items.collect()))
                .send()
                .await;
        }
        "DescribeTable" => {
            let _ = db.describe_table().set_table_name(table).send().await;
        }
        _ => return false,
    }
    true
}

/// One action of a `TransactWriteItems`.
fn write(t: &Value) -> Option<TransactWriteItem> {
    let action = TransactWriteItem::builder();
    let common = |a: &Value| {
        (
            text(a, "TableName"),
            text(a, "ConditionExpression"),
            names(&a["ExpressionAttributeNames"]),
            item_opt(&a["ExpressionAttributeValues"]),
        )
    };
    let action = if let Some(a) = t.get("Put") {
        let (table, condition, names, values) = common(a);
        let put = Put::builder()
            .set_table_name(table)
            .set_item(item_opt(&a["Item"]));
        let put = put
            .set_condition_expression(condition)
            .set_expression_attribute_names(names);
        action.put(put.set_expression_attribute_values(values).build().ok()?)
    } else if let Some(a) = t.get("Update") {
        let (table, condition, names, values) = common(a);
        let update = Update::builder()
            .set_table_name(table)
            .set_key(item_opt(&a["Key"]));
        let update = update.set_update_expression(text(a, "UpdateExpression"));
        let update = update.set_condition_expression(condition);
        let update = update.set_expression_attribute_names(names);
        action.update(
            update
                .set_expression_attribute_values(values)
                .build()
                .ok()?,
        )
    } else if let Some(a) = t.get("Delete") {
        let (table, condition, names, values) = common(a);
        let delete = Delete::builder()
            .set_table_name(table)
            .set_key(item_opt(&a["Key"]));
        let delete = delete.set_condition_expression(condition);
        let delete = delete.set_expression_attribute_names(names);
        action.delete(
            delete
                .set_expression_attribute_values(values)
                .build()
                .ok()?,
        )
    } else {
        let a = t.get("ConditionCheck")?;
        let (table, condition, names, values) = common(a);
        let check = ConditionCheck::builder()
            .set_table_name(table)
            .set_key(item_opt(&a["Key"]));
        let check = check.set_condition_expression(condition);
        let check = check.set_expression_attribute_names(names);
        action.condition_check(check.set_expression_attribute_values(values).build().ok()?)
    };
    Some(action.build())
}

fn text(v: &Value, field: &str) -> Option<String> {
    v[field].as_str().map(str::to_owned)
}

fn names(v: &Value) -> Option<HashMap<String, String>> {
    let names = v.as_object()?;
    Some(
        names
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect(),
    )
}

fn item_opt(v: &Value) -> Option<Item> {
    v.is_object().then(|| item(v))
}

fn item(v: &Value) -> Item {
    let fields = v.as_object().into_iter().flatten();
    fields.map(|(k, v)| (k.clone(), attribute(v))).collect()
}

/// DynamoDB's JSON form of one attribute value.
fn attribute(v: &Value) -> AttributeValue {
    let strings = |v: &Value| -> Vec<String> {
        let all = v.as_array().into_iter().flatten();
        all.filter_map(|s| s.as_str().map(str::to_owned)).collect()
    };
    let Some((kind, inner)) = v.as_object().and_then(|o| o.iter().next()) else {
        return AttributeValue::Null(true);
    };
    match kind.as_str() {
        "S" => AttributeValue::S(inner.as_str().unwrap_or_default().to_owned()),
        "N" => AttributeValue::N(inner.as_str().unwrap_or("0").to_owned()),
        "BOOL" => AttributeValue::Bool(inner.as_bool().unwrap_or_default()),
        "M" => AttributeValue::M(item(inner)),
        "L" => AttributeValue::L(
            inner
                .as_array()
                .into_iter()
                .flatten()
                .map(attribute)
                .collect(),
        ),
        "SS" => AttributeValue::Ss(strings(inner)),
        "NS" => AttributeValue::Ns(strings(inner)),
        "B" => AttributeValue::B(Blob::new(base64(inner.as_str().unwrap_or_default()))),
        _ => AttributeValue::Null(true),
    }
}

/// Standard base64 without a crate (the baseline keeps to what every function links).
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let sextets: Vec<u8> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(sextets.len() * 3 / 4);
    for chunk in sextets.chunks(4) {
        let mut n = 0u32;
        for (i, s) in chunk.iter().enumerate() {
            n |= u32::from(*s) << (18 - 6 * i);
        }
        out.extend(n.to_be_bytes()[1..chunk.len()].iter());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamodb_json_becomes_attribute_values() {
        let key = serde_json::json!({"pk": {"S": "EVENT#1"}, "n": {"N": "3"},
            "tags": {"SS": ["a"]}, "m": {"M": {"ok": {"BOOL": true}}}, "b": {"B": "AQID"}});
        let item = item(&key);
        assert_eq!(item["pk"], AttributeValue::S("EVENT#1".into()));
        assert_eq!(item["n"], AttributeValue::N("3".into()));
        assert_eq!(item["tags"], AttributeValue::Ss(vec!["a".into()]));
        assert_eq!(item["b"], AttributeValue::B(Blob::new(vec![1, 2, 3])));
        assert!(
            matches!(&item["m"], AttributeValue::M(m) if m["ok"] == AttributeValue::Bool(true))
        );
    }

    #[test]
    fn a_body_that_is_not_a_list_of_calls_replays_nothing() {
        assert!(calls(&Body::Empty).is_empty());
        assert!(calls(&Body::Text("{}".into())).is_empty());
        assert_eq!(calls(&Body::Text(r#"[{"target": "x"}]"#.into())).len(), 1);
    }
}
