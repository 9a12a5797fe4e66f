//! The functions of the template: binary, environment, routes, queue sources and schedules.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use serde::Deserialize;
use serde_norway::Value;

use crate::template::{FUNCTION, Resolver, Template};

/// One `AWS::Serverless::Function`, resolved for a stage.
#[derive(Debug, Clone)]
pub struct FunctionSpec {
    pub logical_id: String,
    /// `Metadata.BuildProperties.Binary`: the workspace binary that is the function.
    pub binary: String,
    pub timeout: Duration,
    pub env: HashMap<String, String>,
    pub routes: Vec<Route>,
    pub queues: Vec<QueueSource>,
    pub schedules: Vec<Schedule>,
}

/// An `HttpApi` event.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Route {
    /// Upper-case HTTP method, or `ANY`.
    pub method: String,
    /// API Gateway path syntax: `/events/{id}`, `/files/{proxy+}`.
    pub path: String,
}

/// An `SQS` event.
#[derive(Debug, Clone)]
pub struct QueueSource {
    pub queue_logical_id: String,
    pub batch_size: i32,
    pub report_batch_item_failures: bool,
}

/// A `Schedule` (EventBridge rule) or `ScheduleV2` (EventBridge Scheduler) event.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub event_name: String,
    pub expression: String,
    pub input: serde_json::Value,
    pub enabled: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Event {
    #[serde(rename = "Type")]
    kind: String,
    #[serde(default)]
    properties: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HttpApiProps {
    path: String,
    method: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SqsProps {
    queue: String,
    batch_size: Option<i32>,
    #[serde(default)]
    function_response_types: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ScheduleProps {
    schedule: Option<String>,
    schedule_expression: Option<String>,
    input: Option<String>,
    enabled: Option<bool>,
    state: Option<String>,
}

/// Every function of the template, with intrinsics resolved (queues must exist by now, since
/// `!Ref Queue` is the queue's URL).
pub fn functions(template: &Template, resolver: &Resolver) -> anyhow::Result<Vec<FunctionSpec>> {
    let globals = &template.globals.function;
    template
        .ids_of(FUNCTION)
        .map(|id| {
            function(id, template, resolver, globals)
                .with_context(|| format!("reading function {id}"))
        })
        .collect()
}

fn function(
    id: &str,
    template: &Template,
    resolver: &Resolver,
    globals: &Value,
) -> anyhow::Result<FunctionSpec> {
    let resource = &template.resources[id];
    let props = &resource.properties;
    let binary = resource.metadata["BuildProperties"]["Binary"]
        .as_str()
        .ok_or_else(|| anyhow!("Metadata.BuildProperties.Binary is missing"))?
        .to_owned();
    let timeout_secs = props
        .get("Timeout")
        .or_else(|| globals.get("Timeout"))
        .and_then(Value::as_u64)
        .unwrap_or(3);

    let mut env: HashMap<String, String> = HashMap::new();
    for source in [globals, props] {
        if let Some(vars) = source.get("Environment").and_then(|e| e.get("Variables")) {
            env.extend(resolver.typed::<HashMap<String, String>>(vars)?);
        }
    }

    let events: BTreeMap<String, Event> = match props.get("Events") {
        Some(events) => serde_norway::from_value(events.clone())?,
        None => BTreeMap::new(),
    };
    let mut spec = FunctionSpec {
        logical_id: id.to_owned(),
        binary,
        timeout: Duration::from_secs(timeout_secs),
        env,
        routes: Vec::new(),
        queues: Vec::new(),
        schedules: Vec::new(),
    };
    for (name, event) in events {
        spec.add_event(&name, event, resolver)
            .with_context(|| format!("event {name}"))?;
    }
    Ok(spec)
}

impl FunctionSpec {
    fn add_event(&mut self, name: &str, event: Event, resolver: &Resolver) -> anyhow::Result<()> {
        match event.kind.as_str() {
            "HttpApi" => {
                let p: HttpApiProps = resolver.typed(&event.properties)?;
                self.routes.push(Route {
                    method: p.method.to_ascii_uppercase(),
                    path: p.path,
                });
            }
            "SQS" => self
                .queues
                .push(queue_source(resolver.typed(&event.properties)?, resolver)?),
            "Schedule" | "ScheduleV2" => {
                let props = resolver.typed(&event.properties)?;
                self.schedules.push(schedule(name, props)?);
            }
            other => bail!("type {other} is not supported by the local stack"),
        }
        Ok(())
    }
}

fn queue_source(p: SqsProps, resolver: &Resolver) -> anyhow::Result<QueueSource> {
    let queue_logical_id = resolver
        .queue_by_arn(&p.queue)
        .ok_or_else(|| anyhow!("queue {} is not in the template", p.queue))?
        .to_owned();
    Ok(QueueSource {
        queue_logical_id,
        batch_size: p.batch_size.unwrap_or(10).clamp(1, 10),
        report_batch_item_failures: p
            .function_response_types
            .iter()
            .any(|t| t == "ReportBatchItemFailures"),
    })
}

fn schedule(name: &str, p: ScheduleProps) -> anyhow::Result<Schedule> {
    let expression = p
        .schedule
        .or(p.schedule_expression)
        .ok_or_else(|| anyhow!("no schedule expression"))?;
    let input = match p.input {
        Some(text) => serde_json::from_str(&text).context("Input is not JSON")?,
        None => serde_json::json!({}),
    };
    Ok(Schedule {
        event_name: name.to_owned(),
        expression,
        input,
        enabled: p.enabled.unwrap_or(true) && p.state.as_deref().is_none_or(|s| s == "ENABLED"),
    })
}
