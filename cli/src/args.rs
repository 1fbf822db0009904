//! The command line: every command with its arguments, help and an example.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// MedChain from the command line: keys, identities, consents, records and the audit trail.
#[derive(Parser, Debug)]
#[command(name = "medchain", version, about, long_about = None)]
#[command(
	after_help = "Example:\n  medchain keys new && medchain identity register --kind patient"
)]
pub struct Cli {
	/// The node's WebSocket RPC address.
	#[arg(long, global = true, env = "MEDCHAIN_NODE_URL", default_value = "ws://127.0.0.1:9944")]
	pub node: String,

	/// The key file to sign with (`keys new` writes it). Its passphrase comes from
	/// MEDCHAIN_PASSPHRASE, or is asked for on a terminal.
	#[arg(long, global = true, env = "MEDCHAIN_KEY_FILE", default_value = "medchain-key.json")]
	pub key_file: PathBuf,

	/// The custodian gateway's address, for `record put|upload|get`.
	#[arg(
		long,
		global = true,
		env = "MEDCHAIN_GATEWAY_URL",
		default_value = "http://127.0.0.1:8480"
	)]
	pub gateway: String,

	/// A CA certificate (PEM) to trust for the gateway's TLS, besides the system's.
	#[arg(long, global = true, env = "MEDCHAIN_GATEWAY_CA")]
	pub gateway_ca: Option<PathBuf>,

	/// Print JSON for scripts instead of tables.
	#[arg(long, global = true)]
	pub json: bool,

	/// What a write waits for before the command returns.
	#[arg(long, global = true, value_enum, default_value = "finalized")]
	pub wait: WaitFor,

	#[command(subcommand)]
	pub command: Command,
}

/// What a write waits for.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum WaitFor {
	/// Included in a best block.
	InBlock,
	/// Finalized by GRANDPA.
	Finalized,
}

#[derive(Subcommand, Debug)]
pub enum Command {
	/// Create, import, export and show your keys.
	#[command(subcommand)]
	Keys(KeysCommand),
	/// Register and manage your identity.
	#[command(subcommand)]
	Identity(IdentityCommand),
	/// Organizations (admitted through governance).
	#[command(subcommand)]
	Org(OrgCommand),
	/// Practitioner attestations, as an organization.
	#[command(subcommand)]
	Practitioner(PractitionerCommand),
	/// Grant, revoke, list and check consents.
	#[command(subcommand)]
	Consent(ConsentCommand),
	/// Break-glass emergency access.
	#[command(subcommand)]
	Emergency(EmergencyCommand),
	/// Encrypt and anchor records; list, show, open and erase them.
	#[command(subcommand)]
	Record(RecordCommand),
	/// A patient's audit trail: show, verify, export as FHIR.
	#[command(subcommand)]
	Audit(AuditCommand),
	/// Token balances: fees for everyone but (soon) patients.
	#[command(subcommand)]
	Balance(BalanceCommand),
	/// Shell completions, on stdout.
	#[command(
		after_help = "Example:\n  medchain completions bash > /etc/bash_completion.d/medchain"
	)]
	Completions {
		/// The shell.
		shell: clap_complete::Shell,
	},
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
	/// New keys from a fresh 12-word mnemonic, saved encrypted to the key file. Write the
	/// mnemonic down: it is shown once.
	#[command(
		after_help = "Example:\n  MEDCHAIN_PASSPHRASE=… medchain --key-file alice.json keys new"
	)]
	New {
		/// Overwrite an existing key file.
		#[arg(long)]
		force: bool,
	},
	/// Keys from an existing mnemonic (or secret URI such as `//Alice` on a dev chain), read
	/// from MEDCHAIN_MNEMONIC or stdin, saved encrypted to the key file.
	#[command(
		after_help = "Example:\n  echo '//Alice' | medchain --key-file sudo.json keys import"
	)]
	Import {
		/// Overwrite an existing key file.
		#[arg(long)]
		force: bool,
	},
	/// Print the mnemonic of the key file (asks for its passphrase).
	#[command(after_help = "Example:\n  medchain keys export")]
	Export,
	/// Show the key file's account and key-agreement key (no passphrase needed).
	#[command(after_help = "Example:\n  medchain keys show --json")]
	Show,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SelfKind {
	/// A patient.
	Patient,
	/// A practitioner (attested later by an organization).
	Practitioner,
}

