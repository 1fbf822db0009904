//! The command line's typed values: one clap value parser for each kind of argument (subjects,
//! record identifiers, accounts, keys, codes, lists of codes, numbered grants, durations), named
//! by `value_parser = values::…` wherever an argument takes one. A handler gets the value, never
//! the text.
//!
//! A value that does not parse is a [`ValueError`]; `main` prints its reason as the one line of
//! the failure (`error: unknown data class `xrays`; expected one of: …`) and exits 1, as for any
//! other bad input ([`refused_value`]). clap's own usage errors (a missing argument, an unknown
//! flag, a number that is not one) keep its exit code, 2.

use std::{fmt, time::Duration};

use clap::builder::TypedValueParser;
use medchain_client::{chain::AccountId32, codes};
use medchain_primitives::{
	consent::{
		ActionSet, ConsentAction, ConsentId, DataClass, DataClassSet, EmergencyId, PurposeOfUse,
		PurposeSet, RecordId,
	},
	identity::{KeyAgreementKey, PractitionerRole, SubjectId},
	records::RecordStatus,
};

/// Why a value on the command line was refused: one line, naming the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError(String);

impl fmt::Display for ValueError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(&self.0)
	}
}

impl std::error::Error for ValueError {}

/// The value that made clap refuse the command line, when one of these parsers refused it (not
/// when the command line is malformed, asked for help, or named a number that is not one).
pub fn refused_value(error: &clap::Error) -> Option<&ValueError> {
	std::error::Error::source(error)?.downcast_ref::<ValueError>()
}

/// A subject: `did:medchain:<64 hex digits>` or 32 bytes of `0x` hex.
pub fn subject(text: &str) -> Result<SubjectId, ValueError> {
	text.parse::<SubjectId>().map_err(|e| ValueError(e.to_string()))
}

/// A record identifier: 32 bytes of `0x` hex.
pub fn record(text: &str) -> Result<RecordId, ValueError> {
	let bytes = hex::decode(text.trim().trim_start_matches("0x"))
		.map_err(|e| ValueError(format!("`{text}` is not a record identifier: {e}")))?;
	let bytes: [u8; 32] = bytes
		.try_into()
		.map_err(|_| ValueError(format!("`{text}` is not a record identifier: need 32 bytes")))?;
	Ok(RecordId(bytes))
}

/// Records named by identifier, as `--records 0x…,0x…` lists them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordIds(pub Vec<RecordId>);

/// Record identifiers, comma-separated (empty items skipped: `""` is none).
pub fn records(text: &str) -> Result<RecordIds, ValueError> {
	let ids = text.split(',').filter(|s| !s.trim().is_empty()).map(record);
	ids.collect::<Result<_, _>>().map(RecordIds)
}

/// An account in SS58.
pub fn account(text: &str) -> Result<AccountId32, ValueError> {
	text.parse::<AccountId32>()
		.map_err(|e| ValueError(format!("`{text}` is not an SS58 account: {e:?}")))
}

/// An X25519 key-agreement key: 32 bytes of hex, `0x` or not (`keys show` prints one).
pub fn key_agreement(text: &str) -> Result<KeyAgreementKey, ValueError> {
	hex::decode(text.trim_start_matches("0x"))
		.ok()
		.and_then(|bytes| bytes.try_into().ok())
		.ok_or_else(|| ValueError(format!("`{text}` is not a 32-byte hex key")))
}

/// A data class by its code (`labs`, `mental-health`, …).
pub fn data_class(text: &str) -> Result<DataClass, ValueError> {
	codes::data_class(text).map_err(ValueError)
}

/// Data classes, comma-separated (`""` is none).
pub fn data_classes(text: &str) -> Result<DataClassSet, ValueError> {
	let classes = codes::list(text, codes::data_class).map_err(ValueError)?;
	Ok(DataClassSet::of(&classes))
}

