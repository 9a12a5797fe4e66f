//! Reads `template.yaml` and resolves the CloudFormation intrinsics it uses.
//!
//! The template is the single source of truth: tables, queues, buckets, SES identities,
//! functions, their environment, routes, queue sources and schedules all come from here.

#[cfg(test)]
mod policies_tests;
mod resolver;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;
use serde_norway::Value;

pub use resolver::Resolver;

/// The parts of a SAM template the local stack reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Template {
    #[serde(default)]
    pub parameters: BTreeMap<String, Parameter>,
    #[serde(default)]
    pub globals: Globals,
    /// Named conditions (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`).
    #[serde(default)]
    pub conditions: BTreeMap<String, Value>,
    pub resources: BTreeMap<String, Resource>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    pub default: Option<Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Globals {
    #[serde(default)]
    pub function: Value,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resource {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(default)]
    pub properties: Value,
    #[serde(default)]
    pub metadata: Value,
    /// The resource exists only when this named condition holds (a marketplace switched off).
    pub condition: Option<String>,
}

pub const TABLE: &str = "AWS::DynamoDB::Table";
pub const QUEUE: &str = "AWS::SQS::Queue";
pub const BUCKET: &str = "AWS::S3::Bucket";
pub const EMAIL_IDENTITY: &str = "AWS::SES::EmailIdentity";
pub const FUNCTION: &str = "AWS::Serverless::Function";
pub const HTTP_API: &str = "AWS::Serverless::HttpApi";

/// The property that names a resource of each kind, where the template may set it.
fn name_property(kind: &str) -> Option<&'static str> {
    Some(match kind {
        TABLE => "TableName",
        QUEUE => "QueueName",
        BUCKET => "BucketName",
        EMAIL_IDENTITY => "EmailIdentity",
        FUNCTION => "FunctionName",
        _ => return None,
    })
}

impl Template {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("parsing {}", path.display()))
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        Ok(serde_norway::from_str(text)?)
    }

    /// The template as deployed with the resolver's parameters: resources whose `Condition` is
    /// false are left out, so nothing is provisioned, routed or wired for them.
    pub fn active(&self, resolver: &Resolver) -> Self {
        let mut active = self.clone();
        active.resources.retain(|_, r| resolver.is_active(r));
        active
    }

    /// Logical ids of the resources of one kind, in a stable order.
    pub fn ids_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.resources
            .iter()
            .filter(move |(_, r)| r.kind == kind)
            .map(|(id, _)| id.as_str())
    }
}
