//! The CloudFormation intrinsics the template uses (`!Ref`, `!GetAtt`, `!Sub`, `!Join`, `!If`
//! with `AWS::NoValue`, their long forms) and `{{resolve:secretsmanager:…}}` dynamic references.

use std::collections::HashMap;

use anyhow::{anyhow, bail};
use serde::de::DeserializeOwned;
use serde_norway::Value;

use super::Resolver;

impl Resolver {
    /// Resolves every intrinsic inside `value`; `!Ref AWS::NoValue` alone resolves to null.
    pub fn resolve(&self, value: &Value) -> anyhow::Result<Value> {
        Ok(self.resolve_present(value)?.unwrap_or(Value::Null))
    }

    /// `None` when `value` is `AWS::NoValue` (the property or list item is left out).
    fn resolve_present(&self, value: &Value) -> anyhow::Result<Option<Value>> {
        Ok(Some(match value {
            Value::Tagged(tagged) => {
                let tag = tagged.tag.to_string();
                return self.function(tag.trim_start_matches('!'), &tagged.value);
            }
            Value::String(text) => Value::String(self.dynamic_references(text)?),
            Value::Mapping(map) => {
                if map.len() == 1 {
                    let (k, v) = map.iter().next().expect("one entry");
                    if let Some(name) = k.as_str().and_then(long_form) {
                        return self.function(name, v);
                    }
                }
                let mut out = serde_norway::Mapping::new();
                for (k, v) in map {
                    if let Some(v) = self.resolve_present(v)? {
                        out.insert(k.clone(), v);
                    }
                }
                Value::Mapping(out)
            }
            Value::Sequence(items) => {
                let mut out = Vec::new();
                for item in items {
                    out.extend(self.resolve_present(item)?);
                }
                Value::Sequence(out)
            }
            other => other.clone(),
        }))
    }

    /// An intrinsic function: `Fn::If` gives one of its branches (any value), `!Ref
    /// AWS::NoValue` nothing, the others text.
    fn function(&self, name: &str, arg: &Value) -> anyhow::Result<Option<Value>> {
        match name {
            "If" => match arg {
                Value::Sequence(parts) if parts.len() == 3 => {
                    let condition = self.string(&parts[0])?;
                    if !self.has_condition(&condition) {
                        bail!("!If {condition}: no such condition");
                    }
                    let branch = if self.condition(&condition) { 1 } else { 2 };
                    self.resolve_present(&parts[branch])
                }
                _ => bail!("!If takes [condition, value if true, value if false]"),
            },
            "Ref" if arg.as_str() == Some("AWS::NoValue") => Ok(None),
            _ => {
                let text = self.intrinsic(name, arg)?;
                Ok(Some(Value::String(self.dynamic_references(&text)?)))
            }
        }
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
}

fn long_form(key: &str) -> Option<&'static str> {
    Some(match key {
        "Ref" => "Ref",
        "Fn::GetAtt" => "GetAtt",
        "Fn::Sub" => "Sub",
        "Fn::Join" => "Join",
        "Fn::If" => "If",
        _ => return None,
    })
}

fn literal(value: &Value) -> anyhow::Result<String> {
    scalar(value).ok_or_else(|| anyhow!("expected a literal string, found {value:?}"))
}

pub(super) fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
#[path = "intrinsics_tests.rs"]
mod tests;
