//! What an owner reads of their mess: submissions, notifications (and marking them read), and
//! the day's and month's figures.

use bazaar_shared::dynamo::{Item, get_item, is_condition_failed, key};
use time::OffsetDateTime;

use super::{MessStore, PageOf, notifications_pk, stats_pk, submissions_pk};
use crate::model::{NotificationRecord, Period, SubmissionRecord};

impl MessStore {
    /// A page of the mess's submissions, newest first.
    pub async fn submissions(
        &self,
        mess_id: &str,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<SubmissionRecord>, Option<Item>)> {
        let pk = submissions_pk(mess_id);
        let of = PageOf {
            pk: &pk,
            prefix: "SUBMISSION#",
            newest_first: true,
        };
        self.page(of, limit, start).await
    }

    /// A page of the mess's notifications, newest first.
    pub async fn notifications(
        &self,
        mess_id: &str,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<NotificationRecord>, Option<Item>)> {
        let pk = notifications_pk(mess_id);
        let of = PageOf {
            pk: &pk,
            prefix: "NOTE#",
            newest_first: true,
        };
        self.page(of, limit, start).await
    }

    /// Marks one notification of the mess read; `None` when the mess has no such notification.
    pub async fn mark_read(
        &self,
        mess_id: &str,
        notification_id: &str,
    ) -> anyhow::Result<Option<NotificationRecord>> {
        let marked = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(
                notifications_pk(mess_id),
                format!("NOTE#{notification_id}"),
            )))
            .update_expression("SET #read = :yes")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#read", "read")
            .expression_attribute_values(
                ":yes",
                aws_sdk_dynamodb::types::AttributeValue::Bool(true),
            )
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match marked {
            Ok(output) => match output.attributes {
                Some(item) => Ok(Some(bazaar_shared::dynamo::from_item(item)?)),
                None => Ok(None),
            },
            Err(e) if is_condition_failed(&e) => Ok(None),
            Err(e) => Err(anyhow::Error::from(e).context("marking a notification read")),
        }
    }

    /// The figures of the day and of the month of `now` (UTC).
    pub async fn figures(
        &self,
        mess_id: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<(Period, Period)> {
        let stamp = bazaar_shared::dynamo::timestamp(now);
        let read = |sk: String| {
            get_item::<Period>(
                &self.db,
                &self.table,
                key(stats_pk(mess_id), sk),
                "reading figures",
            )
        };
        let (day, month) = tokio::try_join!(
            read(format!("DAY#{}", &stamp[..10])),
            read(format!("MONTH#{}", &stamp[..7]))
        )?;
        Ok((day.unwrap_or_default(), month.unwrap_or_default()))
    }
}
