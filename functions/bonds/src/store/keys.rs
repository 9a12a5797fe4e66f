//! The keys of the bonds table: every `pk`/`sk` and index key is spelled here, once.
//!
//! | pk                | sk                              | gsi1pk / gsi1sk                       | gsi2pk / gsi2sk                         | what |
//! |-------------------|---------------------------------|---------------------------------------|-----------------------------------------|------|
//! | `USER#<u>`        | `BOND#<denom>#<number>`         | `BONDNUM#<denom>#<number>` / `USER#<u>` | `BONDS#<yyyy-mm-dd>#<shard>` / `<added>#<u>#<denom>#<number>` | a bond |
//! | `USER#<u>`        | `WIN#<draw>#<denom>#<number>`   |                                       | `DRAWWIN#<draw>` / `USER#<u>#<denom>#<number>` | a win |
//! | `DRAW#<d>`        | `DRAW`                          | `DRAWS` / `<date>#<d>` (done only)    | `DRAWS#<denom>` / `<date>#<d>` (done only) | a draw |
//! | `DRAW#<d>`        | `NUM#<number>`                  | `WIN#<denom>#<number>` / `<date>#<d>` |                                         | a winning number |
//! | `DRAWFILE#<sha>`  | `MARKER`                        |                                       |                                         | an uploaded file (dedupe) |
//! | `DRAWKEY#<denom>#<date>` | `MARKER`                 |                                       |                                         | a stored draw (dedupe) |
//! | `BROKERREQ#<r>`   | `REQUEST`                       | `BROKERREQS#PENDING` / `<created>#<r>` (pending only) | `USER#<u>#BROKERREQ` / `<created>#<r>` | a broker request |
//! | `USER#<u>`        | `BROKERREQ#PENDING`             |                                       |                                         | one pending request per user |
//! | `STORE#<u>`       | `STORE`                         | `STORES` / `<name>#<u>`               | `STORECITY#<city>` / `<name>#<u>`       | a broker's store |
//! | `MATCHER`         | `WATERMARK`                     |                                       |                                         | the scheduled matcher's progress |
//!
//! Matching never scans: "who holds <denom> <number>" is one query on gsi1 (`BONDNUM#…`), and
//! "did <denom> <number> win" is one query on gsi1 (`WIN#…`).

use bazaar_shared::dynamo::{Item, key, string};

use crate::model::{BondRecord, NumberRecord, RequestRecord, ShopRecord, WinRecord};

/// The day buckets of the time-of-addition index are split in this many shards, so that a
/// day of bulk registrations spreads over several index partitions instead of one hot one.
pub const ADDED_SHARDS: u32 = 8;

/// The partition of everything a user owns here.
pub fn user_pk(user_id: &str) -> String {
    format!("USER#{user_id}")
}

/// Adds index keys to an item.
fn with_index(mut item: Item, index: &str, pk: String, sk: String) -> Item {
    item.insert(format!("{index}pk"), string(pk));
    item.insert(format!("{index}sk"), string(sk));
    item
}

/// An owner's shard: stable, so one owner's bonds stay together.
fn shard_of(user_id: &str) -> u32 {
    user_id.bytes().map(u32::from).sum::<u32>() % ADDED_SHARDS
}

pub fn bond_key(user_id: &str, denomination: u32, number: &str) -> Item {
    key(user_pk(user_id), format!("BOND#{denomination}#{number}"))
}

/// The sort-key prefix of a user's bonds, all or of one denomination.
pub fn bond_prefix(denomination: Option<u32>) -> String {
    denomination.map_or("BOND#".to_owned(), |d| format!("BOND#{d}#"))
}

/// "Who holds this number": the gsi1 partition of a bond.
pub fn holders_pk(denomination: u32, number: &str) -> String {
    format!("BONDNUM#{denomination}#{number}")
}

/// The gsi2 partition of bonds added on `day` (`yyyy-mm-dd`) in `shard`.
pub fn added_pk(day: &str, shard: u32) -> String {
    format!("BONDS#{day}#{shard}")
}

/// A bond's keys: by owner, by number (gsi1) and by time of addition (gsi2).
pub fn bond_keys(bond: &BondRecord) -> Item {
    let (user, denom, number) = (&bond.user_id, bond.denomination, &bond.number);
    let item = bond_key(user, denom, number);
    let item = with_index(item, "gsi1", holders_pk(denom, number), user_pk(user));
    let day = &bond.added_at[..10.min(bond.added_at.len())];
    with_index(
        item,
        "gsi2",
        added_pk(day, shard_of(user)),
        format!("{}#{user}#{denom}#{number}", bond.added_at),
    )
}

/// The gsi2 partition of a draw's wins.
pub fn draw_wins_pk(draw_id: &str) -> String {
    format!("DRAWWIN#{draw_id}")
}

/// A win's keys: in its owner's partition, and by draw (gsi2).
pub fn win_keys(win: &WinRecord) -> Item {
    let (user, denom, number) = (&win.user_id, win.denomination, &win.number);
    let item = key(
        user_pk(user),
        format!("WIN#{}#{denom}#{number}", win.draw_id),
    );
    with_index(
        item,
        "gsi2",
        draw_wins_pk(&win.draw_id),
        format!("USER#{user}#{denom}#{number}"),
    )
}

pub fn draw_pk(draw_id: &str) -> String {
    format!("DRAW#{draw_id}")
}

/// The sort key of a draw's own item (its numbers sit beside it, `NUM#<number>`).
pub const DRAW_SK: &str = "DRAW";

