//! Each command: parse, call the client library, print.

use std::{
	fs::File,
	io::{BufReader, BufWriter, Read},
	path::{Path, PathBuf},
	time::{SystemTime, UNIX_EPOCH},
};

use clap::CommandFactory;
use medchain_client::{
	chain::{self, runtime, verify_locally, Chain, Static, H256},
	codes,
	commitment::Commitment,
	envelope::{self, Envelope},
	fhir,
	keys::{KeyFile, Keys},
};
use medchain_primitives::{
	audit::AuditEntry,
	consent::{
		AccessDecision, AccessTarget, ActionSet, ConsentId, ConsentStatus, DataClassSet,
		EmergencyId, Grantee, PermitBasis, PurposeSet, RecordId,
	},
	identity::{GuardianRights, SubjectId, SubjectKind},
	records::{RecordAnchor, RecordFilter},
};
use serde_json::{json, Value};

use crate::{
	args::*,
	context::{code, hex0x, record_id, subject, table, time, Ctx, Failure, Result},
};

/// Runs the command line.
pub async fn run(cli: Cli) -> std::result::Result<(), Failure> {
	let ctx = Ctx::new(&cli);
	let result = match &cli.command {
		Command::Keys(command) => keys(&ctx, command),
		Command::Identity(command) => identity(&ctx, command).await,
		Command::Org(command) => org(&ctx, command).await,
		Command::Practitioner(command) => practitioner(&ctx, command).await,
		Command::Consent(command) => consent(&ctx, command).await,
		Command::Emergency(command) => emergency(&ctx, command).await,
		Command::Record(command) => record(&ctx, command).await,
		Command::Audit(command) => audit(&ctx, command).await,
		Command::Balance(command) => balance(&ctx, command).await,
		Command::Completions { shell } => {
			clap_complete::generate(
				*shell,
				&mut Cli::command(),
				"medchain",
				&mut std::io::stdout(),
			);
			Ok(())
		},
	};
	result
}

fn now_ms() -> u64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

fn commitment_of(path: Option<&Path>) -> Result<Option<Commitment>> {
	path.map(|path| {
		std::fs::read(path)
			.map(|document| Commitment::new(&document))
			.map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))
	})
	.transpose()
}

fn commitment_json(commitment: &Option<Commitment>) -> Value {
	match commitment {
		Some(c) => json!({ "hash": hex0x(c.hash.as_bytes()), "salt": hex0x(&c.salt) }),
		None => Value::Null,
	}
}

fn write_key_file(ctx: &Ctx, keys: &Keys, force: bool) -> Result<()> {
	let path = &ctx.cli.key_file;
	if path.exists() && !force {
		return Err(Failure::new(format!(
			"{} exists: pass --force to overwrite it (its keys are lost unless written down)",
			path.display()
		)));
	}
	let passphrase = ctx.passphrase("MEDCHAIN_PASSPHRASE", "New key file passphrase: ")?;
	if passphrase.is_empty() {
		return Err(Failure::new("the passphrase is empty"));
	}
	let file = KeyFile::seal(keys, &passphrase)?;
	// Written to a fresh file readable by its owner only, then moved into place.
	let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
	let write = || -> std::io::Result<()> {
		let mut temporary = tempfile::NamedTempFile::new_in(dir)?;
		std::io::Write::write_all(&mut temporary, file.to_json().as_bytes())?;
		temporary.persist(path).map_err(|e| e.error)?;
		Ok(())
	};
	write().map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))
}

fn keys(ctx: &Ctx, command: &KeysCommand) -> Result<()> {
	match command {
		KeysCommand::New { force } => {
			let keys = Keys::generate();
			write_key_file(ctx, &keys, *force)?;
			ctx.print(
				&json!({
					"account": keys.ss58(),
					"key_agreement": hex0x(&keys.agreement_public()),
					"mnemonic": keys.phrase(),
					"key_file": ctx.cli.key_file,
				}),
				|| {
					format!(
						"account        {}\nkey agreement  {}\nkey file       {}\n\nmnemonic (write it down; it is the only way back to these keys):\n  {}",
						keys.ss58(),
						hex0x(&keys.agreement_public()),
						ctx.cli.key_file.display(),
						keys.phrase()
					)
				},
			);
		},
		KeysCommand::Import { force } => {
			let phrase = match std::env::var("MEDCHAIN_MNEMONIC") {
				Ok(phrase) => phrase,
				Err(_) => {
					let mut phrase = String::new();
					std::io::stdin()
						.read_to_string(&mut phrase)
						.map_err(|e| Failure::new(format!("cannot read the mnemonic: {e}")))?;
					phrase
				},
			};
			let keys = Keys::from_phrase(&phrase)?;
			write_key_file(ctx, &keys, *force)?;
			ctx.print(
				&json!({ "account": keys.ss58(), "key_agreement": hex0x(&keys.agreement_public()) }),
				|| format!("imported {} into {}", keys.ss58(), ctx.cli.key_file.display()),
			);
		},
		KeysCommand::Export => {
			let keys = ctx.keys()?;
			ctx.print(&json!({ "mnemonic": keys.phrase() }), || keys.phrase().to_owned());
		},
		KeysCommand::Show => {
			let file = Ctx::key_file_at(&ctx.cli.key_file)?;
			ctx.print(
				&json!({ "account": file.account, "key_agreement": format!("0x{}", file.key_agreement) }),
				|| {
					format!(
						"account        {}\nkey agreement  0x{}",
						file.account, file.key_agreement
					)
				},
			);
		},
	}
	Ok(())
}

fn identity_json(
	document: &medchain_primitives::identity::IdentityDocument<medchain_primitives::AccountId>,
) -> Value {
	json!({
		"id": document.id.to_did(),
		"kind": codes::kind_name(document.kind),
		"status": format!("{:?}", document.status).to_lowercase(),
		"controller": document.controller.to_string(),
		"key_agreement": hex0x(&document.key_agreement),
		"profile_hash": hex0x(document.profile_hash.as_bytes()),
		"organization": document.organization.map(|o| o.to_did()),
		"registered_at": document.registered_at,
		"is_practitioner": document.is_practitioner,
		"attestations": document.attestations.iter().map(|a| json!({
			"organization": a.organization.to_did(),
			"role": codes::role_name(a.role),
			"expires_at": time(a.expires_at),
			"live": a.live,
		})).collect::<Vec<_>>(),
		"guardians": document.guardians.iter().map(|(g, rights)| json!({
			"guardian": g.to_did(), "delegate": rights.delegate, "recovery": rights.recovery,
		})).collect::<Vec<_>>(),
	})
}

