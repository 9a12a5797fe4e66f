//! The marketplaces a stack may leave out. Each is switched by one template parameter
//! (`<Name>Module`: `enabled` or `disabled`) whose condition every resource of the marketplace
//! carries; identity, the mailer and the system function are always there.

use std::collections::HashMap;

use anyhow::bail;

/// Every marketplace: its name on the command line and the template parameter that switches it.
pub const MODULES: &[(&str, &str)] = &[
    ("bonds", "BondsModule"),
    ("tickets", "TicketsModule"),
    ("shop", "ShopModule"),
    ("mess", "MessModule"),
    ("nano", "NanoModule"),
];

/// The template parameters that deploy exactly `enabled` (names from [`MODULES`]).
pub fn parameters(enabled: &[String]) -> anyhow::Result<HashMap<String, String>> {
    for name in enabled {
        if !MODULES.iter().any(|(module, _)| module == name) {
            let known: Vec<&str> = MODULES.iter().map(|(module, _)| *module).collect();
            bail!("unknown marketplace {name:?}; the marketplaces are {known:?}");
        }
    }
    Ok(MODULES
        .iter()
        .map(|(module, parameter)| {
            let on = enabled.iter().any(|name| name == module);
            let value = if on { "enabled" } else { "disabled" };
            ((*parameter).to_owned(), value.to_owned())
        })
        .collect())
}

#[cfg(test)]
#[path = "modules_tests.rs"]
mod tests;
