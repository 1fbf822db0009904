//! Paging in one place: every item of a list that a runtime API (or a gateway's search) hands out
//! a page at a time.
//!
//! MedChain's runtime APIs answer lists in pages: a patient's consents
//! (`ConsentApi::consents_of_patient`), records (`RecordsApi::records_of`) and audit trail
//! (`AuditApi::entries`), at most 1,000 items a call, newest first, before an exclusive position
//! `before`. Reading one page and stopping loses the rest without a word: a patient's 1,001st
//! consent. So every list, search and export walks its pages here.
//!
//! A **source** is any `FnMut(Option<u64>) -> impl Future<Output = Result<Page<T>, E>>`: it is
//! asked for the first page with `None`, then with each page's [`Page::next`] in turn, until a
//! page has none. [`pages`] and [`items`] are the walk as a stream; [`collect`] gathers it, up to
//! a limit if one is given, reading no page past it. A source's error ends the walk and is the
//! walk's error.
//!
//! The cursor is the list's own position (a trail sequence number, an index into the patient's
//! consents or records) as a `u64`, the form the gateway's `_cursor` takes too. A source computes
//! it one of two ways: [`next_before`] for a list whose items carry their position (audit
//! entries), [`listing_next`] for a list whose every position holds an item and whose page says
//! only how many it returned (consents; the list's length comes from storage, [`listing_end`]).
//! Pages stay right while the list grows: a new item comes before the first page, never between
//! pages already read.
//!
//! ```
//! use medchain_client::paging::{self, Page};
//!
//! // 1,001 items at positions 0..=1000, read newest first in pages of 1,000.
//! let source = |before: Option<u64>| {
//!     let end = paging::listing_end(before, 1001);
//!     let items: Vec<u64> = (0..end).rev().take(1000).collect();
//!     let next = paging::listing_next(end, items.len());
//!     std::future::ready(Ok::<_, String>(Page { items, next }))
//! };
//! let all = futures::executor::block_on(paging::collect(source, None))?;
//! assert_eq!((all.len(), all[0], all[1000]), (1001, 1000, 0));
//! # Ok::<(), String>(())
//! ```

use std::future::Future;

use futures::{stream, Stream, StreamExt, TryStreamExt};

/// One page of a list, and where the page after it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
	/// The items, in the list's order (newest first for MedChain's lists).
	pub items: Vec<T>,
	/// The cursor of the next page (a runtime API's `before`); `None` when this page ends the
	/// list. A page may be empty and still have a next one (a filtered listing that scanned its
	/// most without a match).
	pub next: Option<u64>,
}

/// The `before` of the page after one whose oldest item sits at position `oldest`: none when that
/// is the list's first position, or the page is empty. For lists whose items carry their
/// position, such as a trail's sequence numbers.
pub fn next_before(oldest: Option<u64>) -> Option<u64> {
	oldest.filter(|&position| position > 0)
}

/// The `before` of the page after `returned` items read before position `end` of a list whose
/// every position holds an item: the page held positions `end - returned .. end`. None when it
/// reached position 0, or held nothing.
pub fn listing_next(end: u64, returned: usize) -> Option<u64> {
	let returned = u64::try_from(returned).unwrap_or(u64::MAX);
	if returned == 0 {
		return None;
	}
	next_before(Some(end.saturating_sub(returned)))
}

/// Where a page asked for with `before` ends in a list of `len` items: `before`, but never past
/// the list's end; the end itself for the first page (`None`).
pub fn listing_end(before: Option<u64>, len: u64) -> u64 {
	before.map_or(len, |before| before.min(len))
}

/// Every page of the list `fetch` reads, first to last, as a stream. A page whose `next` is the
/// cursor it was itself read at ends the walk: such a source would otherwise be asked forever.
pub fn pages<T, E, F, Fut>(fetch: F) -> impl Stream<Item = Result<Page<T>, E>>
where
	F: FnMut(Option<u64>) -> Fut,
	Fut: Future<Output = Result<Page<T>, E>>,
{
	// The source, and the cursor of the page to read next: `Some(None)` for the first page,
	// `None` once the list is done.
	let start: (F, Option<Option<u64>>) = (fetch, Some(None));
	stream::try_unfold(start, |(mut fetch, cursor)| async move {
		let Some(before) = cursor else {
			return Ok::<_, E>(None);
		};
		let page = fetch(before).await?;
		let next = page.next.filter(|&next| Some(next) != before).map(Some);
		Ok(Some((page, (fetch, next))))
	})
}

/// Every item of the list `fetch` reads, page after page, as a stream: a page is read only when
/// the items before it have been taken.
pub fn items<T, E, F, Fut>(fetch: F) -> impl Stream<Item = Result<T, E>>
where
	F: FnMut(Option<u64>) -> Fut,
	Fut: Future<Output = Result<Page<T>, E>>,
{
	pages(fetch)
		.map_ok(|page| stream::iter(page.items.into_iter().map(Ok::<T, E>)))
		.try_flatten()
}

/// The items of the list `fetch` reads, in order: all of them, or the first `limit` (no page past
/// the one holding the last of those is read). The first error of the source is the result.
pub async fn collect<T, E, F, Fut>(fetch: F, limit: Option<usize>) -> Result<Vec<T>, E>
where
	F: FnMut(Option<u64>) -> Fut,
	Fut: Future<Output = Result<Page<T>, E>>,
{
	let all = items(fetch);
	match limit {
		Some(limit) => all.take(limit).try_collect().await,
		None => all.try_collect().await,
	}
}

