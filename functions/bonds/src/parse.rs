//! The parser of official winning lists: a pure function from the uploaded text to a [`Draw`],
//! or an error a person can act on (it names the line and what was expected).
//!
//! The format, as National Savings publishes it: a `DRAW OF Rs. <denomination>` heading, a
//! `dd/mm/yyyy` draw date, then `First Prize of Rs. <amount>/-`, `Second Prize …` and
//! `Third Prize …` headings, each followed by 6-digit numbers separated by spaces, commas or
//! line breaks. Anything before the first prize heading other than the heading and the date
//! (office, draw number, city) is ignored; inside a prize section every token must be a
//! 6-digit number, so a truncated or garbled file is refused rather than half-read.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

/// A prize tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    First,
    Second,
    Third,
}

impl Tier {
    const ALL: [Tier; 3] = [Tier::First, Tier::Second, Tier::Third];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::First => "first",
            Tier::Second => "second",
            Tier::Third => "third",
        }
    }
}

/// One prize section of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prize {
    pub tier: Tier,
    /// Rupees per winning number.
    pub amount: u64,
    pub numbers: Vec<String>,
}

/// A parsed winning list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedDraw {
    pub denomination: u32,
    pub date: Date,
    /// First, second and third prizes, in that order.
    pub prizes: Vec<Prize>,
}

impl ParsedDraw {
    /// Every winning number with its tier and amount.
    pub fn numbers(&self) -> impl Iterator<Item = (&str, Tier, u64)> {
        self.prizes
            .iter()
            .flat_map(|p| p.numbers.iter().map(|n| (n.as_str(), p.tier, p.amount)))
    }

    pub fn count(&self) -> usize {
        self.prizes.iter().map(|p| p.numbers.len()).sum()
    }
}

/// Why a list was refused; the text is shown to the admin who uploaded it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

fn fail<T>(message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError(message.into()))
}

/// The lower-cased line with runs of whitespace collapsed, for heading matching.
fn normalise(line: &str) -> String {
    line.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn tier_of(normalised: &str) -> Option<Tier> {
    for (tier, words) in [
        (Tier::First, ["first prize", "1st prize"]),
        (Tier::Second, ["second prize", "2nd prize"]),
        (Tier::Third, ["third prize", "3rd prize"]),
    ] {
        if words.iter().any(|w| normalised.contains(w)) {
            return Some(tier);
        }
    }
    None
}

/// The rupee amount after the first `Rs` of a line: `Rs. 1,500,000/-` → 1500000.
fn rupees_after_rs(line: &str) -> Option<u64> {
    // "Rs" as a word: not the "rs" of "first" or "numbers".
    let lower = line.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let at = lower.match_indices("rs").map(|(i, _)| i).find(|&i| {
        (i == 0 || !bytes[i - 1].is_ascii_alphabetic())
            && bytes.get(i + 2).is_none_or(|b| !b.is_ascii_alphabetic())
    })?;
    let rest = &line[at + 2..];
    let rest = rest.trim_start_matches(|c: char| c == '.' || c.is_whitespace());
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The first `dd/mm/yyyy` of a line, as a calendar date.
fn date_in(line: &str) -> Option<Result<Date, String>> {
    let bytes = line.as_bytes();
    for (start, _) in line.char_indices() {
        let rest = &line[start..];
        let mut parts = rest.splitn(3, '/');
        let (Some(d), Some(m), Some(y)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let y: String = y.chars().take(4).collect();
        let all_digits = |s: &str, lens: &[usize]| {
            lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        if (start == 0 || !bytes[start - 1].is_ascii_digit())
            && all_digits(d, &[1, 2])
            && all_digits(m, &[1, 2])
            && all_digits(&y, &[4])
        {
            let text = format!("{d}/{m}/{y}");
            let date = time::Month::try_from(m.parse::<u8>().unwrap_or(0))
                .ok()
                .and_then(|month| {
                    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
                });
            return Some(date.ok_or(format!("{text} is not a calendar date")));
        }
    }
    None
}

/// Parses an official winning list.
pub fn parse_draw(text: &str) -> Result<ParsedDraw, ParseError> {
    let mut denomination = None;
    let mut date = None;
    let mut prizes: Vec<Prize> = Vec::new();
    let mut seen = HashSet::new();

    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = normalise(raw);
        if line.is_empty() {
            continue;
        }
        if let Some(tier) = tier_of(&line) {
            let expected = Tier::ALL[prizes.len().min(2)];
            if prizes.len() >= 3 || tier != expected {
                return fail(format!(
                    "line {line_no}: found the {} prize heading where the {} prize heading was \
                     expected; the sections must come first, second, third, once each",
                    tier.as_str(),
                    expected.as_str()
                ));
            }
            if denomination.is_none() {
                return fail(format!(
                    "line {line_no}: a prize heading before the \"DRAW OF Rs. <denomination>\" \
                     heading; is this an official list?"
                ));
            }
            if date.is_none() {
                return fail(format!(
                    "line {line_no}: a prize heading before the draw date (dd/mm/yyyy)"
                ));
            }
            let Some(amount) = rupees_after_rs(raw).filter(|a| *a > 0) else {
                return fail(format!(
                    "line {line_no}: the {} prize heading has no amount like \"Rs. 1,500,000/-\"",
                    tier.as_str()
                ));
            };
            prizes.push(Prize {
                tier,
                amount,
                numbers: Vec::new(),
            });
            continue;
        }
        if let Some(prize) = prizes.last_mut() {
            for token in raw
                .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
                .filter(|t| !t.is_empty())
            {
                if token.len() != 6 || !token.bytes().all(|b| b.is_ascii_digit()) {
                    return fail(format!(
                        "line {line_no}: {token:?} under the {} prize is not a 6-digit bond \
                         number (a truncated or garbled file?)",
                        prize.tier.as_str()
                    ));
                }
                if !seen.insert(token.to_owned()) {
                    return fail(format!(
                        "line {line_no}: {token} is listed twice in this draw"
                    ));
                }
                prize.numbers.push(token.to_owned());
            }
            continue;
        }
        if denomination.is_none()
            && let Some(at) = line.find("draw of")
        {
            match rupees_after_rs(&line[at..]) {
                Some(value) => match u32::try_from(value) {
                    Ok(value) => denomination = Some(value),
                    Err(_) => return fail(format!("line {line_no}: denomination too large")),
                },
                None => {
                    return fail(format!(
                        "line {line_no}: \"DRAW OF\" without a denomination like \"Rs. 750\""
                    ));
                }
            }
        }
        if date.is_none()
            && let Some(found) = date_in(raw)
        {
            date = Some(found.map_err(|e| ParseError(format!("line {line_no}: {e}")))?);
        }
    }

    let Some(denomination) = denomination else {
        return fail("no \"DRAW OF Rs. <denomination>\" heading found; is this an official list?");
    };
    let Some(date) = date else {
        return fail("no draw date (dd/mm/yyyy) found before the prize sections");
    };
    if prizes.len() < 3 {
        return fail(format!(
            "the {} prize section is missing; the file may be truncated",
            Tier::ALL[prizes.len()].as_str()
        ));
    }
    if let Some(empty) = prizes.iter().find(|p| p.numbers.is_empty()) {
        return fail(format!(
            "the {} prize section lists no numbers; the file may be truncated",
            empty.tier.as_str()
        ));
    }
    Ok(ParsedDraw {
        denomination,
        date,
        prizes,
    })
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
