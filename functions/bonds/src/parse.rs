//! The parser of official winning lists: a pure function from the uploaded text to a
//! [`ParsedDraw`], or an error a person can act on (it names the line and what was expected).
//!
//! The format, as National Savings publishes it: a `DRAW OF Rs. <denomination>` heading, a
//! `dd/mm/yyyy` draw date, then `First Prize of Rs. <amount>/-`, `Second Prize …` and
//! `Third Prize …` headings, each followed by 6-digit numbers separated by spaces, commas or
//! line breaks. Anything before the first prize heading other than the heading and the date
//! (office, draw number, city) is ignored; inside a prize section every token must be a
//! 6-digit number, so a truncated or garbled file is refused rather than half-read.

mod lines;

use std::collections::HashSet;

use time::Date;

use self::lines::{date_in, normalise, rupees_after_rs, tier_of};
use crate::model::Tier;

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

/// Parses an official winning list.
pub fn parse_draw(text: &str) -> Result<ParsedDraw, ParseError> {
    let mut parser = Parser::default();
    for (index, raw) in text.lines().enumerate() {
        parser.line(index + 1, raw)?;
    }
    parser.finish()
}

/// What has been read so far: the preamble's heading and date, then the prize sections.
#[derive(Default)]
struct Parser {
    denomination: Option<u32>,
    date: Option<Date>,
    prizes: Vec<Prize>,
    seen: HashSet<String>,
}

impl Parser {
    fn line(&mut self, line_no: usize, raw: &str) -> Result<(), ParseError> {
        let line = normalise(raw);
        if line.is_empty() {
            return Ok(());
        }
        if let Some(tier) = tier_of(&line) {
            return self.heading(line_no, tier, raw);
        }
        if !self.prizes.is_empty() {
            return self.numbers(line_no, raw);
        }
        self.preamble(line_no, &line, raw)
    }

    /// A prize heading: the next tier in order, after the heading and date, with an amount.
    fn heading(&mut self, line_no: usize, tier: Tier, raw: &str) -> Result<(), ParseError> {
        let expected = Tier::ALL[self.prizes.len().min(2)];
        if self.prizes.len() >= 3 || tier != expected {
            return fail(format!(
                "line {line_no}: found the {} prize heading where the {} prize heading was \
                 expected; the sections must come first, second, third, once each",
                tier.as_str(),
                expected.as_str()
            ));
        }
        if self.denomination.is_none() {
            return fail(format!(
                "line {line_no}: a prize heading before the \"DRAW OF Rs. <denomination>\" \
                 heading; is this an official list?"
            ));
        }
        if self.date.is_none() {
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
        self.prizes.push(Prize {
            tier,
            amount,
            numbers: Vec::new(),
        });
        Ok(())
    }

    /// A line inside a prize section: nothing but distinct 6-digit numbers.
    fn numbers(&mut self, line_no: usize, raw: &str) -> Result<(), ParseError> {
        let tokens = raw
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|t| !t.is_empty());
        for token in tokens {
            let prize = self.prizes.last_mut().expect("inside a prize section");
            if token.len() != 6 || !token.bytes().all(|b| b.is_ascii_digit()) {
                return fail(format!(
                    "line {line_no}: {token:?} under the {} prize is not a 6-digit bond \
                     number (a truncated or garbled file?)",
                    prize.tier.as_str()
                ));
            }
            if !self.seen.insert(token.to_owned()) {
                return fail(format!(
                    "line {line_no}: {token} is listed twice in this draw"
                ));
            }
            prize.numbers.push(token.to_owned());
        }
        Ok(())
    }

    /// A line before the first prize: the first `DRAW OF Rs. …` and the first date count.
    fn preamble(&mut self, line_no: usize, line: &str, raw: &str) -> Result<(), ParseError> {
        if self.denomination.is_none()
            && let Some(at) = line.find("draw of")
        {
            let Some(value) = rupees_after_rs(&line[at..]) else {
                return fail(format!(
                    "line {line_no}: \"DRAW OF\" without a denomination like \"Rs. 750\""
                ));
            };
            match u32::try_from(value) {
                Ok(value) => self.denomination = Some(value),
                Err(_) => return fail(format!("line {line_no}: denomination too large")),
            }
        }
        if self.date.is_none()
            && let Some(found) = date_in(raw)
        {
            self.date = Some(found.map_err(|e| ParseError(format!("line {line_no}: {e}")))?);
        }
        Ok(())
    }

    /// The whole list: a heading, a date and three non-empty sections.
    fn finish(self) -> Result<ParsedDraw, ParseError> {
        let Some(denomination) = self.denomination else {
            return fail(
                "no \"DRAW OF Rs. <denomination>\" heading found; is this an official list?",
            );
        };
        let Some(date) = self.date else {
            return fail("no draw date (dd/mm/yyyy) found before the prize sections");
        };
        if self.prizes.len() < 3 {
            return fail(format!(
                "the {} prize section is missing; the file may be truncated",
                Tier::ALL[self.prizes.len()].as_str()
            ));
        }
        if let Some(empty) = self.prizes.iter().find(|p| p.numbers.is_empty()) {
            return fail(format!(
                "the {} prize section lists no numbers; the file may be truncated",
                empty.tier.as_str()
            ));
        }
        Ok(ParsedDraw {
            denomination,
            date,
            prizes: self.prizes,
        })
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
