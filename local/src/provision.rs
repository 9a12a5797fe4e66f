//! Creates, in the local stand-ins, every table, queue, bucket and SES identity that
//! `template.yaml` declares, under the names the template gives them for one stage.

use std::collections::HashMap;

use anyhow::{Context, anyhow};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use aws_sdk_sqs::types::QueueAttributeName;
use bazaar_shared::AwsClients;
use serde::Deserialize;

use crate::template::{BUCKET, EMAIL_IDENTITY, QUEUE, Resolver, TABLE, Template};

/// How provisioning departs from the template, on purpose, for local speed.
#[derive(Debug, Clone, Default)]
pub struct ProvisionOptions {
    /// Replaces every queue's `VisibilityTimeout`, so a failed message comes back in seconds
    /// instead of minutes; redrive to the dead-letter queue then behaves as on AWS, only sooner.
    pub visibility_timeout: Option<u32>,
}

/// The physical names of what was created, by logical id.
#[derive(Debug, Clone, Default)]
pub struct Provisioned {
    pub tables: HashMap<String, String>,
    pub queues: HashMap<String, String>,
    pub buckets: HashMap<String, String>,
    pub identities: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TableProps {
    attribute_definitions: Vec<AttributeProps>,
    key_schema: Vec<KeyProps>,
    #[serde(default)]
    global_secondary_indexes: Vec<IndexProps>,
    time_to_live_specification: Option<TtlProps>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AttributeProps {
    attribute_name: String,
    attribute_type: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct KeyProps {
    attribute_name: String,
    key_type: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct IndexProps {
    index_name: String,
    key_schema: Vec<KeyProps>,
    projection: ProjectionProps,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProjectionProps {
    projection_type: Option<String>,
    #[serde(default)]
    non_key_attributes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TtlProps {
    attribute_name: String,
    enabled: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct QueueProps {
    visibility_timeout: Option<u32>,
    message_retention_period: Option<u32>,
    delay_seconds: Option<u32>,
    redrive_policy: Option<serde_json::Value>,
}

/// Creates everything; existing resources of the same name are kept (so a restart against a
/// running moto is fine).
pub async fn provision(
    template: &Template,
    resolver: &mut Resolver,
    aws: &AwsClients,
    options: &ProvisionOptions,
) -> anyhow::Result<Provisioned> {
    let mut done = Provisioned::default();
    for id in template.ids_of(TABLE) {
        let name = resolver.name_of(id)?.to_owned();
        let props: TableProps = resolver.typed(&template.resources[id].properties)?;
        create_table(aws, &name, props)
            .await
            .with_context(|| format!("creating table {id} ({name})"))?;
        done.tables.insert(id.to_owned(), name);
    }

    // Dead-letter queues first: a queue's redrive policy names its DLQ's ARN.
    let mut queue_ids: Vec<&str> = template.ids_of(QUEUE).collect();
    queue_ids.sort_by_key(|id| {
        template.resources[*id]
            .properties
            .get("RedrivePolicy")
            .is_some()
    });
    for id in queue_ids {
        let name = resolver.name_of(id)?.to_owned();
        let props: QueueProps = resolver.typed(&template.resources[id].properties)?;
        let url = create_queue(aws, &name, props, options)
            .await
            .with_context(|| format!("creating queue {id} ({name})"))?;
        resolver.set_queue_url(id, url.clone());
        done.queues.insert(id.to_owned(), url);
    }

    for id in template.ids_of(BUCKET) {
        let name = resolver.name_of(id)?.to_owned();
        create_bucket(aws, &name)
            .await
            .with_context(|| format!("creating bucket {id} ({name})"))?;
        done.buckets.insert(id.to_owned(), name);
    }

    for id in template.ids_of(EMAIL_IDENTITY) {
        let identity = resolver.name_of(id)?.to_owned();
        let created = aws
            .ses
            .create_email_identity()
            .email_identity(&identity)
            .send()
            .await;
        match created {
            Ok(_) => {}
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_already_exists_exception()) => {}
            Err(e) => {
                return Err(e).with_context(|| format!("creating SES identity {id} ({identity})"));
            }
        }
        done.identities.push(identity);
    }
    Ok(done)
}

fn key_schema(keys: &[KeyProps]) -> anyhow::Result<Vec<KeySchemaElement>> {
    keys.iter()
        .map(|k| {
            Ok(KeySchemaElement::builder()
                .attribute_name(&k.attribute_name)
                .key_type(KeyType::from(k.key_type.as_str()))
                .build()?)
        })
        .collect()
}

async fn create_table(aws: &AwsClients, name: &str, props: TableProps) -> anyhow::Result<()> {
    let attributes = props
        .attribute_definitions
        .iter()
        .map(|a| {
            Ok(AttributeDefinition::builder()
                .attribute_name(&a.attribute_name)
                .attribute_type(ScalarAttributeType::from(a.attribute_type.as_str()))
                .build()?)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let indexes = props
        .global_secondary_indexes
        .iter()
        .map(|index| {
            let projection = Projection::builder()
                .projection_type(ProjectionType::from(
                    index.projection.projection_type.as_deref().unwrap_or("ALL"),
                ))
                .set_non_key_attributes(
                    (!index.projection.non_key_attributes.is_empty())
                        .then(|| index.projection.non_key_attributes.clone()),
                )
                .build();
            Ok(GlobalSecondaryIndex::builder()
                .index_name(&index.index_name)
                .set_key_schema(Some(key_schema(&index.key_schema)?))
                .projection(projection)
                .build()?)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let created = aws
        .dynamodb
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(attributes))
        .set_key_schema(Some(key_schema(&props.key_schema)?))
        .set_global_secondary_indexes((!indexes.is_empty()).then_some(indexes))
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(e)
            if e.as_service_error()
                .is_some_and(|se| se.is_resource_in_use_exception()) =>
        {
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    }
    if let Some(ttl) = props.time_to_live_specification.filter(|t| t.enabled) {
        aws.dynamodb
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(ttl.attribute_name)
                    .enabled(true)
                    .build()?,
            )
            .send()
            .await?;
    }
    Ok(())
}

async fn create_queue(
    aws: &AwsClients,
    name: &str,
    props: QueueProps,
    options: &ProvisionOptions,
) -> anyhow::Result<String> {
    let mut request = aws.sqs.create_queue().queue_name(name);
    if let Some(v) = options.visibility_timeout.or(props.visibility_timeout) {
        request = request.attributes(QueueAttributeName::VisibilityTimeout, v.to_string());
    }
    if let Some(v) = props.message_retention_period {
        request = request.attributes(QueueAttributeName::MessageRetentionPeriod, v.to_string());
    }
    if let Some(v) = props.delay_seconds {
        request = request.attributes(QueueAttributeName::DelaySeconds, v.to_string());
    }
    if let Some(policy) = props.redrive_policy {
        request = request.attributes(QueueAttributeName::RedrivePolicy, policy.to_string());
    }
    let output = request.send().await?;
    output
        .queue_url
        .ok_or_else(|| anyhow!("SQS returned no queue URL"))
}

async fn create_bucket(aws: &AwsClients, name: &str) -> anyhow::Result<()> {
    match aws.s3.create_bucket().bucket(name).send().await {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|se| se.is_bucket_already_owned_by_you()) =>
        {
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}
