//! Every function of the template built and wired to its events: HTTP routes to the dev
//! server, SQS sources to pollers, schedules to timers.

use std::collections::HashMap;

use anyhow::{Context, bail};
use axum::Router;
use bazaar_shared::function::{Handler, Init, QueueHandler, ScheduledHandler};
use bazaar_shared::{AwsClients, Clock, Env};

use crate::functions::{FunctionSpec, Route};
use crate::poller::Poller;
use crate::registry::build;
use crate::scheduler::{Every, Scheduled, Timer};
use crate::stack::ACCOUNT;
use crate::template::Resolver;

/// The built functions, by the kind of event that invokes them.
#[derive(Default)]
pub struct Wiring {
    pub routes: Vec<(Route, Router)>,
    pub pollers: Vec<Poller>,
    pub timers: Vec<Timer>,
    /// Scheduled functions by logical id, for firing on demand.
    pub scheduled: HashMap<String, Scheduled>,
}

/// What every function is built from, besides its own environment.
pub struct Platform<'a> {
    pub aws: &'a AwsClients,
    pub clock: &'a Clock,
    pub resolver: &'a Resolver,
}

impl Wiring {
    /// Builds every function from its resolved template environment and wires its events.
    pub fn build(specs: &[FunctionSpec], platform: &Platform<'_>) -> anyhow::Result<Self> {
        let mut wiring = Self::default();
        for spec in specs {
            let kinds = [
                !spec.routes.is_empty(),
                !spec.queues.is_empty(),
                !spec.schedules.is_empty(),
            ];
            if kinds.iter().filter(|&&wired| wired).count() != 1 {
                bail!(
                    "{} must have exactly one kind of event (HttpApi, SQS or schedule)",
                    spec.logical_id
                );
            }
            wiring.add(spec, platform).with_context(|| {
                format!("building {} from its template environment", spec.logical_id)
            })?;
        }
        Ok(wiring)
    }

    fn add(&mut self, spec: &FunctionSpec, platform: &Platform<'_>) -> anyhow::Result<()> {
        let init = Init {
            env: Env::from_map(spec.env.clone()),
            aws: platform.aws.clone(),
            clock: platform.clock.clone(),
        };
        match build(&spec.binary, &init)?.handler {
            Handler::Http(router) => {
                let routes = spec.routes.iter().map(|r| (r.clone(), router.clone()));
                self.routes.extend(routes);
                Ok(())
            }
            Handler::Queue(handler) => self.add_pollers(spec, handler, platform),
            Handler::Scheduled(handler) => self.add_timers(spec, handler),
        }
    }

    fn add_pollers(
        &mut self,
        spec: &FunctionSpec,
        handler: QueueHandler,
        platform: &Platform<'_>,
    ) -> anyhow::Result<()> {
        let resolver = platform.resolver;
        for source in &spec.queues {
            let queue = &source.queue_logical_id;
            self.pollers.push(Poller {
                sqs: platform.aws.sqs.clone(),
                function: spec.logical_id.clone(),
                queue_url: resolver.queue_url(queue)?.to_owned(),
                queue_arn: format!(
                    "arn:aws:sqs:{}:{ACCOUNT}:{}",
                    resolver.region(),
                    resolver.name_of(queue)?
                ),
                region: resolver.region().to_owned(),
                batch_size: source.batch_size,
                report_batch_item_failures: source.report_batch_item_failures,
                timeout: spec.timeout,
                handler: handler.clone(),
            });
        }
        Ok(())
    }

    fn add_timers(&mut self, spec: &FunctionSpec, handler: ScheduledHandler) -> anyhow::Result<()> {
        for schedule in spec.schedules.iter().filter(|s| s.enabled) {
            self.timers.push(Timer {
                function: spec.logical_id.clone(),
                every: Every::parse(&schedule.expression)?,
                input: schedule.input.clone(),
                handler: handler.clone(),
            });
        }
        let inputs = spec.schedules.iter().map(|s| s.input.clone()).collect();
        self.scheduled
            .insert(spec.logical_id.clone(), Scheduled { handler, inputs });
        Ok(())
    }
}
