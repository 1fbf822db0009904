//! # MedChain client library
//!
//! What off-chain MedChain code shares:
//!
//! - [`keys`]: one BIP-39 mnemonic gives a subject's sr25519 signing key (the same account as in
//!   Polkadot.js and subkey) and X25519 key-agreement key; key files encrypted under a passphrase.
//! - [`envelope`]: a record's body encrypted under a fresh data key (streamed, any size), and the
//!   data key wrapped per recipient with HPKE, bound to the record and the recipient.
//! - [`chain`]: sign, submit and wait; storage and runtime-API reads; typed pallet errors; an
//!   interface generated from the runtime's metadata.
//! - [`gateway`], [`httpsig`]: a custodian gateway's API, every request signed with your key
//!   (HTTP Message Signatures, RFC 9421).
//! - [`records`]: the record workflows around them: sealing a file, checking a gateway on chain,
//!   storing blobs and envelopes, decrypting only the anchored ciphertext.
//! - [`paging`]: every item of a list the chain or a gateway answers a page at a time.
//! - [`codes`]: code sets by name (`labs`, `TREAT`, `read`, `physician`).
//! - [`fhir`]: the FHIR R4 export of consents and audit trails (the `medchain-fhir` crate, which
//!   the node's RPC uses too).
//! - [`commitment`]: salted commitments by which a human document (profile, license,
//!   justification) is named on chain without being readable there.
//!
//! The flows end to end (register, anchor, share, erase) are in docs/cli.md, driven by the
//! `medchain` CLI, which is written on this library.

#![warn(missing_docs)]

pub mod chain;
pub mod codes;
pub mod commitment;
pub mod envelope;
/// FHIR R4 JSON of consents and audit trails: the `medchain-fhir` crate.
pub use medchain_fhir as fhir;
pub mod gateway;
pub mod httpsig;
#[cfg(test)]
mod interop;
pub mod keys;
pub mod paging;
pub mod records;