async fn identity(ctx: &Ctx<'_>, command: &IdentityCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	match command {
		IdentityCommand::Register { kind, profile } => {
			let keys = ctx.keys()?;
			let kind = match kind {
				SelfKind::Patient => SubjectKind::Patient,
				SelfKind::Practitioner => SubjectKind::Practitioner,
			};
			let profile = commitment_of(profile.as_deref())?;
			let call = runtime::transactions().identity().register(
				Static(kind),
				keys.agreement_public(),
				profile.map(|c| c.hash).unwrap_or_default(),
			);
			ctx.submit(&chain, &keys, &call, "register").await?;
			let id = ctx.me(&chain, &keys).await?;
			ctx.print(
				&json!({ "id": id.to_did(), "kind": codes::kind_name(kind), "account": keys.ss58(), "profile": commitment_json(&profile) }),
				|| {
					let mut text = format!("registered {} as a {}", id.to_did(), codes::kind_name(kind));
					if let Some(c) = &profile {
						text += &format!("\nprofile salt (keep it with the profile): {}", hex0x(&c.salt));
					}
					text
				},
			);
		},
		IdentityCommand::Show { subject: text } => {
			let id = match text {
				Some(text) => subject(text)?,
				None => {
					let keys = ctx.keys()?;
					ctx.me(&chain, &keys).await?
				},
			};
			let document = chain.identity(id).await?.ok_or_else(|| {
				Failure::new(format!("{} is not a registered subject", id.to_did()))
			})?;
			let value = identity_json(&document);
			ctx.print(&value, || {
				let mut rows = vec![
					vec!["id".into(), document.id.to_did()],
					vec!["kind".into(), codes::kind_name(document.kind).into()],
					vec!["status".into(), value["status"].as_str().unwrap_or_default().into()],
					vec!["controller".into(), document.controller.to_string()],
					vec!["key agreement".into(), hex0x(&document.key_agreement)],
				];
				for a in &document.attestations {
					rows.push(vec![
						"attestation".into(),
						format!(
							"{} by {} until {}{}",
							codes::role_name(a.role),
							a.organization.to_did(),
							time(a.expires_at),
							if a.live { "" } else { " (not live)" }
						),
					]);
				}
				for (g, rights) in &document.guardians {
					rows.push(vec![
						"guardian".into(),
						format!(
							"{} delegate={} recovery={}",
							g.to_did(),
							rights.delegate,
							rights.recovery
						),
					]);
				}
				table(&["field", "value"], rows)
			});
		},
		IdentityCommand::RotateKey { new_key_file } => {
			let keys = ctx.keys()?;
			let me = ctx.me(&chain, &keys).await?;
			let new_file = Ctx::key_file_at(new_key_file)?;
			let passphrase =
				ctx.passphrase("MEDCHAIN_NEW_PASSPHRASE", "New key file passphrase: ")?;
			let new_keys = new_file.open(&passphrase)?;
			let payload =
				chain.rotation_payload(me, &new_keys.account()).await?.ok_or_else(|| {
					Failure::new("the chain gives no rotation payload for this identity")
				})?;
			let proof = new_keys.signer().sign(&payload.payload);
			let call = runtime::transactions().identity().rotate_controller(
				new_keys.account(),
				runtime::runtime_types::sp_runtime::MultiSignature::Sr25519(proof.0),
			);
			ctx.submit(&chain, &keys, &call, "rotate signing key").await?;
			let call = runtime::transactions()
				.identity()
				.rotate_key_agreement(new_keys.agreement_public());
			ctx.submit(&chain, &new_keys, &call, "rotate key-agreement key").await?;
			ctx.print(
				&json!({ "id": me.to_did(), "controller": new_keys.ss58(), "key_agreement": hex0x(&new_keys.agreement_public()) }),
				|| format!("{} is now controlled by {} ({} no longer signs for it)", me.to_did(), new_keys.ss58(), keys.ss58()),
			);
		},
		IdentityCommand::Guardian(GuardianCommand::Add { guardian, delegate, recovery }) => {
			let keys = ctx.keys()?;
			let guardian = subject(guardian)?;
			let rights = GuardianRights { delegate: *delegate, recovery: *recovery };
			let call = runtime::transactions()
				.identity()
				.add_guardian(Static(guardian), Static(rights));
			ctx.submit(&chain, &keys, &call, "add guardian").await?;
			ctx.print(
				&json!({ "guardian": guardian.to_did(), "delegate": delegate, "recovery": recovery }),
				|| {
					format!(
						"{} is your guardian (delegate={delegate}, recovery={recovery})",
						guardian.to_did()
					)
				},
			);
		},
		IdentityCommand::Guardian(GuardianCommand::Remove { guardian }) => {
			let keys = ctx.keys()?;
			let guardian = subject(guardian)?;
			let call = runtime::transactions().identity().remove_guardian(Static(guardian));
			ctx.submit(&chain, &keys, &call, "remove guardian").await?;
			ctx.print(&json!({ "removed": guardian.to_did() }), || {
				format!("{} is no longer your guardian", guardian.to_did())
			});
		},
	}
	Ok(())
}

fn account_and_key(
	controller: &str,
	key_agreement: &str,
) -> Result<(chain::AccountId32, [u8; 32])> {
	let account = controller
		.parse()
		.map_err(|e| Failure::new(format!("`{controller}` is not an SS58 account: {e:?}")))?;
	let key: [u8; 32] = hex::decode(key_agreement.trim_start_matches("0x"))
		.ok()
		.and_then(|bytes| bytes.try_into().ok())
		.ok_or_else(|| Failure::new(format!("`{key_agreement}` is not a 32-byte hex key")))?;
	Ok((account, key))
}

