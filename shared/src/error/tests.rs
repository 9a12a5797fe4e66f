use super::*;

#[test]
fn internal_errors_hide_their_text() {
    let error = ApiError::from(anyhow::anyhow!("table bazaar-dev-users does not exist"));
    let body = serde_json::to_string(&error.problem()).unwrap();
    assert!(!body.contains("bazaar-dev-users"), "{body}");
    assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[test]
fn a_conflict_with_members_answers_them_beside_the_standard_ones() {
    let mut members = serde_json::Map::new();
    members.insert("available".into(), 2.into());
    let error = ApiError::ConflictWith {
        problem: "out-of-stock",
        detail: "Only 2 left.".into(),
        members,
        errors: vec![FieldError::new("lines[0].quantity", "only 2 left")],
    };
    let body = serde_json::to_value(error.problem()).unwrap();
    assert_eq!(body["type"], "urn:bazaar:problem:out-of-stock");
    assert_eq!(body["status"], 409);
    assert_eq!(body["available"], 2);
    assert_eq!(body["errors"][0]["field"], "lines[0].quantity");
}

#[test]
fn conflicts_carry_their_own_problem_type() {
    let error = ApiError::Conflict {
        problem: "sold-out",
        detail: "No seats left".into(),
    };
    let problem = error.problem();
    assert_eq!(problem.kind, "urn:bazaar:problem:sold-out");
    assert_eq!(problem.status, 409);
    assert_eq!(problem.detail.as_deref(), Some("No seats left"));
}

#[test]
fn rate_limits_say_when_to_come_back() {
    let response = ApiError::TooManyRequests {
        retry_after_secs: 30,
    }
    .into_response();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()[header::RETRY_AFTER], "30");
    assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
}

#[test]
fn a_write_that_kept_losing_races_is_a_409_wherever_it_surfaces() {
    let error = anyhow::Error::new(crate::dynamo::Contended).context("marking a reminder");
    let error = ApiError::from(error.context("handling a request"));
    assert_eq!(error.status(), StatusCode::CONFLICT);
    assert_eq!(error.problem().kind, "urn:bazaar:problem:contention");
}
