//! Names, ARNs and URLs of one stage's resources: what `!Ref` and `!GetAtt` give.

mod conditions;
mod intrinsics;

use std::collections::HashMap;

use anyhow::{Context, anyhow, bail};

use super::{BUCKET, FUNCTION, QUEUE, Resource, TABLE, Template, name_property};
use intrinsics::scalar;

/// What `!Ref` and `!GetAtt` of one resource give.
#[derive(Debug, Clone)]
struct Physical {
    kind: String,
    name: String,
}

/// Resolves intrinsics for one stage of one local stack.
#[derive(Debug, Clone)]
pub struct Resolver {
    params: HashMap<String, String>,
    /// The template's named conditions, evaluated once with the parameters.
    conditions: HashMap<String, bool>,
    region: String,
    account: String,
    physical: HashMap<String, Physical>,
    queue_urls: HashMap<String, String>,
    /// Secrets Manager secrets by name (JSON objects), for `{{resolve:secretsmanager:…}}`.
    secrets: HashMap<String, serde_json::Value>,
}

impl Resolver {
    /// Parameters take their template defaults, overridden by `overrides`; every named
    /// resource gets its physical name (from its name property, or `<stack>-<LogicalId>`).
    pub fn new(
        template: &Template,
        overrides: &HashMap<String, String>,
        region: &str,
        account: &str,
    ) -> anyhow::Result<Self> {
        let mut params = HashMap::new();
        for (name, parameter) in &template.parameters {
            let value = match (overrides.get(name), &parameter.default) {
                (Some(v), _) => v.clone(),
                (None, Some(default)) => scalar(default)
                    .ok_or_else(|| anyhow!("parameter {name} has a non-scalar default"))?,
                (None, None) => bail!("parameter {name} has no default and no value was given"),
            };
            params.insert(name.clone(), value);
        }
        let mut resolver = Self {
            params,
            conditions: HashMap::new(),
            region: region.to_owned(),
            account: account.to_owned(),
            physical: HashMap::new(),
            queue_urls: HashMap::new(),
            secrets: HashMap::new(),
        };
        resolver.conditions = resolver.evaluate_conditions(&template.conditions)?;
        let stack = resolver.stack_name();
        for (id, resource) in &template.resources {
            if let Some(name) = &resource.condition
                && !resolver.has_condition(name)
            {
                bail!("{id} has the condition {name}, which the template does not define");
            }
            if !resolver.is_active(resource) {
                continue;
            }
            let name = match name_property(&resource.kind).and_then(|p| resource.properties.get(p))
            {
                Some(expr) => resolver
                    .string(expr)
                    .with_context(|| format!("naming {id}"))?,
                None => format!("{stack}-{id}"),
            };
            resolver.physical.insert(
                id.clone(),
                Physical {
                    kind: resource.kind.clone(),
                    name,
                },
            );
        }
        Ok(resolver)
    }

    pub fn stack_name(&self) -> String {
        match self.params.get("Stage") {
            Some(stage) => format!("bazaar-{stage}"),
            None => "bazaar".to_owned(),
        }
    }

    /// Whether a resource exists with these parameters (its `Condition`, if any, holds).
    /// A condition the template does not define counts as false.
    pub fn is_active(&self, resource: &Resource) -> bool {
        resource
            .condition
            .as_ref()
            .is_none_or(|name| self.condition(name))
    }

    /// The value of a named condition of the template (false when it does not exist).
    pub fn condition(&self, name: &str) -> bool {
        self.conditions.get(name).copied().unwrap_or(false)
    }

    fn has_condition(&self, name: &str) -> bool {
        self.conditions.contains_key(name)
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// The physical name of a resource.
    pub fn name_of(&self, logical_id: &str) -> anyhow::Result<&str> {
        self.physical
            .get(logical_id)
            .map(|p| p.name.as_str())
            .ok_or_else(|| anyhow!("no resource {logical_id} in the template"))
    }

    /// Provides the secrets that dynamic references name.
    pub fn set_secret(&mut self, name: &str, value: serde_json::Value) {
        self.secrets.insert(name.to_owned(), value);
    }

    pub fn secret(&self, name: &str) -> Option<&serde_json::Value> {
        self.secrets.get(name)
    }

    /// Records the URL a queue got when it was created (what `!Ref Queue` gives).
    pub fn set_queue_url(&mut self, logical_id: &str, url: String) {
        self.queue_urls.insert(logical_id.to_owned(), url);
    }

    pub fn queue_url(&self, logical_id: &str) -> anyhow::Result<&str> {
        self.queue_urls
            .get(logical_id)
            .map(String::as_str)
            .ok_or_else(|| anyhow!("queue {logical_id} has not been created"))
    }

    /// The logical id of the queue with this ARN.
    pub fn queue_by_arn(&self, arn: &str) -> Option<&str> {
        self.physical
            .iter()
            .find_map(|(id, p)| (p.kind == QUEUE && self.arn(p) == arn).then_some(id.as_str()))
    }

    fn arn(&self, p: &Physical) -> String {
        let (region, account) = (&self.region, &self.account);
        match p.kind.as_str() {
            QUEUE => format!("arn:aws:sqs:{region}:{account}:{}", p.name),
            TABLE => format!("arn:aws:dynamodb:{region}:{account}:table/{}", p.name),
            BUCKET => format!("arn:aws:s3:::{}", p.name),
            FUNCTION => format!("arn:aws:lambda:{region}:{account}:function:{}", p.name),
            _ => format!("arn:aws:local:{region}:{account}:{}", p.name),
        }
    }

    fn reference(&self, name: &str) -> anyhow::Result<String> {
        if let Some(value) = self.params.get(name) {
            return Ok(value.clone());
        }
        Ok(match name {
            "AWS::Region" => self.region.clone(),
            "AWS::AccountId" => self.account.clone(),
            "AWS::StackName" => self.stack_name(),
            "AWS::Partition" => "aws".to_owned(),
            "AWS::URLSuffix" => "amazonaws.com".to_owned(),
            _ => {
                let p = self
                    .physical
                    .get(name)
                    .ok_or_else(|| anyhow!("!Ref {name}: no such parameter or resource"))?;
                match p.kind.as_str() {
                    QUEUE => self.queue_url(name)?.to_owned(),
                    _ => p.name.clone(),
                }
            }
        })
    }

    fn attribute(&self, target: &str) -> anyhow::Result<String> {
        let (id, attr) = target
            .split_once('.')
            .ok_or_else(|| anyhow!("!GetAtt {target}: expected Resource.Attribute"))?;
        let p = self
            .physical
            .get(id)
            .ok_or_else(|| anyhow!("!GetAtt {target}: no such resource"))?;
        match attr {
            "Arn" => Ok(self.arn(p)),
            "QueueName" | "TableName" | "BucketName" => Ok(p.name.clone()),
            "QueueUrl" => Ok(self.queue_url(id)?.to_owned()),
            _ => bail!("!GetAtt {target}: attribute not supported locally"),
        }
    }
}
