//! Students' PINs: hashed and checked like passwords (`bazaar_shared::secret_hash`: argon2id
//! off the executor; a student without a PIN is checked against a dummy hash, so the answer
//! takes as long either way).

pub use bazaar_shared::secret_hash::SecretHasher as Pins;