/// A purpose of use by its HL7 code (`TREAT`, `ETREAT`, …).
pub fn purpose(text: &str) -> Result<PurposeOfUse, ValueError> {
	codes::purpose(text).map_err(ValueError)
}

/// Purposes of use, comma-separated.
pub fn purposes(text: &str) -> Result<PurposeSet, ValueError> {
	let purposes = codes::list(text, codes::purpose).map_err(ValueError)?;
	Ok(PurposeSet::of(&purposes))
}

/// An action by name (`read`, `create`, `share`).
pub fn action(text: &str) -> Result<ConsentAction, ValueError> {
	codes::action(text).map_err(ValueError)
}

/// Actions, comma-separated.
pub fn actions(text: &str) -> Result<ActionSet, ValueError> {
	let actions = codes::list(text, codes::action).map_err(ValueError)?;
	Ok(ActionSet::of(&actions))
}

/// A practitioner role by name (`physician`, `nurse`, …).
pub fn role(text: &str) -> Result<PractitionerRole, ValueError> {
	codes::role(text).map_err(ValueError)
}

/// A record status by its code (`active`, `superseded`, `erased`).
pub fn record_status(text: &str) -> Result<RecordStatus, ValueError> {
	codes::record_status(text).map_err(ValueError)
}

/// A consent by its number.
pub fn consent_id() -> impl TypedValueParser<Value = ConsentId> {
	clap::value_parser!(u64).map(ConsentId)
}

/// An emergency grant by its number.
pub fn emergency_id() -> impl TypedValueParser<Value = EmergencyId> {
	clap::value_parser!(u64).map(EmergencyId)
}

/// `--days N`: a whole number of days.
pub fn days() -> impl TypedValueParser<Value = Duration> {
	clap::value_parser!(u64).try_map(|days| span(days, 24 * 60 * 60 * 1000, "days"))
}

/// `--minutes N`: a whole number of minutes.
pub fn minutes() -> impl TypedValueParser<Value = Duration> {
	clap::value_parser!(u64).try_map(|minutes| span(minutes, 60 * 1000, "minutes"))
}

/// `count` units of `unit_ms` milliseconds, as long as the chain's clock (u64 milliseconds)
/// can count that far from now.
fn span(count: u64, unit_ms: u64, units: &str) -> Result<Duration, ValueError> {
	count
		.checked_mul(unit_ms)
		.filter(|ms| ms.checked_add(now_ms()).is_some())
		.map(Duration::from_millis)
		.ok_or_else(|| {
			ValueError(format!("{count} {units} is further than the chain's clock counts"))
		})
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
}

