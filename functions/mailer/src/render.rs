//! Turns a typed mail message into its subject, text and HTML parts.

use bazaar_shared::mail::{CodePurpose, MailMessage};

/// A mail ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub fn render(message: &MailMessage) -> Rendered {
    match message {
        MailMessage::Notice { subject, text } => Rendered {
            subject: subject.clone(),
            text: text.clone(),
            html: html_page(subject, text),
        },
        MailMessage::OneTimeCode {
            code,
            purpose,
            valid_minutes,
        } => {
            let (subject, action) = match purpose {
                CodePurpose::VerifyEmail => (
                    "Your Bazaar verification code",
                    "verify your e-mail address",
                ),
                CodePurpose::ResetPassword => {
                    ("Your Bazaar password reset code", "reset your password")
                }
            };
            let text = format!(
                "Your code to {action} is {code}\n\nIt is valid for {valid_minutes} minutes and can be used once. \
                 If you did not ask for it, ignore this mail."
            );
            Rendered {
                subject: subject.to_owned(),
                html: html_page(subject, &text),
                text,
            }
        }
    }
}

/// A minimal HTML part: every paragraph of `text` escaped, line breaks kept.
fn html_page(title: &str, text: &str) -> String {
    let paragraphs: String = text
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>")))
        .collect();
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{}</title></head><body>{paragraphs}</body></html>",
        escape(title)
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_are_escaped_into_html_and_kept_verbatim_in_text() {
        let rendered = render(&MailMessage::Notice {
            subject: "Tom & Jerry".into(),
            text: "<script>alert(1)</script>\nline two\n\nnext paragraph".into(),
        });
        assert_eq!(rendered.subject, "Tom & Jerry");
        assert_eq!(
            rendered.text,
            "<script>alert(1)</script>\nline two\n\nnext paragraph"
        );
        assert!(!rendered.html.contains("<script>"));
        assert!(rendered.html.contains(
            "&lt;script&gt;alert(1)&lt;/script&gt;<br>line two</p><p>next paragraph</p>"
        ));
        assert!(rendered.html.contains("<title>Tom &amp; Jerry</title>"));
    }

    #[test]
    fn one_time_codes_say_what_they_are_for() {
        let rendered = render(&MailMessage::OneTimeCode {
            code: "042917".into(),
            purpose: CodePurpose::ResetPassword,
            valid_minutes: 10,
        });
        assert_eq!(rendered.subject, "Your Bazaar password reset code");
        assert!(rendered.text.contains("reset your password is 042917"));
        assert!(rendered.html.contains("042917"));
    }
}
