//! The mail queue consumer (the `mailer` function): renders typed mail jobs and sends them
//! through SES, once per job.

pub mod mailer;
mod render;