/// Milliseconds of a duration the parsers above made (they keep it within u64).
pub fn millis(duration: Duration) -> u64 {
	u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The chain time (ms since the Unix epoch) `duration` from now.
pub fn from_now(duration: Duration) -> u64 {
	now_ms().saturating_add(millis(duration))
}

#[cfg(test)]
mod tests {
	use clap::Parser;

	use super::*;
	use crate::args::{Cli, Command};

	fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
		Cli::try_parse_from(["medchain"].iter().chain(args))
	}

	/// The one line `main` prints for a refused value, or `None` for clap's own usage errors.
	fn refusal(args: &[&str]) -> Option<String> {
		let error = parse(args).expect_err("refused");
		refused_value(&error).map(ToString::to_string)
	}

	#[test]
	fn values_parse_into_their_types() {
		let did = format!("did:medchain:{}", "ab".repeat(32));
		assert_eq!(subject(&did), Ok(SubjectId([0xab; 32])));
		assert_eq!(record(&format!("0x{}", "07".repeat(32))), Ok(RecordId([7; 32])));
		let two = format!("0x{}, 0x{},", "01".repeat(32), "02".repeat(32));
		assert_eq!(records(&two), Ok(RecordIds(vec![RecordId([1; 32]), RecordId([2; 32])])));
		assert_eq!(records(""), Ok(RecordIds::default()));
		assert_eq!(data_classes(""), Ok(DataClassSet::EMPTY));
		assert_eq!(
			data_classes("labs, imaging"),
			Ok(DataClassSet::of(&[DataClass::Labs, DataClass::Imaging]))
		);
		assert_eq!(
			actions("read,create"),
			Ok(ActionSet::of(&[ConsentAction::Read, ConsentAction::Create]))
		);
		assert_eq!(purposes("TREAT"), Ok(PurposeSet::of(&[PurposeOfUse::Treat])));
		assert_eq!(key_agreement(&format!("0x{}", "11".repeat(32))), Ok([0x11; 32]));
		assert_eq!(record_status("erased"), Ok(RecordStatus::Erased));
		assert_eq!(role("physician"), Ok(PractitionerRole::Physician));
	}

	#[test]
	fn a_bad_value_is_one_line_naming_it() {
		let xrays = refusal(&["consent", "check", "--class", "xrays"]).expect("a value error");
		assert!(xrays.starts_with("unknown data class `xrays`; expected one of: demographics"));
		let short = refusal(&["record", "show", "0x1234"]).expect("a value error");
		assert_eq!(short, "`0x1234` is not a record identifier: need 32 bytes");
		let did = refusal(&["consent", "list", "--patient", "did:medchain:zz"]).expect("refused");
		assert!(did.contains("did:medchain:zz"), "{did}");
		let surgeon = refusal(&[
			"practitioner",
			"attest",
			&format!("0x{}", "ab".repeat(32)),
			"--role",
			"surgeon",
		]);
		assert!(surgeon.expect("a value error").starts_with("unknown role `surgeon`"));
		let account = refusal(&["balance", "transfer", "--to", "not-an-account", "--units", "1"]);
		assert!(account.expect("a value error").contains("is not an SS58 account"));
		let key = refusal(&[
			"org",
			"admit",
			"--controller",
			"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
			"--key-agreement",
			"0x12",
		]);
		assert_eq!(key.as_deref(), Some("`0x12` is not a 32-byte hex key"));
		for line in [xrays, short, did] {
			assert!(!line.contains('\n'), "{line}");
		}
	}

	#[test]
	fn a_wrong_action_lists_the_names_the_cli_takes() {
		let to = format!("did:medchain:{}", "ab".repeat(32));
		let refused = |actions: &str| {
			refusal(&["consent", "grant", "--to", &to, "--actions", actions])
				.expect("a value error")
		};
		let expected = "unknown action `write`; expected one of: read, create, share";
		assert_eq!(refused("write"), expected);
		assert_eq!(refused("read,write"), expected);
		let check = refusal(&["consent", "check", "--class", "labs", "--action", "write"]);
		assert_eq!(check.as_deref(), Some(expected));
	}

	#[test]
	fn durations_are_checked_and_usage_errors_stay_claps() {
		let far = refusal(&[
			"emergency",
			"open",
			"--patient",
			&format!("0x{}", "ab".repeat(32)),
			"--minutes",
			"18446744073709551615",
		]);
		assert!(far.expect("a value error").contains("further than the chain's clock counts"));
		// A number that is not one, a missing argument: clap's usage errors (exit 2), as before.
		assert_eq!(refusal(&["consent", "revoke", "seven"]), None);
		assert_eq!(refusal(&["consent", "grant"]), None);
		assert_eq!(refusal(&["emergency", "end", "-1"]), None);

		let cli = parse(&[
			"practitioner",
			"attest",
			&format!("0x{}", "ab".repeat(32)),
			"--role",
			"nurse",
		])
		.unwrap();
		let Command::Practitioner(crate::commands::practitioner::PractitionerCommand::Attest {
			days,
			..
		}) = cli.command
		else {
			panic!("parsed as another command");
		};
		assert_eq!(millis(days), 365 * 24 * 3600 * 1000, "the default, a year");
	}
}
