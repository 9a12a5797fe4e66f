//! What the parser reads off one line: headings, amounts, dates.

use time::Date;

use crate::model::Tier;

/// The lower-cased line with runs of whitespace collapsed, for heading matching.
pub(super) fn normalise(line: &str) -> String {
    line.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The prize tier a (normalised) heading names, if it is a prize heading.
pub(super) fn tier_of(normalised: &str) -> Option<Tier> {
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
pub(super) fn rupees_after_rs(line: &str) -> Option<u64> {
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

/// The first `dd/mm/yyyy` of a line, as a calendar date (or why it is not one).
pub(super) fn date_in(line: &str) -> Option<Result<Date, String>> {
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
