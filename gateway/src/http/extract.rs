//! axum's path and query extractors, refusing with this API's error: a malformed path or query
//! gets an OperationOutcome that says what is wrong with it, not axum's plain text.

use axum::{extract::FromRequestParts, http::request::Parts};
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// The path's parameters, as [`axum::extract::Path`] reads them.
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
	T: DeserializeOwned + Send,
	S: Send + Sync,
{
	type Rejection = ApiError;

	async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
		match axum::extract::Path::<T>::from_request_parts(parts, state).await {
			Ok(axum::extract::Path(value)) => Ok(Self(value)),
			Err(rejection) => {
				Err(ApiError::from_status(rejection.status(), Some(rejection.body_text())))
			},
		}
	}
}

/// The query's parameters, as [`axum::extract::Query`] reads them.
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
	T: DeserializeOwned,
	S: Send + Sync,
{
	type Rejection = ApiError;

	async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
		match axum::extract::Query::<T>::from_request_parts(parts, state).await {
			Ok(axum::extract::Query(value)) => Ok(Self(value)),
			Err(rejection) => {
				Err(ApiError::from_status(rejection.status(), Some(rejection.body_text())))
			},
		}
	}
}
