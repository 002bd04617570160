//! Fuzzes the WebAuthn relying party's checks (CBOR, authenticator data, COSE keys, client data).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    carillon_crypto::webauthn::fuzzing::webauthn(data);
});