#[derive(Subcommand, Debug)]
pub enum IdentityCommand {
	/// Register yourself as a patient or practitioner with your key file's keys.
	#[command(
		after_help = "Example:\n  medchain identity register --kind patient --profile me.json"
	)]
	Register {
		/// What you register as.
		#[arg(long, value_enum)]
		kind: SelfKind,
		/// Your off-chain profile document: only a salted hash of it goes on chain; the salt is
		/// printed for you to keep.
		#[arg(long)]
		profile: Option<PathBuf>,
	},
	/// Show an identity document (default: yours).
	#[command(after_help = "Example:\n  medchain identity show did:medchain:…")]
	Show {
		/// The subject (did:medchain:… or 0x hex).
		subject: Option<String>,
	},
	/// Move your identity to the keys of another key file (a new signing key and key-agreement
	/// key); the old key file stops working.
	#[command(after_help = "Example:\n  medchain identity rotate-key --new-key-file new.json")]
	RotateKey {
		/// The key file with the new keys (`keys new` makes one). Its passphrase comes from
		/// MEDCHAIN_NEW_PASSPHRASE, or MEDCHAIN_PASSPHRASE.
		#[arg(long)]
		new_key_file: PathBuf,
	},
	/// Guardians who may act for you.
	#[command(subcommand)]
	Guardian(GuardianCommand),
}

#[derive(Subcommand, Debug)]
pub enum GuardianCommand {
	/// Name a guardian.
	#[command(after_help = "Example:\n  medchain identity guardian add did:medchain:… --delegate")]
	Add {
		/// The guardian (a registered patient or practitioner).
		guardian: String,
		/// May grant and revoke consent, anchor and erase records for you.
		#[arg(long)]
		delegate: bool,
		/// May take part in recovering your lost key.
		#[arg(long)]
		recovery: bool,
	},
	/// Remove a guardian.
	#[command(after_help = "Example:\n  medchain identity guardian remove did:medchain:…")]
	Remove {
		/// The guardian.
		guardian: String,
	},
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
	/// Admit an organization, through governance (today the chain's sudo key: run it with the
	/// sudo key file, `//Alice` on a dev chain).
	#[command(
		after_help = "Example:\n  medchain --key-file sudo.json org admit --controller 5F… --key-agreement 0x…"
	)]
	Admit {
		/// The organization's signing account (SS58).
		#[arg(long)]
		controller: String,
		/// The organization's X25519 key-agreement key, 32 bytes hex (`keys show` prints it).
		#[arg(long)]
		key_agreement: String,
		/// The organization's off-chain profile: a salted hash goes on chain.
		#[arg(long)]
		profile: Option<PathBuf>,
	},
	/// Register a gateway of your organization (run with the organization's key file); the
	/// gateway then runs with its own key file (`medchain-gateway --key-file`).
	#[command(
		after_help = "Example:\n  medchain --key-file org.json org add-gateway --controller 5F… --key-agreement 0x…"
	)]
	AddGateway {
		/// The gateway's signing account (SS58): `keys show` on the gateway's key file.
		#[arg(long)]
		controller: String,
		/// The gateway's X25519 key, 32 bytes hex.
		#[arg(long)]
		key_agreement: String,
		/// The gateway's off-chain description (its address, operator): a salted hash goes on chain.
		#[arg(long)]
		profile: Option<PathBuf>,
	},
}

#[derive(Subcommand, Debug)]
pub enum PractitionerCommand {
	/// Attest a practitioner in a role until an expiry, as the organization of the key file.
	#[command(
		after_help = "Example:\n  medchain practitioner attest did:medchain:… --role physician --days 365"
	)]
	Attest {
		/// The practitioner.
		practitioner: String,
		/// Their role: physician, nurse, pharmacist, lab, imaging, mental-health, emergency,
		/// administrative.
		#[arg(long)]
		role: String,
		/// Days from now until the attestation expires.
		#[arg(long, default_value_t = 365)]
		days: u64,
		/// The license document: a salted hash goes on chain.
		#[arg(long)]
		license: Option<PathBuf>,
	},
	/// Revoke your organization's attestation of a practitioner.
	#[command(after_help = "Example:\n  medchain practitioner revoke did:medchain:…")]
	Revoke {
		/// The practitioner.
		practitioner: String,
	},
}

/// What a consent covers.
#[derive(Args, Debug)]
pub struct Coverage {
	/// Data classes covered, comma-separated (labs, imaging, medications, …).
	#[arg(long, default_value = "")]
	pub classes: String,
	/// Records covered by identifier (0x…), comma-separated.
	#[arg(long, default_value = "")]
	pub records: String,
	/// Classes excluded even where covered otherwise, comma-separated.
	#[arg(long, default_value = "")]
	pub exclude: String,
}

