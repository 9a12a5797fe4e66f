//! Least privilege, read from `template.yaml`: each function's `Policies` reach only the
//! tables, queues and bucket prefixes it is configured with, never a whole bucket or `*`.

use std::collections::BTreeSet;
use std::path::Path;

use serde_norway::Value;

use super::{BUCKET, FUNCTION, QUEUE, TABLE, Template};

fn template() -> Template {
    Template::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml")).unwrap()
}

/// The logical ids an expression names through `!Ref`, `!GetAtt` and `!Sub` (long forms too).
fn named(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            function(tag.trim_start_matches('!'), &tagged.value, out);
        }
        Value::Mapping(map) => {
            for (k, v) in map {
                match k.as_str() {
                    Some("Ref") => function("Ref", v, out),
                    Some("Fn::GetAtt") => function("GetAtt", v, out),
                    Some("Fn::Sub") => function("Sub", v, out),
                    _ => named(v, out),
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|v| named(v, out)),
        _ => {}
    }
}

/// The ids one intrinsic function names.
fn function(name: &str, arg: &Value, out: &mut BTreeSet<String>) {
    match name {
        "Ref" => out.extend(arg.as_str().map(str::to_owned)),
        "GetAtt" => match arg {
            Value::Sequence(parts) => out.extend(parts[0].as_str().map(str::to_owned)),
            other => out.extend(
                other
                    .as_str()
                    .and_then(|t| t.split('.').next())
                    .map(str::to_owned),
            ),
        },
        "Sub" => {
            let text = match arg {
                Value::Sequence(parts) => parts[0].as_str().unwrap_or_default(),
                other => other.as_str().unwrap_or_default(),
            };
            for piece in text.split("${").skip(1) {
                let var = piece.split('}').next().unwrap_or_default();
                out.insert(var.split('.').next().unwrap_or_default().to_owned());
            }
            if let Value::Sequence(parts) = arg {
                named(&parts[1], out);
            }
        }
        _ => named(arg, out),
    }
}

/// The ids an expression names, each with the condition of the `!If` whose true branch it is
/// in (a name there exists whenever that branch is taken).
fn guarded_names(value: &Value, guard: Option<&str>, out: &mut Vec<(String, Option<String>)>) {
    let branches = match value {
        Value::Tagged(tagged) if tagged.tag == "If" => Some(&tagged.value),
        Value::Mapping(map) if map.len() == 1 => map.get("Fn::If"),
        _ => None,
    };
    if let Some(Value::Sequence(args)) = branches
        && args.len() == 3
    {
        guarded_names(&args[1], args[0].as_str().or(guard), out);
        guarded_names(&args[2], guard, out);
        return;
    }
    let intrinsic = |map: &serde_norway::Mapping| {
        map.keys()
            .any(|k| matches!(k.as_str(), Some("Ref" | "Fn::GetAtt" | "Fn::Sub")))
    };
    match value {
        Value::Sequence(items) => items.iter().for_each(|v| guarded_names(v, guard, out)),
        Value::Mapping(map) if !intrinsic(map) => {
            map.values().for_each(|v| guarded_names(v, guard, out))
        }
        leaf => out.extend(
            names_in(leaf)
                .into_iter()
                .map(|name| (name, guard.map(str::to_owned))),
        ),
    }
}

fn names_in(value: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    named(value, &mut out);
    out
}

/// Every policy statement's resources of one function, as written.
fn statements(policies: &Value) -> Vec<&Value> {
    policies
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("Statement"))
        .flat_map(|s| s.as_sequence().into_iter().flatten())
        .collect()
}

fn listed(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Sequence(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => vec![],
    }
}

#[test]
fn each_function_reaches_only_the_tables_queues_and_buckets_it_is_configured_with() {
    let template = template();
    let data: BTreeSet<&str> = [TABLE, QUEUE, BUCKET]
        .iter()
        .flat_map(|kind| template.ids_of(kind))
        .collect();
    for id in template.ids_of(FUNCTION) {
        let props = &template.resources[id].properties;
        let policies = &props["Policies"];
        // What it is configured with: its variables, its event sources, its dead-letter queue.
        let mut configured = names_in(&props["Environment"]);
        configured.extend(names_in(&props["Events"]));
        configured.extend(names_in(&props["DeadLetterQueue"]));
        for reached in names_in(policies) {
            if data.contains(reached.as_str()) {
                assert!(
                    configured.contains(&reached),
                    "{id} has a policy on {reached}, which none of its variables or events names"
                );
            }
        }
    }
}

#[test]
fn no_function_gets_a_whole_bucket_or_a_wildcard() {
    let template = template();
    let buckets: BTreeSet<&str> = template.ids_of(BUCKET).collect();
    for id in template.ids_of(FUNCTION) {
        let policies = &template.resources[id].properties["Policies"];
        for policy in policies.as_sequence().into_iter().flatten() {
            if let Some(name) = policy.as_mapping().and_then(|m| m.keys().next()?.as_str()) {
                assert!(
                    !name.starts_with("S3"),
                    "{id} uses {name}, which grants a whole bucket; write a statement on its prefix"
                );
            }
        }
        for statement in statements(policies) {
            for action in listed(statement.get("Action")) {
                let action = action.as_str().unwrap_or_default();
                assert!(!action.contains('*'), "{id} is allowed {action}");
            }
            for resource in listed(statement.get("Resource")) {
                assert_ne!(resource.as_str(), Some("*"), "{id} has a statement on *");
                let names = names_in(resource);
                if !names.iter().any(|n| buckets.contains(n.as_str())) {
                    continue;
                }
                // Objects of one prefix only: !Sub "${UploadsBucket.Arn}/<prefix>/*".
                let text = resource
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| match resource {
                        Value::Tagged(t) => t.value.as_str().map(str::to_owned),
                        _ => None,
                    })
                    .unwrap_or_default();
                let prefix = text
                    .split_once(".Arn}/")
                    .map(|(_, rest)| rest)
                    .unwrap_or_default();
                assert!(
                    prefix.len() > 2 && prefix.ends_with("/*") && !prefix.starts_with('*'),
                    "{id} reaches the uploads bucket beyond one prefix: {text:?}"
                );
            }
        }
    }
}

#[test]
fn every_data_store_a_function_names_holds_its_marketplace_s_condition() {
    // A function of a marketplace that can be switched off may only name resources that exist
    // whenever it does: its own marketplace's, those always deployed, or another marketplace's
    // inside `!If [<its condition>, …]` (the outbox relay's queues).
    let template = template();
    for id in template.ids_of(FUNCTION) {
        let resource = &template.resources[id];
        let mut names = Vec::new();
        guarded_names(&resource.properties, None, &mut names);
        for (named, guard) in names {
            let Some(target) = template.resources.get(&named) else {
                continue; // a parameter or a pseudo parameter
            };
            if let Some(condition) = &target.condition {
                let guarded = guard.as_ref() == Some(condition);
                assert!(
                    guarded || resource.condition.as_ref() == Some(condition),
                    "{id} names {named}, which exists only when {condition}"
                );
            }
        }
    }
}
