//! Reads `template.yaml` and resolves the CloudFormation intrinsics it uses.
//!
//! The template is the single source of truth: tables, queues, buckets, SES identities,
//! functions, their environment, routes, queue sources and schedules all come from here.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_norway::Value;

/// The parts of a SAM template the local stack reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Template {
    #[serde(default)]
    pub parameters: BTreeMap<String, Parameter>,
    #[serde(default)]
    pub globals: Globals,
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

    /// Logical ids of the resources of one kind, in a stable order.
    pub fn ids_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.resources
            .iter()
            .filter(move |(_, r)| r.kind == kind)
            .map(|(id, _)| id.as_str())
    }
}

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
            region: region.to_owned(),
            account: account.to_owned(),
            physical: HashMap::new(),
            queue_urls: HashMap::new(),
            secrets: HashMap::new(),
        };
        let stack = resolver.stack_name();
        for (id, resource) in &template.resources {
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

    /// Replaces `{{resolve:secretsmanager:NAME:SecretString:KEY}}` with the local secret.
    fn dynamic_references(&self, text: &str) -> anyhow::Result<String> {
        const START: &str = "{{resolve:secretsmanager:";
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find(START) {
            out.push_str(&rest[..start]);
            let body_start = start + START.len();
            let end = rest[body_start..]
                .find("}}")
                .ok_or_else(|| anyhow!("unclosed dynamic reference in {text}"))?;
            let body = &rest[body_start..body_start + end];
            let parts: Vec<&str> = body.split(':').collect();
            let (name, key) = match parts.as_slice() {
                [name] => (*name, None),
                [name, "SecretString"] => (*name, None),
                [name, "SecretString", key, ..] => (*name, Some(*key)),
                _ => bail!("dynamic reference {body}: expected NAME:SecretString:KEY"),
            };
            let secret = self
                .secrets
                .get(name)
                .ok_or_else(|| anyhow!("secret {name} is not provided to the local stack"))?;
            let value = match key {
                Some(key) => secret
                    .get(key)
                    .and_then(|v| v.as_str())
                    .ok_or_else(|| anyhow!("secret {name} has no string key {key}"))?
                    .to_owned(),
                None => secret.to_string(),
            };
            out.push_str(&value);
            rest = &rest[body_start + end + 2..];
        }
        out.push_str(rest);
        Ok(out)
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

    fn substitute(&self, text: &str, vars: &HashMap<String, String>) -> anyhow::Result<String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find('}')
                .ok_or_else(|| anyhow!("!Sub {text}: unclosed ${{"))?;
            let var = &rest[start + 2..start + end];
            let value = match vars.get(var) {
                Some(v) => v.clone(),
                None if var.contains('.') && !var.starts_with("AWS::") => self.attribute(var)?,
                None => self.reference(var)?,
            };
            out.push_str(&value);
            rest = &rest[start + end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Resolves every intrinsic inside `value`.
    pub fn resolve(&self, value: &Value) -> anyhow::Result<Value> {
        Ok(match value {
            Value::Tagged(tagged) => {
                let tag = tagged.tag.to_string();
                let text = self.intrinsic(tag.trim_start_matches('!'), &tagged.value)?;
                Value::String(self.dynamic_references(&text)?)
            }
            Value::String(text) => Value::String(self.dynamic_references(text)?),
            Value::Mapping(map) => {
                if map.len() == 1 {
                    let (k, v) = map.iter().next().expect("one entry");
                    if let Some(name) = k.as_str().and_then(long_form) {
                        let text = self.intrinsic(name, v)?;
                        return Ok(Value::String(self.dynamic_references(&text)?));
                    }
                }
                let mut out = serde_norway::Mapping::new();
                for (k, v) in map {
                    out.insert(k.clone(), self.resolve(v)?);
                }
                Value::Mapping(out)
            }
            Value::Sequence(items) => Value::Sequence(
                items
                    .iter()
                    .map(|v| self.resolve(v))
                    .collect::<anyhow::Result<_>>()?,
            ),
            other => other.clone(),
        })
    }

    /// Resolves `value` to a string.
    pub fn string(&self, value: &Value) -> anyhow::Result<String> {
        let resolved = self.resolve(value)?;
        scalar(&resolved).ok_or_else(|| anyhow!("expected a string, found {resolved:?}"))
    }

    /// Resolves `value` and reads it as `T`.
    pub fn typed<T: DeserializeOwned>(&self, value: &Value) -> anyhow::Result<T> {
        Ok(serde_norway::from_value(self.resolve(value)?)?)
    }

    fn intrinsic(&self, name: &str, arg: &Value) -> anyhow::Result<String> {
        match name {
            "Ref" => self.reference(&self.string(arg)?),
            "GetAtt" => match arg {
                Value::Sequence(parts) if parts.len() == 2 => self.attribute(&format!(
                    "{}.{}",
                    self.string(&parts[0])?,
                    self.string(&parts[1])?
                )),
                other => self.attribute(&self.string(other)?),
            },
            // The text of a !Sub is a literal: it is substituted first, and dynamic references
            // in the result are resolved after.
            "Sub" => match arg {
                Value::Sequence(parts) if parts.len() == 2 => {
                    let vars: HashMap<String, String> = self.typed(&parts[1])?;
                    self.substitute(&literal(&parts[0])?, &vars)
                }
                other => self.substitute(&literal(other)?, &HashMap::new()),
            },
            "Join" => match arg {
                Value::Sequence(parts) if parts.len() == 2 => {
                    let items: Vec<String> = self.typed(&parts[1])?;
                    Ok(items.join(&self.string(&parts[0])?))
                }
                _ => bail!("!Join takes [delimiter, [values]]"),
            },
            other => bail!("intrinsic !{other} is not supported by the local stack"),
        }
    }
}

fn long_form(key: &str) -> Option<&'static str> {
    Some(match key {
        "Ref" => "Ref",
        "Fn::GetAtt" => "GetAtt",
        "Fn::Sub" => "Sub",
        "Fn::Join" => "Join",
        _ => return None,
    })
}

fn literal(value: &Value) -> anyhow::Result<String> {
    scalar(value).ok_or_else(|| anyhow!("expected a literal string, found {value:?}"))
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = r#"
Parameters:
  Stage: { Type: String, Default: dev }
Resources:
  Dlq:
    Type: AWS::SQS::Queue
    Properties: { QueueName: !Sub "bazaar-${Stage}-dlq" }
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          A: !Ref Table
          B: !GetAtt Dlq.Arn
          C: { "Fn::Sub": ["${X}-${AWS::Region}", { X: !Ref Stage }] }
          D: !Ref Dlq
          E: !Join [":", [a, !Ref Stage]]
          F: !Sub "{{resolve:secretsmanager:bazaar/${Stage}/keys:SecretString:k}}"
"#;

    #[test]
    fn intrinsics_resolve_to_stage_scoped_names() {
        let template = Template::parse(TEMPLATE).unwrap();
        let overrides = HashMap::from([("Stage".to_owned(), "t1".to_owned())]);
        let mut resolver =
            Resolver::new(&template, &overrides, "us-east-1", "123456789012").unwrap();
        resolver.set_queue_url("Dlq", "http://q/123456789012/bazaar-t1-dlq".into());
        resolver.set_secret("bazaar/t1/keys", serde_json::json!({"k": "s3cret"}));
        let env = &template.resources["Fn"].properties["Environment"]["Variables"];
        let vars: HashMap<String, String> = resolver.typed(env).unwrap();
        assert_eq!(vars["A"], "bazaar-t1-Table");
        assert_eq!(
            vars["B"],
            "arn:aws:sqs:us-east-1:123456789012:bazaar-t1-dlq"
        );
        assert_eq!(vars["C"], "t1-us-east-1");
        assert_eq!(vars["D"], "http://q/123456789012/bazaar-t1-dlq");
        assert_eq!(vars["E"], "a:t1");
        assert_eq!(vars["F"], "s3cret");
        assert_eq!(resolver.queue_by_arn(&vars["B"]), Some("Dlq"));
    }

    #[test]
    fn unknown_references_are_errors_not_empty_strings() {
        let template = Template::parse(TEMPLATE).unwrap();
        let resolver = Resolver::new(&template, &HashMap::new(), "us-east-1", "1").unwrap();
        let bad: Value = serde_norway::from_str("!Ref Nope").unwrap();
        assert!(resolver.string(&bad).is_err());
    }
}