#[derive(Subcommand, Debug)]
pub enum ConsentCommand {
	/// Grant a practitioner (or a whole organization) access to your data.
	#[command(
		after_help = "Example:\n  medchain consent grant --to did:medchain:… --classes labs --actions read --purposes TREAT --days 30"
	)]
	Grant {
		/// The grantee: a practitioner, or with --organization an organization.
		#[arg(long)]
		to: String,
		/// The grantee is an organization: all its attested practitioners.
		#[arg(long)]
		organization: bool,
		/// The patient (default: you; a delegate guardian names the patient).
		#[arg(long)]
		patient: Option<String>,
		#[command(flatten)]
		coverage: Coverage,
		/// Actions allowed, comma-separated: read, create, share.
		#[arg(long, default_value = "read")]
		actions: String,
		/// Purposes of use allowed, comma-separated: TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH, PUBHLTH.
		#[arg(long, default_value = "TREAT")]
		purposes: String,
		/// Days the consent lasts (default: until revoked).
		#[arg(long)]
		days: Option<u64>,
	},
	/// Revoke a consent: it stops counting from the next block.
	#[command(after_help = "Example:\n  medchain consent revoke 7")]
	Revoke {
		/// The consent's number.
		id: u64,
	},
	/// List a patient's consents, newest first (default: yours).
	#[command(after_help = "Example:\n  medchain consent list --json")]
	List {
		/// The patient.
		#[arg(long)]
		patient: Option<String>,
	},
	/// Ask the access rule: may this accessor do this? Prints Permit with its basis, or Deny
	/// with the reason. Exits 0 either way; 3 on Deny with --require-permit.
	#[command(
		after_help = "Example:\n  medchain consent check --patient did:… --accessor did:… --class labs"
	)]
	Check {
		/// The patient (default: you).
		#[arg(long)]
		patient: Option<String>,
		/// Who would access (default: you).
		#[arg(long)]
		accessor: Option<String>,
		/// The action: read, create, share.
		#[arg(long, default_value = "read")]
		action: String,
		/// A data class.
		#[arg(long, conflicts_with = "record", required_unless_present = "record")]
		class: Option<String>,
		/// A record (its anchor gives the class).
		#[arg(long)]
		record: Option<String>,
		/// The purpose of use.
		#[arg(long, default_value = "TREAT")]
		purpose: String,
		/// Exit 3 when the answer is Deny.
		#[arg(long)]
		require_permit: bool,
	},
}

#[derive(Subcommand, Debug)]
pub enum EmergencyCommand {
	/// Break the glass: read access to a patient's data for emergency treatment (ETREAT), for a
	/// limited time, with a justification kept off chain (its salted hash goes on chain). The
	/// patient is alerted. The justification is read from a file or stdin, never the command
	/// line (it may name a condition, and other users see command lines).
	#[command(
		after_help = "Example:\n  echo 'unconscious, allergy check' | medchain emergency open --patient did:… --minutes 60"
	)]
	Open {
		/// The patient.
		#[arg(long)]
		patient: String,
		/// Minutes of access.
		#[arg(long, default_value_t = 60)]
		minutes: u64,
		/// The file holding the justification (default: stdin).
		#[arg(long)]
		justification_file: Option<PathBuf>,
	},
	/// End an emergency access before its time.
	#[command(after_help = "Example:\n  medchain emergency end 3")]
	End {
		/// The emergency grant's number.
		id: u64,
	},
}

