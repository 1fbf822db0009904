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
//! - [`codes`]: code sets by name (`labs`, `TREAT`, `read`, `physician`).
//! - [`fhir`]: the FHIR R4 export of consents and audit trails (used by the node's RPC too).
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
pub mod fhir;
pub mod gateway;
pub mod httpsig;
#[cfg(test)]
mod interop;
pub mod keys;
