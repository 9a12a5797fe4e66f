//! Integration tests: the whole system over real HTTP, against DynamoDB Local and moto.
//! One binary (one link) for every context; each test starts its own stack on a fresh stage.

mod bonds;
mod conflicts;
mod consumers;
mod dynamo;
mod events;
mod gateways;
mod hostile_paths;
mod identity;
mod identity_admin;
mod mailer;
mod mess;
mod modules;
mod nano;
mod outages;
mod platform;
mod shop;
mod support;
mod ticket_mail;
mod tickets;
