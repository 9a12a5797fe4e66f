use super::*;

const TEMPLATE: &str = "
Parameters:
  Stage: {Type: String, Default: dev}
  RazorpayBaseUrl: {Type: String, Default: 'https://api.razorpay.com'}
  StripeBaseUrl: {Type: String, Default: 'https://api.stripe.com'}
Resources: {}
";

fn reference(resolver: &Resolver, name: &str) -> String {
    let expr: serde_norway::Value = serde_norway::from_str(&format!("!Ref {name}")).unwrap();
    let value = resolver.resolve(&expr).unwrap();
    value.as_str().unwrap().to_owned()
}

#[test]
fn a_stack_points_the_gateways_at_its_stand_ins_and_holds_the_stages_payment_secret() {
    let template = Template::parse(TEMPLATE).unwrap();
    let mut config = StackConfig::from_env(PathBuf::from("."), "t1");
    let mock = "http://127.0.0.1:9999".to_owned();
    config
        .parameters
        .insert("StripeBaseUrl".into(), mock.clone());
    let payments = PaymentSecrets::generate().unwrap();

    let resolver = resolver(&template, &config, "http://127.0.0.1:3000", &payments).unwrap();

    let razorpay = reference(&resolver, "RazorpayBaseUrl");
    assert_eq!(razorpay, "http://127.0.0.1:3000/_local/razorpay");
    assert_eq!(
        reference(&resolver, "StripeBaseUrl"),
        mock,
        "a given URL wins"
    );
    let secret = resolver.secret("bazaar/t1/payments").unwrap();
    assert_eq!(secret, &payments.to_json());
    assert!(resolver.secret("bazaar/t1/keys").is_some());
}
