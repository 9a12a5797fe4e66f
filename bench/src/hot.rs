//! The hot routes of the issue that this bench drives, with the data they need, and their
//! round-trip floors (the README's floor table says why each floor is what it is).

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;
use bazaar_local::functions::FunctionSpec;
use serde_json::json;

use crate::cold::Plan;
use crate::fixtures::{PIN, Stage};
use crate::report::RouteRow;
use crate::routes::{self, Request, Route};

/// Every route measured, `n` warm invocations each.
pub async fn measure_all(
    plan: &Plan,
    stage: &Stage<'_>,
    specs: &[FunctionSpec],
    n: usize,
    only: &[String],
) -> anyhow::Result<Vec<RouteRow>> {
    let env = |binary: &str| -> anyhow::Result<HashMap<String, String>> {
        let spec = specs.iter().find(|s| s.binary == binary);
        Ok(spec
            .with_context(|| format!("{binary} is not in the template"))?
            .env
            .clone())
    };
    const ROUTED: [&str; 10] = [
        "system",
        "events",
        "bookings",
        "bonds",
        "draws",
        "catalog",
        "orders",
        "auth",
        "mess-tokens",
        "nano-tasks",
    ];
    if !only.is_empty() && !only.iter().any(|o| ROUTED.contains(&o.as_str())) {
        return Ok(Vec::new()); // no hot route among the binaries asked for
    }
    let table = plan.warm_table.clone();
    let shape = routes::shape(&plan.events)?;
    eprintln!("bench: signing in {} users", 2 * n + 4);
    let organizer = stage.users("organizer", 1).await?.remove(0);
    let member = stage.users("member", 1).await?.remove(0);
    let customers = Arc::new(stage.users("customer", n + 1).await?);
    let mut event = String::new();
    for i in 0..10 {
        event = stage.event(&organizer, &format!("Bench event {i}")).await?;
    }
    let event = Arc::new(event);
    let staff = stage.users("shop_staff", 1).await?.remove(0);
    let mut product = String::new();
    for i in 0..10 {
        product = stage.product(&staff, &format!("BENCH-{i}")).await?;
    }
    let shoppers = Arc::new(stage.users("customer", n + 1).await?);
    let draw = stage.draw().await?;
    const PASSWORD: &str = "bench-correct-horse-battery";
    let signer = stage.account_with_password(PASSWORD).await?;
    // Bought through the payment stand-ins, so only for the binaries measured.
    let asked = |binary: &str| {
        plan.bootstrap(binary).exists() && (only.is_empty() || only.iter().any(|o| o == binary))
    };
    let mut students = Vec::new();
    if asked("mess-tokens") {
        eprintln!("bench: {} students buying tokens", n + 1);
        students = stage.students_with_tokens(n + 1, 10).await?;
    }
    let (mut buyer, mut submissions) = (None, Vec::new());
    if asked("nano-tasks") {
        eprintln!("bench: {} workers submitting", n + 1);
        let (who, pending) = stage.pending_submissions(n + 1).await?;
        (buyer, submissions) = (Some(who), pending);
    }

    let get = |path: String| Request {
        method: "GET",
        path,
        user: None,
        body: None,
    };
    let (e1, e2, c1, c2, c3) = (
        event.clone(),
        event.clone(),
        customers.clone(),
        customers.clone(),
        customers.clone(),
    );
    let mut plan_routes = vec![
        Route {
            name: "health GET /health",
            binary: "system",
            floor: 0,
            by_design: None,
            request: Box::new(move |_| get("/health".into())),
        },
        Route {
            name: "event detail GET /events/{id}",
            binary: "events",
            floor: 1,
            by_design: None,
            request: Box::new(move |_| get(format!("/events/{e1}"))),
        },
        Route {
            name: "browse GET /events?limit=20",
            binary: "events",
            floor: 2,
            by_design: None,
            request: Box::new(move |_| get("/events?limit=20".into())),
        },
        Route {
            name: "book POST /events/{id}/bookings",
            binary: "bookings",
            floor: 3,
            by_design: None,
            request: Box::new(move |i| Request {
                method: "POST",
                path: format!("/events/{e2}/bookings"),
                user: Some(c1[i].clone()),
                body: Some(json!({"seats": 1})),
            }),
        },
        Route {
            name: "my bookings GET /bookings",
            binary: "bookings",
            floor: 3,
            by_design: None,
            request: Box::new(move |_| Request {
                method: "GET",
                path: "/bookings".into(),
                user: Some(c2[0].clone()),
                body: None,
            }),
        },
        Route {
            name: "bond add POST /bonds",
            binary: "bonds",
            floor: 3,
            by_design: None,
            request: Box::new(move |i| Request {
                method: "POST",
                path: "/bonds".into(),
                user: Some(member.clone()),
                body: Some(
                    json!({"denomination": 750, "numbers": [format!("{:06}", 100_000 + i)]}),
                ),
            }),
        },
        Route {
            name: "draw number look-up GET /draws/{id}/numbers/{number}",
            binary: "draws",
            floor: 1,
            by_design: None,
            // Winners and non-winners alike (every 37th number from 100000 won).
            request: Box::new(move |i| get(format!("/draws/{draw}/numbers/{:06}", 100_000 + i))),
        },
        Route {
            name: "catalogue GET /shop/products?limit=20",
            binary: "catalog",
            floor: 1,
            by_design: None,
            request: Box::new(move |_| get("/shop/products?limit=20".into())),
        },
        Route {
            name: "checkout POST /shop/orders",
            binary: "orders",
            floor: 3,
            by_design: None,
            request: Box::new(move |i| Request {
                method: "POST",
                path: "/shop/orders".into(),
                user: Some(shoppers[i].clone()),
                body: Some(json!({"lines": [{"product_id": product.clone(), "quantity": 1}]})),
            }),
        },
        Route {
            name: "sign in POST /auth/login",
            binary: "auth",
            // The attempt gate's read and conditional write, the address's account id, the
            // account, clearing the gate, the session (a transaction with the account's status).
            floor: 6,
            by_design: Some("argon2id: one verification at OWASP's minimum is the work"),
            request: Box::new(move |_| Request {
                method: "POST",
                path: "/auth/login".into(),
                user: None,
                body: Some(json!({"email": signer.clone(), "password": PASSWORD})),
            }),
        },
        Route {
            name: "redeem POST /mess/redemptions",
            binary: "mess-tokens",
            // The session, the student (mess, PIN hash), reserving a PIN attempt and giving it
            // back (a right PIN spends none), the spendable tokens (a count names none), the
            // transaction.
            floor: 6,
            by_design: Some("argon2id: one PIN verification at OWASP's minimum is the work"),
            // Student i spends one of their 10 tokens.
            request: Box::new(move |i| Request {
                method: "POST",
                path: "/mess/redemptions".into(),
                user: Some(students[i].clone()),
                body: Some(json!({"count": 1, "pin": PIN})),
            }),
        },
        Route {
            name: "approve POST /nano/tasks/{id}/submissions/{worker_id}/approve",
            binary: "nano-tasks",
            // The session, the submission and its task (both keys are in the path: one
            // `BatchGetItem`), the transaction, the worker's address (not in the buyer's
            // token), the task after it (filled? a transaction returns no item).
            floor: 5,
            by_design: None,
            // Submission i, approved once.
            request: Box::new(move |i| {
                let (task, worker) = &submissions[i];
                Request {
                    method: "POST",
                    path: format!("/nano/tasks/{task}/submissions/{worker}/approve"),
                    user: buyer.clone(),
                    body: None,
                }
            }),
        },
    ];
    let mut rows = Vec::new();
    let mut booked = Vec::new();
    let wanted = |binary: &str| {
        let built = plan.bootstrap(binary).exists();
        if !built {
            eprintln!("bench: {binary} is not built; its routes are left out");
        }
        built && (only.is_empty() || only.iter().any(|o| o == binary))
    };
    for route in plan_routes.drain(..) {
        if !wanted(route.binary) {
            continue;
        }
        eprintln!("bench: {}", route.name);
        let (row, pass) =
            routes::measure(plan, &route, &env(route.binary)?, &shape, n, &table).await?;
        if route.binary == "bookings" && route.name.starts_with("book ") {
            booked = pass
                .bodies
                .iter()
                .map(|b| b["id"].as_str().unwrap_or_default().to_owned())
                .collect();
        }
        rows.push(row);
    }
    // Cancel the bookings just made: customer i+1 holds booked[i].
    let any_booked = !booked.is_empty();
    let booked = Arc::new(booked);
    let cancel = Route {
        name: "cancel POST /bookings/{id}/cancel",
        binary: "bookings",
        floor: 4,
        by_design: None,
        request: Box::new(move |i| Request {
            method: "POST",
            path: format!("/bookings/{}/cancel", booked[i]),
            user: Some(c3[i + 1].clone()),
            body: None,
        }),
    };
    if wanted("bookings") && any_booked {
        eprintln!("bench: {}", cancel.name);
        let (row, _) =
            routes::measure(plan, &cancel, &env("bookings")?, &shape, n - 1, &table).await?;
        rows.push(row);
    }
    Ok(rows)
}
