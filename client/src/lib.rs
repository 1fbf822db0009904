//! # MedChain client library
//!
//! What off-chain MedChain code shares: the FHIR R4 export of consents and audit trails
//! ([`fhir`]), used by the node's RPC and by clients, and the salted commitments by which a human
//! document (profile, license, justification) is named on chain without being readable there
//! ([`commitment`]). Keys, envelopes and chain calls come next.

#![warn(missing_docs)]

pub mod commitment;
pub mod fhir;
