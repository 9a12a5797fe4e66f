use super::*;

/// A list laid out like the published ones: title block, heading, date, three sections.
pub(crate) fn official_list(third: &[String]) -> String {
    let mut text = String::from(
        "        NATIONAL SAVINGS (BOND SECTION)\n\
         \n\
         LIST OF DRAW OF Rs. 750/- PRIZE BOND\n\
         Draw No. 98th        Held at: KARACHI        Date: 15/01/2026\n\
         \n\
         First Prize of Rs. 1,500,000/-\n\
         \x20   123456\n\
         \n\
         Second Prize of Rs. 500,000/- Each\n\
         \x20   234567    345678    456789\n\
         \n\
         Third Prize of Rs. 9,300/- Each\n",
    );
    for row in third.chunks(10) {
        text.push_str("  ");
        text.push_str(&row.join("   "));
        text.push('\n');
    }
    text
}

fn thirds(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{:06}", 500_000 + i * 7)).collect()
}

#[test]
fn an_official_list_parses_with_its_heading_date_amounts_and_numbers() {
    let draw = parse_draw(&official_list(&thirds(1600))).unwrap();
    assert_eq!(draw.denomination, 750);
    assert_eq!(
        draw.date,
        Date::from_calendar_date(2026, time::Month::January, 15).unwrap()
    );
    assert_eq!(draw.prizes[0].amount, 1_500_000);
    assert_eq!(draw.prizes[0].numbers, vec!["123456"]);
    assert_eq!(draw.prizes[1].amount, 500_000);
    assert_eq!(draw.prizes[1].numbers.len(), 3);
    assert_eq!(draw.prizes[2].amount, 9_300);
    assert_eq!(draw.prizes[2].numbers.len(), 1600);
    assert_eq!(draw.count(), 1604);
}

#[test]
fn leading_zeros_are_kept() {
    let draw = parse_draw(&official_list(&["000123".into(), "012345".into()])).unwrap();
    assert_eq!(draw.prizes[2].numbers, vec!["000123", "012345"]);
}

#[test]
fn odd_spacing_tabs_commas_and_crlf_are_tolerated() {
    let text = "draw   of  RS.25,000   prize bond\r\n\
                \tDate :  1/2/2025\r\n\
                FIRST    PRIZE   OF   Rs.  80,000,000/-\r\n\
                \t 654321 \r\n\
                \r\n\
                2nd Prize of Rs.30,000,000/- each\r\n\
                111111,222222 ,  333333\r\n\
                Third  Prize  of Rs. 312,500/- Each\r\n\
                444444,\t555555\r\n\
                666666 ;777777\r\n";
    let draw = parse_draw(text).unwrap();
    assert_eq!(draw.denomination, 25_000);
    assert_eq!(
        draw.date,
        Date::from_calendar_date(2025, time::Month::February, 1).unwrap()
    );
    assert_eq!(draw.prizes[0].amount, 80_000_000);
    assert_eq!(draw.prizes[1].numbers, vec!["111111", "222222", "333333"]);
    assert_eq!(
        draw.prizes[2].numbers,
        vec!["444444", "555555", "666666", "777777"]
    );
}

#[test]
fn a_file_truncated_mid_number_is_refused_with_the_line() {
    let mut text = official_list(&thirds(30));
    text.truncate(text.len() - 4); // "...5001" + newline cut inside the last number
    let error = parse_draw(&text).unwrap_err().0;
    assert!(error.contains("not a 6-digit bond number"), "{error}");
    assert!(error.starts_with("line "), "{error}");
}

#[test]
fn a_file_truncated_before_the_third_prize_is_refused() {
    let text = official_list(&[]);
    let cut = &text[..text.find("Third Prize").unwrap()];
    let error = parse_draw(cut).unwrap_err().0;
    assert!(error.contains("third prize section is missing"), "{error}");
    let error = parse_draw(&text).unwrap_err().0;
    assert!(
        error.contains("third prize section lists no numbers"),
        "{error}"
    );
}

#[test]
fn numbers_that_are_not_six_digits_are_refused() {
    for bad in ["12345", "1234567", "12a456"] {
        let error = parse_draw(&official_list(&[bad.to_owned()])).unwrap_err().0;
        assert!(error.contains(bad), "{bad}: {error}");
    }
}

#[test]
fn a_list_without_heading_or_date_is_refused() {
    let text = official_list(&thirds(3));
    let no_heading = text.replace("DRAW OF Rs. 750/-", "");
    assert!(parse_draw(&no_heading).unwrap_err().0.contains("DRAW OF"));
    let no_date = text.replace("15/01/2026", "");
    assert!(parse_draw(&no_date).unwrap_err().0.contains("draw date"));
    let bad_date = text.replace("15/01/2026", "31/02/2026");
    assert!(
        parse_draw(&bad_date)
            .unwrap_err()
            .0
            .contains("not a calendar date")
    );
    assert!(parse_draw("").is_err());
    assert!(parse_draw("hello\nworld").is_err());
}

#[test]
fn sections_out_of_order_repeated_or_without_amount_are_refused() {
    let text = official_list(&thirds(3));
    let swapped = text
        .replace("First Prize", "XX")
        .replace("Second Prize", "First Prize")
        .replace("XX", "Second Prize");
    assert!(parse_draw(&swapped).unwrap_err().0.contains("expected"));
    let no_amount = text.replace("Rs. 500,000/- Each", "Each");
    assert!(parse_draw(&no_amount).unwrap_err().0.contains("no amount"));
    let twice = format!("{text}234567\n");
    assert!(parse_draw(&twice).unwrap_err().0.contains("listed twice"));
}
