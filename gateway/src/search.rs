//! FHIR search paging: the `_count` and `_cursor` parameters of the gateway's searches
//! (`GET /fhir/AuditEvent`, `GET /fhir/Consent`) and the URLs of a page's `self` and `next` links.
//!
//! A search reads one page of a list the chain keeps newest first: a patient's audit trail, or a
//! patient's consents. The cursor is the runtime API's `before` argument of the next page, an
//! exclusive position in that list (a trail sequence number, an index into the patient's
//! consents); clients treat it as opaque and follow `next` links. Pages are stable while the
//! list grows: a new item comes before the first page, never between pages already read.

use medchain_primitives::{audit::MAX_AUDIT_PAGE, identity::SubjectId};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Items per page when the search gives no `_count`.
pub const DEFAULT_COUNT: u32 = 50;

/// Most items per page: the runtime's largest audit page (the consent listing's is the same), so
/// a page is one runtime call.
pub const MAX_COUNT: u32 = MAX_AUDIT_PAGE;

/// What a query value keeps unescaped: RFC 3986's unreserved characters.
const QUERY_VALUE: &AsciiSet =
	&NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A search's paging parameters, parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
	/// Items per page, `1..=MAX_COUNT`.
	pub count: u32,
	/// Where the page starts (`before`, exclusive); `None`: at the newest item.
	pub cursor: Option<u64>,
}

impl Paging {
	/// Parses `_count` and `_cursor` as the request gives them (absent: [`DEFAULT_COUNT`] items
	/// from the newest). A `_count` outside `1..=MAX_COUNT` is clamped (FHIR leaves the page
	/// size to the server, and the `self` link tells the client the one used); a `_count` that is
	/// not a whole number, or a `_cursor` that is not one this gateway hands out, is refused with
	/// the reason.
	pub fn parse(count: Option<&str>, cursor: Option<&str>) -> Result<Self, String> {
		let count = count.map_or(Ok(DEFAULT_COUNT), parse_count)?;
		let cursor = cursor.map(parse_cursor).transpose()?;
		Ok(Self { count, cursor })
	}

	/// The URL of this page of `patient`'s search at `path`, with the parameters as processed
	/// (FHIR's `self` link: `_count` after clamping).
	pub fn self_url(&self, path: &str, patient: &SubjectId) -> String {
		search_url(path, patient, self.count, self.cursor)
	}

	/// The URL of the page after this one, which starts at `next` (FHIR's `next` link): the same
	/// search and page size.
	pub fn next_url(&self, path: &str, patient: &SubjectId, next: u64) -> String {
		search_url(path, patient, self.count, Some(next))
	}
}

/// `_count`: a whole number, clamped to `1..=MAX_COUNT` however far outside it lies.
fn parse_count(text: &str) -> Result<u32, String> {
	let (negative, digits) = match text.strip_prefix('-') {
		Some(digits) => (true, digits),
		None => (false, text),
	};
	if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
		return Err(format!("`_count` must be a whole number of entries per page, not `{text}`"));
	}
	if negative {
		return Ok(1);
	}
	// Digits only: the parse fails only for a number past `u32::MAX`, which clamps to the most.
	Ok(digits.parse::<u32>().unwrap_or(MAX_COUNT).clamp(1, MAX_COUNT))
}

/// `_cursor`: a position as this gateway writes it in `next` links (decimal digits).
fn parse_cursor(text: &str) -> Result<u64, String> {
	text.parse::<u64>()
		.ok()
		.filter(|_| text.bytes().all(|b| b.is_ascii_digit()))
		.ok_or_else(|| {
			format!("`_cursor` `{text}` is not a cursor of this search: follow the Bundle's `next` link")
		})
}

/// `path?patient=…&_count=…[&_cursor=…]`, the DID percent-encoded.
fn search_url(path: &str, patient: &SubjectId, count: u32, cursor: Option<u64>) -> String {
	let did = patient.to_did();
	let patient = utf8_percent_encode(&did, QUERY_VALUE);
	match cursor {
		Some(cursor) => format!("{path}?patient={patient}&_count={count}&_cursor={cursor}"),
		None => format!("{path}?patient={patient}&_count={count}"),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const P: SubjectId = SubjectId([0xab; 32]);

	fn count(text: Option<&str>) -> Result<u32, String> {
		Paging::parse(text, None).map(|p| p.count)
	}

	fn cursor(text: &str) -> Result<Option<u64>, String> {
		Paging::parse(None, Some(text)).map(|p| p.cursor)
	}

	#[test]
	fn count_defaults_to_50_and_is_clamped_to_1_through_1000() {
		assert_eq!(count(None), Ok(DEFAULT_COUNT));
		for (text, clamped) in [
			("1", 1),
			("7", 7),
			("007", 7),
			("1000", 1000),
			("1001", 1000),
			("5000", 1000),
			("99999999999999999999999999", 1000),
			("0", 1),
			("-0", 1),
			("-3", 1),
			("-99999999999999999999999999", 1),
		] {
			assert_eq!(count(Some(text)), Ok(clamped), "{text}");
		}
		assert_eq!(MAX_COUNT, 1000);
	}

	#[test]
	fn a_count_that_is_not_a_whole_number_is_refused() {
		for text in ["", "abc", "5.0", "1e3", " 5", "5 ", "+5", "-", "--1", "0x10", "٣"] {
			let refused = count(Some(text)).expect_err(text);
			assert!(refused.contains("`_count`"), "{refused}");
		}
	}

	#[test]
	fn a_cursor_is_a_position_and_nothing_else() {
		assert_eq!(Paging::parse(None, None).map(|p| p.cursor), Ok(None));
		assert_eq!(cursor("0"), Ok(Some(0)));
		assert_eq!(cursor("42"), Ok(Some(42)));
		assert_eq!(cursor("18446744073709551615"), Ok(Some(u64::MAX)));
		for text in ["", "-1", "+1", "abc", "0x10", "1.5", "18446744073709551616"] {
			let refused = cursor(text).expect_err(text);
			assert!(refused.contains("`_cursor`"), "{refused}");
		}
	}

	#[test]
	fn links_repeat_the_search_as_processed_with_the_did_percent_encoded() {
		let did = format!("did%3Amedchain%3A{}", "ab".repeat(32));
		let first = Paging::parse(Some("5000"), None).unwrap();
		assert_eq!(
			first.self_url("/fhir/AuditEvent", &P),
			format!("/fhir/AuditEvent?patient={did}&_count=1000")
		);
		assert_eq!(
			first.next_url("/fhir/AuditEvent", &P, 42),
			format!("/fhir/AuditEvent?patient={did}&_count=1000&_cursor=42")
		);
		let later = Paging::parse(Some("2"), Some("42")).unwrap();
		assert_eq!(
			later.self_url("/fhir/Consent", &P),
			format!("/fhir/Consent?patient={did}&_count=2&_cursor=42")
		);
		assert_eq!(
			later.next_url("/fhir/Consent", &P, 40),
			format!("/fhir/Consent?patient={did}&_count=2&_cursor=40")
		);
	}

	#[test]
	fn the_encoded_did_decodes_to_the_patient() {
		let url = Paging::parse(None, None).unwrap().self_url("/fhir/Consent", &P);
		let query = url.split_once('?').unwrap().1;
		let value = query.split('&').find_map(|pair| pair.strip_prefix("patient=")).unwrap();
		assert!(!value.contains(':'));
		let decoded = percent_encoding::percent_decode_str(value).decode_utf8().unwrap();
		assert_eq!(decoded.parse::<SubjectId>(), Ok(P));
	}
}