async fn org(ctx: &Ctx<'_>, command: &OrgCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	let keys = ctx.keys()?;
	let (controller, key_agreement, profile) = match command {
		OrgCommand::Admit { controller, key_agreement, profile } => {
			(controller, key_agreement, profile)
		},
		OrgCommand::AddGateway { controller, key_agreement, profile } => {
			let (controller, key) = account_and_key(controller, key_agreement)?;
			let profile = commitment_of(profile.as_deref())?;
			let call = runtime::transactions().identity().register_gateway(
				controller,
				key,
				profile.map(|c| c.hash).unwrap_or_default(),
			);
			ctx.submit(&chain, &keys, &call, "register gateway").await?;
			let id = chain
				.subject_of(&controller)
				.await?
				.ok_or_else(|| Failure::new("the gateway was not registered"))?;
			ctx.print(&json!({ "id": id.to_did(), "controller": controller.to_string(), "profile": commitment_json(&profile) }), || {
				format!("registered gateway {} (controller {controller})", id.to_did())
			});
			return Ok(());
		},
	};
	let (controller, key) = account_and_key(controller, key_agreement)?;
	let profile = commitment_of(profile.as_deref())?;
	use runtime::runtime_types::{
		medchain_runtime::RuntimeCall, pallet_patient_identity::pallet::Call,
	};
	let admit = RuntimeCall::Identity(Call::admit_organization {
		controller,
		key_agreement: key,
		profile_hash: profile.map(|c| c.hash).unwrap_or_default(),
	});
	let included = ctx
		.submit(&chain, &keys, &runtime::transactions().sudo().sudo(admit), "admit organization")
		.await?;
	// Sudo reports the inner call's failure as an event, not as the extrinsic's.
	if let Some(Ok(done)) = included.events.find_first::<runtime::sudo::events::Sudid>() {
		if let Err(error) = done.sudo_result {
			return Err(Failure::new(format!("the admission failed: {error:?}")));
		}
	}
	let id = chain
		.subject_of(&controller)
		.await?
		.ok_or_else(|| Failure::new("the organization was not admitted"))?;
	ctx.print(&json!({ "id": id.to_did(), "controller": controller.to_string(), "profile": commitment_json(&profile) }), || {
		format!("admitted organization {} (controller {controller})", id.to_did())
	});
	Ok(())
}

async fn practitioner(ctx: &Ctx<'_>, command: &PractitionerCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	let keys = ctx.keys()?;
	match command {
		PractitionerCommand::Attest { practitioner, role, days, license } => {
			let practitioner = subject(practitioner)?;
			let role = code(codes::role(role))?;
			let license = commitment_of(license.as_deref())?;
			let expires_at = now_ms() + days * 24 * 3600 * 1000;
			let call = runtime::transactions().identity().attest_practitioner(
				Static(practitioner),
				Static(role),
				license.map(|c| c.hash).unwrap_or_default(),
				expires_at,
			);
			ctx.submit(&chain, &keys, &call, "attest").await?;
			ctx.print(
				&json!({ "practitioner": practitioner.to_did(), "role": codes::role_name(role), "expires_at": expires_at, "license": commitment_json(&license) }),
				|| format!("attested {} as {} until {}", practitioner.to_did(), codes::role_name(role), time(expires_at)),
			);
		},
		PractitionerCommand::Revoke { practitioner } => {
			let practitioner = subject(practitioner)?;
			let call = runtime::transactions().identity().revoke_attestation(Static(practitioner));
			ctx.submit(&chain, &keys, &call, "revoke attestation").await?;
			ctx.print(&json!({ "revoked": practitioner.to_did() }), || {
				format!("your attestation of {} is revoked", practitioner.to_did())
			});
		},
	}
	Ok(())
}

fn consent_json(c: &medchain_primitives::consent::ConsentRecord) -> Value {
	let (grantee_kind, grantee) = match c.grantee {
		Grantee::Practitioner(s) => ("practitioner", s),
		Grantee::Organization(s) => ("organization", s),
	};
	json!({
		"id": c.id.0,
		"patient": c.patient.to_did(),
		"grantor": c.grantor.to_did(),
		"grantee": grantee.to_did(),
		"grantee_kind": grantee_kind,
		"actions": c.actions.iter().map(codes::action_name).collect::<Vec<_>>(),
		"classes": c.classes.iter().map(|x| x.code()).collect::<Vec<_>>(),
		"records": c.records.iter().map(|r| hex0x(&r.0)).collect::<Vec<_>>(),
		"excluded": c.excluded.iter().map(|x| x.code()).collect::<Vec<_>>(),
		"purposes": c.purposes.iter().map(|x| x.code()).collect::<Vec<_>>(),
		"valid_from": c.valid_from,
		"valid_until": c.valid_until,
		"status": match c.status { ConsentStatus::Active => "active", ConsentStatus::Revoked { .. } => "revoked" },
		"granted_at": c.granted_at,
	})
}

fn decision_json(decision: &AccessDecision) -> Value {
	match decision {
		AccessDecision::Permit(basis) => {
			let basis = match basis {
				PermitBasis::OwnData => json!({ "own_data": true }),
				PermitBasis::Consent(id) => json!({ "consent": id.0 }),
				PermitBasis::Emergency(id) => json!({ "emergency": id.0 }),
			};
			json!({ "decision": "permit", "basis": basis })
		},
		AccessDecision::Deny(reason) => json!({ "decision": "deny", "reason": reason.code() }),
	}
}

