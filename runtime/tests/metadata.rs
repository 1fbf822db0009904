//! The client's interface is generated from `client/metadata/medchain.scale`: this test fails when
//! that file no longer matches the runtime, and `scripts/refresh-metadata.sh` rewrites it
//! (`MEDCHAIN_REFRESH_METADATA=1`).

use std::path::PathBuf;

#[test]
fn the_clients_metadata_matches_the_runtime() {
	let metadata = medchain_runtime::Runtime::metadata_at_version(16)
		.expect("the runtime offers metadata V16");
	let current: &[u8] = &metadata;
	let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../client/metadata/medchain.scale");
	if std::env::var_os("MEDCHAIN_REFRESH_METADATA").is_some() {
		std::fs::write(&path, current).expect("the metadata file is writable");
	}
	let checked_in = std::fs::read(&path).unwrap_or_default();
	assert!(
		checked_in == current,
		"client/metadata/medchain.scale is stale: run scripts/refresh-metadata.sh and rebuild the client"
	);
}
