//! `Conditions`: `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or` and `Condition`, in their long and
//! short (`!Equals`) forms, evaluated once per stack from the parameters.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, anyhow, bail};
use serde_norway::Value;

use super::Resolver;

impl Resolver {
    /// Evaluates every named condition (conditions may name each other, but not in a cycle).
    pub(super) fn evaluate_conditions(
        &self,
        conditions: &BTreeMap<String, Value>,
    ) -> anyhow::Result<HashMap<String, bool>> {
        let mut done = HashMap::new();
        for name in conditions.keys() {
            let mut visiting = Vec::new();
            self.named(name, conditions, &mut done, &mut visiting)
                .with_context(|| format!("condition {name}"))?;
        }
        Ok(done)
    }

    fn named(
        &self,
        name: &str,
        conditions: &BTreeMap<String, Value>,
        done: &mut HashMap<String, bool>,
        visiting: &mut Vec<String>,
    ) -> anyhow::Result<bool> {
        if let Some(value) = done.get(name) {
            return Ok(*value);
        }
        if visiting.iter().any(|v| v == name) {
            bail!("conditions refer to each other in a cycle: {visiting:?}");
        }
        let expr = conditions
            .get(name)
            .ok_or_else(|| anyhow!("no condition named {name}"))?;
        visiting.push(name.to_owned());
        let value = self.truth(expr, conditions, done, visiting)?;
        visiting.pop();
        done.insert(name.to_owned(), value);
        Ok(value)
    }

    fn truth(
        &self,
        expr: &Value,
        conditions: &BTreeMap<String, Value>,
        done: &mut HashMap<String, bool>,
        visiting: &mut Vec<String>,
    ) -> anyhow::Result<bool> {
        let (function, arg) = condition_function(expr)?;
        let mut each = |arg: &Value| -> anyhow::Result<Vec<bool>> {
            match arg {
                Value::Sequence(items) => items
                    .iter()
                    .map(|item| self.truth(item, conditions, done, visiting))
                    .collect(),
                _ => bail!("Fn::{function} takes a list of conditions"),
            }
        };
        Ok(match function.as_str() {
            "Equals" => match arg {
                Value::Sequence(pair) if pair.len() == 2 => {
                    self.string(&pair[0])? == self.string(&pair[1])?
                }
                _ => bail!("Fn::Equals takes [value, value]"),
            },
            "Not" => match each(arg)?.as_slice() {
                [one] => !one,
                _ => bail!("Fn::Not takes one condition"),
            },
            "And" => each(arg)?.into_iter().all(|v| v),
            "Or" => each(arg)?.into_iter().any(|v| v),
            "Condition" => {
                let name = self.string(arg)?;
                self.named(&name, conditions, done, visiting)?
            }
            other => bail!("Fn::{other} is not a condition function the local stack knows"),
        })
    }
}