async fn consent(ctx: &Ctx<'_>, command: &ConsentCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	match command {
		ConsentCommand::Grant { to, organization, patient, coverage, actions, purposes, days } => {
			let keys = ctx.keys()?;
			let patient = ctx.subject_or_me(patient.as_deref(), &chain, &keys).await?;
			let to = subject(to)?;
			let grantee =
				if *organization { Grantee::Organization(to) } else { Grantee::Practitioner(to) };
			let records = coverage
				.records
				.split(',')
				.filter(|s| !s.trim().is_empty())
				.map(record_id)
				.collect::<Result<Vec<_>>>()?;
			let terms = runtime::runtime_types::pallet_consent::types::ConsentTerms {
				grantee: Static(grantee),
				actions: Static(ActionSet::of(&code(codes::list(actions, codes::action))?)),
				classes: Static(DataClassSet::of(&code(codes::list(
					&coverage.classes,
					codes::data_class,
				))?)),
				records: records.iter().copied().map(Static).collect(),
				excluded: Static(DataClassSet::of(&code(codes::list(
					&coverage.exclude,
					codes::data_class,
				))?)),
				purposes: Static(PurposeSet::of(&code(codes::list(purposes, codes::purpose))?)),
				valid_from: 0,
				valid_until: days.map(|d| now_ms() + d * 24 * 3600 * 1000),
			};
			let call = runtime::transactions().consent().grant(Static(patient), terms);
			let included = ctx.submit(&chain, &keys, &call, "grant consent").await?;
			let granted = included
				.events
				.find_first::<runtime::consent::events::ConsentGranted>()
				.and_then(|e| e.ok())
				.ok_or_else(|| Failure::new("the chain reported no ConsentGranted event"))?;
			let record = chain.consent(granted.id.0).await?;
			let value =
				record.as_ref().map(consent_json).unwrap_or(json!({ "id": granted.id.0 .0 }));
			ctx.print(&value, || format!("granted consent {} to {}", granted.id.0 .0, to.to_did()));
		},
		ConsentCommand::Revoke { id } => {
			let keys = ctx.keys()?;
			let call = runtime::transactions().consent().revoke(Static(ConsentId(*id)));
			ctx.submit(&chain, &keys, &call, "revoke consent").await?;
			ctx.print(&json!({ "revoked": id }), || format!("consent {id} is revoked"));
		},
		ConsentCommand::List { patient } => {
			let patient = match patient {
				Some(text) => subject(text)?,
				None => {
					let keys = ctx.keys()?;
					ctx.me(&chain, &keys).await?
				},
			};
			let consents = chain.consents_of_patient(patient, 1000).await?;
			let values: Vec<Value> = consents.iter().map(consent_json).collect();
			ctx.print(&Value::Array(values.clone()), || {
				table(
					&[
						"id",
						"grantee",
						"actions",
						"classes / records",
						"purposes",
						"until",
						"status",
					],
					values
						.iter()
						.map(|c| {
							let list = |key: &str| {
								c[key]
									.as_array()
									.map(|a| {
										a.iter()
											.filter_map(|v| v.as_str())
											.collect::<Vec<_>>()
											.join(",")
									})
									.unwrap_or_default()
							};
							vec![
								c["id"].to_string(),
								format!(
									"{} {}",
									c["grantee_kind"].as_str().unwrap_or(""),
									c["grantee"].as_str().unwrap_or("")
								),
								list("actions"),
								format!("{} {}", list("classes"), list("records")),
								list("purposes"),
								c["valid_until"]
									.as_u64()
									.map(time)
									.unwrap_or_else(|| "revoked by patient".into()),
								c["status"].as_str().unwrap_or("").into(),
							]
						})
						.collect(),
				)
			});
		},
		ConsentCommand::Check {
			patient,
			accessor,
			action,
			class,
			record,
			purpose,
			require_permit,
		} => {
			let needs_me = patient.is_none() || accessor.is_none();
			let me = if needs_me {
				let keys = ctx.keys()?;
				Some(ctx.me(&chain, &keys).await?)
			} else {
				None
			};
			let resolve = |text: &Option<String>| -> Result<SubjectId> {
				match text {
					Some(text) => subject(text),
					None => Ok(me.expect("resolved above")),
				}
			};
			let (patient, accessor) = (resolve(patient)?, resolve(accessor)?);
			let target = match (class, record) {
				(_, Some(record)) => AccessTarget::Record(record_id(record)?),
				(Some(class), None) => AccessTarget::Class(code(codes::data_class(class))?),
				(None, None) => return Err(Failure::new("name a --class or a --record")),
			};
			let action = code(codes::action(action))?;
			let purpose = code(codes::purpose(purpose))?;
			let decision = chain.check_access(patient, accessor, action, target, purpose).await?;
			let value = decision_json(&decision);
			ctx.print(&value, || match &decision {
				AccessDecision::Permit(_) => format!("PERMIT ({})", value["basis"]),
				AccessDecision::Deny(reason) => format!("DENY: {}", reason.code()),
			});
			if *require_permit && !decision.is_permit() {
				return Err(Failure::with_code(
					format!("access denied: {}", value["reason"].as_str().unwrap_or("")),
					3,
				));
			}
		},
	}
	Ok(())
}

async fn emergency(ctx: &Ctx<'_>, command: &EmergencyCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	let keys = ctx.keys()?;
	match command {
		EmergencyCommand::Open { patient, minutes, justification_file } => {
			let patient = subject(patient)?;
			let justification = match justification_file {
				Some(path) => std::fs::read(path)
					.map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?,
				None => {
					let mut text = Vec::new();
					std::io::stdin()
						.read_to_end(&mut text)
						.map_err(|e| Failure::new(format!("cannot read the justification: {e}")))?;
					text
				},
			};
			if justification.iter().all(u8::is_ascii_whitespace) {
				return Err(Failure::new(
					"the justification is empty: say why the glass is broken",
				));
			}
			let commitment = Commitment::new(&justification);
			let call = runtime::transactions().consent().open_emergency_access(
				Static(patient),
				minutes * 60 * 1000,
				commitment.hash,
			);
			let included = ctx.submit(&chain, &keys, &call, "open emergency access").await?;
			let opened = included
				.events
				.find_first::<runtime::consent::events::EmergencyAccessOpened>()
				.and_then(|e| e.ok())
				.ok_or_else(|| Failure::new("the chain reported no EmergencyAccessOpened event"))?;
			ctx.print(
				&json!({ "id": opened.id.0 .0, "expires_at": opened.expires_at, "justification": { "hash": hex0x(commitment.hash.as_bytes()), "salt": hex0x(&commitment.salt) } }),
				|| format!("emergency access {} open until {}; keep the justification and its salt {}", opened.id.0 .0, time(opened.expires_at), hex0x(&commitment.salt)),
			);
		},
		EmergencyCommand::End { id } => {
			let call =
				runtime::transactions().consent().end_emergency_access(Static(EmergencyId(*id)));
			ctx.submit(&chain, &keys, &call, "end emergency access").await?;
			ctx.print(&json!({ "ended": id }), || format!("emergency access {id} ended"));
		},
	}
	Ok(())
}