pub fn draw_key(draw_id: &str) -> Item {
    key(draw_pk(draw_id), DRAW_SK)
}

/// The gsi1 partition of all done draws, and the gsi2 one of a denomination's.
pub const ALL_DRAWS_PK: &str = "DRAWS";

pub fn denomination_draws_pk(denomination: u32) -> String {
    format!("DRAWS#{denomination}")
}

/// Where a done draw sorts in both draw listings: by date, then id.
pub fn draw_sort(date: &str, draw_id: &str) -> String {
    format!("{date}#{draw_id}")
}

/// The marker of an uploaded file, by content hash.
pub fn file_marker(sha256: &str) -> Item {
    key(format!("DRAWFILE#{sha256}"), "MARKER")
}

/// The marker of "the <denomination> draw of <date>".
pub fn draw_key_marker(denomination: u32, date: &str) -> Item {
    key(format!("DRAWKEY#{denomination}#{date}"), "MARKER")
}

pub fn number_key(draw_id: &str, number: &str) -> Item {
    key(draw_pk(draw_id), format!("NUM#{number}"))
}

/// "Did this number win": the gsi1 partition of a winning number.
pub fn winning_pk(denomination: u32, number: &str) -> String {
    format!("WIN#{denomination}#{number}")
}

/// A winning number's keys: in its draw, and by number (gsi1).
pub fn number_keys(entry: &NumberRecord) -> Item {
    with_index(
        number_key(&entry.draw_id, &entry.number),
        "gsi1",
        winning_pk(entry.denomination, &entry.number),
        draw_sort(&entry.date, &entry.draw_id),
    )
}

pub fn request_key(request_id: &str) -> Item {
    key(format!("BROKERREQ#{request_id}"), "REQUEST")
}

/// The gsi1 partition of pending requests (a request leaves it when decided).
pub const PENDING_REQUESTS_PK: &str = "BROKERREQS#PENDING";

/// The gsi2 partition of a user's requests.
pub fn user_requests_pk(user_id: &str) -> String {
    format!("USER#{user_id}#BROKERREQ")
}

/// A new request's keys: pending (gsi1) and by applicant (gsi2).
pub fn request_keys(request: &RequestRecord) -> Item {
    let sort = format!("{}#{}", request.created_at, request.request_id);
    let item = request_key(&request.request_id);
    let item = with_index(item, "gsi1", PENDING_REQUESTS_PK.to_owned(), sort.clone());
    with_index(item, "gsi2", user_requests_pk(&request.user_id), sort)
}

/// The one-pending-request-per-user marker.
pub fn pending_marker(user_id: &str) -> Item {
    key(user_pk(user_id), "BROKERREQ#PENDING")
}

pub fn shop_key(user_id: &str) -> Item {
    key(format!("STORE#{user_id}"), "STORE")
}

/// The gsi1 partition of the store directory.
pub const SHOPS_PK: &str = "STORES";

/// The city key: case and spacing do not split a city in two.
pub fn city_key(city: &str) -> String {
    city.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The gsi2 partition of one city's stores.
pub fn city_pk(city: &str) -> String {
    format!("STORECITY#{}", city_key(city))
}

/// A store's keys: in the directory by name (gsi1) and by city (gsi2).
pub fn shop_keys(shop: &ShopRecord) -> Item {
    let sort = format!("{}#{}", shop.name.to_lowercase(), shop.user_id);
    let item = with_index(
        shop_key(&shop.user_id),
        "gsi1",
        SHOPS_PK.into(),
        sort.clone(),
    );
    with_index(item, "gsi2", city_pk(&shop.city), sort)
}

pub fn watermark_key() -> Item {
    key("MATCHER", "WATERMARK")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Tier;

    fn text(item: &Item, name: &str) -> String {
        item[name].as_s().unwrap().clone()
    }

    #[test]
    fn a_bond_is_keyed_by_owner_by_number_and_by_its_day_of_addition() {
        let bond = BondRecord {
            user_id: "u1".into(),
            denomination: 750,
            number: "000123".into(),
            added_at: "2026-01-15T10:00:00.000000Z".into(),
        };
        let item = bond_keys(&bond);
        assert_eq!(text(&item, "pk"), "USER#u1");
        assert_eq!(text(&item, "sk"), "BOND#750#000123");
        assert_eq!(text(&item, "gsi1pk"), "BONDNUM#750#000123");
        assert_eq!(text(&item, "gsi1sk"), "USER#u1");
        assert_eq!(
            text(&item, "gsi2pk"),
            format!("BONDS#2026-01-15#{}", shard_of("u1"))
        );
        assert_eq!(
            text(&item, "gsi2sk"),
            "2026-01-15T10:00:00.000000Z#u1#750#000123"
        );
    }

    #[test]
    fn a_winning_number_is_found_by_denomination_and_number() {
        let entry = NumberRecord {
            draw_id: "d1".into(),
            denomination: 200,
            number: "654321".into(),
            tier: Tier::Third,
            amount: 1_250,
            date: "2026-03-01".into(),
        };
        let item = number_keys(&entry);
        assert_eq!(
            (text(&item, "pk"), text(&item, "sk")),
            ("DRAW#d1".into(), "NUM#654321".into())
        );
        assert_eq!(text(&item, "gsi1pk"), winning_pk(200, "654321"));
        assert_eq!(text(&item, "gsi1sk"), "2026-03-01#d1");
    }

    #[test]
    fn cities_are_keyed_without_case_or_extra_spaces() {
        assert_eq!(city_pk("  New   KARACHI "), "STORECITY#new karachi");
    }
}
