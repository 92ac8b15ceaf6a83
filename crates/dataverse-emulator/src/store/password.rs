//! Salted password hashes for builtin users: hex(SHA-256(salt || password)) with a random
//! per-user salt. Adequate for an offline emulator; a production server would use a slow
//! password hash (Dataverse itself uses bcrypt).

use sha2::{Digest, Sha256};

/// The stored hash of `password` under `salt`.
pub(crate) fn password_hash(salt: &str, password: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(password.as_bytes());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salted_and_deterministic() {
        // SHA-256("abc"), FIPS 180-4 example.
        assert_eq!(
            password_hash("a", "bc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(password_hash("salt1", "pw"), password_hash("salt2", "pw"));
    }
}