fn anchor_json(a: &RecordAnchor) -> Value {
	json!({
		"id": hex0x(&a.id.0),
		"patient": a.patient.to_did(),
		"author": a.author.to_did(),
		"custodian": a.custodian.to_did(),
		"class": a.class.code(),
		"content_hash": hex0x(a.content_hash.as_bytes()),
		"size": a.size,
		"created": a.created,
		"predecessor": a.predecessor.map(|p| hex0x(&p.0)),
		"version": a.version,
		"status": a.status.code(),
	})
}

fn anchor_rows(a: &RecordAnchor) -> String {
	table(
		&["field", "value"],
		vec![
			vec!["id".into(), hex0x(&a.id.0)],
			vec!["patient".into(), a.patient.to_did()],
			vec!["author".into(), a.author.to_did()],
			vec!["custodian".into(), a.custodian.to_did()],
			vec!["class".into(), a.class.code().into()],
			vec!["version".into(), a.version.to_string()],
			vec!["status".into(), a.status.code().into()],
			vec!["size".into(), format!("{} bytes", a.size)],
			vec!["content hash".into(), hex0x(a.content_hash.as_bytes())],
			vec!["created".into(), time(a.created)],
		],
	)
}

/// Encrypts `file` into a temporary blob in `out`: (its path, the sealing).
fn seal_file(file: &Path, out: &Path) -> Result<(PathBuf, envelope::Sealed)> {
	std::fs::create_dir_all(out)
		.map_err(|e| Failure::new(format!("cannot create {}: {e}", out.display())))?;
	let input = File::open(file)
		.map_err(|e| Failure::new(format!("cannot read {}: {e}", file.display())))?;
	let temporary = out.join(format!(".sealing-{}", std::process::id()));
	let output = File::create(&temporary)
		.map_err(|e| Failure::new(format!("cannot write {}: {e}", temporary.display())))?;
	let sealed = envelope::seal_stream(BufReader::new(input), BufWriter::new(output));
	let sealed = sealed.inspect_err(|_| {
		let _ = std::fs::remove_file(&temporary);
	})?;
	Ok((temporary, sealed))
}

/// A failed submission: the sealed blob is deleted when the chain certainly refused it, kept (and
/// named) when the transaction may still be included.
fn keep_on_doubt(error: chain::ChainError, temporary: &Path) -> Failure {
	match error {
		chain::ChainError::Pallet { .. } | chain::ChainError::Dispatch(_) => {
			let _ = std::fs::remove_file(temporary);
			Failure::from(error)
		},
		other => Failure::new(format!(
			"{other} (the transaction may still be included: the sealed blob is kept at {})",
			temporary.display()
		)),
	}
}

/// The gateway's `/info`, checked on chain: an active gateway of the organization it names,
/// with the key it shows. The custodian's envelope is wrapped for that key.
async fn verified_gateway(
	chain: &Chain,
	gateway: &medchain_client::gateway::Gateway,
	ctx: &Ctx<'_>,
) -> Result<medchain_client::gateway::GatewayInfo> {
	let info = gateway.info().await.map_err(|e| Failure::new(e.to_string()))?;
	let document = chain.identity(info.gateway).await?;
	let genuine = document.is_some_and(|d| {
		d.kind == SubjectKind::Gateway
			&& d.status == medchain_primitives::identity::SubjectStatus::Active
			&& d.organization == Some(info.organization)
			&& d.key_agreement == info.key_agreement
	});
	if !genuine {
		return Err(Failure::new(format!(
			"the gateway at {} is not what the chain says: {} is not an active gateway of {} with that key",
			ctx.cli.gateway,
			info.gateway.to_did(),
			info.organization.to_did()
		)));
	}
	Ok(info)
}

/// Uploads with a progress bar on a terminal.
async fn upload_with_progress(
	ctx: &Ctx<'_>,
	gateway: &medchain_client::gateway::Gateway,
	keys: &Keys,
	id: &RecordId,
	blob: &Path,
	envelopes: &[Envelope],
) -> std::result::Result<(), medchain_client::gateway::GatewayError> {
	let size = std::fs::metadata(blob)?.len();
	let bar = ctx.progress_bar(size, "uploading");
	let ticker = bar.clone();
	let result = gateway
		.put(keys, id, blob, envelopes, move |sent| {
			if let Some(bar) = &ticker {
				bar.set_position(sent);
			}
		})
		.await;
	if let Some(bar) = bar {
		bar.finish_and_clear();
	}
	result
}

