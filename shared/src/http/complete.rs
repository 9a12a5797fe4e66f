//! What every operation of a route group may answer besides its own documented statuses,
//! added once to its OpenAPI document so the document does not lie (schema fuzzing checks it).
//!
//! The statuses come from the layers every route shares, not from any handler: the path
//! extractor (`404` for a malformed or unknown id), the JSON body extractor and its size cap
//! (`400`, `413`, `415`, `422`), the token guard (`401`), API Gateway's throttling (`429`) and
//! an outage of a service the function needs (`503` with `Retry-After`).

use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::{
    ContentBuilder, ObjectBuilder, OpenApi, PathItem, Ref, RefOr, Required, ResponseBuilder, Type,
};
use utoipa::{PartialSchema, ToSchema};

use crate::error::{PROBLEM_JSON, Problem};
use crate::extract::MAX_PATH_PARAM_LEN;

/// Adds the shared answers and the undeclared path parameters to every operation of `doc`.
pub fn complete(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let names = path_parameters(path);
        for operation in operations_mut(item) {
            declare_path_parameters(operation, &names);
            add_shared_answers(operation, !names.is_empty());
        }
    }
    let components = doc.components.get_or_insert_with(Default::default);
    let mut schemas = vec![(Problem::name().into_owned(), Problem::schema())];
    Problem::schemas(&mut schemas);
    components.schemas.extend(schemas);
}

fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .flatten()
}

/// `{id}` and `{role}` of `/admin/users/{id}/roles/{role}`.
fn path_parameters(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

/// A path parameter the handler did not describe is what `extract::Path` accepts: an id-like
/// string of at most [`MAX_PATH_PARAM_LEN`] characters.
fn declare_path_parameters(operation: &mut Operation, names: &[&str]) {
    let parameters = operation.parameters.get_or_insert_with(Vec::new);
    for name in names {
        let declared = parameters
            .iter()
            .any(|p| p.name == *name && p.parameter_in == ParameterIn::Path);
        if declared {
            continue;
        }
        let schema = ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(MAX_PATH_PARAM_LEN))
            .pattern(Some(r"^[A-Za-z0-9_.:~@+-]+$"));
        parameters.push(
            ParameterBuilder::new()
                .name(*name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(schema))
                .build(),
        );
    }
}

fn add_shared_answers(operation: &mut Operation, has_path_parameters: bool) {
    let has_body = operation.request_body.is_some();
    let has_input = has_body
        || has_path_parameters
        || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let answers = [
        (has_input, "400", "The request is malformed."),
        (
            secured,
            "401",
            "No valid access token, or its session has ended.",
        ),
        (
            has_path_parameters,
            "404",
            "No such object (or a malformed id).",
        ),
        (has_body, "413", "The body is too large."),
        (
            has_body,
            "415",
            "The body is not of a type this operation takes.",
        ),
        (has_body, "422", "Invalid fields, listed in `errors`."),
        (true, "429", "Too many requests; wait for `Retry-After`."),
        (
            true,
            "503",
            "A service it needs is unavailable for now; retry after `Retry-After`.",
        ),
    ];
    let responses = &mut operation.responses.responses;
    for (applies, status, description) in answers {
        if applies && !responses.contains_key(status) {
            let content = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(Problem::name())))
                .build();
            let response = ResponseBuilder::new()
                .description(description)
                .content(PROBLEM_JSON, content)
                .build();
            responses.insert(status.to_owned(), RefOr::T(response));
        }
    }
}
