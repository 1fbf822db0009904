//! # MedChain client library
//!
//! What off-chain MedChain code shares: today the FHIR R4 export of consents and audit trails
//! ([`fhir`]), used by the node's RPC and by clients. Keys, envelopes and chain calls come next.

#![warn(missing_docs)]

pub mod fhir;