/// The directory `out` is in (`.` for a bare file name).
fn dir_of(out: &Path) -> &Path {
	out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Decrypts `blob` with `key` into `out`, in one pass over one handle: the bytes decrypted are
/// the bytes hashed, and the plaintext lands in a private temporary file kept only if they
/// match the anchor. `label` names the blob in errors. Returns the plaintext's size.
fn decrypt_verified(
	key: &envelope::DataKey,
	blob: &Path,
	anchor: &RecordAnchor,
	out: &Path,
	label: &str,
) -> Result<u64> {
	let input = File::open(blob)
		.map(BufReader::new)
		.map_err(|e| Failure::new(format!("cannot read {label}: {e}")))?;
	let out_dir = dir_of(out);
	let mut temporary = tempfile::NamedTempFile::new_in(out_dir)
		.map_err(|e| Failure::new(format!("cannot write in {}: {e}", out_dir.display())))?;
	let written = envelope::open_verified(
		key,
		input,
		BufWriter::new(temporary.as_file_mut()),
		&anchor.content_hash,
		anchor.size,
	)
	.map_err(|e| Failure::new(format!("{label}: {e}")))?;
	temporary
		.persist(out)
		.map_err(|e| Failure::new(format!("cannot write {}: {}", out.display(), e.error)))?;
	Ok(written)
}

fn blob_path(out: &Path, id: &RecordId) -> PathBuf {
	out.join(format!("{}.blob", hex0x(&id.0)))
}

fn envelope_path(out: &Path, id: &RecordId, recipient: &[u8; 32]) -> PathBuf {
	out.join(format!("{}.{}.envelope", hex0x(&id.0), hex::encode(&recipient[..8])))
}

/// After anchoring: the blob under its record's name, envelopes for the patient and custodian.
async fn store_sealed(
	chain: &Chain,
	out: &Path,
	temporary: &Path,
	sealed: &envelope::Sealed,
	anchor: &RecordAnchor,
	gateway_key: Option<[u8; 32]>,
) -> Result<Vec<PathBuf>> {
	std::fs::rename(temporary, blob_path(out, &anchor.id))
		.map_err(|e| Failure::new(format!("cannot store the blob: {e}")))?;
	let mut written = vec![blob_path(out, &anchor.id)];
	let mut recipients = Vec::new();
	for holder in [anchor.patient, anchor.custodian] {
		let document = chain
			.identity(holder)
			.await?
			.ok_or_else(|| Failure::new(format!("{} has no identity document", holder.to_did())))?;
		recipients.push(document.key_agreement);
	}
	recipients.extend(gateway_key);
	for recipient in recipients {
		let envelope = envelope::wrap(&sealed.key, &anchor.id, &recipient)?;
		let path = envelope_path(out, &anchor.id, &recipient);
		std::fs::write(&path, envelope.to_bytes())
			.map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?;
		written.push(path);
	}
	Ok(written)
}

async fn anchored(
	ctx: &Ctx<'_>,
	chain: &Chain,
	included: &chain::Included,
	out: &Path,
	temporary: &Path,
	sealed: &envelope::Sealed,
	gateway_key: Option<[u8; 32]>,
) -> Result<()> {
	let event = included
		.events
		.find_first::<runtime::records::events::RecordAnchored>()
		.and_then(|e| e.ok())
		.ok_or_else(|| Failure::new("the chain reported no RecordAnchored event"))?;
	let anchor = RecordAnchor {
		id: event.id.0,
		patient: event.patient.0,
		author: event.author.0,
		custodian: event.custodian.0,
		class: event.class.0,
		content_hash: event.content_hash,
		size: event.size,
		created: 0,
		predecessor: event.predecessor.map(|p| p.0),
		version: event.version,
		status: medchain_primitives::records::RecordStatus::Active,
		index: 0,
	};
	let files = store_sealed(chain, out, temporary, sealed, &anchor, gateway_key).await?;
	let mut value = anchor_json(&anchor);
	value.as_object_mut().expect("an object").remove("created");
	value["files"] = json!(files);
	ctx.print(&value, || {
		format!(
			"anchored record {} (version {}, {} bytes of ciphertext) at {}\nfor the custodian: {}",
			hex0x(&anchor.id.0),
			anchor.version,
			anchor.size,
			anchor.custodian.to_did(),
			files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ")
		)
	});
	Ok(())
}

async fn record(ctx: &Ctx<'_>, command: &RecordCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	match command {
		RecordCommand::Anchor { file, class, patient, custodian, purpose, out, for_gateway } => {
			let keys = ctx.keys()?;
			let patient = ctx.subject_or_me(patient.as_deref(), &chain, &keys).await?;
			let class = code(codes::data_class(class))?;
			let purpose = code(codes::purpose(purpose))?;
			let mut custodian = custodian.as_deref().map(subject).transpose()?;
			let gateway_key = if *for_gateway {
				let info = verified_gateway(&chain, &ctx.gateway()?, ctx).await?;
				if custodian.is_some_and(|c| c != info.organization) {
					return Err(Failure::new(format!(
						"the gateway keeps records of {}, not of the custodian named",
						info.organization.to_did()
					)));
				}
				custodian = Some(info.organization);
				Some(info.key_agreement)
			} else {
				None
			};
			let (temporary, sealed) = seal_file(file, out)?;
			let call = runtime::transactions().records().anchor(
				Static(patient),
				Static(class),
				sealed.content_hash,
				sealed.size,
				custodian.map(Static),
				Static(purpose),
			);
			let included = ctx.submit(&chain, &keys, &call, "anchor record").await;
			let included = included.map_err(|e| keep_on_doubt(e, &temporary))?;
			anchored(ctx, &chain, &included, out, &temporary, &sealed, gateway_key).await?;
		},
		RecordCommand::Amend { predecessor, file, custodian, purpose, out } => {
			let keys = ctx.keys()?;
			let predecessor = record_id(predecessor)?;
			let purpose = code(codes::purpose(purpose))?;
			let custodian = custodian.as_deref().map(subject).transpose()?;
			let (temporary, sealed) = seal_file(file, out)?;
			let call = runtime::transactions().records().amend(
				Static(predecessor),
				sealed.content_hash,
				sealed.size,
				custodian.map(Static),
				Static(purpose),
			);
			let included = ctx.submit(&chain, &keys, &call, "anchor new version").await;
			let included = included.map_err(|e| keep_on_doubt(e, &temporary))?;
			anchored(ctx, &chain, &included, out, &temporary, &sealed, None).await?;
		},
		RecordCommand::List { patient, class, status, limit } => {
			let patient = match patient {
				Some(text) => subject(text)?,
				None => {
					let keys = ctx.keys()?;
					ctx.me(&chain, &keys).await?
				},
			};
			let filter = RecordFilter {
				class: class.as_deref().map(codes::data_class).transpose().map_err(Failure::new)?,
				status: status
					.as_deref()
					.map(codes::record_status)
					.transpose()
					.map_err(Failure::new)?,
			};
			let mut records = Vec::new();
			let mut before = None;
			while records.len() < *limit as usize {
				let page = chain
					.records_of(patient, filter, before, *limit - records.len() as u32)
					.await?;
				records.extend(page.records);
				match page.next {
					Some(next) => before = Some(next),
					None => break,
				}
			}
			let values: Vec<Value> = records.iter().map(anchor_json).collect();
			ctx.print(&Value::Array(values), || {
				table(
					&["id", "class", "version", "status", "size", "custodian", "created"],
					records
						.iter()
						.map(|a| {
							vec![
								hex0x(&a.id.0),
								a.class.code().into(),
								a.version.to_string(),
								a.status.code().into(),
								a.size.to_string(),
								a.custodian.to_did(),
								time(a.created),
							]
						})
						.collect(),
				)
			});
		},
		RecordCommand::Show { id } => {
			let id = record_id(id)?;
			let anchor = chain
				.record(id)
				.await?
				.ok_or_else(|| Failure::new(format!("no record {}", hex0x(&id.0))))?;
			ctx.print(&anchor_json(&anchor), || anchor_rows(&anchor));
		},
		RecordCommand::Open { id, dir, out } => {
			let keys = ctx.keys()?;
			let id = record_id(id)?;
			let anchor = chain
				.record(id)
				.await?
				.ok_or_else(|| Failure::new(format!("no record {}", hex0x(&id.0))))?;
			if anchor.status == medchain_primitives::records::RecordStatus::Erased {
				return Err(Failure::new(format!("record {} is erased", hex0x(&id.0))));
			}
			let blob = blob_path(dir, &id);
			let path = envelope_path(dir, &id, &keys.agreement_public());
			let bytes = std::fs::read(&path).map_err(|e| {
				Failure::new(format!("no envelope for your key ({}): {e}", path.display()))
			})?;
			let key = envelope::unwrap(&Envelope::from_bytes(&bytes)?, &id, keys.agreement())?;
			let written = decrypt_verified(&key, &blob, &anchor, out, &blob.display().to_string())?;
			ctx.print(&json!({ "id": hex0x(&id.0), "out": out, "size": written }), || {
				format!("decrypted record {} ({written} bytes) to {}", hex0x(&id.0), out.display())
			});
		},
		RecordCommand::Put { file, class, patient, purpose, out } => {
			let keys = ctx.keys()?;
			let gateway = ctx.gateway()?;
			let info = verified_gateway(&chain, &gateway, ctx).await?;
			let patient = ctx.subject_or_me(patient.as_deref(), &chain, &keys).await?;
			let class = code(codes::data_class(class))?;
			let purpose = code(codes::purpose(purpose))?;
			let patient_key = chain
				.identity(patient)
				.await?
				.ok_or_else(|| Failure::new(format!("{} has no identity", patient.to_did())))?
				.key_agreement;
			let (temporary, sealed) = seal_file(file, out)?;
			let call = runtime::transactions().records().anchor(
				Static(patient),
				Static(class),
				sealed.content_hash,
				sealed.size,
				Some(Static(info.organization)),
				Static(purpose),
			);
			// The gateway reads anchors at the finalized block: wait for it whatever --wait says.
			let included = ctx
				.submit_waiting(&chain, &keys, &call, "anchor record", chain::Wait::Finalized)
				.await;
			let included = included.map_err(|e| keep_on_doubt(e, &temporary))?;
			let event = included
				.events
				.find_first::<runtime::records::events::RecordAnchored>()
				.and_then(|e| e.ok())
				.ok_or_else(|| Failure::new("the chain reported no RecordAnchored event"))?;
			let id = event.id.0;
			let envelopes = vec![
				envelope::wrap(&sealed.key, &id, &patient_key)?,
				envelope::wrap(&sealed.key, &id, &info.key_agreement)?,
			];
			let uploaded =
				upload_with_progress(ctx, &gateway, &keys, &id, &temporary, &envelopes).await;
			if let Err(error) = uploaded {
				// Keep what a retry needs: `record upload` sends these files.
				std::fs::rename(&temporary, blob_path(out, &id))
					.map_err(|e| Failure::new(format!("cannot keep the blob: {e}")))?;
				for envelope in &envelopes {
					std::fs::write(
						envelope_path(out, &id, &envelope.recipient),
						envelope.to_bytes(),
					)
					.map_err(|e| Failure::new(format!("cannot keep an envelope: {e}")))?;
				}
				return Err(Failure::new(format!(
					"record {} is anchored but the upload failed: {error}; retry with `medchain record upload {} --dir {}`",
					hex0x(&id.0),
					hex0x(&id.0),
					out.display()
				)));
			}
			let _ = std::fs::remove_file(&temporary);
			ctx.print(
				&json!({ "id": hex0x(&id.0), "patient": patient.to_did(), "custodian": info.organization.to_did(), "gateway": info.gateway.to_did(), "size": sealed.size, "content_hash": format!("{:?}", sealed.content_hash) }),
				|| format!(
					"stored record {} ({} bytes of ciphertext) at gateway {} of {}",
					hex0x(&id.0),
					sealed.size,
					info.gateway.to_did(),
					info.organization.to_did()
				),
			);
		},
		RecordCommand::Upload { id, dir } => {
			let keys = ctx.keys()?;
			let gateway = ctx.gateway()?;
			verified_gateway(&chain, &gateway, ctx).await?;
			let id = record_id(id)?;
			let prefix = format!("{}.", hex0x(&id.0));
			let mut envelopes = Vec::new();
			let entries = std::fs::read_dir(dir)
				.map_err(|e| Failure::new(format!("cannot read {}: {e}", dir.display())))?;
			for entry in entries.flatten() {
				let name = entry.file_name().to_string_lossy().into_owned();
				if name.starts_with(&prefix) && name.ends_with(".envelope") {
					let bytes = std::fs::read(entry.path())
						.map_err(|e| Failure::new(format!("cannot read {name}: {e}")))?;
					envelopes.push(Envelope::from_bytes(&bytes)?);
				}
			}
			let blob = blob_path(dir, &id);
			upload_with_progress(ctx, &gateway, &keys, &id, &blob, &envelopes)
				.await
				.map_err(|e| Failure::new(e.to_string()))?;
			ctx.print(&json!({ "id": hex0x(&id.0), "envelopes": envelopes.len() }), || {
				format!("uploaded record {} with {} envelopes", hex0x(&id.0), envelopes.len())
			});
		},
		RecordCommand::Get { id, out, purpose } => {
			let keys = ctx.keys()?;
			let gateway = ctx.gateway()?;
			let id = record_id(id)?;
			let purpose = code(codes::purpose(purpose))?;
			let anchor = chain
				.record(id)
				.await?
				.ok_or_else(|| Failure::new(format!("no record {}", hex0x(&id.0))))?;
			let out_dir = dir_of(out);
			let blob = tempfile::NamedTempFile::new_in(out_dir)
				.map_err(|e| Failure::new(format!("cannot write in {}: {e}", out_dir.display())))?;
			let envelope = gateway
				.get(&keys, &id, purpose, blob.path())
				.await
				.map_err(|e| Failure::new(e.to_string()))?;
			let key = envelope::unwrap(&envelope, &id, keys.agreement())?;
			// The gateway is not trusted: the bytes must be the anchored ciphertext.
			let label = format!("the gateway's answer for {}", hex0x(&id.0));
			let written = decrypt_verified(&key, blob.path(), &anchor, out, &label)?;
			ctx.print(
				&json!({ "id": hex0x(&id.0), "out": out, "size": written, "purpose": purpose.code() }),
				|| {
					format!(
						"fetched and decrypted record {} ({written} bytes) to {}",
						hex0x(&id.0),
						out.display()
					)
				},
			);
		},
		RecordCommand::Erase { id } => {
			let keys = ctx.keys()?;
			let id = record_id(id)?;
			let included = ctx
				.submit(
					&chain,
					&keys,
					&runtime::transactions().records().erase(Static(id)),
					"erase record",
				)
				.await?;
			let erased: Vec<String> = included
				.events
				.find::<runtime::records::events::RecordErased>()
				.filter_map(|e| e.ok())
				.map(|e| hex0x(&e.id.0 .0))
				.collect();
			ctx.print(&json!({ "erased": erased }), || format!("erased {}", erased.join(", ")));
		},
	}
	Ok(())
}

