//! Owners' messes (one per owner, with a unique join code) and students joining one.

use anyhow::Context;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use bazaar_shared::dynamo::{
    Item, get_item, is_condition_failed, number, put_new, string, timestamp, to_item, transact,
};
use serde::Deserialize;
use time::OffsetDateTime;

use super::{MessStore, join_code_key, mess_key, new_id, owner_key, student_key, students_pk};
use crate::input::{MessChanges, NewMess};
use crate::model::{MemberRecord, MessRecord};

/// Why an owner's mess was not created or changed.
#[derive(Debug, thiserror::Error)]
pub enum MessError {
    #[error("no such mess")]
    NotFound,
    #[error("the owner already runs a mess")]
    AlreadyOwner,
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Why a student did not join.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error("no mess has this code")]
    UnknownCode,
    #[error("already a student of a mess")]
    AlreadyMember,
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

#[derive(Deserialize)]
struct Pointer {
    mess_id: String,
}

/// The actions of a mess creation, in this order.
const OWNER: usize = 1;
/// The actions of a join, in this order.
const MEMBERSHIP: usize = 0;

/// Join codes: 8 letters and digits without look-alikes (0/O, 1/I).
fn join_code() -> anyhow::Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("randomness: {e}"))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

impl MessStore {
    pub async fn mess(&self, mess_id: &str) -> anyhow::Result<Option<MessRecord>> {
        get_item(&self.db, &self.table, mess_key(mess_id), "reading a mess").await
    }

    /// The mess `mess_id` if `owner_id` runs it: anyone else's is not found.
    pub async fn owned_mess(&self, owner_id: &str, mess_id: &str) -> Result<MessRecord, MessError> {
        match self.mess(mess_id).await? {
            Some(mess) if mess.owner_id == owner_id => Ok(mess),
            _ => Err(MessError::NotFound),
        }
    }

    /// The mess `owner_id` runs, if any.
    pub async fn mess_of_owner(&self, owner_id: &str) -> anyhow::Result<Option<MessRecord>> {
        let pointer: Option<Pointer> = get_item(
            &self.db,
            &self.table,
            owner_key(owner_id),
            "reading an owner",
        )
        .await?;
        match pointer {
            Some(pointer) => self.mess(&pointer.mess_id).await,
            None => Ok(None),
        }
    }

    /// Creates the owner's mess with a fresh join code, in one transaction.
    pub async fn create_mess(
        &self,
        owner_id: &str,
        new: NewMess,
        now: OffsetDateTime,
    ) -> Result<MessRecord, MessError> {
        for _ in 0..3 {
            let record = MessRecord {
                mess_id: new_id(),
                owner_id: owner_id.to_owned(),
                name: new.name.clone(),
                address: new.address.clone(),
                price_minor: new.price_minor,
                currency: new.currency.clone(),
                join_code: join_code()?,
                students: 0,
                created_at: timestamp(now),
                updated_at: timestamp(now),
            };
            let mut mess: Item = to_item(&record).context("encoding a mess")?;
            mess.extend(mess_key(&record.mess_id));
            let pointer = |key: Item| {
                let mut item = key;
                item.insert("mess_id".into(), string(&record.mess_id));
                item
            };
            let items = vec![
                put_new(&self.table, mess)?,
                put_new(&self.table, pointer(owner_key(owner_id)))?,
                put_new(&self.table, pointer(join_code_key(&record.join_code)))?,
            ];
            match transact(&self.db, items, "creating a mess").await {
                Ok(()) => return Ok(record),
                Err(e) if e.is_contended() => return Err(MessError::Contention),
                Err(e) if e.failed_at(OWNER) => return Err(MessError::AlreadyOwner),
                // A join code already taken: draw another.
                Err(e) if e.failed_at(2) => continue,
                Err(e) => return Err(anyhow::Error::from(e).context("creating a mess").into()),
            }
        }
        Err(anyhow::anyhow!("no free join code after 3 draws").into())
    }

    /// Changes the owner's mess; another owner's is not found.
    pub async fn change_mess(
        &self,
        owner_id: &str,
        mess_id: &str,
        changes: &MessChanges,
        now: OffsetDateTime,
    ) -> Result<MessRecord, MessError> {
        let mut update = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(mess_key(mess_id)))
            .condition_expression("owner_id = :owner")
            .expression_attribute_values(":owner", string(owner_id))
            .expression_attribute_values(":now", string(timestamp(now)))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew);
        let mut sets = vec!["updated_at = :now".to_owned()];
        if let Some(name) = &changes.name {
            sets.push("#name = :name".into());
            update = update
                .expression_attribute_names("#name", "name")
                .expression_attribute_values(":name", string(name));
        }
        if let Some(address) = &changes.address {
            sets.push("address = :address".into());
            update = update.expression_attribute_values(":address", string(address));
        }
        if let Some(price) = changes.price_minor {
            sets.push("price_minor = :price".into());
            update = update.expression_attribute_values(":price", number(price));
        }
        match update
            .update_expression(format!("SET {}", sets.join(", ")))
            .send()
            .await
        {
            Ok(output) => {
                let item = output.attributes.context("the changed mess")?;
                Ok(bazaar_shared::dynamo::from_item(item).context("decoding a mess")?)
            }
            Err(e) if is_condition_failed(&e) => Err(MessError::NotFound),
            Err(e) => Err(anyhow::Error::from(e).context("changing a mess").into()),
        }
    }

    /// The student joins the mess of `code`: their membership and the mess's student list and
    /// count change together.
    pub async fn join(
        &self,
        user_id: &str,
        code: &str,
        now: OffsetDateTime,
    ) -> Result<MessRecord, JoinError> {
        let pointer: Option<Pointer> = get_item(
            &self.db,
            &self.table,
            join_code_key(code),
            "reading a join code",
        )
        .await?;
        let mess = match pointer {
            Some(pointer) => self.mess(&pointer.mess_id).await?,
            None => None,
        };
        let mess = mess.ok_or(JoinError::UnknownCode)?;
        let membership = Update::builder()
            .table_name(&self.table)
            .set_key(Some(student_key(user_id)))
            .update_expression("SET user_id = :user, mess_id = :mess, joined_at = :now")
            .condition_expression("attribute_not_exists(mess_id)")
            .expression_attribute_values(":user", string(user_id))
            .expression_attribute_values(":mess", string(&mess.mess_id))
            .expression_attribute_values(":now", string(timestamp(now)))
            .build()
            .context("building a membership")?;
        let count = Update::builder()
            .table_name(&self.table)
            .set_key(Some(mess_key(&mess.mess_id)))
            .update_expression("ADD students :one")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":one", number(1))
            .build()
            .context("building a student count")?;
        let member = MemberRecord {
            user_id: user_id.to_owned(),
            joined_at: timestamp(now),
        };
        let mut member_item: Item = to_item(&member).context("encoding a member")?;
        member_item.extend(bazaar_shared::dynamo::key(
            students_pk(&mess.mess_id),
            format!("USER#{user_id}"),
        ));
        let items = vec![
            TransactWriteItem::builder().update(membership).build(),
            TransactWriteItem::builder().update(count).build(),
            put_new(&self.table, member_item)?,
        ];
        match transact(&self.db, items, "joining a mess").await {
            Ok(()) => Ok(mess),
            Err(e) if e.is_contended() => Err(JoinError::Contention),
            Err(e) if e.failed_at(MEMBERSHIP) => Err(JoinError::AlreadyMember),
            Err(e) => Err(anyhow::Error::from(e).context("joining a mess").into()),
        }
    }
}
