//! The mails of this context: a winner's mail, and the outcome of a broker request. Job ids
//! are deterministic, and the mailer sends each id once, so a re-run mails nothing twice.

use bazaar_shared::jobs::Job;
use bazaar_shared::mail::{MailJob, MailMessage};

use crate::model::{RequestStatus, WinRecord};

/// Rupees with thousands separators: 1500000 → "1,500,000".
pub fn rupees(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The winner's mail: every winning bond of one draw (`wins`, not empty), with tier and amount.
pub fn winner(wins: &[WinRecord]) -> MailMessage {
    let first = &wins[0];
    let mut text = format!(
        "Congratulations! Your prize bonds won in the Rs. {} draw of {}:\n\n",
        rupees(first.denomination.into()),
        first.draw_date
    );
    let mut sorted: Vec<&WinRecord> = wins.iter().collect();
    sorted.sort_by(|a, b| a.number.cmp(&b.number));
    for win in sorted {
        text.push_str(&format!(
            "- {}: {} prize, Rs. {}\n",
            win.number,
            win.tier.as_str(),
            rupees(win.amount)
        ));
    }
    text.push_str(
        "\nSee all your wins under \"My wins\". Claim prizes at any National Savings centre.",
    );
    MailMessage::Notice {
        subject: format!(
            "Your prize bond won in the Rs. {} draw",
            rupees(first.denomination.into())
        ),
        text,
    }
}

/// The applicant's mail once their request is approved or rejected.
pub fn decision(
    request_id: &str,
    to: &str,
    status: RequestStatus,
    reason: Option<&str>,
) -> Job<MailJob> {
    let outcome = match status {
        RequestStatus::Approved => {
            "approved: you are a broker now. Sign in again to open your store"
        }
        _ => "rejected",
    };
    let mut text = format!("Your request to become a broker was {outcome}.");
    if let Some(reason) = reason {
        text.push_str(&format!("\n\nReason: {reason}"));
    }
    MailJob::job(
        format!("broker-request:{request_id}:decided"),
        to,
        MailMessage::Notice {
            subject: "Your broker request".into(),
            text,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Tier;

    #[test]
    fn rupees_have_thousands_separators() {
        assert_eq!(rupees(1_500_000), "1,500,000");
        assert_eq!(rupees(9_300), "9,300");
        assert_eq!(rupees(750), "750");
    }

    #[test]
    fn a_winner_mail_lists_every_win_of_the_draw_by_number() {
        let win = |number: &str, tier| WinRecord {
            user_id: "u".into(),
            draw_id: "d".into(),
            draw_date: "2026-01-15".into(),
            denomination: 750,
            number: number.into(),
            tier,
            amount: 9_300,
            recorded_at: String::new(),
        };
        let MailMessage::Notice { subject, text } =
            winner(&[win("222222", Tier::Third), win("111111", Tier::Second)])
        else {
            panic!("a notice");
        };
        assert_eq!(subject, "Your prize bond won in the Rs. 750 draw");
        let first = text.find("111111").unwrap();
        assert!(first < text.find("222222").unwrap(), "{text}");
    }
}
