use super::*;

fn body(denomination: u32, numbers: &[&str]) -> NewBondsBody {
    NewBondsBody {
        denomination,
        numbers: numbers.iter().map(|n| (*n).to_owned()).collect(),
    }
}

fn fields(error: ApiError) -> Vec<String> {
    match error {
        ApiError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

#[test]
fn numbers_are_six_digits_with_leading_zeros_kept() {
    assert_eq!(BondNumber::parse("n", "000123").unwrap().as_str(), "000123");
    for bad in ["12345", "1234567", "12 456", "١٢٣٤٥٦", "-12345", ""] {
        assert!(BondNumber::parse("n", bad).is_err(), "{bad}");
    }
}

#[test]
fn denominations_come_from_configuration() {
    let d = Denominations::from_env(&Env::default()).unwrap();
    assert!(d.contains(750) && !d.contains(751));
    let env = Env::from_map([("BOND_DENOMINATIONS".into(), "100, 200".into())].into());
    assert_eq!(Denominations::from_env(&env).unwrap().list(), "100, 200");
    let bad = Env::from_map([("BOND_DENOMINATIONS".into(), "100,x".into())].into());
    assert!(Denominations::from_env(&bad).is_err());
}

#[test]
fn new_bonds_are_deduplicated_in_order() {
    let d = Denominations::from_env(&Env::default()).unwrap();
    let bonds = body(750, &["000123", "654321", "000123"])
        .parse(&d)
        .unwrap();
    let numbers: Vec<&str> = bonds.numbers.iter().map(BondNumber::as_str).collect();
    assert_eq!(
        (bonds.denomination, numbers),
        (750, vec!["000123", "654321"])
    );
}

#[test]
fn every_problem_of_new_bonds_is_named_at_once() {
    let d = Denominations::from_env(&Env::default()).unwrap();
    let error = body(751, &["12345", "123456", "x"]).parse(&d).unwrap_err();
    assert_eq!(fields(error), ["denomination", "numbers.0", "numbers.2"]);
    let none = body(750, &[]).parse(&d).unwrap_err();
    assert_eq!(fields(none), ["numbers"]);
    let many: Vec<String> = (0..101).map(|i| format!("{i:06}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(fields(body(750, &many).parse(&d).unwrap_err()), ["numbers"]);
}

#[test]
fn bond_ids_that_cannot_exist_are_not_found() {
    let id = BondId::parse("750-000123").unwrap();
    assert_eq!((id.denomination, id.number.as_str()), (750, "000123"));
    for bad in ["750", "x-000123", "750-12", "750-000123-1"] {
        assert!(
            matches!(BondId::parse(bad), Err(ApiError::NotFound(_))),
            "{bad}"
        );
    }
}

#[test]
fn a_draw_period_needs_a_year() {
    let filter = |year, month| DrawFilter {
        denomination: None,
        year,
        month,
        limit: None,
        cursor: None,
    };
    assert_eq!(filter(None, None).period().unwrap(), None);
    assert_eq!(filter(Some(2026), None).period().unwrap().unwrap(), "2026-");
    assert_eq!(
        filter(Some(2026), Some(2)).period().unwrap().unwrap(),
        "2026-02-"
    );
    assert!(filter(None, Some(2)).period().is_err());
    assert!(filter(Some(2026), Some(13)).period().is_err());
}
