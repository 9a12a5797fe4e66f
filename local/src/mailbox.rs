//! The mail moto "sent": read from moto's model dump (`/moto-api/data.json`), where every SES
//! message sent through SES or SESv2 is kept until moto restarts. moto keeps the HTML part when
//! a mail has one, else the text part.

use anyhow::Context;
use serde::{Deserialize, Serialize};

/// One sent mail.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SentMail {
    pub id: String,
    pub source: String,
    pub subject: String,
    pub body: String,
    pub to: Vec<String>,
}

#[derive(Deserialize)]
struct MotoMessage {
    id: String,
    source: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    destinations: Destinations,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct Destinations {
    #[serde(default)]
    to_addresses: Vec<String>,
}

/// How often moto's data dump is asked again after a server error.
const DUMP_ATTEMPTS: u32 = 5;

/// Every mail sent since moto started, oldest first.
pub async fn sent_mail(http: &reqwest::Client, moto_url: &str) -> anyhow::Result<Vec<SentMail>> {
    let url = format!("{}/moto-api/data.json", moto_url.trim_end_matches('/'));
    let mut attempt = 0;
    let data: serde_json::Value = loop {
        attempt += 1;
        let response = http
            .get(&url)
            .send()
            .await
            .context("asking moto for its data")?;
        // moto dumps every service's models, and an attribute that changes while another
        // request writes (an S3 key, say) can fail its dump with a 500: ask again.
        if response.status().is_server_error() && attempt < DUMP_ATTEMPTS {
            tokio::time::sleep(std::time::Duration::from_millis(100 * u64::from(attempt))).await;
            continue;
        }
        break response
            .error_for_status()?
            .json()
            .await
            .context("reading moto's data")?;
    };
    let messages = data
        .get("ses")
        .and_then(|ses| ses.get("Message"))
        .cloned()
        .unwrap_or_else(|| serde_json::json!([]));
    let messages: Vec<MotoMessage> =
        serde_json::from_value(messages).context("reading moto's SES messages")?;
    Ok(messages
        .into_iter()
        .map(|m| SentMail {
            id: m.id,
            source: m.source,
            subject: m.subject,
            body: m.body,
            to: m.destinations.to_addresses,
        })
        .collect())
}

/// How many mails the page shows at most: the newest (moto keeps every stage's mail, and a
/// page of thousands of framed bodies takes seconds to render).
pub const PAGE_LIMIT: usize = 50;

/// A page listing the sent mail, newest first: only mail to addresses containing `to`
/// (case-insensitive) when given, and at most [`PAGE_LIMIT`] of them.
pub fn page(mail: &[SentMail], to: Option<&str>) -> String {
    let wanted = to.map(str::to_lowercase).filter(|t| !t.is_empty());
    let matching: Vec<&SentMail> = mail
        .iter()
        .rev()
        .filter(|m| match &wanted {
            Some(t) => m.to.iter().any(|a| a.to_lowercase().contains(t)),
            None => true,
        })
        .collect();
    let rows: String = matching
        .iter()
        .take(PAGE_LIMIT)
        .map(|m| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td><iframe sandbox srcdoc=\"{}\"></iframe></td></tr>",
                escape(&m.to.join(", ")),
                escape(&m.source),
                escape(&m.subject),
                escape(&m.body)
            )
        })
        .collect();
    let shown = matching.len().min(PAGE_LIMIT);
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sent mail</title>\
         <style>body{{font-family:sans-serif}}td{{vertical-align:top;padding:4px;border-bottom:1px solid #ccc}}\
         iframe{{width:40em;height:10em;border:0}}</style></head><body><h1>Sent mail ({shown} of {})</h1>\
         <form><label>To <input name=\"to\" value=\"{}\" placeholder=\"part of an address\"></label> \
         <button>Show</button></form>\
         <table><tr><th>To</th><th>From</th><th>Subject</th><th>Body</th></tr>{rows}</table></body></html>",
        matching.len(),
        escape(to.unwrap_or_default()),
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(n: usize, to: &str) -> SentMail {
        SentMail {
            id: n.to_string(),
            source: "noreply@bazaar.local".into(),
            subject: format!("mail {n}"),
            body: format!("<p>code {n:06}</p>"),
            to: vec![to.into()],
        }
    }

    #[test]
    fn the_page_shows_the_newest_mail_of_one_recipient_when_asked() {
        let mut sent: Vec<SentMail> = (0..120).map(|n| mail(n, "crowd@example.com")).collect();
        sent.push(mail(500, "Asha@Example.com"));
        sent.push(mail(501, "crowd@example.com"));

        let all = page(&sent, None);
        assert!(all.contains(&format!("Sent mail ({PAGE_LIMIT} of 122)")));
        assert!(all.contains("mail 501") && !all.contains("mail 3<"));

        let asha = page(&sent, Some("asha@example"));
        assert!(asha.contains("Sent mail (1 of 1)"), "{asha}");
        assert!(asha.contains("mail 500") && !asha.contains("mail 501"));
        assert!(page(&sent, Some("<script>")).contains("value=\"&lt;script&gt;\""));
    }
}