fn entry_json(e: &AuditEntry) -> Value {
	let r = &e.record;
	json!({
		"seq": e.seq,
		"type": r.event_type.code(),
		"action": r.action.code(),
		"outcome": r.outcome.code(),
		"actor": r.actor.to_did(),
		"policy": r.policy.map(|p| format!("{p:?}")),
		"deny_reason": r.deny_reason.map(|d| d.code()),
		"record": r.entity.map(|x| hex0x(&x.record.0)),
		"purpose": r.purpose.map(|p| p.code()),
		"recorded": e.recorded,
		"block": e.block,
		"hash": hex0x(e.hash.as_bytes()),
	})
}

async fn audit(ctx: &Ctx<'_>, command: &AuditCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	let patient_of = |text: &Option<String>| text.clone();
	let patient = match command {
		AuditCommand::Show { patient }
		| AuditCommand::Verify { patient }
		| AuditCommand::ExportFhir { patient, .. } => patient_of(patient),
	};
	let patient = match patient {
		Some(text) => subject(&text)?,
		None => {
			let keys = ctx.keys()?;
			ctx.me(&chain, &keys).await?
		},
	};
	let entries = chain.trail(patient).await?;
	match command {
		AuditCommand::Show { .. } => {
			let values: Vec<Value> = entries.iter().map(entry_json).collect();
			ctx.print(&Value::Array(values), || {
				table(
					&["#", "recorded", "event", "action", "outcome", "actor", "record / reason"],
					entries
						.iter()
						.map(|e| {
							let r = &e.record;
							vec![
								e.seq.to_string(),
								time(e.recorded),
								r.event_type.code().into(),
								r.action.code().into(),
								r.outcome.code().into(),
								r.actor.to_did(),
								r.deny_reason
									.map(|d| d.code().to_string())
									.or_else(|| r.entity.map(|x| hex0x(&x.record.0)))
									.unwrap_or_default(),
							]
						})
						.collect(),
				)
			});
		},
		AuditCommand::Verify { .. } => {
			let genesis: H256 = chain.genesis_hash();
			let head = chain.trail_head(patient).await?;
			let local = verify_locally(&genesis, &patient, &entries);
			let remote = chain.verify_trail(patient).await?;
			let head_matches = entries.last().map_or(H256::zero(), |e| e.hash) == head.hash
				&& head.count == entries.len() as u64;
			let ok = local.is_ok() && remote.first_bad.is_none() && head_matches;
			let value = json!({
				"patient": patient.to_did(),
				"entries": entries.len(),
				"verified": ok,
				"local_first_bad": local.err(),
				"node_first_bad": remote.first_bad,
				"head_matches": head_matches,
				"head": hex0x(head.hash.as_bytes()),
			});
			ctx.print(&value, || {
				if ok {
					format!(
						"trail of {} verified: {} entries, head {}",
						patient.to_did(),
						entries.len(),
						hex0x(head.hash.as_bytes())
					)
				} else {
					format!("trail of {} does NOT verify: {value}", patient.to_did())
				}
			});
			if !ok {
				return Err(Failure::with_code("the audit trail does not verify", 2));
			}
		},
		AuditCommand::ExportFhir { out, .. } => {
			let bundle =
				fhir::bundle(entries.iter().map(|e| fhir::audit_event(&patient, e)).collect());
			let text = serde_json::to_string_pretty(&bundle).expect("JSON serializes");
			match out {
				Some(path) => {
					std::fs::write(path, text).map_err(|e| {
						Failure::new(format!("cannot write {}: {e}", path.display()))
					})?;
					if !ctx.json() {
						println!(
							"wrote {} AuditEvent resources to {}",
							entries.len(),
							path.display()
						);
					} else {
						println!("{}", json!({ "out": path, "entries": entries.len() }));
					}
				},
				None => println!("{text}"),
			}
		},
	}
	Ok(())
}