/// `{ "Fn::Equals": [...] }`, `!Equals [...]` or `{ Condition: Name }` as (function, argument).
fn condition_function(expr: &Value) -> anyhow::Result<(String, &Value)> {
    match expr {
        Value::Tagged(tagged) => Ok((
            tagged.tag.to_string().trim_start_matches('!').to_owned(),
            &tagged.value,
        )),
        Value::Mapping(map) if map.len() == 1 => {
            let (key, value) = map.iter().next().expect("one entry");
            let key = key
                .as_str()
                .ok_or_else(|| anyhow!("a condition function's name must be text"))?;
            Ok((key.trim_start_matches("Fn::").to_owned(), value))
        }
        other => bail!("expected a condition function, found {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_norway::Value;

    use crate::template::{Resolver, Template};

    const TEMPLATE: &str = r#"
Parameters:
  Stage: { Type: String, Default: dev }
  TicketsModule: { Type: String, Default: enabled }
  AlarmEmail: { Type: String, Default: "" }
Conditions:
  TicketsOn: !Equals [!Ref TicketsModule, enabled]
  HasAlarmEmail: { "Fn::Not": [{ "Fn::Equals": [!Ref AlarmEmail, ""] }] }
  TicketsMailed: !And [!Condition TicketsOn, { Condition: HasAlarmEmail }]
  EitherOn: !Or [!Condition TicketsOn, !Condition HasAlarmEmail]
Resources:
  TicketsTable:
    Type: AWS::DynamoDB::Table
    Condition: TicketsOn
    Properties: {}
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Subscription:
        - !If [HasAlarmEmail, { Endpoint: !Ref AlarmEmail, Protocol: email }, !Ref AWS::NoValue]
      DisplayName: { "Fn::If": [TicketsOn, !Ref TicketsTable, "no tickets"] }
      Note: !If [TicketsMailed, mailed, !Ref AWS::NoValue]
"#;

    fn resolver(overrides: &[(&str, &str)]) -> (Template, Resolver) {
        let template = Template::parse(TEMPLATE).unwrap();
        let overrides: HashMap<String, String> = overrides
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let resolver = Resolver::new(&template, &overrides, "us-east-1", "1").unwrap();
        (template, resolver)
    }

    fn topic(template: &Template, resolver: &Resolver) -> Value {
        resolver
            .resolve(&template.resources["Topic"].properties)
            .unwrap()
    }

    #[test]
    fn conditions_follow_the_parameters() {
        let (_, on) = resolver(&[]);
        assert!(on.condition("TicketsOn"));
        assert!(!on.condition("HasAlarmEmail"));
        assert!(!on.condition("TicketsMailed"));
        assert!(on.condition("EitherOn"));

        let (_, off) = resolver(&[("TicketsModule", "disabled"), ("AlarmEmail", "a@b.c")]);
        assert!(!off.condition("TicketsOn"));
        assert!(off.condition("HasAlarmEmail"));
        assert!(!off.condition("TicketsMailed"));
        assert!(off.condition("EitherOn"));
    }

    #[test]
    fn a_resource_whose_condition_is_false_is_not_in_the_active_template() {
        let (template, on) = resolver(&[]);
        assert!(template.active(&on).resources.contains_key("TicketsTable"));
        assert_eq!(
            on.name_of("TicketsTable").unwrap(),
            "bazaar-dev-TicketsTable"
        );

        let (template, off) = resolver(&[("TicketsModule", "disabled")]);
        let active = template.active(&off);
        assert!(!active.resources.contains_key("TicketsTable"));
        assert!(active.resources.contains_key("Topic"));
        assert!(off.name_of("TicketsTable").is_err(), "no name, so no !Ref");
    }

    #[test]
    fn if_picks_a_branch_and_no_value_leaves_the_property_out() {
        let (template, on) = resolver(&[]);
        let props = topic(&template, &on);
        assert_eq!(
            props["DisplayName"].as_str(),
            Some("bazaar-dev-TicketsTable")
        );
        assert_eq!(props["Subscription"].as_sequence().unwrap().len(), 0);
        assert!(props.get("Note").is_none());

        let (template, off) = resolver(&[("TicketsModule", "disabled"), ("AlarmEmail", "a@b.c")]);
        let props = topic(&template, &off);
        assert_eq!(props["DisplayName"].as_str(), Some("no tickets"));
        assert_eq!(props["Subscription"][0]["Endpoint"].as_str(), Some("a@b.c"));
        assert_eq!(props["Subscription"][0]["Protocol"].as_str(), Some("email"));
    }

    #[test]
    fn unknown_or_cyclic_conditions_are_errors() {
        let cyclic = "Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]\nResources: {}\n";
        let template = Template::parse(cyclic).unwrap();
        assert!(Resolver::new(&template, &HashMap::new(), "r", "1").is_err());

        let unknown = "Resources:\n  T:\n    Type: AWS::SQS::Queue\n    Condition: Nope\n";
        let template = Template::parse(unknown).unwrap();
        assert!(Resolver::new(&template, &HashMap::new(), "r", "1").is_err());

        let (_, resolver) = resolver(&[]);
        let bad: Value = serde_norway::from_str("!If [Nope, a, b]").unwrap();
        assert!(resolver.resolve(&bad).is_err());
    }
}
