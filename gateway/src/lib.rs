//! # MedChain custodian gateway
//!
//! Run by an organization under its on-chain gateway identity. It keeps the ciphertext and
//! envelopes of the records its organization is custodian of, and serves them only as the chain
//! decides:
//!
//! - **Upload** (`PUT /records/{id}`): kept only when the anchor exists, names this gateway's
//!   organization, and the streamed body hashes to it; with envelopes for the patient and this
//!   gateway; from the author or the patient.
//! - **Read** (`GET /records/{id}?purpose=…`): the request is signed (RFC 9421) by the reader's
//!   registered key, fresh, never replayed; `check_access` at the finalized block decides; on
//!   Permit the data key is re-wrapped for the reader's registered X25519 key; on Deny, 403
//!   with the reason. Either way the decision is on the patient's trail ([`audit`]).
//! - **Erasure**: when an anchor is erased in a finalized block the gateway deletes ciphertext
//!   and envelopes ([`follower`]); a later read gets 410 Gone.
//! - **FHIR**: `GET /fhir/AuditEvent` and `GET /fhir/Consent` for the patient (or this
//!   organization's privacy office), a page at a time ([`search`]). `/health`, `/metrics`,
//!   `/info`, and `/openapi.json`, the OpenAPI document generated from the handlers ([`http`]).
//!
//! Handlers ask the chain through [`chain::ChainView`] and keep ciphertext behind
//! [`store::BlobStore`]: both are traits, so the HTTP API is tested without a node.
//!
//! docs/sharing.md walks through the whole flow; docs/gateway.md is the operator's page.

#![warn(missing_docs)]

pub mod audit;
pub mod auth;
pub mod chain;
pub mod config;
pub mod follower;
pub mod http;
pub mod metrics;
pub mod search;
pub mod store;