#[cfg(test)]
mod tests {
	use std::{convert::Infallible, future::ready};

	use futures::executor::block_on;

	use super::*;

	/// A page as `ConsentApi::consents_of_patient` answers one for a list of `len` consents
	/// (position `i` holds item `i`), at most `limit` before `before`, newest first; its cursor as
	/// the client's `Chain::consents_page` computes it.
	fn consent_listing(len: u64, before: Option<u64>, limit: u64) -> Page<u64> {
		let end = listing_end(before, len);
		let items: Vec<u64> = (0..end).rev().take(limit as usize).collect();
		let next = listing_next(end, items.len());
		Page { items, next }
	}

	#[test]
	fn a_1001st_consent_is_read_in_a_second_page_of_1000() {
		let mut asked = Vec::new();
		let all = block_on(collect(
			|before| {
				asked.push(before);
				ready(Ok::<_, Infallible>(consent_listing(1001, before, 1000)))
			},
			None,
		))
		.unwrap();
		assert_eq!(all.len(), 1001);
		assert_eq!(all, (0..1001).rev().collect::<Vec<u64>>(), "each once, newest first");
		assert_eq!(asked, [None, Some(1)], "the second page starts where the first ended");
	}

	#[test]
	fn every_list_length_around_a_page_is_read_whole() {
		for len in [0, 1, 999, 1000, 1001, 1999, 2000, 2001, 3000] {
			let mut asked = 0;
			let all = block_on(collect(
				|before| {
					asked += 1;
					ready(Ok::<_, Infallible>(consent_listing(len, before, 1000)))
				},
				None,
			))
			.unwrap();
			assert_eq!(all, (0..len).rev().collect::<Vec<u64>>(), "{len} items");
			assert_eq!(asked, len.div_ceil(1000).max(1), "pages read for {len} items");
		}
	}

	#[test]
	fn a_trail_is_paged_by_its_sequence_numbers() {
		// 2,500 entries with sequence numbers 0..2500, newest first, before `before`.
		let mut asked = Vec::new();
		let all = block_on(collect(
			|before: Option<u64>| {
				asked.push(before);
				let items: Vec<u64> = (0..before.unwrap_or(2500)).rev().take(1000).collect();
				let next = next_before(items.last().copied());
				ready(Ok::<_, Infallible>(Page { items, next }))
			},
			None,
		))
		.unwrap();
		assert_eq!(all, (0..2500).rev().collect::<Vec<u64>>());
		assert_eq!(asked, [None, Some(1500), Some(500)]);
	}

	#[test]
	fn an_empty_page_with_a_next_one_does_not_end_the_list() {
		// A filtered listing: the middle page scanned its most and matched nothing.
		let answers = [(vec![7, 6], Some(5)), (vec![], Some(2)), (vec![1, 0], None)];
		let mut asked = Vec::new();
		let all = block_on(collect(
			|before: Option<u64>| {
				let (items, next) = answers[asked.len()].clone();
				asked.push(before);
				ready(Ok::<_, Infallible>(Page { items, next }))
			},
			None,
		))
		.unwrap();
		assert_eq!(all, [7, 6, 1, 0]);
		assert_eq!(asked, [None, Some(5), Some(2)]);
	}

	#[test]
	fn an_error_ends_the_walk_and_is_its_result() {
		let mut asked = Vec::new();
		let result = block_on(collect(
			|before| {
				asked.push(before);
				ready(match before {
					None => Ok(consent_listing(1001, before, 1000)),
					Some(_) => Err("the node went away"),
				})
			},
			None,
		));
		assert_eq!(result, Err("the node went away"));
		assert_eq!(asked, [None, Some(1)], "not asked again after the error");
	}

	#[test]
	fn a_limit_reads_no_page_past_it() {
		let mut asked = Vec::new();
		let first = block_on(collect(
			|before| {
				asked.push(before);
				ready(Ok::<_, Infallible>(consent_listing(10, before, 3)))
			},
			Some(5),
		))
		.unwrap();
		assert_eq!(first, [9, 8, 7, 6, 5]);
		assert_eq!(asked, [None, Some(7)]);

		let mut asked = 0;
		let none = block_on(collect(
			|before| {
				asked += 1;
				ready(Ok::<_, Infallible>(consent_listing(10, before, 3)))
			},
			Some(0),
		))
		.unwrap();
		assert_eq!((none, asked), (vec![], 0));
	}

	#[test]
	fn a_source_that_does_not_move_on_is_not_asked_forever() {
		let mut asked = 0;
		let all = block_on(collect(
			|_| {
				asked += 1;
				ready(Ok::<_, Infallible>(Page { items: vec![1], next: Some(4) }))
			},
			None,
		))
		.unwrap();
		// The first page (cursor None) moves to 4; the second (at 4) names 4 again: the end.
		assert_eq!((all, asked), (vec![1, 1], 2));
	}

	#[test]
	fn cursors_end_at_the_first_position() {
		assert_eq!(next_before(None), None);
		assert_eq!(next_before(Some(0)), None);
		assert_eq!(next_before(Some(3)), Some(3));
		assert_eq!(listing_next(1001, 1000), Some(1));
		assert_eq!(listing_next(1000, 1000), None);
		assert_eq!(listing_next(5, 0), None);
		assert_eq!(listing_next(3, 7), None);
		assert_eq!(listing_end(None, 12), 12);
		assert_eq!(listing_end(Some(4), 12), 4);
		assert_eq!(listing_end(Some(40), 12), 12);
	}
}
