//! What the unit tests share: a throw-away signing key pair and an [`Init`] without AWS.

use bazaar_shared::Init;

/// An Ed25519 key pair made for these tests only.
pub const TEST_PRIVATE_KEY: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJSwNSL2hxyvQubfaBLfgzabaqRAph98Yl0qurNK7Rc8
-----END PRIVATE KEY-----
";
pub const TEST_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAgsXlxtWhs9hcfe2sFyX+UIVFRn0IQxJFM4t3dUt4VmM=
-----END PUBLIC KEY-----
";

/// An `Init` with `vars`, SDK clients pointed nowhere (building them opens no connection) and
/// the wall clock.
pub fn init(vars: &[(&str, &str)]) -> Init {
    Init::offline(vars.iter().copied())
}