#[derive(Subcommand, Debug)]
pub enum RecordCommand {
	/// Encrypt a file as a new record of a patient and anchor it on chain; the ciphertext and
	/// the envelopes (for the patient and the custodian) are written to --out for the custodian.
	#[command(
		after_help = "Example:\n  medchain record anchor --file labs.pdf --class labs --custodian did:medchain:…"
	)]
	Anchor {
		/// The file to encrypt.
		#[arg(long)]
		file: PathBuf,
		/// Its data class.
		#[arg(long)]
		class: String,
		/// The patient (default: you).
		#[arg(long)]
		patient: Option<String>,
		/// The custodian organization (default: your attesting organization).
		#[arg(long)]
		custodian: Option<String>,
		/// The purpose of use.
		#[arg(long, default_value = "TREAT")]
		purpose: String,
		/// Where the ciphertext and envelopes go.
		#[arg(long, default_value = "medchain-records")]
		out: PathBuf,
		/// Also wrap the data key for the gateway at --gateway (checked on chain; it becomes the
		/// custodian), so that `record upload` can send the files later.
		#[arg(long)]
		for_gateway: bool,
	},
	/// Encrypt a file as a new version of a record (which it supersedes).
	#[command(after_help = "Example:\n  medchain record amend 0x… --file labs-v2.pdf")]
	Amend {
		/// The record it supersedes (its latest version).
		predecessor: String,
		/// The file to encrypt.
		#[arg(long)]
		file: PathBuf,
		/// The custodian organization (default: the predecessor's, if you may use it).
		#[arg(long)]
		custodian: Option<String>,
		/// The purpose of use.
		#[arg(long, default_value = "TREAT")]
		purpose: String,
		/// Where the ciphertext and envelopes go.
		#[arg(long, default_value = "medchain-records")]
		out: PathBuf,
	},
	/// List a patient's records, newest first (default: yours).
	#[command(after_help = "Example:\n  medchain record list --class labs --status active")]
	List {
		/// The patient.
		#[arg(long)]
		patient: Option<String>,
		/// Only this class.
		#[arg(long)]
		class: Option<String>,
		/// Only this status: active, superseded, erased.
		#[arg(long)]
		status: Option<String>,
		/// At most this many.
		#[arg(long, default_value_t = 100)]
		limit: u32,
	},
	/// Show a record's anchor.
	#[command(after_help = "Example:\n  medchain record show 0x…")]
	Show {
		/// The record.
		id: String,
	},
	/// Decrypt a record from the files `anchor` wrote, after checking them against the anchor's
	/// hash, with your envelope.
	#[command(after_help = "Example:\n  medchain record open 0x… --out labs.pdf")]
	Open {
		/// The record.
		id: String,
		/// Where `anchor` wrote the ciphertext and envelopes.
		#[arg(long, default_value = "medchain-records")]
		dir: PathBuf,
		/// Where the plaintext goes.
		#[arg(long)]
		out: PathBuf,
	},
	/// Encrypt a file, anchor it with the gateway's organization as custodian, and upload the
	/// ciphertext with envelopes for the patient and the gateway (the gateway is checked on chain
	/// first).
	#[command(
		after_help = "Example:\n  medchain --gateway https://gw.hospital.example record put --file labs.pdf --class labs --patient did:medchain:…"
	)]
	Put {
		/// The file to encrypt.
		#[arg(long)]
		file: PathBuf,
		/// Its data class.
		#[arg(long)]
		class: String,
		/// The patient (default: you).
		#[arg(long)]
		patient: Option<String>,
		/// The purpose of use.
		#[arg(long, default_value = "TREAT")]
		purpose: String,
		/// Where the ciphertext and envelopes are kept if the upload fails (to retry with
		/// `record upload`).
		#[arg(long, default_value = "medchain-records")]
		out: PathBuf,
	},
	/// Upload an anchored record's ciphertext and envelopes from files (`record anchor`'s, or a
	/// failed `record put`'s) to the gateway.
	#[command(after_help = "Example:\n  medchain record upload 0x… --dir medchain-records")]
	Upload {
		/// The record.
		id: String,
		/// Where the ciphertext and envelopes are.
		#[arg(long, default_value = "medchain-records")]
		dir: PathBuf,
	},
	/// Fetch a record from its custodian's gateway: the chain decides; the ciphertext is checked
	/// against the anchor's hash, then decrypted with the key the gateway wrapped for you.
	#[command(after_help = "Example:\n  medchain record get 0x… --out labs.pdf --purpose TREAT")]
	Get {
		/// The record.
		id: String,
		/// Where the plaintext goes.
		#[arg(long)]
		out: PathBuf,
		/// The purpose of use.
		#[arg(long, default_value = "TREAT")]
		purpose: String,
	},
	/// Erase a record and every earlier version: the custodian deletes the ciphertext; only the
	/// hashes stay on chain. Patients and delegate guardians only.
	#[command(after_help = "Example:\n  medchain record erase 0x…")]
	Erase {
		/// The record.
		id: String,
	},
}

#[derive(Subcommand, Debug)]
pub enum BalanceCommand {
	/// An account's free balance (default: yours), in units of 10^12.
	#[command(after_help = "Example:\n  medchain balance show 5F…")]
	Show {
		/// The account (SS58).
		account: Option<String>,
	},
	/// Send units to an account (the dev chain's Alice, `//Alice`, holds plenty).
	#[command(
		after_help = "Example:\n  medchain --key-file sudo.json balance transfer --to 5F… --units 100"
	)]
	Transfer {
		/// The receiving account (SS58).
		#[arg(long)]
		to: String,
		/// Whole units to send.
		#[arg(long)]
		units: u64,
	},
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
	/// A patient's trail as a timeline, oldest first (default: yours).
	#[command(after_help = "Example:\n  medchain audit show --patient did:…")]
	Show {
		/// The patient.
		#[arg(long)]
		patient: Option<String>,
	},
	/// Re-hash a patient's whole trail here (trusting no node) and on the node; exits 2 when
	/// a link is broken.
	#[command(after_help = "Example:\n  medchain audit verify")]
	Verify {
		/// The patient.
		#[arg(long)]
		patient: Option<String>,
	},
	/// A patient's trail as a FHIR R4 Bundle of AuditEvent resources.
	#[command(after_help = "Example:\n  medchain audit export-fhir --out trail.json")]
	ExportFhir {
		/// The patient.
		#[arg(long)]
		patient: Option<String>,
		/// Write to this file instead of stdout.
		#[arg(long)]
		out: Option<PathBuf>,
	},
}
