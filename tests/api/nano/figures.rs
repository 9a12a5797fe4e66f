//! The nano table's coin totals, read directly from DynamoDB (a scan: tests only), checking
//! each task's escrow against its slots on the way.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::support::TestApp;

/// The table's totals, read directly.
#[derive(Default)]
pub struct Figures {
    pub bought: u64,
    pub balances: u64,
    pub escrow: u64,
    pub held: u64,
    pub paid_out: u64,
    pub balance_of: HashMap<String, u64>,
    pub ledger_of: HashMap<String, i64>,
}

fn n(item: &HashMap<String, AttributeValue>, name: &str) -> i64 {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .map_or(0, |v| v.parse().unwrap())
}

fn s<'a>(item: &'a HashMap<String, AttributeValue>, name: &str) -> &'a str {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map_or("", String::as_str)
}

impl Figures {
    pub async fn scan(app: &TestApp) -> Self {
        let mut figures = Figures::default();
        let mut start = None;
        loop {
            let page = app
                .stack
                .aws
                .dynamodb
                .scan()
                .table_name(app.name_of("NanoTable"))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .unwrap();
            for item in page.items() {
                figures.add(item);
            }
            match page.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return figures,
            }
        }
    }

    fn add(&mut self, item: &HashMap<String, AttributeValue>) {
        let (pk, sk) = (s(item, "pk"), s(item, "sk"));
        if sk == "WALLET" {
            let balance = n(item, "balance") as u64;
            self.balances += balance;
            self.held += n(item, "held") as u64;
            self.paid_out += n(item, "paid_out") as u64;
            self.bought += n(item, "bought") as u64;
            self.balance_of.insert(pk.to_owned(), balance);
        } else if sk.starts_with("LEDGER#") {
            *self.ledger_of.entry(pk.to_owned()).or_default() += n(item, "delta");
        } else if sk == "TASK" {
            let escrow = n(item, "escrow");
            let holding = match s(item, "status") {
                "open" => n(item, "slots_left") + n(item, "pending"),
                _ => n(item, "pending"),
            };
            assert_eq!(escrow, holding * n(item, "coins"), "escrow of {pk}");
            self.escrow += escrow as u64;
        }
    }
}
