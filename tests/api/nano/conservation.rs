//! After a seeded, concurrent mix of every coin movement, coins are conserved exactly:
//! bought = balances + escrow + held + paid out, and every ledger sums to its balance.

use futures_util::future::join_all;
use serde_json::{Value, json};

use super::figures::Figures;
use super::{
    LARGE, MEDIUM, SMALL, completed_event, decide, deliver, new_id, post_task, signed_now, submit,
};
use crate::support::{TestApp, TestUser, spawn_app};

/// A small deterministic generator (xorshift64*), so a failing mix can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }
}

#[derive(Clone)]
enum Op {
    Buy {
        package: (&'static str, u64, u64),
        event: Vec<u8>,
    },
    Post {
        buyer: usize,
        required: u32,
        coins: u64,
    },
    Submit {
        worker: usize,
        task: (String, usize),
    },
    Decide {
        sub: (String, usize, usize),
        approve: bool,
    },
    Close {
        task: (String, usize),
    },
    Withdraw {
        worker: usize,
    },
    Settle {
        withdrawal: String,
        pay: bool,
    },
}

enum Outcome {
    Bought(u64),
    Posted(String, usize),
    Submitted(String, usize, usize),
    Requested(String),
    Nothing,
}

struct People {
    buyers: Vec<TestUser>,
    workers: Vec<TestUser>,
    admin: TestUser,
}

async fn run(app: &TestApp, people: &People, op: Op) -> Outcome {
    let (response, outcome) = match op {
        Op::Buy { package, event } => {
            let signature = signed_now(app, &event);
            let response = deliver(app, event, Some(signature)).await;
            (response, Outcome::Bought(package.1))
        }
        Op::Post {
            buyer,
            required,
            coins,
        } => {
            let response = post_task(app, &people.buyers[buyer], required, coins).await;
            if response.status() == 201 {
                let task: Value = response.json().await.unwrap();
                return Outcome::Posted(task["task_id"].as_str().unwrap().to_owned(), buyer);
            }
            (response, Outcome::Nothing)
        }
        Op::Submit { worker, task } => {
            let response = submit(app, &people.workers[worker], &task.0).await;
            let submitted = Outcome::Submitted(task.0, task.1, worker);
            match response.status().as_u16() {
                201 => return submitted,
                _ => (response, Outcome::Nothing),
            }
        }
        Op::Decide { sub, approve } => {
            let verb = if approve { "approve" } else { "reject" };
            let worker = &people.workers[sub.2].user_id;
            (
                decide(app, &people.buyers[sub.1], &sub.0, worker, verb).await,
                Outcome::Nothing,
            )
        }
        Op::Close { task } => {
            let path = format!("/nano/tasks/{}", task.0);
            (
                app.delete_as(&path, &people.buyers[task.1].access).await,
                Outcome::Nothing,
            )
        }
        Op::Withdraw { worker } => {
            let body = json!({"coins": 200, "payment_system": "bkash", "account": "01700000000"});
            let response = app
                .post_as("/nano/withdrawals", &people.workers[worker].access, body)
                .await;
            if response.status() == 201 {
                let w: Value = response.json().await.unwrap();
                return Outcome::Requested(w["withdrawal_id"].as_str().unwrap().to_owned());
            }
            (response, Outcome::Nothing)
        }
        Op::Settle { withdrawal, pay } => {
            let verb = if pay { "approve" } else { "reject" };
            let path = format!("/nano/admin/withdrawals/{withdrawal}/{verb}");
            (
                app.post_as(&path, &people.admin.access, json!({})).await,
                Outcome::Nothing,
            )
        }
    };
    let status = response.status().as_u16();
    assert!(status < 500, "{status}: {}", response.text().await.unwrap());
    match outcome {
        Outcome::Bought(coins) if status == 200 => Outcome::Bought(coins),
        _ => Outcome::Nothing,
    }
}

#[derive(Default)]
struct Mix {
    tasks: Vec<(String, usize)>,
    subs: Vec<(String, usize, usize)>,
    withdrawals: Vec<String>,
    events: Vec<Vec<u8>>,
}

fn next_op(rng: &mut Rng, mix: &Mix, people: &People) -> Op {
    let buyer = rng.below(people.buyers.len());
    let worker = rng.below(people.workers.len());
    let post = Op::Post {
        buyer,
        required: 1 + rng.below(5) as u32,
        coins: 5 + rng.below(60) as u64,
    };
    match rng.below(12) {
        0 if !mix.events.is_empty() => {
            // A duplicate delivery of an earlier event: it must credit nothing.
            let event = mix.events[rng.below(mix.events.len())].clone();
            Op::Buy {
                package: ("dup", 0, 0),
                event,
            }
        }
        1 => buy(rng, &people.buyers[buyer].user_id),
        2..=4 if !mix.tasks.is_empty() => Op::Submit {
            worker,
            task: mix.tasks[rng.below(mix.tasks.len())].clone(),
        },
        5..=7 if !mix.subs.is_empty() => Op::Decide {
            sub: mix.subs[rng.below(mix.subs.len())].clone(),
            approve: rng.below(3) > 0,
        },
        8 if !mix.tasks.is_empty() => Op::Close {
            task: mix.tasks[rng.below(mix.tasks.len())].clone(),
        },
        9 => Op::Withdraw { worker },
        10 if !mix.withdrawals.is_empty() => Op::Settle {
            withdrawal: mix.withdrawals[rng.below(mix.withdrawals.len())].clone(),
            pay: rng.below(2) == 0,
        },
        _ => post,
    }
}

fn buy(rng: &mut Rng, user_id: &str) -> Op {
    let package = [SMALL, MEDIUM, LARGE][rng.below(3)];
    let event = completed_event(&new_id("evt_"), &new_id("cs_"), user_id, package);
    Op::Buy { package, event }
}

#[tokio::test]
async fn coins_are_conserved_exactly_after_a_seeded_concurrent_mix() {
    let app = spawn_app().await;
    let people = People {
        buyers: app.quick_users("buyer", 3).await,
        workers: app.quick_users("worker", 6).await,
        admin: app.quick_users("admin", 1).await.remove(0),
    };
    let mut rng = Rng(0x5EED_2026_0000_0012);
    let mut mix = Mix::default();
    // Everyone starts with coins (a worker's too, so withdrawals happen from the start).
    let everyone = people.buyers.iter().chain(&people.workers);
    let start: Vec<Op> = everyone.map(|u| buy(&mut rng, &u.user_id)).collect();
    let mut bought = 0u64;
    for outcome in join_all(start.into_iter().map(|op| run(&app, &people, op))).await {
        if let Outcome::Bought(coins) = outcome {
            bought += coins;
        }
    }
    for _round in 0..16 {
        let ops: Vec<Op> = (0..20).map(|_| next_op(&mut rng, &mix, &people)).collect();
        for op in &ops {
            if let Op::Buy { package, event, .. } = op
                && package.1 > 0
            {
                mix.events.push(event.clone());
            }
        }
        for outcome in join_all(ops.into_iter().map(|op| run(&app, &people, op))).await {
            match outcome {
                Outcome::Bought(coins) => bought += coins,
                Outcome::Posted(task, buyer) => mix.tasks.push((task, buyer)),
                Outcome::Submitted(task, buyer, worker) => mix.subs.push((task, buyer, worker)),
                Outcome::Requested(id) => mix.withdrawals.push(id),
                Outcome::Nothing => {}
            }
        }
    }

    let figures = Figures::scan(&app).await;
    assert!(!mix.tasks.is_empty() && !mix.subs.is_empty() && !mix.withdrawals.is_empty());
    assert_eq!(
        figures.bought, bought,
        "credited exactly what was bought, once each"
    );
    assert_eq!(
        figures.bought,
        figures.balances + figures.escrow + figures.held + figures.paid_out,
        "bought = balances + escrow + held + paid out"
    );
    let stats: Value = app
        .get_as("/nano/admin/stats", &people.admin.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        [
            &stats["coins_bought"],
            &stats["coins_in_balances"],
            &stats["coins_in_escrow"],
            &stats["coins_held"],
            &stats["coins_paid_out"]
        ],
        [
            figures.bought,
            figures.balances,
            figures.escrow,
            figures.held,
            figures.paid_out
        ]
        .map(|n| json!(n))
        .each_ref(),
        "the admin's figures are the table's"
    );
    for (user, balance) in &figures.balance_of {
        assert_eq!(
            figures.ledger_of.get(user).copied().unwrap_or(0),
            *balance as i64,
            "ledger of {user}"
        );
    }
}