async fn balance(ctx: &Ctx<'_>, command: &BalanceCommand) -> Result<()> {
	const UNIT: u128 = 1_000_000_000_000;
	let chain = ctx.chain().await?;
	let account_of = |text: &str| -> Result<chain::AccountId32> {
		text.parse()
			.map_err(|e| Failure::new(format!("`{text}` is not an SS58 account: {e:?}")))
	};
	match command {
		BalanceCommand::Show { account } => {
			let account = match account {
				Some(text) => account_of(text)?,
				None => ctx.keys()?.account(),
			};
			let free = chain.free_balance(&account).await?;
			ctx.print(&json!({ "account": account.to_string(), "free": free.to_string() }), || {
				format!("{account}: {}.{:012} units", free / UNIT, free % UNIT)
			});
		},
		BalanceCommand::Transfer { to, units } => {
			let keys = ctx.keys()?;
			let to = account_of(to)?;
			let amount = u128::from(*units) * UNIT;
			let call = runtime::transactions()
				.balances()
				.transfer_keep_alive(chain::MultiAddress::Id(to), amount);
			ctx.submit(&chain, &keys, &call, "transfer").await?;
			ctx.print(&json!({ "to": to.to_string(), "amount": amount.to_string() }), || {
				format!("sent {units} units to {to}")
			});
		},
	}
	Ok(())
}
