use super::*;
use crate::template::Template;

const TEMPLATE: &str = r#"
Parameters:
  Stage: { Type: String, Default: dev }
Resources:
  Dlq:
    Type: AWS::SQS::Queue
    Properties: { QueueName: !Sub "bazaar-${Stage}-dlq" }
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          A: !Ref Table
          B: !GetAtt Dlq.Arn
          C: { "Fn::Sub": ["${X}-${AWS::Region}", { X: !Ref Stage }] }
          D: !Ref Dlq
          E: !Join [":", [a, !Ref Stage]]
          F: !Sub "{{resolve:secretsmanager:bazaar/${Stage}/keys:SecretString:k}}"
"#;

#[test]
fn intrinsics_resolve_to_stage_scoped_names() {
    let template = Template::parse(TEMPLATE).unwrap();
    let overrides = HashMap::from([("Stage".to_owned(), "t1".to_owned())]);
    let mut resolver = Resolver::new(&template, &overrides, "us-east-1", "123456789012").unwrap();
    resolver.set_queue_url("Dlq", "http://q/123456789012/bazaar-t1-dlq".into());
    resolver.set_secret("bazaar/t1/keys", serde_json::json!({"k": "s3cret"}));
    let env = &template.resources["Fn"].properties["Environment"]["Variables"];
    let vars: HashMap<String, String> = resolver.typed(env).unwrap();
    assert_eq!(vars["A"], "bazaar-t1-Table");
    assert_eq!(
        vars["B"],
        "arn:aws:sqs:us-east-1:123456789012:bazaar-t1-dlq"
    );
    assert_eq!(vars["C"], "t1-us-east-1");
    assert_eq!(vars["D"], "http://q/123456789012/bazaar-t1-dlq");
    assert_eq!(vars["E"], "a:t1");
    assert_eq!(vars["F"], "s3cret");
    assert_eq!(resolver.queue_by_arn(&vars["B"]), Some("Dlq"));
}

#[test]
fn unknown_references_are_errors_not_empty_strings() {
    let template = Template::parse(TEMPLATE).unwrap();
    let resolver = Resolver::new(&template, &HashMap::new(), "us-east-1", "1").unwrap();
    let bad: Value = serde_norway::from_str("!Ref Nope").unwrap();
    assert!(resolver.string(&bad).is_err());
}
